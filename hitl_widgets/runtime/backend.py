"""Storage shared by every runtime on the same checkpointer: saver, records, live runs.

Two clients opened on the same SQLite file in one kernel (say the sync and the async one)
share one ``Backend``: one connection, one record store, and one registry of the runs in
flight, so each sees the other's busy threads and queued runs.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from hitl_widgets.runtime.checkpointers import (
    CheckpointerSpec,
    memory_saver,
    open_sqlite,
    sqlite_path,
)
from hitl_widgets.runtime.decisions import DecisionLog, MemoryDecisions, SqliteDecisions
from hitl_widgets.runtime.records import MemoryRecords, RecordStore, SqliteRecords

if TYPE_CHECKING:
    from hitl_widgets.runtime.runs import RunHandle

__all__ = ["Backend", "ThreadRuns", "open_backend"]


@dataclass
class ThreadRuns:
    """The run executing on one thread and the runs queued behind it."""

    active: RunHandle | None = None
    queue: deque[RunHandle] = field(default_factory=deque)


@dataclass
class Backend:
    """A checkpoint saver, the records beside it, and the runs in flight on it."""

    saver: BaseCheckpointSaver[Any]
    records: RecordStore
    path: Path | None = None
    live: dict[str, ThreadRuns] = field(default_factory=dict)
    decisions: DecisionLog | None = None
    """The decision log (issue 8): beside the records, in the same file or database."""

    def __post_init__(self) -> None:
        if self.decisions is None:  # issue 8: records in memory, decisions in memory too
            self.decisions = MemoryDecisions(self.records)

    @property
    def decision_log(self) -> DecisionLog:
        """The decision log (always set after ``__init__``)."""
        assert self.decisions is not None
        return self.decisions

    def thread_runs(self, thread_id: str) -> ThreadRuns:
        """The live-run slot of a thread, created on first use."""
        return self.live.setdefault(thread_id, ThreadRuns())


_open: dict[object, Backend] = {}
_by_saver: weakref.WeakKeyDictionary[BaseCheckpointSaver[Any], Backend] = (
    weakref.WeakKeyDictionary()
)
_lock = threading.Lock()


def open_backend(spec: CheckpointerSpec) -> Backend:
    """The backend for a checkpointer spec; one per SQLite file or saver object per process."""
    if spec is None or spec == "memory":
        return Backend(memory_saver(), MemoryRecords())
    with _lock:
        if isinstance(spec, BaseCheckpointSaver):
            if spec not in _by_saver:
                _by_saver[spec] = Backend(spec, MemoryRecords())
            return _by_saver[spec]
        if isinstance(spec, (str, os.PathLike)):
            path = sqlite_path(spec).resolve()
            if path not in _open:
                saver = open_sqlite(path)
                _open[path] = Backend(
                    saver,
                    SqliteRecords(saver.conn, saver.lock, path),
                    path,
                    decisions=SqliteDecisions(saver.conn, saver.lock, path),  # issue 8
                )
            return _open[path]
    raise TypeError(
        f"checkpointer must be None, 'memory', a SQLite file path or a BaseCheckpointSaver, "
        f"not {type(spec).__name__}"
    )
