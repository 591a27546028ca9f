"""The ``runs`` routes: start (background, wait, stream), list, get, join, cancel, delete.

Bodies parse into the runtime's ``RunCreate`` (the same request the in-kernel client builds);
``runs.wait`` answers once the run ended, ``runs.stream`` sends its events as they come.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import TypeAdapter

from hitl_widgets.http import bodies
from hitl_widgets.http.api import Call, Events, Reply, on_runner, run_headers
from hitl_widgets.runtime.requests import RunCreate, parse_body, parse_run_create
from hitl_widgets.runtime.runtime import Runtime

__all__ = [
    "runs_batch",
    "runs_cancel",
    "runs_cancel_many",
    "runs_create",
    "runs_delete",
    "runs_get",
    "runs_join",
    "runs_join_stream",
    "runs_list",
    "runs_stream",
    "runs_wait",
]


def _thread_of(call: Call) -> str | None:
    return call.args[0] if call.args else None


async def runs_create(rt: Runtime, call: Call) -> Any:
    """``POST /threads/{thread_id}/runs`` and ``POST /runs``: start in the background."""
    request = parse_run_create(call.body)
    run = await on_runner(rt, rt.runs_create(_thread_of(call), request))
    location = f"/threads/{run['thread_id']}/runs/{run['run_id']}"
    return Reply(200, run, {"Content-Location": location})


async def runs_wait(rt: Runtime, call: Call) -> Any:
    """``POST /threads/{thread_id}/runs/wait`` and ``POST /runs/wait``: the final values.

    A graph error is a 200 whose body holds ``__error__``, as on the server (the SDK raises
    it); a request the runtime refuses (409, 422, ...) is that status, before anything ran.
    """
    request = parse_run_create(call.body)
    created: dict[str, str] = {}
    result = await on_runner(
        rt,
        rt.runs_wait(_thread_of(call), request, raise_error=False, on_run_created=created.update),
    )
    return Reply(200, result, run_headers(created, "/join"))


async def runs_stream(rt: Runtime, call: Call) -> Any:
    """``POST /threads/{thread_id}/runs/stream`` and ``POST /runs/stream``: events."""
    request = parse_run_create(call.body)
    return await _events(rt, _thread_of(call), request)


async def _events(rt: Runtime, thread_id: str | None, request: RunCreate) -> Events:
    created: dict[str, str] = {}
    items = rt.runner.aiterate(rt.runs_stream(thread_id, request, on_run_created=created.update))
    events = Events(items, created, stateless=thread_id is None)
    if request.on_disconnect == "cancel":

        async def cancel() -> None:
            if created:
                await on_runner(rt, rt.runs_cancel(created["thread_id"], created["run_id"]))

        events.cancel = cancel
    return events


async def runs_list(rt: Runtime, call: Call) -> Any:
    """``GET /threads/{thread_id}/runs?limit=&offset=&status=``."""
    return await on_runner(
        rt,
        rt.runs_list(
            call.args[0],
            limit=call.integer("limit", 10),
            offset=call.integer("offset", 0),
            status=call.text("status"),
        ),
    )


async def runs_get(rt: Runtime, call: Call) -> Any:
    """``GET /threads/{thread_id}/runs/{run_id}``."""
    return await on_runner(rt, rt.runs_get(call.args[0], call.args[1]))


async def runs_delete(rt: Runtime, call: Call) -> Any:
    """``DELETE /threads/{thread_id}/runs/{run_id}``: 204."""
    await on_runner(rt, rt.runs_delete(call.args[0], call.args[1]))
    return Reply(204)


async def runs_join(rt: Runtime, call: Call) -> Any:
    """``GET /threads/{thread_id}/runs/{run_id}/join``."""
    return await on_runner(rt, rt.runs_join(call.args[0], call.args[1]))


async def runs_join_stream(rt: Runtime, call: Call) -> Any:
    """``GET /threads/{thread_id}/runs/{run_id}/stream?stream_mode=`` (``Last-Event-ID``:
    a resumable run's events after that one first)."""
    # The SDK sends an empty ``stream_mode=`` when none is chosen: every mode.
    modes = [v.decode() for v in call.query.get("stream_mode", []) if v] or None
    if modes and len(modes) == 1 and modes[0].startswith("["):
        modes = json.loads(modes[0])  # the SDK sends a list as one JSON array
    last_event_id = call.headers.get("Last-Event-ID") or None
    items = rt.runner.aiterate(
        rt.runs_join_stream(call.args[0], call.args[1], modes, last_event_id)
    )
    return Events(items, {"thread_id": call.args[0], "run_id": call.args[1]})


async def runs_cancel(rt: Runtime, call: Call) -> Any:
    """``POST /threads/{thread_id}/runs/{run_id}/cancel?wait=&action=``: 202, or the run's
    result once it stopped when ``wait`` is true."""
    action = call.text("action") or "interrupt"
    if action not in ("interrupt", "rollback"):
        action = "interrupt"  # as the server does
    wait = call.flag("wait")
    tid, rid = call.args
    await on_runner(rt, rt.runs_cancel(tid, rid, wait=wait, action=action))
    if not wait:
        return Reply(202)
    if action == "rollback":
        return Reply(204)
    return await on_runner(rt, rt.runs_join(tid, rid))


async def runs_cancel_many(rt: Runtime, call: Call) -> Any:
    """``POST /runs/cancel?action=``: the runs named, or every run in a status; 204."""
    body = bodies.parse(bodies.RunsCancel, call.body)
    action = call.text("action") or "interrupt"
    if action not in ("interrupt", "rollback"):
        action = "interrupt"  # as the server does
    await on_runner(
        rt,
        rt.runs_cancel_many(
            thread_id=body.get("thread_id"),
            run_ids=body.get("run_ids"),
            status=body.get("status"),
            action=action,
        ),
    )
    return Reply(204)


_BATCH = TypeAdapter(list[RunCreate])


async def runs_batch(rt: Runtime, call: Call) -> Any:
    """``POST /runs/batch``: a list of run requests without a thread; their runs."""
    requests = parse_body(_BATCH, call.body or b"[]", "run batch (a JSON list of run requests)")
    return await on_runner(rt, rt.runs_create_batch(requests))
