"""The run request: the LangGraph Server's ``RunCreate`` payload, built once.

Both doors in build the same object and the runtime takes only that:

- the in-kernel client (``client/local.py``) constructs a ``RunCreate`` from its keyword
  arguments, field by field;
- the HTTP API (``hitl_widgets.http``) parses a request body with :func:`parse_run_create`,
  which checks every field's JSON type strictly and answers 422 naming the fields that are
  wrong.

``RunOps.start_run`` reads ``command``, ``config``, ``stream_mode`` ... from it, so a reader
can follow ``command`` from ``runs.wait`` to LangGraph by name. Fields that only mean
something to a deployed server (``webhook``, ``durability``, ``feedback_keys``,
``after_seconds``, ...) are not part of it: the client accepts and ignores them, and a body
carrying them is accepted too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal, TypeVar

from pydantic import TypeAdapter, ValidationError

from hitl_widgets.runtime.errors import unprocessable

__all__ = ["MultitaskStrategy", "RunCreate", "parse_body", "parse_run_create"]

MultitaskStrategy = Literal["reject", "interrupt", "rollback", "enqueue"]
"""What a run does when its thread is busy (``None`` means ``enqueue``, as on the server)."""


@dataclass(frozen=True, kw_only=True)
class RunCreate:
    """One run request, as the server's ``RunCreateStateful``/``RunCreateStateless`` body."""

    assistant_id: str
    """The assistant id or the graph id to run."""
    input: Any = None
    """The graph's input (``None`` continues from the thread's last checkpoint)."""
    command: Mapping[str, Any] | None = None
    """``{"resume": ..., "update": ..., "goto": ...}`` instead of ``input``."""
    config: Mapping[str, Any] | None = None
    """A runnable config (``configurable``, ``tags``, ``recursion_limit``)."""
    context: Any = None
    """The graph's static runtime context."""
    metadata: Mapping[str, Any] | None = None
    """Stored on the run and on its checkpoints."""
    stream_mode: str | list[str] = "values"
    """One stream mode or several (streams and background runs)."""
    stream_subgraphs: bool = False
    """Also stream the subgraphs' events (named ``<mode>|<namespace>``)."""
    stream_resumable: bool = False
    """Give every event an id, and keep them for ``join_stream(last_event_id=...)``."""
    checkpoint: Mapping[str, Any] | None = None
    """Start from this checkpoint (time travel); a fork is made when the run writes."""
    checkpoint_id: str | None = None
    """Short for ``checkpoint={"checkpoint_id": ...}``."""
    interrupt_before: Literal["*"] | list[str] | None = None
    """Nodes to stop before (static breakpoints)."""
    interrupt_after: Literal["*"] | list[str] | None = None
    """Nodes to stop after (static breakpoints)."""
    multitask_strategy: MultitaskStrategy | None = None
    """What to do when the thread is busy with another run."""
    if_not_exists: Literal["create", "reject"] | None = None
    """``create`` makes the thread when the id is unknown (default: 404)."""
    on_completion: Literal["delete", "keep"] | None = None
    """For a run without a thread: keep its temporary thread afterwards, or not."""
    on_disconnect: Literal["cancel", "continue"] | None = None
    """What happens to a streamed run when its caller goes away (default: it continues)."""


T = TypeVar("T")


@cache
def _adapter() -> TypeAdapter[RunCreate]:
    return TypeAdapter(RunCreate)


def parse_run_create(body: bytes | str) -> RunCreate:
    """A ``RunCreate`` from a JSON request body, every field's JSON type checked strictly.

    Raises ``UnprocessableEntityError`` (422) as :func:`parse_body` does. Keys the runtime
    does not use are ignored, as the server ignores what it does not know.
    """
    return parse_body(_adapter(), body, "run request")


def parse_body(adapter: TypeAdapter[T], body: bytes | str, what: str) -> T:
    """``body`` (JSON text) validated strictly against ``adapter``'s type.

    Raises ``UnprocessableEntityError`` (422): for malformed JSON (as the server does), for
    a body that is not a JSON object, and for wrong field types, with a ``detail`` naming
    every wrong field and ``errors`` listing them as pydantic does (``loc``, ``msg``,
    ``type``).
    """
    try:
        return adapter.validate_json(body or b"{}", strict=True)
    except ValidationError as error:
        errors = [
            {"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]}
            for e in error.errors(include_url=False, include_input=False)
        ]
        kind = errors[0]["type"] if errors else ""
        if kind == "json_invalid":
            raise unprocessable(f"Invalid JSON in request body: {errors[0]['msg']}") from None
        if kind in ("dataclass_type", "dict_type", "model_type") and not errors[0]["loc"]:
            raise unprocessable(f"a {what} must be a JSON object") from None
        fields = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors)
        raise unprocessable(f"invalid {what}: {fields}", errors=errors) from None
