"""Upkeep of a shared store: what no caller asks for, done by whichever runtime is alive.

Every runtime on a file or database keeps its lease (``leases.Presence``) with a heartbeat
(``keep_alive``, on the runner's loop), and each beat also does the store's upkeep:
releasing the runs of owners whose lease ran out, and applying the deadlines that fell
due. The same upkeep runs when a store is opened, and a dead owner's run on a busy thread
is released when that thread is read.
"""

from __future__ import annotations

import asyncio
import logging
import weakref
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from langgraph_sdk.errors import APIStatusError

from hitl_widgets.runtime.backend import Backend
from hitl_widgets.runtime.clock import now
from hitl_widgets.runtime.deadlines import DEADLINE_REVIEWER
from hitl_widgets.runtime.leases import describe_owner
from hitl_widgets.runtime.requests import RunCreate

if TYPE_CHECKING:
    from hitl_widgets.runtime.runs import RunHandle
    from hitl_widgets.runtime.runtime import Runtime

__all__ = ["Upkeep", "keep_alive"]

log = logging.getLogger(__name__)


class Upkeep:
    """Releasing dead owners' runs and applying due deadlines, over one backend."""

    def __init__(
        self,
        backend: Backend,
        *,
        mend: Callable[..., Awaitable[None]],
        start_run: Callable[..., Awaitable[RunHandle]],
        update_thread: Callable[..., Awaitable[Any]],
    ) -> None:
        self._backend = backend
        self._mend = mend
        self._start_run = start_run
        self._update_thread = update_thread

    async def release_dead_runs(self, runs: list[dict[str, Any]]) -> None:
        """Release those of ``runs`` (unfinished ones) whose owner's lease ran out.

        Only an expired lease counts, by the store's clock — never a process id, which says
        nothing about a kernel on another machine. A released resume's question is pending
        again; the run, its decisions and its thread say who stopped.
        """
        named = [run["kwargs"].get("owner") for run in runs]
        owners = self._backend.leases.owners(o for o in named if o is not None)
        for run, owner in zip(runs, named, strict=True):
            lease, live = owners.get(owner, (None, False)) if owner else (None, False)
            if not live:
                await self._release_run(run, describe_owner(owner, lease))

    async def apply_deadlines(self) -> None:
        """Give each item whose deadline fell due its default answer (recorded as given by
        the deadline), or hand it to the reviewer it escalates to. An item answered in
        time — its questions no longer pending — is left alone."""
        for thread_id, action in self._backend.deadlines.take_due():
            thread = self._backend.records.get_thread(thread_id)
            pending = [i["id"] for items in ((thread or {}).get("interrupts") or {}).values()
                       for i in items]
            if thread is None or thread["status"] != "interrupted" or not set(
                    action["interrupt_ids"]) <= set(pending):
                continue
            if "escalate_to" in action:
                await self._update_thread(
                    thread_id, metadata={action["assignee_key"]: action["escalate_to"]})
                continue
            request = RunCreate(assistant_id=thread["metadata"]["graph_id"],
                                command={"resume": action["resume"]})
            try:
                # Started, not awaited: the heartbeat must not wait for a graph to finish.
                await self._start_run(thread_id, request, decided_by=DEADLINE_REVIEWER)
            except APIStatusError as refused:  # answered a moment ago by someone
                log.info("deadline of thread %s not applied: %s", thread_id, refused)

    async def release_dead_runs_on(self, thread_id: str) -> None:
        """``release_dead_runs`` for one busy thread (when it is read)."""
        runs = [r for r in self._backend.records.list_runs(thread_id, limit=1_000)
                if r["status"] in ("pending", "running")]
        await self.release_dead_runs(runs)

    async def _release_run(self, run: dict[str, Any], who: str) -> None:
        started = run["status"] == "running"
        ended = {**run, "status": "error", "updated_at": now()}
        if not self._backend.records.abandon_run(ended):
            return  # another runtime released it, or it ended meanwhile
        run_id, thread_id = run["run_id"], run["thread_id"]
        what = (f"{who} stopped while running run {run_id}: the steps it committed are kept, "
                "and a node it was in may have carried out its side effects" if started else
                f"{who} stopped before run {run_id} started: nothing of it ran")
        self._backend.decision_log.settle(
            run_id, "error", f"released: {what}; its question is open again")
        log.warning("released thread %s: %s", thread_id, what)
        if self._backend.records.get_thread(thread_id) is not None:
            await self._mend(thread_id, {
                "error": "KernelStopped",
                "message": f"{what}. A question it was answering is open again; otherwise "
                "run again with input=None to continue from the last checkpoint",
            }, reopen=True)


async def keep_alive(ref: weakref.ref[Runtime], interval: float) -> None:
    """The heartbeat, on the runner's loop: every ``interval`` seconds, renew the runtime's
    lease, release the runs of owners whose lease ran out and apply the deadlines that fell
    due — while the runtime lives (a closed one's until its last run ends). Holds only a
    weak reference: a runtime nobody keeps is let go, and its lease runs out."""
    while True:
        await asyncio.sleep(interval)
        runtime = ref()
        if runtime is None:
            return
        if runtime.closed and not runtime.running():
            runtime.leave()
            return
        try:
            runtime.presence.beat()
            await runtime.upkeep.release_dead_runs(runtime.backend.records.unfinished_runs())
            await runtime.upkeep.apply_deadlines()
        except Exception:  # the store is unreachable now: try again next beat
            log.warning("heartbeat of %s failed", runtime.presence.owner, exc_info=True)
        del runtime
