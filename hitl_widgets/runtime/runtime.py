"""The in-kernel LangGraph Server: assistants, threads and runs over compiled graphs.

Every public coroutine here runs on the runner loop (see ``runner.py``); the clients in
``hitl_widgets.client`` are the doors in from the kernel.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import Any

from langgraph.errors import is_invalid_resume
from langgraph_sdk.errors import APIStatusError
from pydantic import ValidationError

from hitl_widgets.runtime.backend import open_backend
from hitl_widgets.runtime.checkpointers import CheckpointerSpec
from hitl_widgets.runtime.claims import default_reviewer
from hitl_widgets.runtime.clock import now
from hitl_widgets.runtime.errors import conflict, not_found, unprocessable
from hitl_widgets.runtime.graphs import Graphs, GraphSpec
from hitl_widgets.runtime.records import contains
from hitl_widgets.runtime.run_ops import RunOps, stream_modes
from hitl_widgets.runtime.runner import get_runner
from hitl_widgets.runtime.runs import RunHandle

__all__ = ["GraphRunError", "Runtime"]


class GraphRunError(Exception):
    """The graph raised during a run; ``runs.wait`` raises it as the SDK does.

    The message starts ``Type: message`` like the SDK's, then names the thread and run.
    """

    def __init__(self, message: str, *, thread_id: str | None, run_id: str) -> None:
        super().__init__(message)
        self.thread_id = thread_id
        self.run_id = run_id


def _validation_errors(error: ValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]


class Runtime(RunOps):
    """Assistants, threads and runs for some graphs over one checkpointer."""

    def __init__(
        self,
        graphs: Mapping[str, GraphSpec],
        checkpointer: CheckpointerSpec = None,
        *,
        reviewer: str | None = None,
    ) -> None:
        self.reviewer = default_reviewer(reviewer)  # issue 8: who the decisions are by
        self.backend = open_backend(checkpointer)
        self.graphs = Graphs(graphs, self.backend.saver, now())
        self.runner = get_runner()
        self._handles: OrderedDict[str, RunHandle] = OrderedDict()
        self.runner.call(self._recover())

    async def _recover(self) -> None:
        """Runs left ``pending``/``running`` by a process that no longer exists did not finish."""
        for run in self.backend.records.unfinished_runs():
            pid = run.get("kwargs", {}).get("owner_pid")
            if pid == os.getpid() or (pid is not None and _alive(pid)):
                continue
            run.update(status="error", updated_at=now())
            self.backend.records.put_run(run)
            # issue 8: a decision whose run died with its process released its interrupt
            self.backend.decision_log.settle(run["run_id"], "error", f"run aborted (pid {pid})")
            if self.backend.records.get_thread(run["thread_id"]) is not None:
                await self.refresh_thread(
                    run["thread_id"],
                    error={
                        "error": "RunAborted",
                        "message": f"run {run['run_id']} stopped with the process running it "
                        f"(pid {pid}); its committed steps are kept: run again with "
                        "input=None to continue from the last checkpoint",
                    },
                )

    # -- assistants ------------------------------------------------------------------------

    async def assistants_get(self, assistant_id: str) -> dict[str, Any]:
        return self.graphs.assistant(assistant_id)

    async def assistants_search(
        self,
        *,
        metadata: Mapping[str, Any] | None = None,
        graph_id: str | None = None,
        name: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        found = [
            a
            for a in self.graphs.assistants.values()
            if (graph_id is None or a["graph_id"] == graph_id)
            and (name is None or name.lower() in a["name"].lower())
            and (not metadata or contains(a["metadata"], metadata))
        ]
        return found[offset : offset + limit]

    async def assistants_get_graph(
        self, assistant_id: str, xray: int | bool = False
    ) -> dict[str, Any]:
        return self.graphs.graph_json(assistant_id, xray)

    async def assistants_get_schemas(self, assistant_id: str) -> dict[str, Any]:
        return self.graphs.schemas(assistant_id)

    async def assistants_get_subgraphs(
        self, assistant_id: str, namespace: str | None = None, recurse: bool = False
    ) -> dict[str, Any]:
        return self.graphs.subgraphs(assistant_id, namespace, recurse)

    # -- runs ------------------------------------------------------------------------------

    async def _run_record(self, thread_id: str, run_id: str) -> dict[str, Any]:
        run = self.backend.records.get_run(str(run_id))
        if run is None or run["thread_id"] != str(thread_id):
            raise not_found(
                f"run {run_id} not found in thread {thread_id}; list runs with "
                f"runs.list({str(thread_id)!r})",
                thread_id=str(thread_id),
                run_id=str(run_id),
            )
        return run

    async def _handle(self, thread_id: str, run_id: str) -> RunHandle | None:
        await self._run_record(thread_id, run_id)
        return self._handles.get(str(run_id))

    def result_of(self, handle: RunHandle, raise_error: bool = True) -> Any:
        """The body of a finished run, raising what the caller should see."""
        error = handle.error
        tid = handle.run["thread_id"]
        if isinstance(error, APIStatusError):
            raise error
        if isinstance(error, ValidationError) and is_invalid_resume(error):
            raise unprocessable(
                f"thread {tid}: the graph rejected the answer against its response_schema "
                f"({error.error_count()} error(s)); nothing was saved, "
                "fix the answer and resume again",
                thread_id=tid,
                errors=_validation_errors(error),
            )
        body = handle.body()
        if raise_error and isinstance(body, dict) and "__error__" in body:
            e = body["__error__"]
            raise GraphRunError(
                f"{e['error']}: {e['message']} (thread {tid}, run {handle.run_id}; the thread is "
                "now in status 'error': fix the cause, then resume or run again)",
                thread_id=tid,
                run_id=handle.run_id,
            )
        return body

    async def runs_wait(
        self, thread_id: str | None, assistant_id: str, *, raise_error: bool = True, **params: Any
    ) -> Any:
        handle = await self.start_run(thread_id, assistant_id, **params)
        await handle.done.wait()
        return self.result_of(handle, raise_error)

    async def runs_stream(
        self, thread_id: str | None, assistant_id: str, **params: Any
    ) -> AsyncIterator[tuple[str, Any]]:
        handle = await self.start_run(thread_id, assistant_id, **params)
        async for item in handle.follow():
            yield item

    async def runs_create(
        self, thread_id: str | None, assistant_id: str, **params: Any
    ) -> dict[str, Any]:
        return dict((await self.start_run(thread_id, assistant_id, **params)).run)

    async def runs_join(self, thread_id: str, run_id: str) -> Any:
        handle = await self._handle(thread_id, run_id)
        if handle is None:  # finished before this process knew it: the thread holds the result
            return await self._thread_body(str(thread_id))
        await handle.done.wait()
        return self.result_of(handle, raise_error=False)

    async def _thread_body(self, thread_id: str) -> Any:
        thread = self._thread(thread_id)
        if thread["status"] == "interrupted" and thread.get("interrupts"):
            return {"__interrupt__": [i for items in thread["interrupts"].values() for i in items]}
        return thread["values"] or {}

    async def runs_join_stream(
        self, thread_id: str, run_id: str, stream_mode: Any = None
    ) -> AsyncIterator[tuple[str, Any]]:
        handle = await self._handle(thread_id, run_id)
        if handle is None:
            return
        modes = None if stream_mode is None else stream_modes(stream_mode)
        async for item in handle.follow(modes):
            yield item

    async def runs_get(self, thread_id: str, run_id: str) -> dict[str, Any]:
        return await self._run_record(thread_id, run_id)

    async def runs_list(
        self, thread_id: str, *, limit: int = 10, offset: int = 0, status: str | None = None
    ) -> list[dict[str, Any]]:
        self._thread(thread_id)
        return self.backend.records.list_runs(
            str(thread_id), status=status, limit=limit, offset=offset
        )

    async def runs_delete(self, thread_id: str, run_id: str) -> None:
        handle = await self._handle(thread_id, run_id)
        if handle is not None and not handle.done.is_set():
            raise conflict(
                f"run {run_id} on thread {thread_id} is still running; cancel it first",
                thread_id=str(thread_id),
                run_id=str(run_id),
            )
        self.backend.records.delete_run(str(run_id))

    async def runs_cancel(
        self, thread_id: str, run_id: str, *, wait: bool = False, action: str = "interrupt"
    ) -> None:
        handle = await self._handle(thread_id, run_id)
        if handle is None or handle.done.is_set():
            return
        handle.cancel_reason = action
        slot = self.backend.thread_runs(str(thread_id))
        if handle in slot.queue:
            slot.queue.remove(handle)
            self._set_run(handle, "interrupted")
            handle.finish()
            return
        if handle.task is not None:
            handle.task.cancel()
        if wait:
            await handle.done.wait()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
