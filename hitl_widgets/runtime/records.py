"""Thread and run records: what the LangGraph Server keeps on top of the checkpoints.

Checkpoints belong to LangGraph's saver. A runtime adds only the server's bookkeeping:
one record per thread (status, metadata, latest values and pending interrupts, for
``threads.get`` and ``threads.search``) and one per run. Every store keeps one contract
(``RecordStore``) and passes one conformance suite: ``MemoryRecords`` here, and in
``sql_records`` the SQLite and PostgreSQL stores that live beside the checkpoints, on the
saver's own connection and lock, so a record and the checkpoint it describes are written
by the same hand.

Records go in and come out as copies: a dict a caller holds never changes under it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import orjson

from hitl_widgets.runtime.errors import StorageError

__all__ = [
    "THREAD_SORT_KEYS",
    "MemoryRecords",
    "RecordStore",
    "contains",
    "sort_key",
    "thread_matches",
]

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


def thread_matches(
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


def sort_key(sort_by: str | None) -> str:
    """The record field threads are sorted by (``updated_at`` unless a known one is asked)."""
    return sort_by if sort_by in THREAD_SORT_KEYS else "updated_at"


class RecordStore(ABC):
    """Where thread and run records live. Records are JSON-shaped dicts, stored and
    returned as copies."""

    @abstractmethod
    def put(
        self, *, thread: dict[str, Any] | None = None, runs: Sequence[dict[str, Any]] = ()
    ) -> None:
        """Insert or replace a thread record and run records, all or none."""

    def put_thread(self, thread: dict[str, Any]) -> None:
        """Insert or replace a thread record."""
        self.put(thread=thread)

    def put_run(self, run: dict[str, Any]) -> None:
        """Insert or replace a run record."""
        self.put(runs=[run])

    def patch_thread(
        self, thread_id: str, fields: Mapping[str, Any], *, runs: Sequence[dict[str, Any]] = ()
    ) -> bool:
        """Set ``fields`` on a thread's record and insert or replace ``runs``, all or none.

        ``False``, and nothing written, when the thread has no record (deleted meanwhile).
        Fields nobody else changed stay as stored: a run's end does not write back metadata
        read when it started.
        """
        thread = self.get_thread(thread_id)
        if thread is None:
            return False
        self.put(thread={**thread, **fields}, runs=runs)
        return True

    def update_run(self, run: dict[str, Any], **fields: Any) -> None:
        """Set ``fields`` on ``run`` — the caller's record, as last written — and store it."""
        run.update(fields)
        self.put_run(run)

    def describe(self, error: BaseException) -> StorageError | None:
        """A ``StorageError`` naming the database, for a failure of this store's database
        driver (raised by our records or by the saver beside them); else ``None``."""
        return None

    @abstractmethod
    def get_thread(self, thread_id: str) -> dict[str, Any] | None:
        """The thread record, or ``None``."""

    def get_thread_without_values(self, thread_id: str) -> dict[str, Any] | None:
        """The thread record without its ``values`` key, or ``None``: for a reader that
        needs its status, metadata or interrupts, not a whole state (a store may then
        skip copying one)."""
        thread = self.get_thread(thread_id)
        if thread is not None:
            thread.pop("values", None)
        return thread

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

    @abstractmethod
    def abandon_run(self, run: dict[str, Any]) -> bool:
        """Store ``run`` (ended by someone other than its owner) only while its stored record
        is still ``pending`` or ``running``: True for the one caller that did it."""

    def busy_threads(self) -> list[dict[str, Any]]:
        """Threads recorded as ``busy``."""
        return self.search_threads(status="busy", limit=1_000_000)


