"""Turn graph values into the JSON shapes a LangGraph Server client receives.

The real server serialises every response with orjson; a remote client then sees plain
JSON (tuples become lists, pydantic models and messages become dicts, interrupts become
``{"value", "id", "response_schema"}``). The in-kernel client must hand back the same
shapes, so values take the same round trip through JSON here.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections import deque
from datetime import timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import orjson

__all__ = ["dumps", "to_json", "to_record"]


def _default(obj: Any) -> Any:
    """Serialise what orjson does not know natively, the way the server does."""
    if hasattr(obj, "model_dump") and not isinstance(obj, type):
        return obj.model_dump()
    if hasattr(obj, "_asdict") and not isinstance(obj, type):
        return obj._asdict()
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj)}
    if isinstance(obj, BaseException):
        return {"error": type(obj).__name__, "message": str(obj)}
    if isinstance(obj, (set, frozenset, deque)):
        return list(obj)
    if isinstance(obj, timedelta):
        return obj.total_seconds()
    if isinstance(obj, timezone):
        return obj.tzname(None)
    if isinstance(obj, Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    if isinstance(obj, (uuid.UUID, Path)):
        return str(obj)
    if hasattr(obj, "node") and hasattr(obj, "arg"):  # langgraph.types.Send
        return {"node": obj.node, "args": obj.arg}
    if isinstance(obj, type):
        return f"{obj.__module__}.{obj.__qualname__}"
    raise TypeError(f"cannot turn a {type(obj).__name__} into JSON")


_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_SERIALIZE_NUMPY


def dumps(obj: Any) -> bytes:
    """JSON bytes for ``obj``, with the server's rules for non-JSON types."""
    return orjson.dumps(obj, default=_default, option=_OPTIONS)


def to_json(obj: Any) -> Any:
    """``obj`` as a remote client would receive it: plain dicts, lists, strings, numbers."""
    return orjson.loads(dumps(obj))


def _default_or_repr(obj: Any) -> Any:
    try:
        return _default(obj)
    except TypeError:
        return repr(obj)


def to_record(obj: Any) -> Any:
    """``obj`` as a record keeps it: ``to_json``'s shapes, and ``repr`` for an object with
    no JSON form (a callback handler in a run's config)."""
    return orjson.loads(orjson.dumps(obj, default=_default_or_repr, option=_OPTIONS))
