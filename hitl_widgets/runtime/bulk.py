"""Operations over many runs or threads at once, as the LangGraph Server offers them.

- ``cancel_many``: ``POST /runs/cancel`` — the runs named (``thread_id`` + ``run_ids``) or
  every run in a status (``pending``, ``running``, ``all``);
- ``create_batch``: ``POST /runs/batch`` — several runs without a thread, every request
  checked before any starts;
- ``prune``: ``POST /threads/prune`` — delete threads by id;
- ``run_stats``: the queue's numbers behind ``GET /metrics``.

Each takes the ``Runtime`` and runs on its loop, like the runtime's own methods.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from hitl_widgets.runtime.errors import conflict, not_found, unprocessable
from hitl_widgets.runtime.requests import RunCreate

if TYPE_CHECKING:
    from hitl_widgets.runtime.runtime import Runtime

__all__ = ["CANCEL_STATUSES", "cancel_many", "create_batch", "prune", "run_stats"]

CANCEL_STATUSES = ("pending", "running", "all")
"""What ``cancel_many(status=...)`` takes."""


async def cancel_many(
    rt: Runtime,
    *,
    thread_id: str | None = None,
    run_ids: Sequence[str] | None = None,
    status: str | None = None,
    action: str = "interrupt",
) -> None:
    """Cancel the runs named, or every run in ``status``; a 404 when none matches."""
    if status is not None:
        status = status.lower()
        if status not in CANCEL_STATUSES:
            raise unprocessable(
                f"Invalid status {status!r}: must be 'pending', 'running', or 'all'"
            )
        if thread_id or run_ids:
            raise unprocessable(
                "When providing a 'status', 'thread_id' and 'run_ids' must be omitted: "
                "'status' cancels every run in that status, whatever its thread"
            )
        wanted = ("pending", "running") if status == "all" else (status,)
        targets = [r for r in rt.backend.records.unfinished_runs() if r["status"] in wanted]
    else:
        if not thread_id or run_ids is None:
            raise unprocessable(
                "Must provide either a status, or both 'thread_id' and 'run_ids' "
                "(runs.cancel_many(thread_id=..., run_ids=[...]) or status='all')"
            )
        found = [rt.backend.records.get_run(str(run_id)) for run_id in run_ids]
        targets = [r for r in found if r is not None and r["thread_id"] == str(thread_id)]
    if not targets:
        named = f"{list(run_ids or [])} in thread {thread_id}"
        where = f"in status {status!r}" if status else named
        raise not_found(f"No runs found to cancel ({where}); list them with runs.list(thread_id)")
    for run in targets:
        await rt.runs_cancel(run["thread_id"], run["run_id"], action=action)


async def create_batch(rt: Runtime, requests: Sequence[RunCreate]) -> list[dict[str, Any]]:
    """Start one run without a thread per request; their records, in order.

    Every request's assistant is checked first, so a bad one (404) starts none of them.
    """
    for request in requests:
        rt.graphs.assistant(request.assistant_id)
    return [await rt.runs_create(None, request) for request in requests]


async def prune(rt: Runtime, thread_ids: Sequence[str], strategy: str = "delete") -> int:
    """Delete the threads named (ids that do not exist are skipped); how many went.

    A busy thread refuses the whole prune (409) before any thread is deleted.
    """
    if strategy == "keep_latest":
        raise unprocessable(
            "prune strategy 'keep_latest' is not offered (LangGraph's savers have no way to "
            "drop old checkpoints alone); use strategy='delete', or copy the thread "
            "(threads.copy) and delete the original"
        )
    if strategy != "delete":
        raise unprocessable(f"unknown prune strategy {strategy!r}: 'delete' or 'keep_latest'")
    existing = [str(t) for t in thread_ids if rt.backend.records.get_thread(str(t)) is not None]
    busy = [t for t in existing if (slot := rt.backend.live.get(t)) and slot.active is not None]
    if busy:
        raise conflict(
            f"thread(s) {busy} are busy with a run; cancel their runs (runs.cancel_many("
            "status='running')) before pruning; nothing was deleted"
        )
    for thread_id in existing:
        await rt.threads_delete(thread_id)
    return len(existing)


async def run_stats(rt: Runtime) -> dict[str, Any]:
    """Runs waiting and running, in the shape of the server's ``/metrics?format=json``."""
    unfinished = rt.backend.records.unfinished_runs()
    pending = sum(1 for r in unfinished if r["status"] == "pending")
    running = sum(1 for r in unfinished if r["status"] == "running")
    return {
        "queue": {
            "n_pending": pending,
            "pending_runs_wait_time_max_secs": None,
            "pending_runs_wait_time_med_secs": None,
            "pending_unblocked_runs_wait_time_max_secs": None,
            "n_running": running,
        },
        "workers": {"max": None, "active": running, "available": None},
    }
