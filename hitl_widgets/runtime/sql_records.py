"""Thread and run records in the checkpoint database itself: one SQLite file or PostgreSQL.

Both stores use the saver's own connection and lock: one connection per database per
process means one writer, so our records never wait on LangGraph's checkpoints or the other
way round. Each write commits at once (SQLite in WAL mode), so a killed kernel loses nothing
acknowledged. The SQL is written once; the two dialects differ only in placeholders, the
binary column type, how a transaction is opened and how a failure is described.
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

from hitl_widgets.runtime.checkpointers import describe_sqlite_error, retry_while_locked
from hitl_widgets.runtime.errors import StorageError
from hitl_widgets.runtime.records import RecordStore, sort_key, thread_matches

__all__ = [
    "PostgresRecords",
    "SqlRecords",
    "SqliteRecords",
    "postgres_rows",
    "postgres_storage_error",
]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS hitl_threads (
    thread_id TEXT PRIMARY KEY,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    status TEXT NOT NULL,
    record {blob} NOT NULL
);
CREATE INDEX IF NOT EXISTS hitl_threads_status ON hitl_threads (status, updated_at);
CREATE INDEX IF NOT EXISTS hitl_threads_updated ON hitl_threads (updated_at);
CREATE TABLE IF NOT EXISTS hitl_runs (
    run_id TEXT PRIMARY KEY,
    thread_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    status TEXT NOT NULL,
    record {blob} NOT NULL
);
CREATE INDEX IF NOT EXISTS hitl_runs_thread ON hitl_runs (thread_id, created_at);
CREATE INDEX IF NOT EXISTS hitl_runs_status ON hitl_runs (status);
CREATE TABLE IF NOT EXISTS hitl_leases (
    key TEXT PRIMARY KEY,
    owner TEXT NOT NULL,
    label TEXT NOT NULL,
    thread_id TEXT,
    expires_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX IF NOT EXISTS hitl_leases_owner ON hitl_leases (owner);
CREATE TABLE IF NOT EXISTS hitl_votes (
    queue TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    reviewer TEXT NOT NULL,
    answer {blob} NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (queue, thread_id, reviewer)
);
CREATE TABLE IF NOT EXISTS hitl_deadlines (
    thread_id TEXT PRIMARY KEY,
    due_at DOUBLE PRECISION NOT NULL,
    action {blob} NOT NULL
);
CREATE INDEX IF NOT EXISTS hitl_deadlines_due ON hitl_deadlines (due_at)
"""

# ON CONFLICT ... DO UPDATE is the same in SQLite (3.24+) and PostgreSQL.
_PUT_THREAD = (
    "INSERT INTO hitl_threads (thread_id, created_at, updated_at, status, record) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (thread_id) DO UPDATE SET "
    "created_at = excluded.created_at, updated_at = excluded.updated_at, "
    "status = excluded.status, record = excluded.record"
)
_PUT_RUN = (
    "INSERT INTO hitl_runs (run_id, thread_id, created_at, status, record) "
    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET "
    "thread_id = excluded.thread_id, created_at = excluded.created_at, "
    "status = excluded.status, record = excluded.record"
)


def _load(blob: Any) -> dict[str, Any]:
    record: dict[str, Any] = orjson.loads(bytes(blob))
    return record


def _put_statements(
    thread: dict[str, Any] | None, runs: Sequence[dict[str, Any]]
) -> list[tuple[str, Sequence[Any]]]:
    """The upserts that store a thread record and run records."""
    statements: list[tuple[str, Sequence[Any]]] = []
    if thread is not None:
        statements.append(
            (
                _PUT_THREAD,
                (
                    thread["thread_id"],
                    thread["created_at"],
                    thread["updated_at"],
                    thread["status"],
                    orjson.dumps(thread),
                ),
            )
        )
    for run in runs:
        statements.append(
            (
                _PUT_RUN,
                (
                    run["run_id"],
                    run["thread_id"],
                    run["created_at"],
                    run["status"],
                    orjson.dumps(run),
                ),
            )
        )
    return statements


