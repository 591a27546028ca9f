"""Starting runs and seeing them through: multitask strategies, answers checked against
what is pending, the run's task on the runner loop, and the thread record when it ends.

``RunOps`` is the half of the runtime that creates and finishes runs; ``Runtime`` adds the
``runs.*`` API over it (wait, stream, join, cancel, ...).
"""

from __future__ import annotations

import asyncio
import functools
import logging
import uuid
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from langgraph.errors import is_invalid_resume
from langgraph.types import Interrupt
from langgraph_sdk.errors import APIStatusError
from pydantic import ValidationError

from hitl_widgets.runtime.backend import ThreadRuns
from hitl_widgets.runtime.checkpointers import SeesInterrupts
from hitl_widgets.runtime.claims import claim_resume, refuse_answered, settle_run
from hitl_widgets.runtime.clock import now
from hitl_widgets.runtime.commands import build_command, is_resume_map
from hitl_widgets.runtime.errors import bad_request, conflict
from hitl_widgets.runtime.ids import new_id
from hitl_widgets.runtime.jsonable import to_json, to_record
from hitl_widgets.runtime.langgraph_names import INTERRUPT
from hitl_widgets.runtime.leases import Presence
from hitl_widgets.runtime.requests import RunCreate
from hitl_widgets.runtime.retry import (
    drop_conflicting_writes,
    needs_stored_answers,
    store_answers,
)
from hitl_widgets.runtime.runs import STREAM_MODES, RunHandle, execute
from hitl_widgets.runtime.state import error_json, interrupt_json
from hitl_widgets.runtime.threads import ThreadOps, run_end_fields, stamp_run_end, thread_config

__all__ = ["RunOps", "stream_modes"]

log = logging.getLogger(__name__)

KEPT_HANDLES = 100
"""Finished runs whose events stay joinable (``runs.join_stream``) in this process; older
ones are forgotten, so memory stays flat however many runs a kernel makes (their records,
and the thread's state, remain)."""


def _uncancel() -> None:
    """Count a caught cancellation as handled, so the run can still be ended."""
    task = asyncio.current_task()
    if task is not None:
        task.uncancel()


def _refuse_if_busy(slot: ThreadRuns, strategy: str, thread_id: str) -> None:
    """The 409 of ``multitask_strategy="reject"`` on a thread with a run in flight."""
    if slot.active is not None and strategy == "reject":
        raise conflict(
            f"thread {thread_id} is busy with run {slot.active.run_id}; wait for it "
            f"(runs.join({thread_id!r}, {slot.active.run_id!r})) "
            "or choose another multitask_strategy",
            thread_id=thread_id,
            run_id=slot.active.run_id,
        )


def stream_modes(stream_mode: str | list[str] | tuple[str, ...]) -> list[str]:
    """The requested stream modes as a list, or a 400 naming the ones we do not offer."""
    modes = [stream_mode] if isinstance(stream_mode, str) else list(stream_mode)
    unknown = [m for m in modes if m not in STREAM_MODES]
    if unknown:
        raise bad_request(f"unknown stream mode(s) {unknown}; choose from {sorted(STREAM_MODES)}")
    return modes


