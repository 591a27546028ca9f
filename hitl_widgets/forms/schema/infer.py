"""A JSON Schema guessed from a value, so that an untyped value gets typed fields.

The guess is a presentation choice, not a contract: forms built from it are not validated
against it (the graph never promised that shape), only parsed.
"""

from __future__ import annotations

from typing import Any

from hitl_widgets.forms.fields.scalars import MULTILINE_AT


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "other"


def schema_from_value(value: Any, *, multiline: bool = False) -> dict[str, Any]:
    """The schema whose form shows `value` with one matching field per part.

    `None` and values that JSON cannot hold map to `{}` (a JSON editor). A list gets typed
    items only when all its items share one JSON type; mixed lists are edited as JSON.
    """
    kind = _json_type(value)
    if kind == "string":
        long = multiline or "\n" in value or len(value) > MULTILINE_AT
        return {"type": "string", "format": "textarea"} if long else {"type": "string"}
    if kind in ("boolean", "integer", "number"):
        return {"type": kind}
    if kind == "array":
        # Typed items only when every item would get the same fields; else JSON per item.
        items = [schema_from_value(v) for v in value]
        if items and all(i == items[0] for i in items) and items[0]:
            return {"type": "array", "items": items[0]}
        return {"type": "array", "items": {}}
    if kind == "object" and all(isinstance(k, str) for k in value):
        return {
            "type": "object",
            "properties": {k: {**schema_from_value(v), "title": k} for k, v in value.items()},
            "required": list(value),
        }
    return {}
