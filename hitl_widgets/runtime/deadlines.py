"""Deadlines: an item that nobody answers in time gets a safe default answer, or goes to a
named reviewer.

A deadline is a row beside the records (memory, or table ``hitl_deadlines``): the thread,
when it falls due (seconds since the epoch, by the store's clock), and what then happens.
Whichever runtime is alive on the store applies it — every heartbeat, and when a store is
opened, for what fell due while no kernel was running. Taking a due deadline deletes it in
the same statement, so exactly one runtime applies each.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from hitl_widgets.runtime.sql_records import SqlRecords

__all__ = ["DEADLINE_REVIEWER", "DeadlineStore", "MemoryDeadlines", "SqlDeadlines"]

DEADLINE_REVIEWER = "deadline"
"""Who a default answer is recorded as given by in the decision log."""


class DeadlineStore(ABC):
    """Where deadlines wait until they fall due."""

    @abstractmethod
    def set(self, thread_id: str, seconds: float, action: dict[str, Any]) -> float:
        """Set (or move) the thread's deadline ``seconds`` from now; when it falls due."""

    @abstractmethod
    def cancel(self, thread_id: str) -> None:
        """Drop the thread's deadline (answered in time)."""

    @abstractmethod
    def take_due(self) -> list[tuple[str, dict[str, Any]]]:
        """Remove and return the deadlines that fell due: (thread id, action)."""

    @abstractmethod
    def pending(self) -> list[dict[str, Any]]:
        """Every deadline not yet due: ``thread_id``, ``due_in`` seconds, ``action``."""


class MemoryDeadlines(DeadlineStore):
    """Deadlines of one process."""

    def __init__(self) -> None:
        self._rows: dict[str, tuple[float, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def set(self, thread_id: str, seconds: float, action: dict[str, Any]) -> float:
        due = time.time() + seconds
        with self._lock:
            self._rows[thread_id] = (due, orjson.loads(orjson.dumps(action)))
        return due

    def cancel(self, thread_id: str) -> None:
        with self._lock:
            self._rows.pop(thread_id, None)

    def take_due(self) -> list[tuple[str, dict[str, Any]]]:
        now = time.time()
        with self._lock:
            due = sorted((at, tid) for tid, (at, _) in self._rows.items() if at <= now)
            return [(tid, self._rows.pop(tid)[1]) for _, tid in due]

    def pending(self) -> list[dict[str, Any]]:
        now = time.time()
        return [{"thread_id": tid, "due_in": round(at - now, 1), "action": action}
                for tid, (at, action) in sorted(self._rows.items(), key=lambda r: r[1][0])]


class SqlDeadlines(DeadlineStore):
    """Deadlines in table ``hitl_deadlines``, on the record store's connection."""

    def __init__(self, records: SqlRecords) -> None:
        self._records = records
        self._now = records.clock_sql

    def set(self, thread_id: str, seconds: float, action: dict[str, Any]) -> float:
        rows = self._records.execute(
            "INSERT INTO hitl_deadlines (thread_id, due_at, action) "
            f"VALUES (?, {self._now} + ?, ?) ON CONFLICT (thread_id) DO UPDATE SET "
            "due_at = excluded.due_at, action = excluded.action RETURNING due_at",
            (thread_id, seconds, orjson.dumps(action)))
        return float(rows[0][0])

    def cancel(self, thread_id: str) -> None:
        self._records.execute("DELETE FROM hitl_deadlines WHERE thread_id = ?", (thread_id,))

    def take_due(self) -> list[tuple[str, dict[str, Any]]]:
        rows = self._records.execute(
            f"DELETE FROM hitl_deadlines WHERE due_at <= {self._now} "
            "RETURNING thread_id, action, due_at")
        return [(tid, orjson.loads(bytes(action)))
                for tid, action, _ in sorted(rows, key=lambda r: r[2])]

    def pending(self) -> list[dict[str, Any]]:
        rows = self._records.execute(
            f"SELECT thread_id, due_at - {self._now}, action FROM hitl_deadlines ORDER BY due_at")
        return [{"thread_id": tid, "due_in": round(float(left), 1),
                 "action": orjson.loads(bytes(action))} for tid, left, action in rows]
