"""The decision log in the checkpoint database itself: one SQLite file or PostgreSQL.

Table ``hitl_decisions`` sits beside ``hitl_threads`` (``sql_records``), on the saver's own
connection and lock. The SQL is written once; the dialects differ in placeholders, the
binary column type, how the claim's transaction takes the thread's row, and how a failure
is described.
"""

from __future__ import annotations

import sqlite3
import threading
from abc import abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import orjson

from hitl_widgets.runtime.audit_trail import chain_row
from hitl_widgets.runtime.checkpointers import describe_sqlite_error, retry_while_locked
from hitl_widgets.runtime.clock import now
from hitl_widgets.runtime.decisions import (
    FORKED,
    LIVE_OUTCOMES,
    DecisionLog,
    loser_error,
    refusal,
)
from hitl_widgets.runtime.errors import StorageError
from hitl_widgets.runtime.sql_records import postgres_rows, postgres_storage_error

__all__ = ["PostgresDecisions", "SqlDecisions", "SqliteDecisions"]

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
CREATE INDEX IF NOT EXISTS hitl_decisions_at ON hitl_decisions (at);
CREATE TABLE IF NOT EXISTS hitl_audit (
    seq BIGINT PRIMARY KEY,
    decision_id TEXT NOT NULL,
    at TEXT NOT NULL,
    hash TEXT NOT NULL,
    record {{blob}} NOT NULL
)
"""

_SQLITE_APPEND_ONLY = """
CREATE TRIGGER IF NOT EXISTS hitl_audit_no_update BEFORE UPDATE ON hitl_audit
BEGIN SELECT RAISE(ABORT, 'hitl_audit is append-only: rows are never changed'); END;
CREATE TRIGGER IF NOT EXISTS hitl_audit_no_delete BEFORE DELETE ON hitl_audit
BEGIN SELECT RAISE(ABORT, 'hitl_audit is append-only: rows are never removed'); END;
"""
"""SQLite refuses to change or remove a trail row (a mistake); ``verify()`` finds what a
person who dropped these triggers did."""

_CHAIN_LOCK = 4711044
"""The PostgreSQL advisory lock that orders appends to the trail (one chain, one writer at a
time); taken after the thread's row, in every transaction that appends."""

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
        super().__init__()
        self._lock = lock

    def _take_chain(self) -> None:
        """Inside a transaction: wait for any other writer of the trail (PostgreSQL; a
        SQLite transaction that writes holds the file's lock already)."""

    def _append(self, kind: str, decision: Mapping[str, Any], data: Mapping[str, Any]) -> None:
        """Append one trail row (inside the caller's transaction, after ``_take_chain``)."""
        last = self._run("SELECT record FROM hitl_audit ORDER BY seq DESC LIMIT 1")
        row = chain_row(_load(last[0][0]) if last else None, kind=kind, decision=decision,
                        at=now(), data=data)
        self._run("INSERT INTO hitl_audit (seq, decision_id, at, hash, record) "
                  "VALUES (?, ?, ?, ?, ?)",
                  (row["seq"], row["decision_id"], row["at"], row["hash"], orjson.dumps(row)))

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
            self._take_chain()
            self._append("outcome", d, {"outcome": outcome, "error": error})

    def _locked_claim(self, thread_id: str, decisions: Sequence[dict[str, Any]],
                      check_pending: bool) -> None:
        ids = [d["interrupt_id"] for d in decisions]
        marks = ", ".join("?" * len(ids))
        rows = self._run(f"SELECT record FROM hitl_threads WHERE thread_id = ? {self.lock_row}",
                         (thread_id,))
        thread = _load(rows[0][0]) if rows else None
        reason = refusal(thread, thread_id, ids, check_pending)
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
            raise _Lost(loser_error(thread_id, ids, holder, reason or "claimed", thread))
        assert thread is not None  # _refusal said "missing" otherwise
        self._take_chain()
        for d in self._with_context(decisions):
            self._append("decision", d, d)
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
                raise loser_error(thread_id, ids, self._holder(thread_id, ids), "claimed",
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

    def trail(self, *, since_seq: int = 0) -> list[dict[str, Any]]:
        with self._guard():
            rows = self._run("SELECT record FROM hitl_audit WHERE seq > ? ORDER BY seq",
                             (since_seq,))
        return [_load(r[0]) for r in rows]

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
                self._conn.executescript(_SCHEMA.format(blob=self.blob_type) + ";"
                                         + _SQLITE_APPEND_ONLY)
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
        return postgres_rows(self._conn, sql, params)

    def _take_chain(self) -> None:
        self._conn.execute(f"SELECT pg_advisory_xact_lock({_CHAIN_LOCK})")

    def _claim_transaction(self) -> AbstractContextManager[None]:
        transaction: AbstractContextManager[None] = self._conn.transaction()
        return transaction

    def _is_unique_violation(self, error: BaseException) -> bool:
        from psycopg.errors import UniqueViolation

        return isinstance(error, UniqueViolation)

    def describe(self, error: BaseException) -> StorageError | None:
        return postgres_storage_error(self._where, error)
