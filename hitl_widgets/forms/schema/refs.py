"""`$ref` resolution inside one response schema (`#/$defs/...`, `#/definitions/...`).

Only local references are followed: a response schema travels with its interrupt, and a
form must never fetch anything from the network to render it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

MAX_REF_CHAIN = 32
"""A `$ref` pointing to a `$ref`... deeper than this is a cycle, not a schema."""


class RefError(ValueError):
    """A `$ref` that cannot be followed (remote, missing, or a cycle of bare refs)."""


def _pointer(root: dict[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#"):
        raise RefError(f"only local $ref are supported, got {ref!r}")
    node: Any = root
    for part in [p for p in ref[1:].split("/") if p]:
        part = unquote(part).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise RefError(f"$ref {ref!r} points to nothing in the schema")
    if node is True:
        return {}
    if not isinstance(node, dict):
        raise RefError(f"$ref {ref!r} does not point to a schema")
    return node


def resolve(root: dict[str, Any], schema: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """Follow `schema`'s `$ref` (if any): the target with the sibling keywords laid over it.

    Returns the resolved schema and the last ref followed (None when there was none), which
    the builder counts to bound recursive models.
    """
    last: str | None = None
    for _ in range(MAX_REF_CHAIN):
        ref = schema.get("$ref")
        if not isinstance(ref, str):
            return schema, last
        siblings = {k: v for k, v in schema.items() if k != "$ref"}
        schema = {**_pointer(root, ref), **siblings}
        last = ref
    raise RefError(f"$ref chain longer than {MAX_REF_CHAIN} (a cycle?) at {last!r}")


def merge_all_of(root: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Fold `allOf` into one schema (properties and `required` merged, other keywords laid over).

    Enough for what generators emit (pydantic v1's `allOf: [{$ref}]`, mixins); conflicting
    constraints are left for validation to report.
    """
    parts = schema.get("allOf")
    if not isinstance(parts, list):
        return schema
    out: dict[str, Any] = {k: v for k, v in schema.items() if k != "allOf"}
    props: dict[str, Any] = dict(out.get("properties", {}))
    required: list[str] = list(out.get("required", []))
    for part in parts:
        sub, _ = resolve(root, part) if isinstance(part, dict) else ({}, None)
        sub = merge_all_of(root, sub)
        props.update(sub.get("properties", {}))
        required += [r for r in sub.get("required", []) if r not in required]
        for k, v in sub.items():
            if k not in ("properties", "required", "title", "description"):
                out.setdefault(k, v)
    if props:
        out["properties"] = props
    if required:
        out["required"] = required
    return out
