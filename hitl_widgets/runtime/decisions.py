"""The decision log: who answered which interrupt, when, with what, and what came of it.

Answering an interrupt is a *claim*. One transaction checks that the thread is not busy and
that the interrupts are still pending, writes one decision row per interrupt, and marks the
thread ``busy``; a second reviewer (another kernel, another process on the same file) loses
with a 409 that names the winner: "already answered by ana at 10:42:07". While a claim is
live (``claimed``, then ``resumed``) no other claim on the same interrupt can be written: a
unique index says so in SQLite, whatever any reader believed. A run that fails releases its
claim (outcome ``error``), so the interrupt can be answered again.

Two stores share one contract (``DecisionLog``): ``MemoryDecisions`` beside ``MemoryRecords``
and ``SqliteDecisions`` in the checkpoint file, on the saver's connection and lock, like
``SqliteRecords``. A decision is a JSON-shaped dict::

    {"decision_id", "thread_id", "interrupt_id", "run_id", "graph_id", "reviewer", "at",
     "value", "answer", "changes", "outcome", "error"}

``outcome`` is ``claimed`` while the run goes on, then ``resumed``, ``error``,
``cancelled`` or ``refused``; a resumed decision answered again by a fork from an earlier
checkpoint becomes ``resumed, then forked``.
"""

from __future__ import annotations

import sqlite3
import threading
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import orjson

from hitl_widgets.runtime.checkpointers import describe_sqlite_error, retry_while_locked
from hitl_widgets.runtime.errors import StorageError, conflict, not_found
from hitl_widgets.runtime.records import RecordStore

