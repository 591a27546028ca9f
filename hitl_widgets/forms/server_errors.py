"""Reading the error shapes a server or a graph sends back, to place them on fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

Placed = dict[str, list[tuple[tuple[str | int, ...], str]]]


def _items(errors: Any) -> list[Any] | None:
    """A list of error items from the shapes we know, or None."""
    if hasattr(errors, "errors") and callable(errors.errors):  # pydantic ValidationError
        try:
            return list(errors.errors())
        except TypeError:
            return None
    if isinstance(errors, Mapping) and isinstance(errors.get("detail"), list):
        return list(errors["detail"])
    if isinstance(errors, list | tuple):
        return list(errors)
    return None


def sort_errors(errors: Any, ids: list[str], interrupt_id: str | None) -> tuple[Placed, list[str]]:
    """Split `errors` into messages per interrupt (with their loc) and general messages."""
    placed: Placed = {}
    general: list[str] = []
    if errors is None:
        return placed, general
    if isinstance(errors, Mapping) and errors and all(k in ids for k in errors):
        for key, sub in errors.items():
            more, rest = sort_errors(sub, ids, str(key))
            for k, v in more.items():
                placed.setdefault(k, []).extend(v)
            general.extend(rest)
        return placed, general
    items = _items(errors)
    if items is None:
        text = str(errors.get("detail") if isinstance(errors, Mapping) and "detail" in errors
                   else errors)
        return placed, [text] if text else []
    default = interrupt_id if interrupt_id is not None else (ids[0] if len(ids) == 1 else None)
    for item in items:
        if not isinstance(item, Mapping):
            general.append(str(item))
            continue
        loc = tuple(item.get("loc") or ())
        msg = str(item.get("msg") or item.get("message") or item)
        target = default
        own = item.get("interrupt_id")
        if interrupt_id is None and own in ids:
            # Our own `FieldError` shape (and the view's): the id beside a relative loc, or
            # repeated as the loc's first key.
            target = str(own)
            if loc and loc[0] == own:
                loc = loc[1:]
        elif loc and loc[0] in ids and interrupt_id is None:
            target, loc = str(loc[0]), loc[1:]
        if target is None:
            general.append(msg if not loc else ".".join(map(str, loc)) + ": " + msg)
        else:
            placed.setdefault(target, []).append((loc, msg))
    return placed, general
