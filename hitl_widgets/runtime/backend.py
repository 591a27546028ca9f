"""Storage shared by every runtime on the same checkpointer: saver, records, live runs.

Two clients opened on the same SQLite file or PostgreSQL database in one kernel (say the
sync and the async one) share one ``Backend``: one connection, one record store, and one
registry of the runs in flight, so each sees the other's busy threads and queued runs.

A backend we opened (from a path or a URL) is counted: each runtime holds it once and
``release`` closes the connection when the last one lets go. A file deleted or replaced
under its path is noticed: the next ``get_client`` opens the file as it is now, and a
runtime still holding the old one refuses to write into it.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.sqlite import SqliteSaver

from hitl_widgets.runtime.checkpointers import (
    CheckpointerSpec,
    memory_saver,
    open_sqlite,
    sqlite_path,
)
from hitl_widgets.runtime.deadlines import DeadlineStore, MemoryDeadlines, SqlDeadlines
from hitl_widgets.runtime.decisions import DecisionLog, MemoryDecisions
from hitl_widgets.runtime.errors import StorageError
from hitl_widgets.runtime.leases import LeaseStore, MemoryLeases, SqlLeases
from hitl_widgets.runtime.postgres import (
    is_postgres_url,
    open_postgres,
    postgres_records,
    redact,
)
from hitl_widgets.runtime.records import MemoryRecords, RecordStore
from hitl_widgets.runtime.saver_bridge import usable_async
from hitl_widgets.runtime.sql_decisions import PostgresDecisions, SqliteDecisions
from hitl_widgets.runtime.sql_records import SqliteRecords, SqlRecords
from hitl_widgets.runtime.votes import MemoryVotes, SqlVotes, VoteStore

if TYPE_CHECKING:
    from hitl_widgets.runtime.runs import RunHandle

__all__ = ["Backend", "ThreadRuns", "open_backend", "release_backend"]


@dataclass
class ThreadRuns:
    """The run executing on one thread and the runs queued behind it."""

    active: RunHandle | None = None
    queue: deque[RunHandle] = field(default_factory=deque)


FileId = tuple[int, int]


def _file_id(path: Path) -> FileId | None:
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return (st.st_dev, st.st_ino)


@dataclass(eq=False)
class Backend:
    """A checkpoint saver, the records beside it, and the runs in flight on it."""

    saver: BaseCheckpointSaver[Any]
    records: RecordStore
    path: Path | None = None
    """The SQLite file, when the backend is one."""
    key: object = None
    """Where ``open_backend`` keeps it; ``None`` for backends nobody shares."""
    rebuild: bool = False
    """Records are in memory beside a saver that outlives the process: rebuild them from
    its checkpoints when opened."""
    close_saver: Any = None
    """Closes the connection we opened for the saver (``None``: the caller owns it)."""
    file_id: FileId | None = None
    users: int = 0
    live: dict[str, ThreadRuns] = field(default_factory=dict)
    unsaved_errors: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Thread id → the error that ended its last run, when storage refused to record it."""
    decisions: DecisionLog | None = None
    """The decision log: beside the records, in the same file or database."""
    fences: dict[str, Callable[[], None]] = field(default_factory=dict)
    """Run id → the check a fenced saver makes before each of that run's writes (the
    saver's own dict when it is ``Fenced``; unused otherwise)."""
    leases: LeaseStore = field(init=False)
    """Who is alive on this store, and what they hold: beside the records too."""
    votes: VoteStore = field(init=False)
    """Multi-reviewer queues' answers until the team decides: beside the records too."""
    deadlines: DeadlineStore = field(init=False)
    """When unanswered items get their default answer or go to another reviewer."""

    def __post_init__(self) -> None:
        if isinstance(self.records, SqlRecords):
            self.leases = SqlLeases(self.records)
            self.votes = SqlVotes(self.records)
            self.deadlines: DeadlineStore = SqlDeadlines(self.records)
        else:
            self.leases = MemoryLeases()
            self.votes = MemoryVotes()
            self.deadlines = MemoryDeadlines()
        if self.decisions is None:  # records in memory: decisions in memory too
            if not isinstance(self.records, MemoryRecords):
                raise TypeError("records in a database need the decision log beside them")
            self.decisions = MemoryDecisions(self.records)

    @property
    def decision_log(self) -> DecisionLog:
        """The decision log (always set after ``__init__``)."""
        assert self.decisions is not None
        return self.decisions

    def thread_runs(self, thread_id: str) -> ThreadRuns:
        """The live-run slot of a thread, created on first use."""
        return self.live.setdefault(thread_id, ThreadRuns())

    def file_replaced(self) -> bool:
        """True when the SQLite file at ``path`` is gone or is another file now."""
        return self.path is not None and _file_id(self.path) != self.file_id

    def check_writable(self) -> None:
        """Refuse to write into a SQLite file that was deleted or replaced under its path."""
        if self.file_replaced():
            raise StorageError(
                f"checkpoint file {str(self.path)!r} was deleted or replaced after this client "
                "opened it; new threads would be lost. Open it again with "
                "get_client(..., checkpointer=...) to use the file that is there now"
            )

    def close(self) -> None:
        """Close the connection we opened (a saver passed in stays the caller's)."""
        if self.close_saver is not None:
            self.close_saver()
            self.close_saver = None


