"""The LangGraph Server routes over a ``Runtime``: one coroutine per route (runs are in
``runs_api.py``).

Each operation takes the runtime and the parsed ``Call`` (path arguments, query, raw body)
and returns what the route answers: JSON data (200), a ``Reply`` with another status and
headers, or ``Events`` for a server-sent-event stream. Runtime coroutines always run on the
runtime's runner loop (``runner.acall`` / ``runner.aiterate``); errors are the runtime's
``APIStatusError``s, which the handler turns into ``{"detail": ...}`` answers.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any, TypeVar

from hitl_widgets.http import bodies
from hitl_widgets.runtime.errors import unprocessable
from hitl_widgets.runtime.runtime import Runtime

__all__ = ["Call", "Events", "Operation", "Reply", "on_runner", "run_headers"]

T = TypeVar("T")


@dataclass
class Call:
    """One request as the operations see it."""

    args: tuple[str, ...]
    """The path's arguments (thread id, run id, ...), in order."""
    query: Mapping[str, list[bytes]]
    """Query arguments, as tornado parses them."""
    body: bytes
    """The raw JSON body (parsed by the operation that expects one)."""
    headers: Mapping[str, str] = field(default_factory=dict)

    def text(self, name: str) -> str | None:
        """The last value of query argument ``name``."""
        values = self.query.get(name)
        return values[-1].decode("utf-8", "replace") if values else None

    def flag(self, name: str, default: bool = False) -> bool:
        """A boolean query argument (``true``/``1``/``yes``)."""
        value = self.text(name)
        return default if value is None else value.lower() in ("true", "1", "yes")

    def integer(self, name: str, default: int) -> int:
        """An integer query argument, or a 422 naming it."""
        value = self.text(name)
        if value is None:
            return default
        try:
            return int(value)
        except ValueError:
            raise unprocessable(
                f"query argument {name!r} must be an integer, not {value!r}"
            ) from None


@dataclass
class Reply:
    """An answer other than plain JSON with 200."""

    status: int
    body: Any = None
    """JSON data, or ``None`` for no body (text when ``content_type`` is given)."""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = None
    """Send ``body`` (a ``str``) as it is, with this ``Content-Type``, instead of JSON."""


@dataclass
class Events:
    """A server-sent-event answer: the run's ``(event, data)`` pairs."""

    items: AsyncIterator[tuple[Any, ...]]
    """``(event, data)`` pairs, or ``(event, data, id)`` for a resumable run."""
    created: dict[str, str] = field(default_factory=dict)
    """``run_id`` and ``thread_id`` once the run exists (filled before the first event)."""
    stateless: bool = False
    """A run without a thread (its temporary thread is gone when it ends)."""
    cancel: Callable[[], Awaitable[None]] | None = None
    """Called when the client goes away before the end (``on_disconnect="cancel"``)."""

    def headers(self) -> dict[str, str]:
        """``Location``/``Content-Location`` of the run, as the server sends them."""
        return run_headers(self.created, "/stream", self.stateless)


Operation = Callable[[Runtime, Call], Awaitable[Any]]
"""What a route runs."""


async def on_runner(rt: Runtime, coro: Coroutine[Any, Any, T]) -> T:
    """Run a runtime coroutine on the runtime's runner loop (directly when already there)."""
    if rt.closed:
        coro.close()
        rt.check_open()  # raises StorageError saying the client was closed
    return await rt.runner.acall(coro)


def run_headers(created: Mapping[str, str], suffix: str, stateless: bool = False) -> dict[str, str]:
    """``Location`` (where to reconnect) and ``Content-Location`` (the run), as the server
    sends them; a run without a thread is addressed as ``/runs/{run_id}``."""
    if not created:
        return {}
    if stateless:
        run = f"/runs/{created['run_id']}"
    else:
        run = f"/threads/{created['thread_id']}/runs/{created['run_id']}"
    return {"Location": run + suffix, "Content-Location": run}


# --- meta -------------------------------------------------------------------------------


async def ok(rt: Runtime, call: Call) -> Any:
    """``GET /ok``."""
    return {"ok": True}


async def info(rt: Runtime, call: Call) -> Any:
    """``GET /info``: what serves the API (no deployment, no LangSmith)."""
    return {
        "version": _version("hitl_widgets"),
        "langgraph_py_version": _version("langgraph"),
        "flags": {"assistants": True, "crons": False, "langsmith": False},
        "host": {"kind": "hitl_widgets"},
    }


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:  # run from a source folder, not installed
        return "unknown"


# --- assistants -------------------------------------------------------------------------


async def assistants_search(rt: Runtime, call: Call) -> Any:
    """``POST /assistants/search``."""
    body = bodies.parse(bodies.AssistantSearch, call.body)
    return await on_runner(
        rt,
        rt.assistants_search(
            metadata=body.get("metadata"),
            graph_id=body.get("graph_id"),
            name=body.get("name"),
            limit=body.get("limit", 10),
            offset=body.get("offset", 0),
        ),
    )


async def assistants_get(rt: Runtime, call: Call) -> Any:
    """``GET /assistants/{assistant_id}``."""
    return await on_runner(rt, rt.assistants_get(call.args[0]))


async def assistants_graph(rt: Runtime, call: Call) -> Any:
    """``GET /assistants/{assistant_id}/graph?xray=``."""
    raw = call.text("xray")
    xray: int | bool = False
    if raw is not None:
        xray = int(raw) if raw.isdigit() else raw.lower() == "true"
    return await on_runner(rt, rt.assistants_get_graph(call.args[0], xray))


