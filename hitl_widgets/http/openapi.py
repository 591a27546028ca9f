"""This server's OpenAPI document (``/openapi.json``) and its one-page reference (``/docs``).

Made from the route table itself — every path, method and path parameter, each operation's
docstring as its summary, and the JSON Schema of each request body (the same ``TypedDict``s
and ``RunCreate`` the bodies are parsed with) — so the document cannot drift from the
routes. Routes this server does not offer are listed as such (``deprecated``, 404).
"""

from __future__ import annotations

import html
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from hitl_widgets.http import bodies
from hitl_widgets.http.api import Operation, _version
from hitl_widgets.runtime.requests import RunCreate
from hitl_widgets.runtime.runtime import Runtime

__all__ = ["docs_html", "openapi_spec"]

_BODIES: dict[str, Any] = {
    "assistants_search": bodies.AssistantSearch,
    "assistants_count": bodies.AssistantSearch,
    "assistants_versions": bodies.AssistantVersions,
    "threads_create": bodies.ThreadCreate,
    "threads_patch": bodies.ThreadPatch,
    "threads_search": bodies.ThreadSearch,
    "threads_count": bodies.ThreadCount,
    "threads_prune": bodies.ThreadPrune,
    "threads_update_state": bodies.ThreadStateUpdate,
    "threads_state_at": bodies.ThreadStateCheckpoint,
    "threads_history": bodies.ThreadHistory,
    "runs_create": RunCreate,
    "runs_wait": RunCreate,
    "runs_stream": RunCreate,
    "runs_cancel_many": bodies.RunsCancel,
    "runs_batch": list[RunCreate],
}
"""Operation name → the type its JSON body is parsed as."""


def _schema(kind: Any, defs: dict[str, Any]) -> dict[str, Any]:
    schema = TypeAdapter(kind).json_schema(ref_template="#/components/schemas/{model}")
    defs.update(schema.pop("$defs", {}))
    title = getattr(kind, "__name__", None)
    if title and title[0].isupper():
        defs[title] = schema
        return {"$ref": f"#/components/schemas/{title}"}
    return schema


def _tag(path: str) -> str:
    first = path.strip("/").split("/")[0]
    return first if first in ("assistants", "threads", "runs", "store") else "system"


def _path_parameter(segment: str) -> dict[str, Any]:
    name = segment.strip("{}").split(":")[0]
    return {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}


def _operation(path: str, method: str, op: Operation, defs: dict[str, Any]) -> dict[str, Any]:
    name = op.__name__
    doc = (op.__doc__ or "").strip()
    offered = name != "refuse"
    entry: dict[str, Any] = {
        "operationId": f"{name}_{method.lower()}" if offered else f"not_offered_{method.lower()}",
        "summary": doc.splitlines()[0] if doc else name,
        "tags": [_tag(path)],
        "parameters": [_path_parameter(seg) for seg in path.split("/") if seg.startswith("{")],
        "responses": {"200": {"description": "Success"}} if offered else {},
    }
    if not offered:
        entry["deprecated"] = True
        entry["responses"]["404"] = {"description": "Not offered by this server"}
        return entry
    for code, why in (("404", "Not found"), ("409", "Conflict"), ("422", "Invalid")):
        entry["responses"][code] = {"description": why}
    kind = _BODIES.get(name)
    if kind is not None and method in ("POST", "PATCH", "PUT"):
        entry["requestBody"] = {
            "content": {"application/json": {"schema": _schema(kind, defs)}},
            "required": name not in ("runs_cancel_many",),
        }
    return entry


@cache
def _spec() -> dict[str, Any]:
    from hitl_widgets.http.routes import ROUTES

    defs: dict[str, Any] = {}
    paths: dict[str, Any] = {}
    for path, ops in ROUTES:
        shown = path.replace(":path}", "}")
        paths[shown] = {m.lower(): _operation(path, m, op, defs) for m, op in sorted(ops.items())}
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "LangGraph Server API (hitl_widgets)",
            "version": _version("hitl_widgets"),
            "description": "The LangGraph Server's API over graphs served by hitl_widgets.",
        },
        "paths": paths,
        "components": {
            "schemas": defs,
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "x-api-key"}},
        },
        "security": [{"apiKey": []}],
    }


def openapi_spec(rt: Runtime) -> dict[str, Any]:
    """The OpenAPI 3.1 document of this server's routes."""
    return _spec()


def docs_html(spec: dict[str, Any]) -> str:
    """One self-contained HTML page listing every route (escaped; no script)."""
    rows = []
    for path, methods in spec["paths"].items():
        for method, op in methods.items():
            state = "not offered" if op.get("deprecated") else ""
            rows.append(
                f"<tr><td><code>{html.escape(method.upper())}</code></td>"
                f"<td><code>{html.escape(path)}</code></td>"
                f"<td>{html.escape(op['summary'])}</td><td>{state}</td></tr>"
            )
    title = html.escape(spec["info"]["title"])
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><h1>{title}</h1><p>Machine-readable: <a href='openapi.json'>openapi.json"
        "</a>. Every request needs the server's token (<code>x-api-key</code>).</p>"
        "<table><tr><th>Method</th><th>Path</th><th>What</th><th></th></tr>"
        + "".join(rows)
        + "</table></body></html>"
    )
