"""Choose the LangGraph checkpoint saver behind a runtime.

``None``/``"memory"`` is ``InMemorySaver``; a path or ``sqlite:///path`` is one SQLite file
through ``langgraph-checkpoint-sqlite`` (WAL mode); any ``BaseCheckpointSaver`` passes
straight through. We never write our own checkpoint format.
"""

from __future__ import annotations

import os
import sqlite3
import stat
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
)
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.types import Interrupt

from hitl_widgets.runtime.errors import StorageError
from hitl_widgets.runtime.langgraph_names import INTERRUPT
from hitl_widgets.runtime.saver_bridge import SyncAsAsync

__all__ = [
    "CheckpointerSpec",
    "Fenced",
    "LocalMemorySaver",
    "LocalSqliteSaver",
    "SeesInterrupts",
    "describe_sqlite_error",
    "memory_saver",
    "open_sqlite",
    "retry_while_locked",
    "sqlite_path",
]

T = TypeVar("T")

CheckpointerSpec = BaseCheckpointSaver[Any] | str | os.PathLike[str] | None
"""What ``get_client(checkpointer=...)`` accepts."""

BUSY_TIMEOUT_S = 5.0
"""How long a write waits for another process's lock before giving up with a clear error."""


def _with_thread_id(config: RunnableConfig, metadata: CheckpointMetadata) -> CheckpointMetadata:
    """Checkpoint metadata that names its thread, as the LangGraph Server's savers record it
    (LangGraph's own leave it out; clients filter history by it)."""
    thread_id = config.get("configurable", {}).get("thread_id")
    if thread_id is None or "thread_id" in metadata:
        return metadata
    return {**metadata, "thread_id": thread_id}  # type: ignore[typeddict-unknown-key]


class _NamesItsThread(BaseCheckpointSaver[Any]):
    """Checkpoint metadata that names the thread, as the LangGraph Server's savers record it."""

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return super().put(config, checkpoint, _with_thread_id(config, metadata), new_versions)


class Fenced(BaseCheckpointSaver[Any]):
    """A saver that asks a run whether it may still write before each checkpoint and write.

    ``fences`` maps a run id to a check that raises when the run's owner lost its lease
    (another kernel may have released the thread): such a run commits nothing more.
    Writes of no registered run (``threads.update_state``, another tool) pass.
    """

    fences: dict[str, Callable[[], None]]

    def _check_fence(self, config: RunnableConfig) -> None:
        check = self.fences.get(str(config.get("configurable", {}).get("run_id")))
        if check is not None:
            check()

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        self._check_fence(config)
        return super().put(config, checkpoint, metadata, new_versions)

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        self._check_fence(config)
        super().put_writes(config, writes, task_id, task_path)


class SeesInterrupts(BaseCheckpointSaver[Any]):
    """Keeps, per thread, the interrupts the root graph's tasks write, by task id.

    A run that pauses is recorded with its interrupts grouped by the task that asked (the
    server's thread shape); the stream says which interrupts, these writes say which task,
    so the run's end need not read the whole checkpoint back. The runtime takes a thread's
    entry when its run ends (``take_asked``).
    """

    asked: dict[str, dict[str, list[Interrupt]]]

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        super().put_writes(config, writes, task_id, task_path)
        configurable = config.get("configurable", {})
        if configurable.get("checkpoint_ns"):
            return  # a subgraph's own writes; its parent task writes the root's interrupt
        for channel, value in writes:
            if channel == INTERRUPT:
                by_task = self.asked.setdefault(str(configurable["thread_id"]), {})
                by_task.setdefault(task_id, []).extend(value)

    def take_asked(self, thread_id: str) -> dict[str, list[Interrupt]]:
        """The interrupts written on ``thread_id`` since the last take, by task id."""
        return self.asked.pop(thread_id, {})


