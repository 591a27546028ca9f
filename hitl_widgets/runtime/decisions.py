"""The decision log: who answered which interrupt, when, with what, and what came of it.

Answering an interrupt is a *claim*. One transaction checks that the thread is not busy and
that the interrupts are still pending, writes one decision row per interrupt, and marks the
thread ``busy``; a second reviewer (another kernel, another process on the same file) loses
with a 409 that names the winner: "already answered by ana at 10:42:07". While a claim is
live (``claimed``, then ``resumed``) no other claim on the same interrupt can be written: a
unique index says so in SQLite and PostgreSQL, whatever any reader believed. A run that
fails releases its claim (outcome ``error``), so the interrupt can be answered again.

Every store keeps one contract (``DecisionLog``): ``MemoryDecisions`` here, beside
``MemoryRecords``; in ``sql_decisions`` the SQLite and PostgreSQL stores, in the checkpoint
database on the saver's connection and lock, like ``sql_records``. A decision is a
JSON-shaped dict::

    {"decision_id", "thread_id", "interrupt_id", "run_id", "graph_id", "reviewer", "at",
     "value", "answer", "changes", "outcome", "error"}

``outcome`` is ``claimed`` while the run goes on, then ``resumed``, ``error``,
``cancelled`` or ``refused``; a resumed decision answered again by a fork from an earlier
checkpoint becomes ``resumed, then forked``. ``changes`` compares the answer with the question
(or is what the form said the reviewer changed); ``proposal`` is what the agent proposed,
``edits`` the change from it to the final answer and ``verdict`` what the decision was
(``verdicts``: accepted, edited, rejected, responded, ignored, defaulted). A view stages
what it showed before it sends the answer (``stage``): the claim then adds ``shown_sha256``
(and ``shown_matches``: whether it is what the interrupt asked), ``checkpoint_id``,
``comment``, ``origin`` (``form``, ``bulk``, ``code``: a decision nobody staged was made
by code through the client) and ``reviewer_source`` (where the reviewer's name came from).

Each log also keeps the audit trail (``audit_trail``): the claim appends a ``decision`` row
and every outcome after it an ``outcome`` row, chained by hash; ``trail()`` reads it and
``verify()`` checks it.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from hitl_widgets.runtime.audit_trail import (
    GENESIS,
    Verification,
    chain_row,
    verify_rows,
)
from hitl_widgets.runtime.clock import now
from hitl_widgets.runtime.errors import conflict, not_found
from hitl_widgets.runtime.ids import new_id
from hitl_widgets.runtime.records import MemoryRecords
from hitl_widgets.runtime.staging import CONTEXT_FIELDS, StagedContexts
from hitl_widgets.runtime.verdicts import final_of, judge, proposal_of

__all__ = [
    "CONTEXT_FIELDS",
    "FORKED",
    "LIVE_OUTCOMES",
    "DecisionLog",
    "MemoryDecisions",
    "answer_changes",
    "loser_error",
    "new_decision",
    "pending_ids",
    "refusal",
]

LIVE_OUTCOMES = ("claimed", "resumed")
"""Outcomes that hold an interrupt: no second claim on it while one of these stands."""

FORKED = "resumed, then forked"
"""The outcome of a decision answered again on a new branch (a fork from before it)."""


def answer_changes(value: Any, answer: Any, loc: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
    """What an answer changed against the interrupt's value (its proposal), leaf by leaf.

    Same-shaped dicts and lists are compared key by key; anything else that differs is one
    ``replaced`` entry (an answer of another shape than the question, say a string for
    ``{"text_to_revise": ...}``)."""
    if isinstance(value, Mapping) and isinstance(answer, Mapping):
        out: list[dict[str, Any]] = []
        for key in list(value) + [k for k in answer if k not in value]:
            if key not in answer:
                out.append({"loc": [*loc, key], "kind": "removed", "before": value[key],
                            "after": None})
            elif key not in value:
                out.append({"loc": [*loc, key], "kind": "added", "before": None,
                            "after": answer[key]})
            else:
                out.extend(answer_changes(value[key], answer[key], (*loc, key)))
        return out
    if isinstance(value, list) and isinstance(answer, list) and len(value) == len(answer):
        return [c for i, (v, a) in enumerate(zip(value, answer, strict=True))
                for c in answer_changes(v, a, (*loc, i))]
    if type(value) is type(answer) and value == answer:
        return []
    kind = "changed" if type(value) is type(answer) else "replaced"
    return [{"loc": list(loc), "kind": kind, "before": value, "after": answer}]


def new_decision(
    *,
    thread_id: str,
    interrupt_id: str,
    run_id: str | None,
    graph_id: str | None,
    reviewer: str,
    at: str,
    value: Any,
    answer: Any,
    changes: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A decision row as claimed (``outcome='claimed'``), made by code until a view's
    staged context says otherwise (``DecisionLog.stage``)."""
    proposal = proposal_of(value, answer)
    return {
        "decision_id": new_id(),
        "thread_id": thread_id,
        "interrupt_id": interrupt_id,
        "run_id": run_id,
        "graph_id": graph_id,
        "reviewer": reviewer,
        "at": at,
        "value": value,
        "answer": answer,
        "changes": answer_changes(value, answer) if changes is None else changes,
        "outcome": "claimed",
        "error": None,
        "proposal": proposal,
        "edits": [] if proposal is None
        else answer_changes(proposal, final_of(value, answer, proposal)),
        "verdict": judge(value, answer, proposal),
        "shown_sha256": None,
        "shown_matches": None,
        "checkpoint_id": None,
        "comment": None,
        "origin": "code",
        "reviewer_source": "client",
    }


