"""The in-kernel LangGraph Server: assistants, threads and runs over compiled graphs.

Every public coroutine here runs on the runtime's loop (``door``, see ``runner.py``); the
clients in ``hitl_widgets.client`` are the ways in from the kernel.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import weakref
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

from langgraph.errors import is_invalid_resume
from langgraph_sdk.errors import APIStatusError
from pydantic import ValidationError

from hitl_widgets.runtime import bulk, resumable
from hitl_widgets.runtime.backend import open_backend, release_backend
from hitl_widgets.runtime.checkpointers import CheckpointerSpec
from hitl_widgets.runtime.claims import default_reviewer
from hitl_widgets.runtime.clock import now
from hitl_widgets.runtime.errors import StorageError, conflict, not_found, unprocessable
from hitl_widgets.runtime.graphs import Graphs, GraphSpec, checkpointer_of, load_graph
from hitl_widgets.runtime.leases import LEASE_SECONDS, Presence
from hitl_widgets.runtime.rebuild import rebuild_records
from hitl_widgets.runtime.records import contains
from hitl_widgets.runtime.requests import RunCreate
from hitl_widgets.runtime.review_queues import ReviewQueues
from hitl_widgets.runtime.run_ops import RunOps, stream_modes
from hitl_widgets.runtime.runner import LoopDoor, get_runner
from hitl_widgets.runtime.runs import RunHandle
from hitl_widgets.runtime.state import error_json
from hitl_widgets.runtime.threads import stamp_run_end
from hitl_widgets.runtime.upkeep import Upkeep, keep_alive

__all__ = ["GraphRunError", "Runtime"]

log = logging.getLogger(__name__)


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
        lease_seconds: float = LEASE_SECONDS,
    ) -> None:
        self.reviewer = default_reviewer(reviewer)  # who the decisions are by
        loaded = {graph_id: load_graph(spec) for graph_id, spec in graphs.items()}
        self.backend = open_backend(checkpointer_of(loaded, checkpointer))
        self.closed = False
        try:
            self.graphs = Graphs(loaded, self.backend.saver, now())
            self.runner = get_runner()
            self.door: LoopDoor = self.runner
            """Where this runtime's coroutines run: the runner, or its async client's loop."""
            shared = self.backend.leases.shared
            # Storage nobody else shares (memory) may follow its async client onto the
            # client's own loop (door_here); shared storage stays on the runner's one thread,
            # where the heartbeat runs too.
            self._movable = self.backend.key is None and not self.backend.rebuild and not shared
            self._moving = threading.Lock()
            self._handles: OrderedDict[str, RunHandle] = OrderedDict()
            self.presence = self.runner.call(
                _join(self.backend.leases, self.reviewer, lease_seconds))
            """This runtime's lease on the store: its runs live as long as it does."""
            self.queues = ReviewQueues(self.backend.leases, self.backend.votes,
                                       self.backend.deadlines, self.presence)
            """The review queues' holds and votes, under this runtime's reviewer."""
            self.upkeep = Upkeep(self.backend, mend=self._mend, start_run=self.start_run,
                                 update_thread=self.threads_update)
            """What a shared store needs from whichever runtime is alive on it."""
            self.runner.call(self._recover())
            self._heartbeat = (
                self.runner.submit(keep_alive(weakref.ref(self), self.presence.interval))
                if shared else None)
        except BaseException:
            release_backend(self.backend)
            raise

    def door_here(self) -> LoopDoor:
        """The door for a coroutine awaited on the running loop (the async client's calls).

        A runtime whose storage nobody else shares moves onto its caller's loop, so each
        call runs in place — no thread hop, the graph stepping where its own ``ainvoke``
        would. It moves only from the runner (its first call) or from a loop that no longer
        runs (``asyncio.run`` again), and never with a run in flight; a caller on another
        thread's running loop comes in through the door instead, so two threads never work
        on it at once.
        """
        with self._moving:
            door = self.door
            if (
                self._movable
                and not door.on_loop()
                and not self.backend.live
                and (door is self.runner or not door.loop.is_running())
            ):
                self.door = LoopDoor(asyncio.get_running_loop())
            return self.door

    def pin_to_runner(self) -> None:
        """Keep this runtime on the runner's thread from now on (``serve()``: requests come
        from other threads, which must not wait for a busy kernel loop)."""
        with self._moving:
            if self.door is not self.runner and self.backend.live:
                raise RuntimeError(
                    "runs are in flight on this client's event loop; wait for them "
                    "(runs.join) before serving the client over HTTP"
                )
            self._movable = False
            self.door = self.runner

    def close(self) -> None:
        """Let go of the storage (the last runtime on a file or database closes it).
        Idempotent; a closed runtime's calls fail with ``StorageError``. Runs still in
        flight go on under the heartbeat, which gives the lease up when they end."""
        if not self.closed:
            self.closed = True
            if self._heartbeat is None or not self.running():
                self.leave()

    def running(self) -> bool:
        """Whether a run of this runtime is still in flight."""
        return any(not handle.done.is_set() for handle in self._handles.values())

    def leave(self) -> None:
        """Give up the lease, stop the heartbeat, let go of the storage (what ``close`` does
        once no run of this runtime is in flight)."""
        if self._heartbeat is not None:
            self._heartbeat.cancel()
        try:
            self.runner.call(_give_up(self.presence))
        except Exception:  # the store is gone: the lease simply runs out
            log.warning("could not give up the lease of %s", self.presence.owner, exc_info=True)
        release_backend(self.backend)

    def check_open(self) -> None:
        """Refuse calls on a closed runtime with a message that says what to do."""
        if self.closed:
            raise StorageError(
                "this client was closed (aclose / close / the end of its with block); "
                "open a new one with get_client(...)"
            )

    async def _recover(self) -> None:
        """Mend what a runtime that stopped mid-run left behind, when the store is opened.

        Runs whose owner's lease ran out are released (``Upkeep``); threads left
        ``busy`` with no run recorded at all are told what they are. Records kept in memory
        beside a saver that outlives the process are rebuilt.
        """
        if self.backend.rebuild:
            await rebuild_records(self.backend, self.graphs)
        records = self.backend.records
        await self.upkeep.release_dead_runs(records.unfinished_runs())
        await self.upkeep.apply_deadlines()  # what fell due while no kernel was running
        alive = {r["thread_id"] for r in records.unfinished_runs()}
        for thread in records.busy_threads():
            if thread["thread_id"] not in alive and not self.backend.live.get(
                thread["thread_id"]
            ):
                await self._mend(thread["thread_id"], None)

    async def _mend(self, thread_id: str, error: dict[str, Any] | None, *,
                    reopen: bool = False) -> None:
        """Recompute a thread's record after a run that did not end properly (``reopen``:
        pending questions leave it ``interrupted``, the error kept as what happened)."""
        try:
            await self.refresh_thread(thread_id, error=error, reopen=reopen)
        except Exception as failure:  # noqa: BLE001 - its state cannot be read: say so
            thread = self._thread(thread_id)
            thread["status"] = "error"
            self.backend.records.put_thread(stamp_run_end(thread, error or error_json(failure)))

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

    async def assistants_count(
        self,
        *,
        metadata: Mapping[str, Any] | None = None,
        graph_id: str | None = None,
        name: str | None = None,
    ) -> int:
        found = await self.assistants_search(
            metadata=metadata, graph_id=graph_id, name=name, limit=len(self.graphs.assistants)
        )
        return len(found)

    async def assistants_get_versions(
        self,
        assistant_id: str,
        metadata: Mapping[str, Any] | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> list[dict[str, Any]]:
        """A graph's default assistant has one version, itself (``version`` 1)."""
        assistant = self.graphs.assistant(assistant_id)
        versions = [{k: v for k, v in assistant.items() if k != "updated_at"}]
        versions = [v for v in versions if not metadata or contains(v["metadata"], metadata)]
        return versions[offset : offset + limit]

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
        if isinstance(error, (APIStatusError, StorageError)):
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
        self,
        thread_id: str | None,
        request: RunCreate,
        *,
        raise_error: bool = True,
        on_run_created: Callable[[dict[str, str]], object] | None = None,
    ) -> Any:
        handle = await self.start_run(thread_id, request, on_run_created=on_run_created)
        await handle.done.wait()
        return self.result_of(handle, raise_error)

    async def runs_stream(
        self,
        thread_id: str | None,
        request: RunCreate,
        *,
        on_run_created: Callable[[dict[str, str]], object] | None = None,
    ) -> AsyncIterator[resumable.Item]:
        handle = await self.start_run(thread_id, request, on_run_created=on_run_created)
        handle.resumable = request.stream_resumable  # before its task takes a step
        async for item in resumable.follow(handle):
            yield item

    async def runs_create(
        self,
        thread_id: str | None,
        request: RunCreate,
        *,
        on_run_created: Callable[[dict[str, str]], object] | None = None,
    ) -> dict[str, Any]:
        handle = await self.start_run(thread_id, request, on_run_created=on_run_created)
        handle.resumable = request.stream_resumable
        return dict(handle.run)

    async def runs_join(self, thread_id: str, run_id: str) -> Any:
        """Wait for the run, then the thread's values as it left them (the server's and the
        SDK's ``join``: the thread's final state, not the run's own output)."""
        handle = await self._handle(thread_id, run_id)
        if handle is not None:
            await handle.done.wait()
        thread = self._thread(str(thread_id))
        run = await self._run_record(thread_id, run_id)
        if run["status"] == "error":  # the run's failure, as the server's join answers it
            failure = handle.body() if handle is not None else None
            if isinstance(failure, dict) and "__error__" in failure:
                return failure
            if thread.get("error"):
                return {"__error__": thread["error"]}
        body = dict(thread.get("values") or {})
        if thread["status"] == "interrupted" and thread.get("interrupts"):
            body["__interrupt__"] = [
                {**i, "response_schema": i.get("response_schema")}
                for items in thread["interrupts"].values()
                for i in items
            ]
        return body

    async def runs_join_stream(
        self,
        thread_id: str,
        run_id: str,
        stream_mode: Any = None,
        last_event_id: str | None = None,
    ) -> AsyncIterator[resumable.Item]:
        """The run's events after ``last_event_id`` (a resumable run's), else from now on
        (``resumable.py``)."""
        handle = await self._handle(thread_id, run_id)
        if handle is None:
            return
        modes = None if stream_mode is None else stream_modes(stream_mode)
        async for item in resumable.join(handle, modes, last_event_id):
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
            self.end_unstarted(handle, "interrupted")
            return
        handle.cancel()
        if wait:
            await handle.done.wait()

    # -- many at once (bulk.py) ------------------------------------------------------------

    async def runs_cancel_many(
        self,
        *,
        thread_id: str | None = None,
        run_ids: Sequence[str] | None = None,
        status: str | None = None,
        action: str = "interrupt",
    ) -> None:
        await bulk.cancel_many(
            self, thread_id=thread_id, run_ids=run_ids, status=status, action=action
        )

    async def runs_create_batch(self, requests: Sequence[RunCreate]) -> list[dict[str, Any]]:
        return await bulk.create_batch(self, requests)

    async def threads_prune(self, thread_ids: Sequence[str], strategy: str = "delete") -> int:
        return await bulk.prune(self, thread_ids, strategy)

    async def run_stats(self) -> dict[str, Any]:
        return await bulk.run_stats(self)


async def _join(leases: Any, label: str, seconds: float) -> Presence:
    return Presence(leases, label, seconds)


async def _give_up(presence: Presence) -> None:
    presence.leave()
