"""Carry on after the human: callbacks and awaitables fired when a view's answer is settled.

`view.on_decision(callback)` calls `callback(decisions)` after every submit whose fate is
known; `await view.decision()` returns the next such list. Each item is a `Decision` with
its `outcome`: `accepted` (the thread resumed), `failed` (resumed, then the graph raised),
`stale` (someone else answered first), `rejected (422)` / `refused: thread busy` (not
applied; the form is still there to fix and submit again).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from hitl_widgets.client.audit import is_local, record_remote_decisions
from hitl_widgets.views.record import Decision

__all__ = ["DecisionCallback", "DecisionHooks", "changes_by_interrupt"]

DecisionCallback = Callable[[list[Decision]], object]

#: Outcomes after which the question is over (the notebook can go on).
SETTLED = ("accepted", "failed", "stale")


def changes_by_interrupt(form: Any) -> dict[str, list[dict[str, Any]]]:
    """The form's `changes()` grouped by interrupt id, as JSON (run metadata, audit log)."""
    out: dict[str, list[dict[str, Any]]] = {}
    changes = getattr(form, "changes", None)
    if not callable(changes):
        return out
    for c in changes():
        out.setdefault(str(c["interrupt_id"]), []).append(
            {"loc": list(c["loc"]), "kind": c["kind"], "before": c["before"],
             "after": c["after"]})
    return out


class DecisionHooks:
    """The listeners and waiters of one view."""

    def __init__(self) -> None:
        self._callbacks: list[DecisionCallback] = []
        self._waiters: list[asyncio.Future[list[Decision]]] = []

    def add(self, callback: DecisionCallback) -> None:
        """Call `callback(decisions)` after each settled submit."""
        self._callbacks.append(callback)

    def next(self) -> asyncio.Future[list[Decision]]:
        """A future for the next submit whose question is over (accepted, failed, stale)."""
        future: asyncio.Future[list[Decision]] = asyncio.get_running_loop().create_future()
        self._waiters.append(future)
        return future

    async def fire(self, client: Any, thread_id: str | None, graph_id: str | None,
                   decisions: list[Decision], changes: Mapping[str, list[dict[str, Any]]],
                   run_id: str | None, report: Callable[[BaseException, str], None]) -> None:
        """Log remotely (a server keeps no decision log), then tell listeners and waiters."""
        if not decisions:
            return
        outcome = decisions[0].outcome
        if outcome in ("accepted", "failed") and thread_id and not is_local(client):
            try:
                await record_remote_decisions(
                    client, thread_id, {d.interrupt_id: d.answer for d in decisions},
                    {d.interrupt_id: d.question for d in decisions},
                    "resumed" if outcome == "accepted" else "error", run_id=run_id,
                    graph_id=graph_id, changes=changes)
            except Exception as exc:  # noqa: BLE001 - the answer is applied; say the log failed
                report(exc, "Writing the decision to the thread's metadata")
        for callback in list(self._callbacks):
            try:
                callback(list(decisions))
            except Exception as exc:  # noqa: BLE001 - a user's callback must not stop the view
                report(exc, "on_decision callback")
        if outcome in SETTLED:
            waiters, self._waiters = self._waiters, []
            for future in waiters:
                if not future.done():
                    future.set_result(list(decisions))