async def assistants_schemas(rt: Runtime, call: Call) -> Any:
    """``GET /assistants/{assistant_id}/schemas``."""
    return await on_runner(rt, rt.assistants_get_schemas(call.args[0]))


async def assistants_subgraphs(rt: Runtime, call: Call) -> Any:
    """``GET /assistants/{assistant_id}/subgraphs[/{namespace}]?recurse=``."""
    namespace = call.args[1] if len(call.args) > 1 else None
    recurse = call.flag("recurse")
    return await on_runner(rt, rt.assistants_get_subgraphs(call.args[0], namespace, recurse))


# --- threads ----------------------------------------------------------------------------


async def threads_create(rt: Runtime, call: Call) -> Any:
    """``POST /threads``."""
    body = bodies.parse(bodies.ThreadCreate, call.body)
    return await on_runner(
        rt,
        rt.threads_create(
            metadata=body.get("metadata"),
            thread_id=body.get("thread_id"),
            if_exists=body.get("if_exists"),
            supersteps=body.get("supersteps"),
            graph_id=body.get("graph_id"),
            ttl=body.get("ttl"),
        ),
    )


async def threads_get(rt: Runtime, call: Call) -> Any:
    """``GET /threads/{thread_id}``."""
    return await on_runner(rt, rt.threads_get(call.args[0]))


async def threads_patch(rt: Runtime, call: Call) -> Any:
    """``PATCH /threads/{thread_id}`` (``Prefer: return=minimal`` answers 204)."""
    body = bodies.parse(bodies.ThreadPatch, call.body)
    minimal = call.headers.get("Prefer") == "return=minimal"
    thread = await on_runner(
        rt,
        rt.threads_update(call.args[0], metadata=body.get("metadata") or {}, ttl=body.get("ttl")),
    )
    return Reply(204) if minimal else thread


async def threads_delete(rt: Runtime, call: Call) -> Any:
    """``DELETE /threads/{thread_id}``: 204."""
    await on_runner(rt, rt.threads_delete(call.args[0]))
    return Reply(204)


async def threads_search(rt: Runtime, call: Call) -> Any:
    """``POST /threads/search``."""
    body = bodies.parse(bodies.ThreadSearch, call.body)
    return await on_runner(
        rt,
        rt.threads_search(
            metadata=body.get("metadata"),
            values=body.get("values"),
            ids=body.get("ids"),
            status=body.get("status"),
            limit=body.get("limit", 10),
            offset=body.get("offset", 0),
            sort_by=body.get("sort_by"),
            sort_order=body.get("sort_order"),
            select=body.get("select"),
        ),
    )


async def threads_count(rt: Runtime, call: Call) -> Any:
    """``POST /threads/count``."""
    body = bodies.parse(bodies.ThreadCount, call.body)
    return await on_runner(
        rt,
        rt.threads_count(
            metadata=body.get("metadata"), values=body.get("values"), status=body.get("status")
        ),
    )


async def threads_copy(rt: Runtime, call: Call) -> Any:
    """``POST /threads/{thread_id}/copy``."""
    return await on_runner(rt, rt.threads_copy(call.args[0]))


async def threads_state(rt: Runtime, call: Call) -> Any:
    """``GET /threads/{thread_id}/state[/{checkpoint_id}]?subgraphs=``."""
    checkpoint_id = call.args[1] if len(call.args) > 1 else None
    return await on_runner(
        rt,
        rt.threads_get_state(call.args[0], None, checkpoint_id, subgraphs=call.flag("subgraphs")),
    )


async def threads_state_at(rt: Runtime, call: Call) -> Any:
    """``POST /threads/{thread_id}/state/checkpoint``."""
    body = bodies.parse(bodies.ThreadStateCheckpoint, call.body)
    return await on_runner(
        rt,
        rt.threads_get_state(
            call.args[0], body.get("checkpoint"), subgraphs=body.get("subgraphs", False)
        ),
    )


async def threads_update_state(rt: Runtime, call: Call) -> Any:
    """``POST /threads/{thread_id}/state``."""
    body = bodies.parse(bodies.ThreadStateUpdate, call.body)
    return await on_runner(
        rt,
        rt.threads_update_state(
            call.args[0],
            body.get("values"),
            as_node=body.get("as_node"),
            checkpoint=body.get("checkpoint"),
            checkpoint_id=body.get("checkpoint_id"),
        ),
    )


async def threads_prune(rt: Runtime, call: Call) -> Any:
    """``POST /threads/prune``: ``{"pruned_count": n}``."""
    body = bodies.parse(bodies.ThreadPrune, call.body)
    count = await on_runner(
        rt, rt.threads_prune(body["thread_ids"], body.get("strategy") or "delete")
    )
    return {"pruned_count": count}


async def threads_history_get(rt: Runtime, call: Call) -> Any:
    """``GET /threads/{thread_id}/history?limit=&before=`` (one state unless ``limit``
    says more, as on the server)."""
    return await on_runner(
        rt,
        rt.threads_get_history(
            call.args[0], limit=call.integer("limit", 1), before=call.text("before")
        ),
    )


async def threads_history(rt: Runtime, call: Call) -> Any:
    """``POST /threads/{thread_id}/history``."""
    body = bodies.parse(bodies.ThreadHistory, call.body)
    return await on_runner(
        rt,
        rt.threads_get_history(
            call.args[0],
            limit=body.get("limit") or 1,  # the server's default (the SDK sends 10)
            before=body.get("before"),
            metadata=body.get("metadata"),
            checkpoint=body.get("checkpoint"),
            select=body.get("select"),
        ),
    )
