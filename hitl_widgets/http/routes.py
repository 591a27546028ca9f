"""Which path runs which operation: the LangGraph Server's routes as tornado URL patterns
under an optional prefix (``/hitl`` in Jupyter).

Paths are written as the server's OpenAPI spec writes them (``/threads/{thread_id}``). A
literal segment always wins over an id in the same place — ``/threads/prune`` is never
taken for the thread ``prune`` — because every path comes before any path that has an id
where it has a literal (``literal_first`` orders them; a test checks every server path).
Routes the server has and this one does not offer (crons, the store, thread storage, the
v2 streaming protocol) answer 404 saying so, rather than being read as ids.
"""

from __future__ import annotations

import re
from typing import Any

from hitl_widgets.http import api, runs_api, system_api
from hitl_widgets.http.api import Operation
from hitl_widgets.http.handler import ApiHandler, ApiSettings

__all__ = ["ROUTES", "handlers", "literal_first", "pattern"]

_CRONS = system_api.not_offered("crons (scheduled runs)")
_STORE = system_api.not_offered("the store (client.store)")

_TABLE: list[tuple[str, dict[str, Operation]]] = [
    ("/ok", {"GET": api.ok}),
    ("/info", {"GET": api.info}),
    ("/metrics", {"GET": system_api.metrics}),
    ("/openapi.json", {"GET": system_api.openapi}),
    ("/docs", {"GET": system_api.docs}),
    # assistants
    ("/assistants", {"POST": system_api.not_offered("creating assistants")}),
    ("/assistants/search", {"POST": api.assistants_search}),
    ("/assistants/count", {"POST": system_api.assistants_count}),
    (
        "/assistants/{assistant_id}",
        {
            "GET": api.assistants_get,
            "PATCH": system_api.not_offered("changing assistants"),
            "DELETE": system_api.not_offered("deleting assistants"),
        },
    ),
    ("/assistants/{assistant_id}/graph", {"GET": api.assistants_graph}),
    ("/assistants/{assistant_id}/schemas", {"GET": api.assistants_schemas}),
    ("/assistants/{assistant_id}/subgraphs", {"GET": api.assistants_subgraphs}),
    ("/assistants/{assistant_id}/subgraphs/{namespace:path}", {"GET": api.assistants_subgraphs}),
    ("/assistants/{assistant_id}/versions", {"POST": system_api.assistants_versions}),
    ("/assistants/{assistant_id}/latest", {"POST": system_api.not_offered("assistant versions")}),
    # threads
    ("/threads", {"POST": api.threads_create}),
    ("/threads/search", {"POST": api.threads_search}),
    ("/threads/count", {"POST": api.threads_count}),
    ("/threads/prune", {"POST": api.threads_prune}),
    (
        "/threads/{thread_id}",
        {"GET": api.threads_get, "PATCH": api.threads_patch, "DELETE": api.threads_delete},
    ),
    ("/threads/{thread_id}/copy", {"POST": api.threads_copy}),
    ("/threads/{thread_id}/state", {"GET": api.threads_state, "POST": api.threads_update_state}),
    ("/threads/{thread_id}/state/checkpoint", {"POST": api.threads_state_at}),
    ("/threads/{thread_id}/state/{checkpoint_id}", {"GET": api.threads_state}),
    (
        "/threads/{thread_id}/history",
        {"GET": api.threads_history_get, "POST": api.threads_history},
    ),
    ("/threads/{thread_id}/storage", {"GET": system_api.not_offered("thread storage")}),
    ("/threads/{thread_id}/stream", {"GET": system_api.not_offered("thread streams")}),
    (
        "/threads/{thread_id}/stream/events",
        {"POST": system_api.not_offered("the v2 streaming protocol")},
    ),
    (
        "/threads/{thread_id}/commands",
        {"POST": system_api.not_offered("the v2 streaming protocol")},
    ),
    # runs on a thread
    ("/threads/{thread_id}/runs", {"GET": runs_api.runs_list, "POST": runs_api.runs_create}),
    ("/threads/{thread_id}/runs/crons", {"POST": _CRONS}),
    ("/threads/{thread_id}/runs/wait", {"POST": runs_api.runs_wait}),
    ("/threads/{thread_id}/runs/stream", {"POST": runs_api.runs_stream}),
    (
        "/threads/{thread_id}/runs/{run_id}",
        {"GET": runs_api.runs_get, "DELETE": runs_api.runs_delete},
    ),
    ("/threads/{thread_id}/runs/{run_id}/join", {"GET": runs_api.runs_join}),
    ("/threads/{thread_id}/runs/{run_id}/stream", {"GET": runs_api.runs_join_stream}),
    ("/threads/{thread_id}/runs/{run_id}/cancel", {"POST": runs_api.runs_cancel}),
    # runs without a thread, and many runs at once
    ("/runs", {"POST": runs_api.runs_create}),
    ("/runs/wait", {"POST": runs_api.runs_wait}),
    ("/runs/stream", {"POST": runs_api.runs_stream}),
    ("/runs/cancel", {"POST": runs_api.runs_cancel_many}),
    ("/runs/batch", {"POST": runs_api.runs_batch}),
    ("/runs/crons", {"POST": _CRONS}),
    ("/runs/crons/search", {"POST": _CRONS}),
    ("/runs/crons/count", {"POST": _CRONS}),
    ("/runs/crons/{cron_id}", {"GET": _CRONS, "PATCH": _CRONS, "DELETE": _CRONS}),
    # the store
    ("/store/items", {"GET": _STORE, "PUT": _STORE, "DELETE": _STORE}),
    ("/store/items/search", {"POST": _STORE}),
    ("/store/namespaces", {"POST": _STORE}),
]

_PARAM = re.compile(r"\{(\w+)(:path)?\}")


def pattern(path: str) -> str:
    """The regular expression (without anchors) of a path: ``{name}`` is one segment,
    ``{name:path}`` the rest of the path."""
    return _PARAM.sub(lambda m: "(.+)" if m.group(2) else "([^/]+)", path)


def literal_first(
    table: list[tuple[str, dict[str, Operation]]],
) -> list[tuple[str, dict[str, Operation]]]:
    """``table`` ordered so that, segment by segment, a literal comes before an id."""

    def key(item: tuple[str, dict[str, Operation]]) -> list[tuple[int, str]]:
        segments = item[0].strip("/").split("/")
        return [(1 if s.startswith("{") else 0, s) for s in segments]

    return sorted(table, key=key)


ROUTES: list[tuple[str, dict[str, Operation]]] = literal_first(_TABLE)
"""Path → operation by HTTP method, literals before ids."""


def handlers(
    settings: ApiSettings, prefix: str = "", handler: type[ApiHandler] = ApiHandler
) -> list[tuple[str, type[ApiHandler], dict[str, Any]]]:
    """tornado URL specs for every route, then a catch-all answering 404 under ``prefix``."""
    specs: list[tuple[str, type[ApiHandler], dict[str, Any]]] = [
        (prefix + pattern(path) + "/?$", handler, {"settings": settings, "operations": ops})
        for path, ops in ROUTES
    ]
    specs.append((prefix + "/.*", handler, {"settings": settings, "operations": {}}))
    return specs
