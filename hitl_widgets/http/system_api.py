"""The server's system routes (``/metrics``, ``/openapi.json``, ``/docs``), the read-only
assistant routes beyond ``api.py`` (count, versions), and the answer of routes this server
does not offer.
"""

from __future__ import annotations

from typing import Any

from hitl_widgets.http import bodies
from hitl_widgets.http.api import Call, Operation, Reply, on_runner
from hitl_widgets.runtime.errors import not_found
from hitl_widgets.runtime.runtime import Runtime

__all__ = [
    "assistants_count",
    "assistants_versions",
    "docs",
    "metrics",
    "not_offered",
    "openapi",
]

_PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8"


def not_offered(what: str) -> Operation:
    """An operation answering 404: ``what`` is a route of the LangGraph Server that this
    server does not offer (instead of reading its last segment as an id)."""

    async def refuse(rt: Runtime, call: Call) -> Any:
        raise not_found(
            f"{what} is not offered by this server (hitl_widgets serves the graphs' default "
            "assistants, threads and runs); use a LangGraph Server (langgraph dev) for it"
        )

    refuse.__doc__ = f"Not offered: {what}."
    return refuse


async def metrics(rt: Runtime, call: Call) -> Any:
    """``GET /metrics?format=prometheus|json``: runs waiting and running."""
    stats = await on_runner(rt, rt.run_stats())
    if call.text("format") == "json":
        return {**stats, "api": {"http_requests_total": []}}
    queue = stats["queue"]
    lines = []
    for name, value, help_ in (
        ("lg_api_num_pending_runs", queue["n_pending"], "Runs waiting to start."),
        ("lg_api_num_running_runs", queue["n_running"], "Runs in progress."),
    ):
        lines += [f"# HELP {name} {help_}", f"# TYPE {name} gauge", f"{name} {value}"]
    return Reply(200, "\n".join(lines) + "\n", content_type=_PROMETHEUS)


async def openapi(rt: Runtime, call: Call) -> Any:
    """``GET /openapi.json``: this server's routes as an OpenAPI 3.1 document."""
    from hitl_widgets.http.openapi import openapi_spec

    return openapi_spec(rt)


async def docs(rt: Runtime, call: Call) -> Any:
    """``GET /docs``: the routes as one HTML page (no script, nothing fetched elsewhere)."""
    from hitl_widgets.http.openapi import docs_html, openapi_spec

    return Reply(200, docs_html(openapi_spec(rt)), content_type="text/html; charset=utf-8")


async def assistants_count(rt: Runtime, call: Call) -> Any:
    """``POST /assistants/count``."""
    body = bodies.parse(bodies.AssistantSearch, call.body)
    return await on_runner(
        rt,
        rt.assistants_count(
            metadata=body.get("metadata"), graph_id=body.get("graph_id"), name=body.get("name")
        ),
    )


async def assistants_versions(rt: Runtime, call: Call) -> Any:
    """``POST /assistants/{assistant_id}/versions``."""
    body = bodies.parse(bodies.AssistantVersions, call.body)
    return await on_runner(
        rt,
        rt.assistants_get_versions(
            call.args[0], body.get("metadata"), body.get("limit", 10), body.get("offset", 0)
        ),
    )
