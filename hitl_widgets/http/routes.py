"""Which path runs which operation: the LangGraph Server routes the supported client methods
use, as tornado URL patterns under an optional prefix (``/hitl`` in Jupyter)."""

from __future__ import annotations

from typing import Any

from hitl_widgets.http import api, runs_api
from hitl_widgets.http.api import Operation
from hitl_widgets.http.handler import ApiHandler, ApiSettings

__all__ = ["ROUTES", "handlers"]

_ID = r"([^/]+)"

ROUTES: list[tuple[str, dict[str, Operation]]] = [
    ("/ok", {"GET": api.ok}),
    ("/info", {"GET": api.info}),
    ("/assistants/search", {"POST": api.assistants_search}),
    (f"/assistants/{_ID}", {"GET": api.assistants_get}),
    (f"/assistants/{_ID}/graph", {"GET": api.assistants_graph}),
    (f"/assistants/{_ID}/schemas", {"GET": api.assistants_schemas}),
    (f"/assistants/{_ID}/subgraphs", {"GET": api.assistants_subgraphs}),
    (f"/assistants/{_ID}/subgraphs/(.+)", {"GET": api.assistants_subgraphs}),
    ("/threads", {"POST": api.threads_create}),
    ("/threads/search", {"POST": api.threads_search}),
    ("/threads/count", {"POST": api.threads_count}),
    (
        f"/threads/{_ID}",
        {"GET": api.threads_get, "PATCH": api.threads_patch, "DELETE": api.threads_delete},
    ),
    (f"/threads/{_ID}/copy", {"POST": api.threads_copy}),
    (f"/threads/{_ID}/state", {"GET": api.threads_state, "POST": api.threads_update_state}),
    (f"/threads/{_ID}/state/checkpoint", {"POST": api.threads_state_at}),
    (f"/threads/{_ID}/state/{_ID}", {"GET": api.threads_state}),
    (f"/threads/{_ID}/history", {"POST": api.threads_history}),
    (f"/threads/{_ID}/runs", {"GET": runs_api.runs_list, "POST": runs_api.runs_create}),
    (f"/threads/{_ID}/runs/wait", {"POST": runs_api.runs_wait}),
    (f"/threads/{_ID}/runs/stream", {"POST": runs_api.runs_stream}),
    (f"/threads/{_ID}/runs/{_ID}", {"GET": runs_api.runs_get, "DELETE": runs_api.runs_delete}),
    (f"/threads/{_ID}/runs/{_ID}/join", {"GET": runs_api.runs_join}),
    (f"/threads/{_ID}/runs/{_ID}/stream", {"GET": runs_api.runs_join_stream}),
    (f"/threads/{_ID}/runs/{_ID}/cancel", {"POST": runs_api.runs_cancel}),
    ("/runs", {"POST": runs_api.runs_create}),
    ("/runs/wait", {"POST": runs_api.runs_wait}),
    ("/runs/stream", {"POST": runs_api.runs_stream}),
]
"""Path pattern → operation by HTTP method. A more specific path comes before the pattern
that would also match it (``/threads/search`` before ``/threads/{id}``)."""


def handlers(
    settings: ApiSettings, prefix: str = "", handler: type[ApiHandler] = ApiHandler
) -> list[tuple[str, type[ApiHandler], dict[str, Any]]]:
    """tornado URL specs for every route, then a catch-all answering 404 under ``prefix``."""
    specs: list[tuple[str, type[ApiHandler], dict[str, Any]]] = [
        (prefix + path + "/?$", handler, {"settings": settings, "operations": operations})
        for path, operations in ROUTES
    ]
    specs.append((prefix + "/.*", handler, {"settings": settings, "operations": {}}))
    return specs
