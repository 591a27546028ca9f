"""Carry on after the human: callbacks and awaitables fired when a view's answer is settled.

`view.on_decision(callback)` calls `callback(decisions)` after every submit whose fate is
known; `await view.decision()` returns the next such list. Each item is a `Decision` with
its `outcome`: `accepted` (the thread resumed), `failed` (resumed, then the graph raised),
`stale` (someone else answered first), `rejected (422)` / `refused: thread busy` (not
applied; the form is still there to fix and submit again).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

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

    def fire(self, decisions: list[Decision],
             report: Callable[[BaseException, str], None]) -> None:
        """Tell listeners and waiters (the decision log was written by the run itself: the
        runtime in the kernel, `client/recording.py` on a remote server)."""
        if not decisions:
            return
        outcome = decisions[0].outcome
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
