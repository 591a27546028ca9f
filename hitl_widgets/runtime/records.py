"""Thread and run records: what the LangGraph Server keeps on top of the checkpoints.

Checkpoints belong to LangGraph's saver. A runtime adds only the server's bookkeeping:
one record per thread (status, metadata, latest values and pending interrupts, for
``threads.get`` and ``threads.search``) and one per run. Two stores share one contract
(``RecordStore``) and one conformance suite: ``MemoryRecords`` and ``SqliteRecords``; the
SQLite one lives in the checkpoint file itself, on the saver's own connection and lock, so
a record and the checkpoint it describes are written by the same hand.
"""

from __future__ import annotations

import sqlite3
import threading
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson

from hitl_widgets.runtime.checkpointers import describe_sqlite_error, retry_while_locked

__all__ = ["MemoryRecords", "RecordStore", "SqliteRecords", "contains"]

THREAD_SORT_KEYS = ("thread_id", "created_at", "updated_at", "status")


def contains(superset: Any, subset: Mapping[str, Any]) -> bool:
    """JSON containment (Postgres ``@>`` on objects), as the server filters metadata."""
    if not isinstance(superset, Mapping):
        return False
    for key, value in subset.items():
        if key not in superset:
            return False
        if isinstance(value, Mapping) and isinstance(superset[key], Mapping):
            if not contains(superset[key], value):
                return False
        elif superset[key] != value:
            return False
    return True


def _thread_matches(
    thread: Mapping[str, Any],
    *,
    ids: set[str] | None,
    metadata: Mapping[str, Any] | None,
    values: Mapping[str, Any] | None,
    status: str | None,
) -> bool:
    return (
        (ids is None or thread["thread_id"] in ids)
        and (status is None or thread["status"] == status)
        and (not metadata or contains(thread["metadata"], metadata))
        and (not values or contains(thread.get("values") or {}, values))
    )


def _sort_key(sort_by: str | None) -> str:
    return sort_by if sort_by in THREAD_SORT_KEYS else "updated_at"