_open: dict[object, Backend] = {}
_by_saver: weakref.WeakKeyDictionary[BaseCheckpointSaver[Any], Backend] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def open_backend(spec: CheckpointerSpec) -> Backend:
    """The backend for a checkpointer spec, counted once more as in use.

    One per SQLite file, PostgreSQL URL or saver object per process; a fresh one for
    memory. Pair with ``release_backend``.
    """
    if spec is None or spec == "memory":
        backend = Backend(memory_saver(), MemoryRecords())
        backend.users += 1
        return backend
    with _lock:
        if isinstance(spec, BaseCheckpointSaver):
            backend = _by_saver.get(spec) or _saver_backend(spec)
            _by_saver[spec] = backend
        elif isinstance(spec, str) and is_postgres_url(spec):
            backend = _open.get(spec) or _postgres_backend(spec)
            _open[spec] = backend
        elif isinstance(spec, (str, os.PathLike)):
            backend = _sqlite_backend(sqlite_path(spec).resolve())
        else:
            raise TypeError(
                "checkpointer must be None, 'memory', a SQLite file path, a postgresql:// URL "
                f"or a BaseCheckpointSaver, not {type(spec).__name__}"
            )
        backend.users += 1
        return backend


def release_backend(backend: Backend) -> None:
    """One user fewer; the last one closes what ``open_backend`` opened."""
    with _lock:
        backend.users -= 1
        if backend.users > 0:
            return
        if backend.key is not None and _open.get(backend.key) is backend:
            del _open[backend.key]
        backend.close()


def _sqlite_backend(path: Path) -> Backend:
    cached = _open.get(path)
    if cached is not None and not cached.file_replaced():
        return cached
    # A file deleted or replaced since: the cached backend stays with the runtimes that
    # hold it (they refuse to write), and this path opens what is there now.
    _open.pop(path, None)
    saver = open_sqlite(path)
    backend = Backend(
        saver,
        SqliteRecords(saver.conn, saver.lock, path),
        path=path,
        key=path,
        close_saver=saver.conn.close,
        file_id=_file_id(path),
        decisions=SqliteDecisions(saver.conn, saver.lock, path),
        fences=saver.fences,
    )
    _open[path] = backend
    return backend


def _postgres_backend(url: str) -> Backend:
    saver, records = open_postgres(url)
    decisions = PostgresDecisions(saver.conn, saver.lock, redact(url))
    return Backend(usable_async(saver), records, key=url, close_saver=saver.conn.close,
                   decisions=decisions, fences=saver.fences)


def _saver_backend(saver: BaseCheckpointSaver[Any]) -> Backend:
    """Records beside a saver we were handed: in its database when we know it, else in
    memory, rebuilt from its checkpoints."""
    from langgraph.checkpoint.memory import InMemorySaver

    if isinstance(saver, SqliteSaver):
        records: RecordStore = SqliteRecords(saver.conn, saver.lock)
        decisions: DecisionLog = SqliteDecisions(saver.conn, saver.lock)
        return Backend(usable_async(saver), records, decisions=decisions)
    postgres = postgres_records(saver, "of the PostgresSaver given")
    if postgres is not None:
        pg: Any = saver  # a PostgresSaver on one connection (postgres_records checked)
        decisions = PostgresDecisions(pg.conn, pg.lock, "of the PostgresSaver given")
        return Backend(usable_async(saver), postgres, decisions=decisions)
    if isinstance(saver, InMemorySaver):
        return Backend(saver, MemoryRecords())
    bridged = usable_async(saver)
    return Backend(bridged, MemoryRecords(), rebuild=True)