__all__ = [
    "FORKED",
    "LIVE_OUTCOMES",
    "DecisionLog",
    "MemoryDecisions",
    "PostgresDecisions",
    "SqlDecisions",
    "SqliteDecisions",
    "answer_changes",
    "new_decision",
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
    """A decision row as claimed (``outcome='claimed'``)."""
    return {
        "decision_id": str(uuid.uuid4()),
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
    }


def _pending_ids(thread: Mapping[str, Any]) -> set[str]:
    groups = thread.get("interrupts") or {}
    return {str(i["id"]) for items in groups.values() for i in items or ()}


def _refusal(thread: Mapping[str, Any] | None, thread_id: str, ids: Sequence[str],
             check_pending: bool) -> str | None:
    """Why these interrupts cannot be claimed on this thread record now, or None."""
    if thread is None:
        return "missing"
    if thread.get("status") == "busy":
        return "busy"
    if check_pending and not set(ids) <= _pending_ids(thread):
        return "not pending"
    return None


def _loser(thread_id: str, ids: Sequence[str], holder: Mapping[str, Any] | None,
           reason: str, thread: Mapping[str, Any] | None = None) -> Exception:
    """The 409 (or 404) a losing claim gets: who answered, and when."""
    if reason == "missing":
        return not_found(f"thread {thread_id} not found (deleted while it was being answered?)",
                         thread_id=thread_id)
    if holder is not None:
        at = str(holder.get("at") or "")
        clock = at[11:19] if len(at) >= 19 else at
        pending = sorted(_pending_ids(thread)) if thread is not None else []
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
        reason = _refusal(thread, str(thread["thread_id"]), ids, check_pending=True)
        if reason is None:
            return
        holder = self.holder(str(thread["thread_id"]), ids)
        if holder is not None:
            raise _loser(str(thread["thread_id"]), ids, holder, reason, thread)


class MemoryDecisions(DecisionLog):
    """Decisions in a list, checked against in-memory thread records (one process)."""

    def __init__(self, records: RecordStore) -> None:
        self._records = records
        self._rows: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def claim(self, thread_id: str, decisions: Sequence[dict[str, Any]], *,
              check_pending: bool = True) -> None:
        ids = [d["interrupt_id"] for d in decisions]
        with self._lock:
            thread = self._records.get_thread(thread_id)
            reason = _refusal(thread, thread_id, ids, check_pending)
            for d in self._rows:
                if d["thread_id"] != thread_id or d["interrupt_id"] not in ids:
                    continue
                if d["outcome"] == "claimed" and thread and thread.get("status") != "busy":
                    d.update(outcome="error", error="its run ended without recording an "
                             "outcome")  # a claim stands only while its run holds the thread
                elif not check_pending and d["outcome"] in LIVE_OUTCOMES:
                    d["outcome"] = FORKED  # a fork answers again on a new branch
            holder = self.holder(thread_id, ids)
            if reason is not None or holder is not None:
                raise _loser(thread_id, ids, holder, reason or "claimed", thread)
            assert thread is not None  # _refusal said "missing" otherwise
            self._rows.extend(dict(d) for d in decisions)
            self._records.put_thread({**thread, "status": "busy"})

    def holder(self, thread_id: str, interrupt_ids: Iterable[str]) -> dict[str, Any] | None:
        ids = set(interrupt_ids)
        for d in reversed(self._rows):
            if (d["thread_id"] == thread_id and d["interrupt_id"] in ids
                    and d["outcome"] in LIVE_OUTCOMES):
                if d["outcome"] == "claimed":
                    thread = self._records.get_thread(thread_id)
                    if thread is None or thread.get("status") != "busy":
                        return None  # a claim left over by a run that ended: holds nothing
                return dict(d)
        return None

    def settle(self, run_id: str, outcome: str, error: str | None = None) -> None:
        for d in self._rows:
            if d["run_id"] == run_id:
                d.update(outcome=outcome, error=error)

    def search(self, *, thread_id: str | None = None, reviewer: str | None = None,
               since: str | None = None) -> list[dict[str, Any]]:
        return [dict(d) for d in self._rows if _matches(d, thread_id, reviewer, since)]


_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS hitl_decisions (
    decision_id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL,
    interrupt_id TEXT NOT NULL,
    run_id TEXT,
    reviewer TEXT NOT NULL,
    at TEXT NOT NULL,
    outcome TEXT NOT NULL,
    record {{blob}} NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS hitl_decisions_once ON hitl_decisions (thread_id, interrupt_id)
    WHERE outcome IN {LIVE_OUTCOMES!r};
CREATE INDEX IF NOT EXISTS hitl_decisions_thread ON hitl_decisions (thread_id, at);
CREATE INDEX IF NOT EXISTS hitl_decisions_run ON hitl_decisions (run_id);
CREATE INDEX IF NOT EXISTS hitl_decisions_at ON hitl_decisions (at)
"""

_LIVE = f"outcome IN {LIVE_OUTCOMES!r}"


def _load(blob: Any) -> dict[str, Any]:
    record: dict[str, Any] = orjson.loads(bytes(blob))
    return record


class _Lost(Exception):
    """Raised inside a claim's transaction to roll it back, carrying the loser's error."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


class SqlDecisions(DecisionLog):
    """The SQL both databases share (``hitl_decisions`` beside ``hitl_threads``).

    The claim is one transaction that first takes the thread's row for writing (SQLite:
    ``BEGIN IMMEDIATE``, the file's write lock; PostgreSQL: ``SELECT ... FOR UPDATE``), so
    of two processes claiming the same interrupt the second reads what the first wrote and
    loses; the unique index on live decisions backs that up whatever anyone read.
    """

    blob_type = "BLOB"
    lock_row = ""
    """What follows the claim's ``SELECT`` of the thread row to lock it."""

    def __init__(self, lock: threading.Lock | threading.RLock) -> None:
        self._lock = lock

    @abstractmethod
    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Execute one statement (``?`` placeholders) on the shared connection."""

    @abstractmethod
    def _claim_transaction(self) -> AbstractContextManager[None]:
        """A transaction that holds the write lock it needs from its first statement."""

    @abstractmethod
    def _is_unique_violation(self, error: BaseException) -> bool:
        """Whether a driver error is the unique index refusing a second live decision."""

    @abstractmethod
    def describe(self, error: BaseException) -> StorageError | None:
        """A ``StorageError`` naming the database for a driver failure, or ``None``."""

    @contextmanager
    def _guard(self) -> Iterator[None]:
        with self._lock:
            try:
                yield
            except Exception as error:
                described = self.describe(error)
                if described is None:
                    raise
                raise described from error

    def _holder(self, thread_id: str, ids: Sequence[str]) -> dict[str, Any] | None:
        marks = ", ".join("?" * len(ids))
        rows = self._run(
            f"SELECT record FROM hitl_decisions WHERE thread_id = ? AND interrupt_id IN "
            f"({marks}) AND {_LIVE} ORDER BY at DESC LIMIT 1", (thread_id, *ids))
        return _load(rows[0][0]) if rows else None

    def _set_outcome(self, where: str, params: Sequence[Any], outcome: str,
                     error: str | None) -> None:
        for decision_id, blob in self._run(
                f"SELECT decision_id, record FROM hitl_decisions WHERE {where}", params):
            d = _load(blob)
            d.update(outcome=outcome, error=error)
            self._run("UPDATE hitl_decisions SET outcome = ?, record = ? WHERE decision_id = ?",
                      (outcome, orjson.dumps(d), decision_id))

    def _locked_claim(self, thread_id: str, decisions: Sequence[dict[str, Any]],
                      check_pending: bool) -> None:
        ids = [d["interrupt_id"] for d in decisions]
        marks = ", ".join("?" * len(ids))
        rows = self._run(f"SELECT record FROM hitl_threads WHERE thread_id = ? {self.lock_row}",
                         (thread_id,))
        thread = _load(rows[0][0]) if rows else None
        reason = _refusal(thread, thread_id, ids, check_pending)
        if thread is not None and thread.get("status") != "busy":
            # A claim stands only while its run holds the thread: one left over (its run
            # ended without recording the outcome) holds nothing.
            self._set_outcome(f"thread_id = ? AND interrupt_id IN ({marks}) AND "
                              "outcome = 'claimed'", (thread_id, *ids), "error",
                              "its run ended without recording an outcome")
        if not check_pending and reason is None:  # a fork answers again on a new branch
            self._set_outcome(f"thread_id = ? AND interrupt_id IN ({marks}) AND {_LIVE}",
                              (thread_id, *ids), FORKED, None)
        holder = self._holder(thread_id, ids)
        if reason is not None or holder is not None:
            raise _Lost(_loser(thread_id, ids, holder, reason or "claimed", thread))
        assert thread is not None  # _refusal said "missing" otherwise
        for d in decisions:
            self._run("INSERT INTO hitl_decisions (decision_id, thread_id, interrupt_id, run_id, "
                      "reviewer, at, outcome, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                      (d["decision_id"], d["thread_id"], d["interrupt_id"], d["run_id"],
                       d["reviewer"], d["at"], d["outcome"], orjson.dumps(d)))
        thread["status"] = "busy"
        self._run("UPDATE hitl_threads SET status = 'busy', record = ? WHERE thread_id = ?",
                  (orjson.dumps(thread), thread_id))

    def claim(self, thread_id: str, decisions: Sequence[dict[str, Any]], *,
              check_pending: bool = True) -> None:
        ids = [d["interrupt_id"] for d in decisions]
        with self._guard():
            try:
                with self._claim_transaction():
                    self._locked_claim(thread_id, decisions, check_pending)
            except _Lost as lost:
                raise lost.error from None
            except Exception as error:
                if not self._is_unique_violation(error):
                    raise
                rows = self._run("SELECT record FROM hitl_threads WHERE thread_id = ?",
                                 (thread_id,))
                thread = _load(rows[0][0]) if rows else None
                raise _loser(thread_id, ids, self._holder(thread_id, ids), "claimed",
                             thread) from None

    def holder(self, thread_id: str, interrupt_ids: Iterable[str]) -> dict[str, Any] | None:
        ids = list(interrupt_ids)
        if not ids:
            return None
        with self._guard():
            found = self._holder(thread_id, ids)
            if found is not None and found["outcome"] == "claimed":
                rows = self._run("SELECT status FROM hitl_threads WHERE thread_id = ?",
                                 (thread_id,))
                if not rows or rows[0][0] != "busy":
                    return None  # a claim left over by a run that ended: holds nothing
            return found

    def settle(self, run_id: str, outcome: str, error: str | None = None) -> None:
        with self._guard(), self._claim_transaction():
            self._set_outcome("run_id = ?", (run_id,), outcome, error)

    def search(self, *, thread_id: str | None = None, reviewer: str | None = None,
               since: str | None = None) -> list[dict[str, Any]]:
        clauses, params = [], []
        for column, value, op in (("thread_id", thread_id, "="), ("reviewer", reviewer, "="),
                                  ("at", since, ">=")):
            if value is not None:
                clauses.append(f"{column} {op} ?")
                params.append(value)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        with self._guard():
            rows = self._run(f"SELECT record FROM hitl_decisions {where} ORDER BY at, "
                             "decision_id", params)
        return [_load(r[0]) for r in rows]


class SqliteDecisions(SqlDecisions):
    """Decisions in the SQLite checkpoint file, on the saver's connection and lock."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock,
                 path: Path | None = None) -> None:
        super().__init__(lock)
        self._conn = conn
        self._path = path or Path(":memory:")

        def create() -> None:
            try:
                self._conn.executescript(_SCHEMA.format(blob=self.blob_type) + ";")
                self._conn.commit()
            except sqlite3.Error:
                if self._conn.in_transaction:
                    self._conn.rollback()
                raise

        with self._guard():
            retry_while_locked(create)

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, tuple(params)).fetchall()

    @contextmanager
    def _claim_transaction(self) -> Iterator[None]:
        if self._conn.in_transaction:
            self._conn.commit()
        retry_while_locked(lambda: self._conn.execute("BEGIN IMMEDIATE"))
        try:
            yield
        except BaseException:
            if self._conn.in_transaction:
                self._conn.rollback()  # nothing half-applied
            raise
        self._conn.commit()

    def _is_unique_violation(self, error: BaseException) -> bool:
        return isinstance(error, sqlite3.IntegrityError)

    def describe(self, error: BaseException) -> StorageError | None:
        if isinstance(error, sqlite3.Error):
            return describe_sqlite_error(self._path, error)
        return None