class RecordStore(ABC):
    """Where thread and run records live. Records are JSON-shaped dicts."""

    @abstractmethod
    def put_thread(self, thread: dict[str, Any]) -> None:
        """Insert or replace a thread record."""

    @abstractmethod
    def get_thread(self, thread_id: str) -> dict[str, Any] | None:
        """The thread record, or ``None``."""

    @abstractmethod
    def delete_thread(self, thread_id: str) -> None:
        """Remove a thread and its runs."""

    @abstractmethod
    def search_threads(
        self,
        *,
        ids: Iterable[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        values: Mapping[str, Any] | None = None,
        status: str | None = None,
        limit: int = 10,
        offset: int = 0,
        sort_by: str | None = None,
        sort_order: str | None = None,
    ) -> list[dict[str, Any]]:
        """Threads matching every filter, newest ``updated_at`` first unless told otherwise."""

    @abstractmethod
    def count_threads(
        self,
        *,
        metadata: Mapping[str, Any] | None = None,
        values: Mapping[str, Any] | None = None,
        status: str | None = None,
    ) -> int:
        """How many threads match."""

    @abstractmethod
    def put_run(self, run: dict[str, Any]) -> None:
        """Insert or replace a run record."""

    @abstractmethod
    def get_run(self, run_id: str) -> dict[str, Any] | None:
        """The run record, or ``None``."""

    @abstractmethod
    def list_runs(
        self, thread_id: str, *, status: str | None = None, limit: int = 10, offset: int = 0
    ) -> list[dict[str, Any]]:
        """A thread's runs, newest first."""

    @abstractmethod
    def delete_run(self, run_id: str) -> None:
        """Remove one run record."""

    @abstractmethod
    def unfinished_runs(self) -> list[dict[str, Any]]:
        """Runs recorded as ``pending`` or ``running`` (after a crash, none of them is)."""


class MemoryRecords(RecordStore):
    """Records in dicts, for ``InMemorySaver`` runtimes."""

    def __init__(self) -> None:
        self._threads: dict[str, dict[str, Any]] = {}
        self._runs: dict[str, dict[str, Any]] = {}

    def put_thread(self, thread: dict[str, Any]) -> None:
        self._threads[thread["thread_id"]] = thread

    def get_thread(self, thread_id: str) -> dict[str, Any] | None:
        return self._threads.get(thread_id)

    def delete_thread(self, thread_id: str) -> None:
        self._threads.pop(thread_id, None)
        for run_id in [r for r, run in self._runs.items() if run["thread_id"] == thread_id]:
            del self._runs[run_id]

    def search_threads(
        self,
        *,
        ids: Iterable[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        values: Mapping[str, Any] | None = None,
        status: str | None = None,
        limit: int = 10,
        offset: int = 0,
        sort_by: str | None = None,
        sort_order: str | None = None,
    ) -> list[dict[str, Any]]:
        wanted = set(ids) if ids else None
        found = [
            t
            for t in self._threads.values()
            if _thread_matches(t, ids=wanted, metadata=metadata, values=values, status=status)
        ]
        key = _sort_key(sort_by)
        found.sort(key=lambda t: t[key], reverse=(sort_order or "desc").lower() != "asc")
        return found[offset : offset + limit]

    def count_threads(
        self,
        *,
        metadata: Mapping[str, Any] | None = None,
        values: Mapping[str, Any] | None = None,
        status: str | None = None,
    ) -> int:
        return sum(
            _thread_matches(t, ids=None, metadata=metadata, values=values, status=status)
            for t in self._threads.values()
        )

    def put_run(self, run: dict[str, Any]) -> None:
        self._runs[run["run_id"]] = run

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        return self._runs.get(run_id)

    def list_runs(
        self, thread_id: str, *, status: str | None = None, limit: int = 10, offset: int = 0
    ) -> list[dict[str, Any]]:
        runs = [
            r
            for r in self._runs.values()
            if r["thread_id"] == thread_id and (status is None or r["status"] == status)
        ]
        runs.sort(key=lambda r: r["created_at"], reverse=True)
        return runs[offset : offset + limit]

    def delete_run(self, run_id: str) -> None:
        self._runs.pop(run_id, None)

    def unfinished_runs(self) -> list[dict[str, Any]]:
        return [r for r in self._runs.values() if r["status"] in ("pending", "running")]


_SCHEMA = """
CREATE TABLE IF NOT EXISTS hitl_threads (
    thread_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    status TEXT NOT NULL,
    record BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS hitl_threads_status ON hitl_threads (status, updated_at);
CREATE INDEX IF NOT EXISTS hitl_threads_updated ON hitl_threads (updated_at);
CREATE TABLE IF NOT EXISTS hitl_runs (
    run_id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    record BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS hitl_runs_thread ON hitl_runs (thread_id, created_at);
"""


class SqliteRecords(RecordStore):
    """Records in the checkpoint file, beside LangGraph's own tables.

    Uses the saver's connection and lock: one connection per file per process means one
    writer, so our records never wait on LangGraph's checkpoints or the other way round.
    Each write commits at once (WAL), so a killed kernel loses nothing acknowledged.
    """

    def __init__(
        self, conn: sqlite3.Connection, lock: threading.Lock, path: Path | None = None
    ) -> None:
        self._conn = conn
        self._lock = lock
        self._path = path or Path(":memory:")

        def create() -> None:
            self._conn.executescript(_SCHEMA)
            self._conn.commit()

        with self._guard():
            retry_while_locked(create)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """The saver's lock, and sqlite3 failures turned into errors that name the file."""
        with self._lock:
            try:
                yield
            except sqlite3.Error as error:
                if self._conn.in_transaction:
                    self._conn.rollback()  # nothing half-applied
                raise describe_sqlite_error(self._path, error) from error

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        with self._guard():
            self._conn.execute(sql, params)
            self._conn.commit()

    def _read(self, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._guard():
            return self._conn.execute(sql, params).fetchall()

    def put_thread(self, thread: dict[str, Any]) -> None:
        self._write(
            "INSERT OR REPLACE INTO hitl_threads VALUES (?, ?, ?, ?, ?)",
            (
                thread["thread_id"],
                thread["created_at"],
                thread["updated_at"],
                thread["status"],
                orjson.dumps(thread),
            ),
        )

    def get_thread(self, thread_id: str) -> dict[str, Any] | None:
        rows = self._read("SELECT record FROM hitl_threads WHERE thread_id = ?", (thread_id,))
        return orjson.loads(rows[0][0]) if rows else None

    def delete_thread(self, thread_id: str) -> None:
        with self._guard():
            self._conn.execute("DELETE FROM hitl_threads WHERE thread_id = ?", (thread_id,))
            self._conn.execute("DELETE FROM hitl_runs WHERE thread_id = ?", (thread_id,))
            self._conn.commit()

    def search_threads(
        self,
        *,
        ids: Iterable[str] | None = None,
        metadata: Mapping[str, Any] | None = None,
        values: Mapping[str, Any] | None = None,
        status: str | None = None,
        limit: int = 10,
        offset: int = 0,
        sort_by: str | None = None,
        sort_order: str | None = None,
    ) -> list[dict[str, Any]]:
        key = _sort_key(sort_by)
        order = "ASC" if (sort_order or "desc").lower() == "asc" else "DESC"
        where, params = self._where(ids=ids, status=status)
        sql = f"SELECT record FROM hitl_threads {where} ORDER BY {key} {order}"
        if not metadata and not values:
            # Everything is in SQL: the index on (status, updated_at) answers the common
            # "interrupted, newest first, one page" query without reading other rows.
            rows = self._read(f"{sql} LIMIT ? OFFSET ?", (*params, limit, offset))
            return [orjson.loads(r[0]) for r in rows]
        matched = []
        for (blob,) in self._read(sql, params):
            thread = orjson.loads(blob)
            if _thread_matches(thread, ids=None, metadata=metadata, values=values, status=None):
                matched.append(thread)
                if len(matched) >= offset + limit:
                    break
        return matched[offset : offset + limit]

    def count_threads(
        self,
        *,
        metadata: Mapping[str, Any] | None = None,
        values: Mapping[str, Any] | None = None,
        status: str | None = None,
    ) -> int:
        where, params = self._where(ids=None, status=status)
        if not metadata and not values:
            return int(self._read(f"SELECT count(*) FROM hitl_threads {where}", params)[0][0])
        return sum(
            _thread_matches(
                orjson.loads(blob), ids=None, metadata=metadata, values=values, status=None
            )
            for (blob,) in self._read(f"SELECT record FROM hitl_threads {where}", params)
        )

    @staticmethod
    def _where(*, ids: Iterable[str] | None, status: str | None) -> tuple[str, tuple[Any, ...]]:
        clauses: list[str] = []
        params: list[Any] = []
        if status is not None:
            clauses.append("status = ?")
            params.append(status)
        if ids:
            id_list = list(ids)
            clauses.append(f"thread_id IN ({', '.join('?' * len(id_list))})")
            params.extend(id_list)
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)

    def put_run(self, run: dict[str, Any]) -> None:
        self._write(
            "INSERT OR REPLACE INTO hitl_runs VALUES (?, ?, ?, ?, ?)",
            (run["run_id"], run["thread_id"], run["created_at"], run["status"], orjson.dumps(run)),
        )

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        rows = self._read("SELECT record FROM hitl_runs WHERE run_id = ?", (run_id,))
        return orjson.loads(rows[0][0]) if rows else None

    def list_runs(
        self, thread_id: str, *, status: str | None = None, limit: int = 10, offset: int = 0
    ) -> list[dict[str, Any]]:
        status_clause = "AND status = ?" if status else ""
        params: tuple[Any, ...] = (thread_id, status) if status else (thread_id,)
        rows = self._read(
            f"SELECT record FROM hitl_runs WHERE thread_id = ? {status_clause} "
            "ORDER BY created_at DESC LIMIT ? OFFSET ?",
            (*params, limit, offset),
        )
        return [orjson.loads(r[0]) for r in rows]

    def delete_run(self, run_id: str) -> None:
        self._write("DELETE FROM hitl_runs WHERE run_id = ?", (run_id,))

    def unfinished_runs(self) -> list[dict[str, Any]]:
        rows = self._read("SELECT record FROM hitl_runs WHERE status IN ('pending', 'running')")
        return [orjson.loads(r[0]) for r in rows]