class LocalMemorySaver(_NamesItsThread, SeesInterrupts, InMemorySaver):
    """``InMemorySaver`` whose checkpoint metadata names the thread (its ``aput`` calls
    ``put``) and which keeps the interrupts written (its ``aput_writes`` calls
    ``put_writes``)."""

    def __init__(self) -> None:
        super().__init__()
        self.asked = {}


class LocalSqliteSaver(Fenced, _NamesItsThread, SeesInterrupts, SyncAsAsync, SqliteSaver):
    """``SqliteSaver`` whose async methods run the sync ones in place, and whose checkpoint
    metadata names the thread.

    All runtime work happens on one dedicated event-loop thread, so there is no loop for an
    ``aiosqlite`` connection to be "attached to a different loop" of, and no second
    connection to contend with for the file's write lock.
    """

    def __init__(self, conn: sqlite3.Connection) -> None:
        super().__init__(conn)
        self.asked = {}
        self.fences = {}


def sqlite_path(spec: str | os.PathLike[str]) -> Path:
    """The file named by a path or a ``sqlite:///path`` URL."""
    text = os.fspath(spec)
    if text.startswith("sqlite:///"):
        text = text[len("sqlite:///") :]
    elif text.startswith("sqlite://"):
        raise StorageError(
            f"{spec!r} is not a SQLite file URL; write sqlite:///relative/path.sqlite "
            "or sqlite:////absolute/path.sqlite"
        )
    return Path(text).expanduser()


def _check_path(path: Path) -> None:
    if path.is_dir():
        raise StorageError(f"checkpoint file {str(path)!r} is a directory; name a file inside it")
    if not path.parent.is_dir():
        raise StorageError(
            f"cannot create checkpoint file {str(path)!r}: its folder {str(path.parent)!r} "
            "does not exist; create the folder first"
        )
    if path.exists() and not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        # Checked by mode bits, not os.access: root may write anything, but a file someone
        # made read-only is a file they do not want changed.
        raise StorageError(
            f"checkpoint file {str(path)!r} is read-only; make it writable "
            f"(chmod u+w {str(path)!r}) or open a copy"
        )


def describe_sqlite_error(path: Path, error: sqlite3.Error) -> StorageError:
    """A ``StorageError`` that names the file and the fix for a raw sqlite3 failure."""
    text = str(error)
    if "locked" in text or "busy" in text:
        return StorageError(
            f"checkpoint file {str(path)!r} is locked by another writer (waited "
            f"{BUSY_TIMEOUT_S:g} s); close the other program or kernel using it, then retry"
        )
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return StorageError(
            f"checkpoint file {str(path)!r} is not a usable SQLite database ({text}); "
            "restore it from a backup or point the checkpointer at a new file"
        )
    if "readonly" in text or "read-only" in text:
        return StorageError(f"checkpoint file {str(path)!r} cannot be written ({text})")
    return StorageError(f"checkpoint file {str(path)!r}: {text}")


def retry_while_locked(step: Callable[[], T]) -> T:
    """Run ``step``, retrying for up to ``BUSY_TIMEOUT_S`` while another connection holds
    the file. SQLite's own busy handler does not cover every case: switching a new file to
    WAL, or two processes creating the same tables at once, fail at once with "locked"."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            return step()
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


def open_sqlite(path: Path) -> LocalSqliteSaver:
    """Open (creating if needed) one SQLite checkpoint file in WAL mode, set up and checked."""
    _check_path(path)
    try:
        conn = sqlite3.connect(path, check_same_thread=False, timeout=BUSY_TIMEOUT_S)
        conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_S * 1000)}")
        saver = LocalSqliteSaver(conn)
        retry_while_locked(saver.setup)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("SELECT count(*) FROM checkpoints").fetchone()
    except sqlite3.Error as error:
        raise describe_sqlite_error(path, error) from error
    return saver


def memory_saver() -> InMemorySaver:
    """A fresh in-memory saver (threads last as long as the kernel)."""
    return LocalMemorySaver()
