"""The in-kernel LangGraph Server: assistants, threads and runs over compiled graphs.

Every public coroutine here runs on the runner loop (see ``runner.py``); the clients in
``hitl_widgets.client`` are the doors in from the kernel.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections import OrderedDict
from collections.abc import AsyncIterator, Mapping
from typing import Any

from langgraph.errors import is_invalid_resume
from langgraph.types import Interrupt
from langgraph_sdk.errors import APIStatusError
from pydantic import ValidationError

from hitl_widgets.runtime.backend import open_backend
from hitl_widgets.runtime.checkpointers import CheckpointerSpec
from hitl_widgets.runtime.clock import now
from hitl_widgets.runtime.commands import build_command, is_resume_map
from hitl_widgets.runtime.errors import bad_request, conflict, not_found, unprocessable
from hitl_widgets.runtime.graphs import Graphs, GraphSpec
from hitl_widgets.runtime.jsonable import to_json
from hitl_widgets.runtime.retry import needs_stored_answers, store_answers
from hitl_widgets.runtime.runner import get_runner
from hitl_widgets.runtime.runs import STREAM_MODES, RunHandle, execute
from hitl_widgets.runtime.state import error_json, interrupt_json
from hitl_widgets.runtime.threads import ThreadOps, stamp_run_end, thread_config

__all__ = ["GraphRunError", "Runtime"]

_KEPT_HANDLES = 1000  # finished runs whose events stay joinable in this process


class GraphRunError(Exception):
    """The graph raised during a run; ``runs.wait`` raises it as the SDK does.

    The message starts ``Type: message`` like the SDK's, then names the thread and run.
    """

    def __init__(self, message: str, *, thread_id: str | None, run_id: str) -> None:
        super().__init__(message)
        self.thread_id = thread_id
        self.run_id = run_id


def _modes(stream_mode: str | list[str] | tuple[str, ...]) -> list[str]:
    modes = [stream_mode] if isinstance(stream_mode, str) else list(stream_mode)
    if "events" in modes:
        raise bad_request(
            "stream mode 'events' (LangChain callback events) is not available in the kernel; "
            "use 'messages-tuple' for tokens, 'debug' or 'tasks' for steps"
        )
    unknown = [m for m in modes if m not in STREAM_MODES]
    if unknown:
        raise bad_request(f"unknown stream mode(s) {unknown}; choose from {sorted(STREAM_MODES)}")
    return modes


def _validation_errors(error: ValidationError) -> list[dict[str, Any]]:
    return [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in error.errors()]


class Runtime(ThreadOps):
    """Assistants, threads and runs for some graphs over one checkpointer."""

    def __init__(
        self, graphs: Mapping[str, GraphSpec], checkpointer: CheckpointerSpec = None
    ) -> None:
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
        from hitl_widgets.runtime.records import contains

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

    async def _open_thread(
        self, thread_id: str | None, if_not_exists: str | None, graph_id: str
    ) -> tuple[dict[str, Any], bool]:
        if thread_id is None:
            return await self.threads_create(metadata={}), True
        thread = self.backend.records.get_thread(str(thread_id))
        if thread is None:
            if if_not_exists != "create":
                self._thread(thread_id)  # raises the 404 with its advice
            thread = await self.threads_create(thread_id=str(thread_id))
        return thread, False

    async def start_run(
        self,
        thread_id: str | None,
        assistant_id: str,
        *,
        input: Any = None,
        command: Mapping[str, Any] | None = None,
        stream_mode: str | list[str] = "values",
        stream_subgraphs: bool = False,
        metadata: Mapping[str, Any] | None = None,
        config: Mapping[str, Any] | None = None,
        context: Any = None,
        checkpoint: Mapping[str, Any] | None = None,
        checkpoint_id: str | None = None,
        interrupt_before: Any = None,
        interrupt_after: Any = None,
        multitask_strategy: str | None = None,
        if_not_exists: str | None = None,
        on_completion: str | None = None,
        on_run_created: Any = None,
        **_: Any,
    ) -> RunHandle:
        """Create a run and start it (or queue it behind the thread's current run)."""
        assistant = self.graphs.assistant(assistant_id)
        modes = _modes(stream_mode)
        if input is not None and command is not None:
            raise bad_request("pass input or command to a run, not both")
        strategy = multitask_strategy or "enqueue"
        if strategy not in ("reject", "interrupt", "rollback", "enqueue"):
            raise bad_request(f"unknown multitask_strategy {strategy!r}")
        thread, stateless = await self._open_thread(thread_id, if_not_exists, assistant["graph_id"])
        tid = thread["thread_id"]
        slot = self.backend.thread_runs(tid)
        if slot.active is not None and strategy == "reject":
            raise conflict(
                f"thread {tid} is busy with run {slot.active.run_id}; wait for it "
                f"(runs.join({tid!r}, {slot.active.run_id!r})) "
                "or choose another multitask_strategy",
                thread_id=tid,
                run_id=slot.active.run_id,
            )
        run_id = str(uuid.uuid4())
        stamp = now()
        run = {
            "run_id": run_id,
            "thread_id": tid,
            "assistant_id": assistant["assistant_id"],
            "created_at": stamp,
            "updated_at": stamp,
            "status": "pending",
            "metadata": {
                **dict(metadata or {}),
                "graph_id": assistant["graph_id"],
                "assistant_id": assistant["assistant_id"],
            },
            "multitask_strategy": strategy,
            "kwargs": {
                "input": input,
                "command": dict(command) if command is not None else None,
                "config": dict(config or {}),
                "stream_mode": modes,
                "interrupt_before": interrupt_before,
                "interrupt_after": interrupt_after,
                "owner_pid": os.getpid(),  # so a later process knows a dead run from a live one
            },
        }
        run_config: dict[str, Any] = {**dict(config or {})}
        # The server's run configurable carries the run, thread, graph and assistant ids
        # (they show in every streamed checkpoint config): so does ours.
        configurable = {
            **run_config.get("configurable", {}),
            **thread_config(tid, checkpoint, checkpoint_id)["configurable"],
            "run_id": run_id,
            "graph_id": assistant["graph_id"],
            "assistant_id": assistant["assistant_id"],
        }
        run_config["configurable"] = configurable
        run_config["metadata"] = {
            **run_config.get("metadata", {}),
            **dict(metadata or {}),
            "graph_id": assistant["graph_id"],
            "assistant_id": assistant["assistant_id"],
            "run_id": run_id,
            "thread_id": tid,
        }
        run_config["run_id"] = uuid.UUID(run_id)
        handle = RunHandle(
            run=run,
            graph=self.graphs.graph(assistant["assistant_id"]),
            input=input,
            config=run_config,
            stream_mode=modes,
            subgraphs=stream_subgraphs,
            interrupt_before=interrupt_before,
            interrupt_after=interrupt_after,
            context=context,
            command=dict(command) if command is not None else None,
            stateless=stateless and on_completion != "keep",
        )
        if thread["metadata"].get("graph_id") != assistant["graph_id"]:
            thread["metadata"] = {
                **thread["metadata"],
                "graph_id": assistant["graph_id"],
                "assistant_id": assistant["assistant_id"],
            }
        if slot.active is None:
            await self._check_command(handle)  # fail fast: nothing recorded for a bad answer
        if slot.active is not None and strategy in ("interrupt", "rollback"):
            previous = slot.active
            previous.cancel_reason = strategy
            if strategy == "rollback":
                # Start from where the rolled-back run started, as if it never ran.
                start = previous.start_checkpoint_id
                if start and not checkpoint_id:
                    handle.config["configurable"]["checkpoint_id"] = start
            slot.queue.appendleft(handle)
            if previous.task is not None:
                previous.task.cancel()
        elif slot.active is not None:
            slot.queue.append(handle)
        thread["status"] = "busy"
        thread["updated_at"] = stamp
        self.backend.records.put_thread(thread)
        self.backend.records.put_run(run)
        self._remember(handle)
        if slot.active is None:
            self._launch(handle)
        if on_run_created is not None:
            on_run_created({"run_id": run_id, "thread_id": tid})
        return handle

    async def _check_command(self, handle: RunHandle) -> None:
        """Check the command against the interrupts pending where the run starts."""
        handle.checked = True
        if handle.command is None:
            return
        tid = handle.run["thread_id"]
        configurable = handle.config["configurable"]
        fork = "checkpoint_id" in configurable
        thread = self._thread(tid)
        if fork:
            state = await handle.graph.aget_state(
                thread_config(tid, checkpoint_id=configurable["checkpoint_id"])
            )
            pending, at, paused = list(state.interrupts), state.config, bool(state.next)
        else:
            # The record holds what the last run left pending (refreshed when every run
            # ends, read from the file each time): no need to rebuild the state here.
            pending = [
                Interrupt(i["value"], i["id"], response_schema=i.get("response_schema"))
                for items in (thread.get("interrupts") or {}).values()
                for i in items
            ]
            at = thread_config(tid)
            paused = thread["status"] == "interrupted"
        handle.input = build_command(tid, handle.command, pending, paused)
        resume = handle.command.get("resume")
        if resume is None or not (fork or thread["status"] == "error"):
            return
        if not await needs_stored_answers(handle.graph, at, fork):
            return
        answers = dict(resume) if is_resume_map(resume) else {pending[0].id: resume}
        await store_answers(handle.graph, at, answers, fork)
        # Run from the thread's head (a fork is the newest checkpoint): LangGraph replays a
        # checkpoint named explicitly without reading the answers just stored on it.
        configurable.pop("checkpoint_id", None)
        configurable.pop("checkpoint_ns", None)
        rest = {k: v for k, v in handle.command.items() if k != "resume" and v is not None}
        handle.input = build_command(tid, rest, pending) if rest else None

    def _remember(self, handle: RunHandle) -> None:
        self._handles[handle.run_id] = handle
        while len(self._handles) > _KEPT_HANDLES:
            oldest = next(iter(self._handles))
            if not self._handles[oldest].done.is_set():
                break
            del self._handles[oldest]

    def _launch(self, handle: RunHandle) -> None:
        slot = self.backend.thread_runs(handle.run["thread_id"])
        slot.active = handle
        handle.task = asyncio.get_running_loop().create_task(self._run(handle))

    async def _run(self, handle: RunHandle) -> None:
        tid = handle.run["thread_id"]
        try:
            if not handle.checked:
                await self._check_command(handle)  # queued: the thread may have moved on meanwhile
            head = await self.backend.saver.aget_tuple(thread_config(tid))
            handle.start_checkpoint_id = (
                head.config["configurable"]["checkpoint_id"] if head else None
            )
        except Exception as error:  # noqa: BLE001 - a queued answer that went stale ends its run
            handle.error = error
            handle.emit("metadata", {"run_id": handle.run_id, "attempt": 1})
            handle.emit("error", error_json(error))
            await self._finish(handle)
            handle.finish()
            return
        self._set_run(handle, "running")
        await execute(handle, self._finish)

    def _set_run(self, handle: RunHandle, status: str) -> None:
        handle.run.update(status=status, updated_at=now())
        if handle.cancel_reason == "rollback" and status == "interrupted":
            self.backend.records.delete_run(handle.run_id)
        else:
            self.backend.records.put_run(handle.run)

    async def _finish(self, handle: RunHandle) -> None:
        tid = handle.run["thread_id"]
        error = handle.error
        invalid_resume = isinstance(error, ValidationError) and is_invalid_resume(error)
        if isinstance(error, asyncio.CancelledError):
            self._set_run(handle, "interrupted")
            await self.refresh_thread(tid)
        elif error is not None:
            self._set_run(handle, "error")
            # An answer LangGraph rejected saved nothing: the thread is still interrupted.
            await self.refresh_thread(
                tid,
                error=None
                if invalid_resume or isinstance(error, APIStatusError)
                else error_json(error),
            )
        else:
            self._set_run(handle, "success")
            if not await self._refresh_from_stream(handle):
                await self.refresh_thread(tid)
        slot = self.backend.thread_runs(tid)
        if slot.active is handle:
            slot.active = None
        if slot.queue:
            nxt = slot.queue.popleft()
            self._set_run(nxt, "pending")
            thread = self._thread(tid)
            thread["status"] = "busy"
            self.backend.records.put_thread(thread)
            self._launch(nxt)
        elif handle.stateless:
            await self.threads_delete(tid)

    async def _refresh_from_stream(self, handle: RunHandle) -> bool:
        """Update the thread record from what the run streamed, when that says it all.

        The common ends of a run — finished, or stopped at ``interrupt()`` calls — are known
        from the last values chunk and the head checkpoint's interrupt writes, without
        rebuilding the whole state. Static breakpoints (``next`` without interrupts) take
        the full path in ``refresh_thread``.
        """
        graph = handle.graph
        if (
            handle.interrupt_before
            or handle.interrupt_after
            or graph.interrupt_before_nodes
            or graph.interrupt_after_nodes
            or not isinstance(handle.body(), dict)
        ):
            return False
        tid = handle.run["thread_id"]
        # When the run stopped at interrupts, the state is the one its interrupt chunk
        # carried (a branch that finished in the same step is not applied yet).
        last = handle._interrupt_chunks[-1] if handle._interrupt_chunks else handle._values
        values = {k: v for k, v in (last or {}).items() if k != "__interrupt__"}
        interrupts: dict[str, list[dict[str, Any]]] = {}
        if handle._interrupt_chunks:
            # The head's interrupt writes, less those already answered (a partial resume
            # leaves the answered task's write in place): the stream says which are pending.
            pending = {i["id"] for i in handle.body()["__interrupt__"]}
            head = await self.backend.saver.aget_tuple(thread_config(tid))
            for task_id, channel, value in head.pending_writes or [] if head else []:
                if channel == "__interrupt__":
                    asked = [interrupt_json(i) for i in value if i.id in pending]
                    if asked:
                        interrupts.setdefault(task_id, []).extend(asked)
            if {i["id"] for items in interrupts.values() for i in items} != pending:
                return False
        thread = self._thread(tid)
        thread.update(
            values=values,
            interrupts=to_json(interrupts),
            status="interrupted" if interrupts else "idle",
        )
        self.backend.records.put_thread(stamp_run_end(thread))
        return True

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
        modes = None if stream_mode is None else _modes(stream_mode)
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