class SqlRecords(RecordStore):
    """The SQL both databases share; subclasses say how to talk to theirs."""

    blob_type = "BLOB"
    hint_sql = "instr(record, ?) > 0"
    """True when the record's bytes hold the bytes given (a search hint, ``_hints``)."""

    def __init__(self, lock: threading.Lock | threading.RLock) -> None:
        self._lock = lock

    # -- what a dialect provides ---------------------------------------------------------

    @abstractmethod
    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Execute one statement on the shared connection; the rows it returned."""

    @abstractmethod
    def _transaction(self) -> AbstractContextManager[None]:
        """Group the statements run inside into one commit (or none)."""

    @abstractmethod
    def describe(self, error: BaseException) -> StorageError | None:
        """A ``StorageError`` naming the database for a driver failure, or ``None``."""

    # -- the contract --------------------------------------------------------------------

    @contextmanager
    def _guard(self) -> Iterator[None]:
        """The saver's lock, and driver failures turned into errors that name the database."""
        with self._lock:
            try:
                yield
            except Exception as error:
                described = self.describe(error)
                if described is None:
                    raise
                raise described from error

    def _write(self, *statements: tuple[str, Sequence[Any]]) -> None:
        with self._guard(), self._transaction():
            for sql, params in statements:
                self._run(sql, params)

    def _read(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._guard():
            return self._run(sql, params)

    clock_sql = ""
    """The database's clock in seconds since the epoch, as an SQL expression (leases are
    judged by it, so clocks of different machines never disagree)."""

    def execute(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Run one statement (``?`` placeholders) in a transaction of its own on the shared
        connection; the rows it returned. For the tables beside the records (leases)."""
        with self._guard(), self._transaction():
            return self._run(sql, params)

    def put(
        self, *, thread: dict[str, Any] | None = None, runs: Sequence[dict[str, Any]] = ()
    ) -> None:
        self._write(*_put_statements(thread, runs))

    def patch_thread(
        self, thread_id: str, fields: Mapping[str, Any], *, runs: Sequence[dict[str, Any]] = ()
    ) -> bool:
        # Read and written under one hold of the saver's lock, in one transaction: no other
        # writer of this process comes in between.
        with self._guard(), self._transaction():
            rows = self._run("SELECT record FROM hitl_threads WHERE thread_id = ?", (thread_id,))
            if not rows:
                return False
            for sql, params in _put_statements({**_load(rows[0][0]), **fields}, runs):
                self._run(sql, params)
        return True

    def get_thread(self, thread_id: str) -> dict[str, Any] | None:
        rows = self._read("SELECT record FROM hitl_threads WHERE thread_id = ?", (thread_id,))
        return _load(rows[0][0]) if rows else None

    def delete_thread(self, thread_id: str) -> None:
        self._write(
            ("DELETE FROM hitl_threads WHERE thread_id = ?", (thread_id,)),
            ("DELETE FROM hitl_runs WHERE thread_id = ?", (thread_id,)),
        )

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
        key = sort_key(sort_by)
        order = "ASC" if (sort_order or "desc").lower() == "asc" else "DESC"
        where, params = _where(ids=ids, status=status,
                               hints=(self.hint_sql, _hints(metadata, values)))
        sql = f"SELECT record FROM hitl_threads {where} ORDER BY {key} {order}"
        if not metadata and not values:
            # Everything is in SQL: the index on (status, updated_at) answers the common
            # "interrupted, newest first, one page" query without reading other rows.
            rows = self._read(f"{sql} LIMIT ? OFFSET ?", (*params, limit, offset))
            return [_load(r[0]) for r in rows]
        # The hints leave (nearly) only matching rows: read as many as the page needs, then
        # twice as many each time while some do not match exactly (a filter without hints).
        matched: list[dict[str, Any]] = []
        batch = max(offset + limit, 1)
        start = 0
        while len(matched) < offset + limit:
            rows = self._read(f"{sql} LIMIT ? OFFSET ?", (*params, batch, start))
            for (blob,) in rows:
                thread = _load(blob)
                if thread_matches(thread, ids=None, metadata=metadata, values=values,
                                  status=None):
                    matched.append(thread)
            if len(rows) < batch:
                break
            start += batch
            batch *= 2
        return matched[offset : offset + limit]

    def count_threads(
        self,
        *,
        metadata: Mapping[str, Any] | None = None,
        values: Mapping[str, Any] | None = None,
        status: str | None = None,
    ) -> int:
        if not metadata and not values:
            where, params = _where(ids=None, status=status)
            return int(self._read(f"SELECT count(*) FROM hitl_threads {where}", params)[0][0])
        where, params = _where(ids=None, status=status,
                               hints=(self.hint_sql, _hints(metadata, values)))
        return sum(
            thread_matches(_load(blob), ids=None, metadata=metadata, values=values, status=None)
            for (blob,) in self._read(f"SELECT record FROM hitl_threads {where}", params)
        )

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        rows = self._read("SELECT record FROM hitl_runs WHERE run_id = ?", (run_id,))
        return _load(rows[0][0]) if rows else None

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
        return [_load(r[0]) for r in rows]

    def delete_run(self, run_id: str) -> None:
        self._write(("DELETE FROM hitl_runs WHERE run_id = ?", (run_id,)))

    def unfinished_runs(self) -> list[dict[str, Any]]:
        rows = self._read("SELECT record FROM hitl_runs WHERE status IN ('pending', 'running')")
        return [_load(r[0]) for r in rows]

    def abandon_run(self, run: dict[str, Any]) -> bool:
        return bool(self.execute(
            "UPDATE hitl_runs SET status = ?, record = ? WHERE run_id = ? AND status IN "
            "('pending', 'running') RETURNING run_id",
            (run["status"], orjson.dumps(run), run["run_id"])))

    def busy_threads(self) -> list[dict[str, Any]]:
        rows = self._read("SELECT record FROM hitl_threads WHERE status = 'busy'")
        return [_load(r[0]) for r in rows]


def _hints(*filters: Mapping[str, Any] | None) -> list[bytes]:
    """Byte strings every record matching the filters holds: ``"key":"text"`` for each
    text value asked for (at any depth), as ``orjson`` wrote the record.

    A match needs the value's key beside that exact text in the record's JSON, so a row
    without the bytes cannot match; rows with them are still checked exactly
    (``thread_matches``). Only text is hinted: a number or ``true`` may be written in more
    than one way that the exact check still counts as equal.
    """
    found: list[bytes] = []
    for wanted in filters:
        for key, value in (wanted or {}).items():
            if isinstance(value, Mapping):
                found.extend(_hints(value))
            elif isinstance(value, str):
                found.append(orjson.dumps(key) + b":" + orjson.dumps(value))
    return found


def _where(
    *,
    ids: Iterable[str] | None,
    status: str | None,
    hints: tuple[str, Sequence[bytes]] = ("", ()),
) -> tuple[str, tuple[Any, ...]]:
    clauses: list[str] = []
    params: list[Any] = []
    hint_sql, needles = hints
    for needle in needles:
        clauses.append(hint_sql)
        params.append(needle)
    if status is not None:
        clauses.append("status = ?")
        params.append(status)
    if ids:
        id_list = list(ids)
        clauses.append(f"thread_id IN ({', '.join('?' * len(id_list))})")
        params.extend(id_list)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), tuple(params)


class SqliteRecords(SqlRecords):
    """Records in the SQLite checkpoint file, beside LangGraph's own tables."""

    clock_sql = "((julianday('now') - 2440587.5) * 86400.0)"

    def __init__(
        self, conn: sqlite3.Connection, lock: threading.Lock, path: Path | None = None
    ) -> None:
        super().__init__(lock)
        self._conn = conn
        self._path = path or Path(":memory:")
        with self._guard():
            retry_while_locked(self._create)

    def _create(self) -> None:
        try:
            self._conn.executescript(_SCHEMA.format(blob=self.blob_type) + ";")
            self._conn.commit()
        except sqlite3.Error:
            if self._conn.in_transaction:
                self._conn.rollback()
            raise

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return self._conn.execute(sql, tuple(params)).fetchall()

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        try:
            yield
        except BaseException:
            if self._conn.in_transaction:
                self._conn.rollback()  # nothing half-applied
            raise
        self._conn.commit()

    def describe(self, error: BaseException) -> StorageError | None:
        if isinstance(error, sqlite3.Error):
            return describe_sqlite_error(self._path, error)
        return None


class PostgresRecords(SqlRecords):
    """Records in the PostgreSQL database of a ``PostgresSaver``, on its connection."""

    blob_type = "BYTEA"
    hint_sql = "position(? IN record) > 0"
    clock_sql = "extract(epoch from clock_timestamp())::double precision"

    def __init__(self, conn: Any, lock: threading.Lock, where: str) -> None:
        super().__init__(lock)
        self._conn = conn
        self._where = where
        with self._guard(), self._conn.transaction():
            # Two kernels creating the tables at once would race on PostgreSQL's catalog.
            self._conn.execute("SELECT pg_advisory_xact_lock(4711042)")
            for statement in _SCHEMA.format(blob=self.blob_type).split(";"):
                self._conn.execute(statement)

    def _run(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        return postgres_rows(self._conn, sql, params)

    def _transaction(self) -> AbstractContextManager[None]:
        transaction: AbstractContextManager[None] = self._conn.transaction()
        return transaction

    def describe(self, error: BaseException) -> StorageError | None:
        return postgres_storage_error(self._where, error)


def postgres_rows(conn: Any, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    """Run one statement written with ``?`` placeholders on a psycopg connection (whatever
    its row factory); the rows as tuples."""
    from psycopg.rows import tuple_row

    with conn.cursor(row_factory=tuple_row) as cursor:
        cursor.execute(sql.replace("?", "%s"), tuple(params))
        rows: list[tuple[Any, ...]] = cursor.fetchall() if cursor.description else []
        return rows


def postgres_storage_error(where: str, error: BaseException) -> StorageError | None:
    """A ``StorageError`` naming the database for a psycopg failure, else ``None``."""
    import psycopg

    if isinstance(error, psycopg.Error):
        return StorageError(
            f"PostgreSQL database {where}: {type(error).__name__}: {error}; "
            "check that the server is running and reachable, then retry"
        )
    return None