def _copy(record: Mapping[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = orjson.loads(orjson.dumps(record))
    return copied


_SCALARS = (str, int, float, bool, type(None))


def _copy_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """``fields`` copied as ``_copy`` would, the common ``status``/``updated_at`` kind
    without the JSON round trip (nothing in them can change under the store)."""
    if all(type(value) in _SCALARS for value in fields.values()):
        return dict(fields)
    return _copy(fields)


_PACKED = frozenset({"values", "kwargs"})
"""The fields that carry a whole state or input (a thread's ``values``, a run's ``kwargs``)."""


def _pack(record: Mapping[str, Any]) -> dict[str, Any]:
    """``record`` copied for the memory store, as ``_copy`` would, with its ``_PACKED``
    fields kept as JSON bytes (``orjson.Fragment``).

    Bytes are written once and parsed only when read (``_copy`` inlines them), and the
    garbage collector has nothing to walk in them: kept as dicts, a few thousand long
    conversations made every full collection of the kernel walk them all.
    """
    small = _copy_fields({k: v for k, v in record.items() if k not in _PACKED})
    return {
        key: orjson.Fragment(orjson.dumps(value)) if key in _PACKED else small[key]
        for key, value in record.items()
    }


def _unpacked_values(thread: Mapping[str, Any]) -> dict[str, Any]:
    """A stored thread with its values as dicts again (for a search on values)."""
    values = thread.get("values")
    if isinstance(values, orjson.Fragment):
        return {**thread, "values": orjson.loads(orjson.dumps(values))}
    return dict(thread)


class MemoryRecords(RecordStore):
    """Records in dicts, for ``InMemorySaver`` runtimes and savers we cannot write beside.

    Each record is copied in and out (through JSON, as a database would), so a thread dict
    handed to a caller never changes when the thread moves on. A thread's values and a
    run's input are kept as JSON bytes (``_pack``).
    """

    def __init__(self) -> None:
        self._threads: dict[str, dict[str, Any]] = {}
        self._runs: dict[str, dict[str, Any]] = {}

    def put(
        self, *, thread: dict[str, Any] | None = None, runs: Sequence[dict[str, Any]] = ()
    ) -> None:
        # Every copy made (and every key read) before anything is stored: all or none.
        threads = {thread["thread_id"]: _pack(thread)} if thread is not None else {}
        copies = {run["run_id"]: _pack(run) for run in runs}
        self._threads.update(threads)
        self._runs.update(copies)

    def patch_thread(
        self, thread_id: str, fields: Mapping[str, Any], *, runs: Sequence[dict[str, Any]] = ()
    ) -> bool:
        # In place: only what changes is copied (the whole record twice, out and back in,
        # was most of what a run's bookkeeping cost in memory).
        thread = self._threads.get(thread_id)
        if thread is None:
            return False
        changes = _pack(fields)
        copies = {run["run_id"]: _pack(run) for run in runs}
        thread.update(changes)
        self._runs.update(copies)
        return True

    def update_run(self, run: dict[str, Any], **fields: Any) -> None:
        stored = self._runs.get(run["run_id"])
        changes = _pack(fields)
        run.update(fields)
        if stored is None:
            self._runs[run["run_id"]] = _pack(run)
        else:
            stored.update(changes)

    def get_thread(self, thread_id: str) -> dict[str, Any] | None:
        thread = self._threads.get(thread_id)
        return None if thread is None else _copy(thread)

    def get_thread_without_values(self, thread_id: str) -> dict[str, Any] | None:
        thread = self._threads.get(thread_id)
        if thread is None:
            return None
        return _copy({k: v for k, v in thread.items() if k != "values"})

    def peek_thread(self, thread_id: str) -> Mapping[str, Any] | None:
        """The stored record itself, not a copy: for a check in this process that reads a
        few fields at once and keeps nothing (the memory decision log's claim). Its
        ``values`` are JSON bytes (an ``orjson.Fragment``), not dicts."""
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
            if thread_matches(_unpacked_values(t) if values else t, ids=wanted,
                              metadata=metadata, values=values, status=status)
        ]
        key = sort_key(sort_by)
        found.sort(key=lambda t: t[key], reverse=(sort_order or "desc").lower() != "asc")
        return [_copy(t) for t in found[offset : offset + limit]]

    def count_threads(
        self,
        *,
        metadata: Mapping[str, Any] | None = None,
        values: Mapping[str, Any] | None = None,
        status: str | None = None,
    ) -> int:
        return sum(
            thread_matches(_unpacked_values(t) if values else t, ids=None, metadata=metadata,
                           values=values, status=status)
            for t in self._threads.values()
        )

    def get_run(self, run_id: str) -> dict[str, Any] | None:
        run = self._runs.get(run_id)
        return None if run is None else _copy(run)

    def list_runs(
        self, thread_id: str, *, status: str | None = None, limit: int = 10, offset: int = 0
    ) -> list[dict[str, Any]]:
        runs = [
            r
            for r in self._runs.values()
            if r["thread_id"] == thread_id and (status is None or r["status"] == status)
        ]
        runs.sort(key=lambda r: r["created_at"], reverse=True)
        return [_copy(r) for r in runs[offset : offset + limit]]

    def delete_run(self, run_id: str) -> None:
        self._runs.pop(run_id, None)

    def unfinished_runs(self) -> list[dict[str, Any]]:
        return [_copy(r) for r in self._runs.values() if r["status"] in ("pending", "running")]

    def abandon_run(self, run: dict[str, Any]) -> bool:
        stored = self._runs.get(run["run_id"])
        if stored is None or stored["status"] not in ("pending", "running"):
            return False
        self._runs[run["run_id"]] = _pack(run)
        return True