class PostgresDecisions(SqlDecisions):
    """Decisions in the PostgreSQL database of a ``PostgresSaver``, on its connection."""

    blob_type = "BYTEA"
    lock_row = "FOR UPDATE"

    def __init__(self, conn: Any, lock: threading.Lock, where: str) -> None:
        super().__init__(lock)
        self._conn = conn
        self._where = where
        with self._guard(), self._conn.transaction():
            # Two kernels creating the tables at once would race on PostgreSQL's catalog.
            self._conn.execute("SELECT pg_advisory_xact_lock(4711043)")
            for statement in _SCHEMA.format(blob=self.blob_type).split(";"):
                self._conn.execute(statement)

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        from psycopg.rows import tuple_row

        with self._conn.cursor(row_factory=tuple_row) as cursor:
            cursor.execute(sql.replace("?", "%s"), tuple(params))
            return cursor.fetchall() if cursor.description else []

    def _claim_transaction(self) -> AbstractContextManager[None]:
        transaction: AbstractContextManager[None] = self._conn.transaction()
        return transaction

    def _is_unique_violation(self, error: BaseException) -> bool:
        from psycopg.errors import UniqueViolation

        return isinstance(error, UniqueViolation)

    def describe(self, error: BaseException) -> StorageError | None:
        import psycopg

        if isinstance(error, psycopg.Error):
            return StorageError(
                f"PostgreSQL database {self._where}: {type(error).__name__}: {error}; "
                "check that the server is running and reachable, then retry"
            )
        return None