def pending_ids(thread: Mapping[str, Any]) -> set[str]:
    groups = thread.get("interrupts") or {}
    return {str(i["id"]) for items in groups.values() for i in items or ()}


def refusal(thread: Mapping[str, Any] | None, thread_id: str, ids: Sequence[str],
             check_pending: bool) -> str | None:
    """Why these interrupts cannot be claimed on this thread record now, or None."""
    if thread is None:
        return "missing"
    if thread.get("status") == "busy":
        return "busy"
    if check_pending and not set(ids) <= pending_ids(thread):
        return "not pending"
    return None


def loser_error(thread_id: str, ids: Sequence[str], holder: Mapping[str, Any] | None,
           reason: str, thread: Mapping[str, Any] | None = None) -> Exception:
    """The 409 (or 404) a losing claim gets: who answered, and when."""
    if reason == "missing":
        return not_found(f"thread {thread_id} not found (deleted while it was being answered?)",
                         thread_id=thread_id)
    if holder is not None:
        at = str(holder.get("at") or "")
        clock = at[11:19] if len(at) >= 19 else at
        pending = sorted(pending_ids(thread)) if thread is not None else []
        return conflict(
            f"thread {thread_id}: interrupt(s) {holder['interrupt_id']} are not pending: "
            f"already answered by {holder['reviewer']} at {clock} UTC ({holder['outcome']}); "
            f"pending: {', '.join(pending) or 'none'}. Nothing was applied; refresh the thread "
            "to see where it is now.",
            thread_id=thread_id,
            interrupt_ids=list(ids),
            pending_interrupt_ids=pending,
            answered_by=holder["reviewer"],
            answered_at=at,
        )
    if reason == "busy":
        return conflict(
            f"thread {thread_id} is busy (another kernel or process is running it); nothing "
            "was applied. Wait for it to finish, then refresh the thread.",
            thread_id=thread_id,
        )
    return conflict(
        f"thread {thread_id}: interrupt(s) {', '.join(ids)} are no longer pending; nothing was "
        "applied. Refresh the thread and answer what it asks now.",
        thread_id=thread_id,
        interrupt_ids=list(ids),
    )


def _matches(d: Mapping[str, Any], thread_id: str | None, reviewer: str | None,
             since: str | None) -> bool:
    return ((thread_id is None or d["thread_id"] == thread_id)
            and (reviewer is None or d["reviewer"] == reviewer)
            and (since is None or d["at"] >= since))