class RunOps(ThreadOps):
    """Creating and finishing runs. Needs ``graphs``, ``backend`` and ``_handles``."""

    _handles: OrderedDict[str, RunHandle]
    reviewer: str
    presence: Presence

    async def _open_thread(
        self, thread_id: str | None, if_not_exists: str | None
    ) -> tuple[dict[str, Any], bool]:
        if thread_id is None:
            return await self.threads_create(metadata={}), True
        if if_not_exists != "create" or self.backend.records.get_thread(str(thread_id)):
            return self._thread(thread_id, values=False), False  # a 404 with advice if missing
        return await self.threads_create(thread_id=str(thread_id)), False

    async def start_run(
        self,
        thread_id: str | None,
        request: RunCreate,
        *,
        on_run_created: Callable[[dict[str, str]], object] | None = None,
        decided_by: str | None = None,
    ) -> RunHandle:
        """Create a run and start it (or queue it behind the thread's current run).
        ``decided_by``: who its answers are recorded as given by (default: the reviewer)."""
        assistant_id, input, command = request.assistant_id, request.input, request.command
        config, context, metadata = request.config, request.context, request.metadata
        stream_mode, stream_subgraphs = request.stream_mode, request.stream_subgraphs
        checkpoint, checkpoint_id = request.checkpoint, request.checkpoint_id
        interrupt_before, interrupt_after = request.interrupt_before, request.interrupt_after
        multitask_strategy, if_not_exists = request.multitask_strategy, request.if_not_exists
        on_completion = request.on_completion
        self.backend.check_writable()
        assistant = self.graphs.assistant(assistant_id)
        modes = stream_modes(stream_mode)
        if input is not None and command is not None:
            raise bad_request("pass input or command to a run, not both")
        strategy = multitask_strategy or "enqueue"
        if strategy not in ("reject", "interrupt", "rollback", "enqueue"):
            raise bad_request(f"unknown multitask_strategy {strategy!r}")
        thread, stateless = await self._open_thread(thread_id, if_not_exists)
        tid = thread["thread_id"]
        _refuse_if_busy(self.backend.thread_runs(tid), strategy, tid)
        run_id = new_id()
        stamp = now()
        run = {
            "run_id": run_id,
            "thread_id": tid,
            "assistant_id": assistant["assistant_id"],
            "created_at": stamp,
            "updated_at": stamp,
            "status": "pending",
            # The thread's metadata goes with each of its runs, under the run's own (as
            # the server copies it into the run and so into every checkpoint).
            "metadata": {
                **thread["metadata"],
                **dict(metadata or {}),
                "graph_id": assistant["graph_id"],
                "assistant_id": assistant["assistant_id"],
            },
            "multitask_strategy": strategy,
            "langsmith_session_name": None,  # no tracing in the kernel (the server's key)
            "kwargs": {
                # As a client would send them: a graph's input may hold LangChain messages,
                # a config callbacks; the record keeps JSON (the graph gets the objects).
                "input": to_record(input),
                "command": to_record(dict(command)) if command is not None else None,
                "config": to_record(dict(config or {})),
                "stream_mode": modes,
                "interrupt_before": interrupt_before,
                "interrupt_after": interrupt_after,
                # Whose lease this run lives by: another kernel releases it only once that
                # lease has run out (a process id would say nothing across machines).
                "owner": self.presence.owner,
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
            **thread["metadata"],
            **dict(metadata or {}),
            "graph_id": assistant["graph_id"],
            "assistant_id": assistant["assistant_id"],
            "run_id": run_id,
            "thread_id": tid,
        }
        run_config["run_id"] = uuid.UUID(run_id)  # LangChain's root run id
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
            decided_by=decided_by,
        )
        busy: dict[str, Any] = {"status": "busy", "updated_at": stamp}
        if thread["metadata"].get("graph_id") != assistant["graph_id"]:
            busy["metadata"] = {
                **thread["metadata"],
                "graph_id": assistant["graph_id"],
                "assistant_id": assistant["assistant_id"],
            }
        previous = self.backend.thread_runs(tid).active
        if previous is None:
            await self._check_command(handle, thread)  # fail fast: nothing recorded if bad
        start = None
        if previous is not None and strategy == "rollback" and not checkpoint_id:
            start = await self._start_of(previous)  # where the run to roll back started
        # No await from here on: the thread's runs are read again (one may have ended
        # meanwhile) and the run is recorded, queued or launched in one go.
        slot = self.backend.thread_runs(tid)
        _refuse_if_busy(slot, strategy, tid)
        # Recorded first, in one write: if storage fails, no run was queued or cancelled.
        self._patch_thread(tid, busy, runs=[run])
        if slot.active is not None and strategy in ("interrupt", "rollback"):
            previous = slot.active
            previous.cancel_reason = strategy
            if strategy == "rollback" and start is not None:
                # Start from where the rolled-back run started, as if it never ran.
                handle.config["configurable"]["checkpoint_id"] = start
            slot.queue.appendleft(handle)
            previous.cancel()
        elif slot.active is not None:
            slot.queue.append(handle)
        self._remember(handle)
        if slot.active is None:
            self._launch(handle)
        if on_run_created is not None:
            on_run_created({"run_id": run_id, "thread_id": tid})
        return handle

    async def _check_command(
        self, handle: RunHandle, thread: dict[str, Any] | None = None
    ) -> None:
        """Check the command against the interrupts pending where the run starts (on the
        ``thread`` record just read, or read here)."""
        handle.checked = True
        tid = handle.run["thread_id"]
        configurable = handle.config["configurable"]
        fork = "checkpoint_id" in configurable
        thread = thread if thread is not None else self._thread(tid, values=False)
        if thread["status"] == "error" and not fork:
            if await drop_conflicting_writes(self.backend.saver, thread_config(tid)):
                # The paused nodes ask again, under new interrupt ids: an answer given for
                # the one question that was pending answers the question asked again.
                if handle.command is not None and is_resume_map(handle.command.get("resume")):
                    given = list(handle.command["resume"].values())
                    if len(given) == 1:
                        handle.command = {**handle.command, "resume": given[0]}
        if handle.command is None:
            return
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
        refuse_answered(self.backend.decision_log, handle, thread, fork)
        handle.input = build_command(tid, handle.command, pending, paused)
        # The claim, in one transaction with "still pending?" (409 to the loser).
        claim_resume(self.backend.decision_log, handle, pending,
                     reviewer=handle.decided_by or self.reviewer, fork=fork)
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

    async def _start_of(self, handle: RunHandle) -> str | None:
        """The checkpoint a run started from: the parent of the first one it wrote (found
        when a rollback needs it, so no run pays for it up front); ``None`` when it wrote
        none yet, and the thread's head is still where it started."""
        first = None
        async for item in self.backend.saver.alist(
            thread_config(handle.run["thread_id"]), filter={"run_id": handle.run_id}
        ):
            first = item  # newest first: the last one listed is the run's first
        if first is None or first.parent_config is None:
            return None
        parent: str = first.parent_config["configurable"]["checkpoint_id"]
        return parent

    def _remember(self, handle: RunHandle) -> None:
        self._handles[handle.run_id] = handle
        while len(self._handles) > KEPT_HANDLES:
            oldest = next(iter(self._handles))
            if not self._handles[oldest].done.is_set():
                break
            del self._handles[oldest]

    def _launch(self, handle: RunHandle) -> None:
        slot = self.backend.thread_runs(handle.run["thread_id"])
        slot.active = handle
        if self.backend.leases.shared:
            # Each checkpoint the run writes first asks whether the lease still holds.
            self.backend.fences[handle.run_id] = functools.partial(
                self.presence.check, handle.run["kwargs"]["owner"], handle.run_id,
                handle.run["thread_id"])
        handle.task = asyncio.get_running_loop().create_task(self._run(handle))

    async def _run(self, handle: RunHandle) -> None:
        """The run's task. Never raises: whatever happens, the run ends (``_end``)."""
        tid = handle.run["thread_id"]
        handle.started = True
        try:
            if handle.cancel_requested:
                raise asyncio.CancelledError  # cancelled before its first step
            if not handle.checked:
                # Queued: checked against where the thread is now, then it is busy again.
                await self._check_command(handle)
                self._patch_thread(tid, {"status": "busy"}, runs=[handle.run])
            self._set_run(handle, "running")
        except asyncio.CancelledError as cancelled:
            handle.error = cancelled
            _uncancel()
        except Exception as error:  # noqa: BLE001 - e.g. a queued answer that went stale
            handle.emit("metadata", {"run_id": handle.run_id, "attempt": 1})
            handle.fail(error)
        else:
            self._take_asked(tid)  # from here on, what the saver sees written is this run's
            await execute(handle)
        handle.finishing = True
        await self._end(handle)

    def end_unstarted(self, handle: RunHandle, status: str) -> None:
        """End a queued run that never started (cancelled, or its thread went away)."""
        try:
            self._set_run(handle, status)
        finally:
            handle.finish()

    async def _end(self, handle: RunHandle) -> None:
        """Record how the run ended, free its thread for the next run, wake every waiter.

        Every step after the graph can fail too (reading the state it left, the storage, a
        cancel): the thread then ends in ``error`` with that failure recorded, never
        ``busy``, and the failure is the run's result.
        """
        tid = handle.run["thread_id"]
        self.backend.fences.pop(handle.run_id, None)
        # The database failing under the graph (locked, full, gone) is a storage failure,
        # named as such; the graph's own misuse of a driver stays the graph's error.
        if handle.error is not None and type(handle.error).__name__ == "OperationalError":
            handle.error = self.backend.records.describe(handle.error) or handle.error
        try:
            try:
                if self.backend.leases.shared:
                    # A run whose lease lapsed writes nothing more: another kernel may have
                    # released its thread and answered it already.
                    self.presence.check(handle.run["kwargs"]["owner"], handle.run_id, tid)
            except APIStatusError as lapsed:
                if not isinstance(handle.error, APIStatusError):
                    handle.fail(lapsed)
                self._take_asked(tid)
                self._release(handle)
                return
            try:
                # The decisions' outcome, before the thread is freed (a reader never sees
                # it free while its claim is unsettled).
                settle_run(self.backend.decision_log, handle)
                await self._record_end(handle)
            except Exception as error:  # noqa: BLE001 - becomes the run's (and thread's) error
                if handle.error is None or isinstance(handle.error, asyncio.CancelledError):
                    handle.fail(error)
                self._record_failed_end(handle, error)
            self._take_asked(tid)  # what the run's end did not need
            next_run = self._release(handle)
            if next_run is None and handle.stateless:
                await self._drop_stateless(tid)
        finally:
            handle.finish()

    async def _record_end(self, handle: RunHandle) -> None:
        """The run's and its thread's records as the run left them, in one write."""
        tid = handle.run["thread_id"]
        error = handle.error
        cancelled = isinstance(error, asyncio.CancelledError)
        status = "interrupted" if cancelled else "error" if error is not None else "success"
        handle.run.update(status=status, updated_at=now())  # written with the thread below
        ended = [handle.run]
        if cancelled and handle.cancel_reason == "rollback":
            self.backend.records.delete_run(handle.run_id)  # as if it never ran
            ended = []
        if cancelled:
            await self.refresh_thread(tid, runs=ended)
        elif error is not None:
            # An answer LangGraph rejected saved nothing: the thread is still interrupted.
            invalid_resume = isinstance(error, ValidationError) and is_invalid_resume(error)
            await self.refresh_thread(
                tid,
                error=None
                if invalid_resume or isinstance(error, APIStatusError)
                else error_json(error),
                runs=ended,
            )
        elif not await self._refresh_from_stream(handle):
            await self.refresh_thread(tid, runs=ended)

    def _record_failed_end(self, handle: RunHandle, error: Exception) -> None:
        """Mark the run and its thread ``error`` after ``_record_end`` failed.

        If even that cannot be written (the storage is what failed), the thread's record is
        mended when it is next read (``heal_thread``) or when the storage is next opened.
        """
        shaped = error_json(error)
        self.backend.unsaved_errors[handle.run["thread_id"]] = shaped
        try:
            handle.run.update(status="error", updated_at=now())
            thread = self.backend.records.get_thread(handle.run["thread_id"])
            if thread is not None:
                thread["status"] = "error"
                self.backend.records.put(thread=stamp_run_end(thread, shaped), runs=[handle.run])
            else:
                self.backend.records.put(runs=[handle.run])
        except Exception:  # noqa: BLE001 - kept in unsaved_errors, mended on the next read
            return
        del self.backend.unsaved_errors[handle.run["thread_id"]]

    def _release(self, handle: RunHandle) -> RunHandle | None:
        """Free the thread's slot and start the run queued behind, if any."""
        slot = self.backend.thread_runs(handle.run["thread_id"])
        if slot.active is handle:
            slot.active = None
        if not slot.queue:
            if slot.active is None:
                self.backend.live.pop(handle.run["thread_id"], None)  # kept only while used
            return None
        next_run = slot.queue.popleft()
        self._launch(next_run)
        return next_run

    async def _drop_stateless(self, thread_id: str) -> None:
        """A run created without a thread leaves nothing behind."""
        try:
            await self.threads_delete(thread_id)
        except Exception:
            log.warning("could not delete temporary thread %s", thread_id, exc_info=True)

    def _set_run(self, handle: RunHandle, status: str) -> None:
        if handle.cancel_reason == "rollback" and status == "interrupted":
            handle.run.update(status=status, updated_at=now())
            self.backend.records.delete_run(handle.run_id)
        else:
            self.backend.records.update_run(handle.run, status=status, updated_at=now())

    def _take_asked(self, thread_id: str) -> dict[str, list[Interrupt]] | None:
        """The interrupts our saver saw written on the thread since the last take, by task
        (``None`` for a saver that does not keep them)."""
        saver = self.backend.saver
        return saver.take_asked(thread_id) if isinstance(saver, SeesInterrupts) else None

    async def _asked_by_task(self, handle: RunHandle) -> dict[str, list[Interrupt]]:
        """The interrupts on the thread's head, by the task that asked: as our saver saw
        them written during the run, else read from the head checkpoint."""
        tid = handle.run["thread_id"]
        seen = self._take_asked(tid)
        if seen is not None:
            return seen
        head = await self.backend.saver.aget_tuple(thread_config(tid))
        by_task: dict[str, list[Interrupt]] = {}
        for task_id, channel, value in head.pending_writes or [] if head else []:
            if channel == INTERRUPT:
                by_task.setdefault(task_id, []).extend(value)
        return by_task

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
        values, asked_ids = handle.final_state()
        interrupts: dict[str, list[dict[str, Any]]] = {}
        if asked_ids:
            # The interrupts written by task, less those already answered (a partial resume
            # leaves the answered task's write in place): the stream says which are pending.
            pending = set(asked_ids)
            for task_id, value in (await self._asked_by_task(handle)).items():
                asked = [interrupt_json(i) for i in value if i.id in pending]
                if asked:
                    interrupts.setdefault(task_id, []).extend(asked)
            if {i["id"] for items in interrupts.values() for i in items} != pending:
                return False
        self._patch_thread(
            tid,
            {
                "values": values,
                "interrupts": to_json(interrupts),
                "status": "interrupted" if interrupts else "idle",
                **run_end_fields(stamp=handle.run["updated_at"]),
            },
            runs=[handle.run],
        )
        # The run's outcome is recorded: an older failure kept for healing is superseded.
        self.backend.unsaved_errors.pop(tid, None)
        return True