class DecisionLog(ABC):
    """Where decisions live, and the claim that makes each interrupt answered once."""

    def __init__(self) -> None:
        self._staged = StagedContexts()

    def stage(self, thread_id: str, interrupt_id: str, answer: Any,
              context: Mapping[str, Any]) -> None:
        """Keep what a view showed for the answer it is about to send (``CONTEXT_FIELDS``,
        plus ``reviewer`` with a ``reviewer_source``, and ``verdict="defaulted"``). The
        claim of that same answer on that interrupt takes it into its decision; an answer
        that differs does not (the view's submit lost, code answered instead)."""
        self._staged.stage(thread_id, interrupt_id, answer, context)

    def _with_context(self, decisions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
        """The decisions with what their views staged for them (taken: used once)."""
        return [self._staged.apply(d) for d in decisions]

    @abstractmethod
    def trail(self, *, since_seq: int = 0) -> list[dict[str, Any]]:
        """The audit trail's rows after ``since_seq``, oldest first (``audit_trail``)."""

    def head(self) -> str:
        """The newest row's hash (``GENESIS`` for an empty trail): keep it somewhere else,
        and a later ``verify(head=...)`` also finds rows cut from the end."""
        rows = self.trail()
        return str(rows[-1]["hash"]) if rows else GENESIS

    def verify(self, *, head: str | None = None) -> Verification:
        """Check the audit trail: every row as appended, none removed, none reordered."""
        return verify_rows(self.trail(), head=head)

    @abstractmethod
    def claim(self, thread_id: str, decisions: Sequence[dict[str, Any]], *,
              check_pending: bool = True) -> None:
        """Record ``decisions`` (one per interrupt answered) and mark the thread ``busy``,
        atomically; a 409 naming who answered first if the thread is busy, an interrupt is
        no longer pending (``check_pending``) or already claimed."""

    @abstractmethod
    def holder(self, thread_id: str, interrupt_ids: Iterable[str]) -> dict[str, Any] | None:
        """The live decision (claimed or resumed) on one of these interrupts, newest first."""

    @abstractmethod
    def settle(self, run_id: str, outcome: str, error: str | None = None) -> None:
        """Set the outcome of the decisions a run carried (``resumed``, ``error``, ...)."""

    @abstractmethod
    def search(self, *, thread_id: str | None = None, reviewer: str | None = None,
               since: str | None = None) -> list[dict[str, Any]]:
        """Decisions matching every filter, oldest first (``since``: ISO time, inclusive)."""

    def refuse_answered(self, thread: Mapping[str, Any], ids: Sequence[str]) -> None:
        """Raise the winner's 409 when these interrupts were answered (they are no longer
        pending or the thread is busy, and a live decision names them); else nothing."""
        if not ids:
            return
        reason = refusal(thread, str(thread["thread_id"]), ids, check_pending=True)
        if reason is None:
            return
        holder = self.holder(str(thread["thread_id"]), ids)
        if holder is not None:
            raise loser_error(str(thread["thread_id"]), ids, holder, reason, thread)


KEPT_DECISIONS = 1_000
"""Settled decisions a memory log keeps (the newest): memory stays flat however many
answers a kernel makes. A lasting log is the SQLite file's or the database's."""


KEPT_TRAIL_ROWS = 4 * KEPT_DECISIONS
"""Audit-trail rows a memory log keeps (the newest; ``verify()`` then starts at the oldest
kept row)."""


class MemoryDecisions(DecisionLog):
    """Decisions in a list, checked against in-memory thread records (one process).

    Indexed by thread and by run, so a claim or a settle costs the same at the ten
    thousandth decision as at the first; only the newest ``KEPT_DECISIONS`` settled ones
    are kept (a claim stands until its run settles it).
    """

    def __init__(self, records: MemoryRecords) -> None:
        super().__init__()
        self._records = records
        self._trail: deque[dict[str, Any]] = deque()
        self._trail_cut = False
        """Whether the oldest trail rows were dropped (memory stays flat)."""
        self._rows: deque[dict[str, Any]] = deque()
        self._by_thread: dict[str, list[dict[str, Any]]] = {}
        self._by_run: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def claim(self, thread_id: str, decisions: Sequence[dict[str, Any]], *,
              check_pending: bool = True) -> None:
        ids = [d["interrupt_id"] for d in decisions]
        with self._lock:
            thread = self._records.peek_thread(thread_id)
            reason = refusal(thread, thread_id, ids, check_pending)
            for d in self._by_thread.get(thread_id, ()):
                if d["interrupt_id"] not in ids:
                    continue
                if d["outcome"] == "claimed" and thread and thread.get("status") != "busy":
                    # A claim stands only while its run holds the thread.
                    self._outcome(d, "error", "its run ended without recording an outcome")
                elif not check_pending and d["outcome"] in LIVE_OUTCOMES:
                    self._outcome(d, FORKED, d["error"])  # a fork answers on a new branch
            holder = self._holder(thread, thread_id, ids)
            if reason is not None or holder is not None:
                raise loser_error(thread_id, ids, holder, reason or "claimed", thread)
            assert thread is not None  # _refusal said "missing" otherwise
            for row in self._with_context(decisions):
                self._append("decision", row, row)
                self._rows.append(row)
                self._by_thread.setdefault(thread_id, []).append(row)
                self._by_run.setdefault(row["run_id"], []).append(row)
            self._records.patch_thread(thread_id, {"status": "busy"})
            self._forget_oldest()

    def _forget_oldest(self) -> None:
        """Drop the oldest settled decisions past ``KEPT_DECISIONS`` (each is the first of
        its thread's and its run's lists, which are in the same order)."""
        while len(self._rows) > KEPT_DECISIONS and self._rows[0]["outcome"] != "claimed":
            row = self._rows.popleft()
            for index, key in ((self._by_thread, row["thread_id"]), (self._by_run, row["run_id"])):
                kept = index[key]
                kept.remove(row)
                if not kept:
                    del index[key]

    def holder(self, thread_id: str, interrupt_ids: Iterable[str]) -> dict[str, Any] | None:
        return self._holder(self._records.peek_thread(thread_id), thread_id, interrupt_ids)

    def _holder(self, thread: Mapping[str, Any] | None, thread_id: str,
                interrupt_ids: Iterable[str]) -> dict[str, Any] | None:
        ids = set(interrupt_ids)
        for d in reversed(self._by_thread.get(thread_id, ())):
            if d["interrupt_id"] in ids and d["outcome"] in LIVE_OUTCOMES:
                if d["outcome"] == "claimed" and (
                    thread is None or thread.get("status") != "busy"
                ):
                    return None  # a claim left over by a run that ended: holds nothing
                return dict(d)
        return None

    def settle(self, run_id: str, outcome: str, error: str | None = None) -> None:
        with self._lock:
            for d in self._by_run.get(run_id, ()):
                self._outcome(d, outcome, error)

    def _outcome(self, d: dict[str, Any], outcome: str, error: str | None) -> None:
        """Set a decision's outcome, and append it to the trail (under ``_lock``)."""
        d.update(outcome=outcome, error=error)
        self._append("outcome", d, {"outcome": outcome, "error": error})

    def _append(self, kind: str, decision: Mapping[str, Any], data: Mapping[str, Any]) -> None:
        previous = self._trail[-1] if self._trail else None
        self._trail.append(chain_row(previous, kind=kind, decision=decision, at=now(),
                                     data=data))
        while len(self._trail) > KEPT_TRAIL_ROWS:
            self._trail.popleft()
            self._trail_cut = True

    def trail(self, *, since_seq: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return [dict(r) for r in self._trail if r["seq"] > since_seq]

    def verify(self, *, head: str | None = None) -> Verification:
        rows = self.trail()
        return verify_rows(rows, head=head, start_prev=None if self._trail_cut else GENESIS)

    def search(self, *, thread_id: str | None = None, reviewer: str | None = None,
               since: str | None = None) -> list[dict[str, Any]]:
        return [dict(d) for d in self._rows if _matches(d, thread_id, reviewer, since)]
