"""Leases: who is alive on a shared store, judged by the store's own clock.

Several kernels (on one machine or many) may share a SQLite file or a PostgreSQL database. A
process id says nothing about a process on another host, so nobody is ever declared dead by
one. Instead each runtime is an *owner* (host, process id and a random token) with a lease
row, ``owner:<owner id>``, that a heartbeat renews well inside its expiry. What an owner
holds — the runs it executes (their records name the owner), a review hold — is alive
exactly as long as that lease; a hold also has an expiry of its own. Expiry is compared
with the store's clock (PostgreSQL's ``clock_timestamp()``, SQLite's ``julianday('now')``:
one machine's clock for one file), so skew between machines does not matter.

A lease that ran out is gone for good: ``renew`` never revives it, because another runtime
may already have released what it held. Its owner then joins again under a new id, and the
runs it still had in flight are *fenced*: they may not write another checkpoint or record
(``Presence.check``).
"""

from __future__ import annotations

import math
import os
import secrets
import socket
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from hitl_widgets.runtime.errors import conflict

if TYPE_CHECKING:
    from hitl_widgets.runtime.sql_records import SqlRecords

__all__ = [
    "LEASE_SECONDS",
    "Lease",
    "LeaseStore",
    "MemoryLeases",
    "Presence",
    "SqlLeases",
    "describe_owner",
    "new_owner_id",
]

LEASE_SECONDS = 15.0
"""How long an owner's lease lasts without a renewal: a stopped kernel's runs and holds are
released within this plus one heartbeat (well under 30 s)."""

BEATS_PER_LEASE = 3
"""Heartbeats per lease period: two may be missed before the lease runs out."""

FENCE_SHARE = 2 / 3
"""The part of a lease after its last confirmed renewal in which a run may still write:
the rest is margin for the write itself, so a write that starts in time lands in time."""


def new_owner_id() -> str:
    """``host:pid:token`` — unique across machines and process restarts."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _owner_key(owner: str) -> str:
    return f"owner:{owner}"


@dataclass(frozen=True)
class Lease:
    """One lease row."""

    key: str
    """``owner:<owner id>`` for an owner's own lease, else what is held (``hold:<thread>``)."""
    owner: str
    """The owner id holding it."""
    label: str
    """Who the owner is for people (the reviewer's name)."""
    thread_id: str | None
    """The thread a hold is on."""
    expires_at: float
    """Seconds since the epoch, by the store's clock (``inf``: as long as its owner lives)."""


def describe_owner(owner: str | None, lease: Lease | None) -> str:
    """Who an owner was, for a message: "reviewer ana's kernel on host h (pid 12)"."""
    if owner is None:
        return "a kernel that recorded no lease (an older hitl_widgets)"
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    who = f"reviewer {lease.label}'s kernel" if lease is not None else "a kernel"
    return f"{who} on host {host} (pid {pid})"


class LeaseStore(ABC):
    """Where leases live: beside the thread records, in the same store."""

    shared = True
    """Whether other processes can see this store (then owners need a heartbeat)."""

    @abstractmethod
    def now(self) -> float:
        """The store's clock: seconds since the epoch."""

    @abstractmethod
    def join(self, owner: str, label: str, seconds: float) -> None:
        """Write ``owner``'s own lease, expiring ``seconds`` from now."""

    @abstractmethod
    def renew(self, owner: str, seconds: float) -> bool:
        """Push ``owner``'s lease ``seconds`` past now — only if it has not expired yet.
        False when it had (or is gone): whatever it held may have been released."""

    @abstractmethod
    def leave(self, owner: str) -> None:
        """Drop ``owner``'s lease and everything it holds."""

    @abstractmethod
    def owners(self, owners: Iterable[str]) -> dict[str, tuple[Lease, bool]]:
        """The lease of each of these owners still on record, and whether it is live."""

    @abstractmethod
    def take(self, key: str, owner: str, label: str, seconds: float | None, *,
             thread_id: str | None = None) -> Lease:
        """Hold ``key`` for ``seconds`` (``None``: as long as the owner lives); a 409 naming
        the holder while someone else holds it. Taking it again renews it."""

    @abstractmethod
    def release(self, key: str, owner: str | None) -> None:
        """Give ``key`` up (nothing happens if ``owner`` does not hold it); ``owner=None``
        frees it whoever holds it (an item put back in the queue by hand)."""

    @abstractmethod
    def holders(self, prefix: str) -> list[Lease]:
        """The live leases whose key starts with ``prefix`` (its own expiry and its
        owner's both ahead), in key order."""


def _taken(key: str, holder: Lease, now: float) -> Exception:
    left = holder.expires_at - now
    until = "while their kernel runs" if math.isinf(left) else f"for {max(left, 0):.0f} s more"
    return conflict(
        f"{key} is held by {holder.label} ({holder.owner}) {until}; wait for it, "
        "or pick another item",
        key=key,
        held_by=holder.label,
        owner=holder.owner,
    )


class MemoryLeases(LeaseStore):
    """Leases of one process (memory storage): an owner is alive while the process is."""

    shared = False

    def __init__(self) -> None:
        self._rows: dict[str, Lease] = {}
        self._lock = threading.Lock()

    def now(self) -> float:
        return time.time()

    def join(self, owner: str, label: str, seconds: float) -> None:
        with self._lock:
            self._rows[_owner_key(owner)] = Lease(_owner_key(owner), owner, label, None,
                                                  math.inf)

    def renew(self, owner: str, seconds: float) -> bool:
        return _owner_key(owner) in self._rows

    def leave(self, owner: str) -> None:
        with self._lock:
            for key in [k for k, row in self._rows.items() if row.owner == owner]:
                del self._rows[key]

    def owners(self, owners: Iterable[str]) -> dict[str, tuple[Lease, bool]]:
        found = (self._rows.get(_owner_key(o)) for o in owners)
        return {row.owner: (row, True) for row in found if row is not None}

    def _live(self, row: Lease | None, now: float) -> bool:
        return (row is not None and row.expires_at > now
                and _owner_key(row.owner) in self._rows)

    def take(self, key: str, owner: str, label: str, seconds: float | None, *,
             thread_id: str | None = None) -> Lease:
        with self._lock:
            now = time.time()
            row = self._rows.get(key)
            if row is not None and row.owner != owner and self._live(row, now):
                raise _taken(key, row, now)
            lease = Lease(key, owner, label, thread_id,
                          math.inf if seconds is None else now + seconds)
            self._rows[key] = lease
            return lease

    def release(self, key: str, owner: str | None) -> None:
        with self._lock:
            row = self._rows.get(key)
            if row is not None and owner in (None, row.owner):
                del self._rows[key]

    def holders(self, prefix: str) -> list[Lease]:
        now = time.time()
        with self._lock:
            return [row for key, row in sorted(self._rows.items())
                    if key.startswith(prefix) and self._live(row, now)]


_FAR = 1e18
"""``inf`` as stored: a hold that lasts as long as its owner."""

_COLUMNS = "key, owner, label, thread_id, expires_at"


def _lease(row: tuple[Any, ...]) -> Lease:
    key, owner, label, thread_id, expires_at = row
    expires = math.inf if expires_at >= _FAR else float(expires_at)
    return Lease(key, owner, label, thread_id, expires)


class SqlLeases(LeaseStore):
    """Leases in table ``hitl_leases`` of the SQLite file or PostgreSQL database, on the
    record store's connection (its lock, its transactions, its dialect's clock)."""

    def __init__(self, records: SqlRecords) -> None:
        self._records = records
        self._now = records.clock_sql

    def now(self) -> float:
        return float(self._records.execute(f"SELECT {self._now}")[0][0])

    def join(self, owner: str, label: str, seconds: float) -> None:
        self._records.execute(
            f"INSERT INTO hitl_leases ({_COLUMNS}) VALUES (?, ?, ?, NULL, {self._now} + ?) "
            "ON CONFLICT (key) DO UPDATE SET expires_at = excluded.expires_at",
            (_owner_key(owner), owner, label, seconds))

    def renew(self, owner: str, seconds: float) -> bool:
        rows = self._records.execute(
            f"UPDATE hitl_leases SET expires_at = {self._now} + ? "
            f"WHERE key = ? AND expires_at > {self._now} RETURNING key",
            (seconds, _owner_key(owner)))
        return bool(rows)

    def leave(self, owner: str) -> None:
        self._records.execute("DELETE FROM hitl_leases WHERE owner = ?", (owner,))

    def owners(self, owners: Iterable[str]) -> dict[str, tuple[Lease, bool]]:
        keys = [_owner_key(o) for o in set(owners)]
        if not keys:
            return {}
        marks = ", ".join("?" * len(keys))
        rows = self._records.execute(
            f"SELECT {_COLUMNS}, expires_at > {self._now} FROM hitl_leases "
            f"WHERE key IN ({marks})", keys)
        return {row[1]: (_lease(row[:5]), bool(row[5])) for row in rows}

    def _live_sql(self, table: str) -> str:
        """SQL true when the lease in ``table`` and its owner's lease are both unexpired."""
        return (f"{table}.expires_at > {self._now} AND EXISTS (SELECT 1 FROM hitl_leases o "
                f"WHERE o.key = 'owner:' || {table}.owner AND o.expires_at > {self._now})")

    def take(self, key: str, owner: str, label: str, seconds: float | None, *,
             thread_id: str | None = None) -> Lease:
        expiry = f"{self._now} + ?" if seconds is not None else "?"
        # One statement: a live lease of someone else's stays; anything else is ours now.
        rows = self._records.execute(
            f"INSERT INTO hitl_leases AS h ({_COLUMNS}) VALUES (?, ?, ?, ?, {expiry}) "
            "ON CONFLICT (key) DO UPDATE SET owner = excluded.owner, label = excluded.label, "
            "thread_id = excluded.thread_id, expires_at = excluded.expires_at "
            f"WHERE h.owner = excluded.owner OR NOT ({self._live_sql('h')}) "
            f"RETURNING {_COLUMNS}",
            (key, owner, label, thread_id, _FAR if seconds is None else seconds))
        if rows:
            return _lease(rows[0])
        held = self._records.execute(
            f"SELECT {_COLUMNS}, {self._now} FROM hitl_leases WHERE key = ?", (key,))
        if not held:  # released in between: try once more
            return self.take(key, owner, label, seconds, thread_id=thread_id)
        raise _taken(key, _lease(held[0][:5]), float(held[0][5]))

    def release(self, key: str, owner: str | None) -> None:
        if owner is None:
            self._records.execute("DELETE FROM hitl_leases WHERE key = ?", (key,))
        else:
            self._records.execute("DELETE FROM hitl_leases WHERE key = ? AND owner = ?",
                                  (key, owner))

    def holders(self, prefix: str) -> list[Lease]:
        rows = self._records.execute(
            f"SELECT {_COLUMNS} FROM hitl_leases h WHERE substr(h.key, 1, ?) = ? "
            f"AND {self._live_sql('h')} ORDER BY h.key", (len(prefix), prefix))
        return [_lease(row) for row in rows]


class Presence:
    """One runtime's own lease: who it is on the store, renewed by its heartbeat, and the
    fence its runs check before each write."""

    def __init__(self, store: LeaseStore, label: str, seconds: float = LEASE_SECONDS) -> None:
        if not seconds > 0:
            raise ValueError(f"lease_seconds must be a positive number of seconds, not "
                             f"{seconds!r}")
        self.store = store
        self.label = label
        self.seconds = float(seconds)
        self.owner = ""
        self._confirmed = 0.0
        self._lock = threading.Lock()
        self._join()

    def _join(self) -> None:
        sent = time.monotonic()
        owner = new_owner_id()
        self.store.join(owner, self.label, self.seconds)
        self.owner, self._confirmed = owner, sent

    def holds(self, owner: str) -> bool:
        """Whether a run started under ``owner`` may still write: it is this runtime's
        current id and the lease is surely unexpired (renewed, by this process's monotonic
        clock, less than ``FENCE_SHARE`` of a lease ago)."""
        if not self.store.shared:
            return owner == self.owner
        return (owner == self.owner
                and time.monotonic() < self._confirmed + self.seconds * FENCE_SHARE)

    def check(self, owner: str, run_id: str, thread_id: str) -> None:
        """A 409 when a run started under ``owner`` may no longer write: past the sure part
        of its lease (``holds``), the store decides — a renewal that still finds the lease
        unexpired keeps it; one that finds it gone means another kernel may have taken over."""
        if self.holds(owner):
            return
        if not (owner == self.owner and self.beat() and owner == self.owner):
            raise conflict(
                f"run {run_id} on thread {thread_id} stopped: this kernel's lease on the "
                f"store lapsed (it was paused or cut off for more than {self.seconds:g} s), "
                "so another kernel may have released the thread and answered it; nothing "
                "more was written. Refresh the thread to see where it is now.",
                thread_id=thread_id, run_id=run_id)

    def beat(self) -> bool:
        """Renew the lease; if it had run out, join again under a new owner id (runs still
        in flight under the old one are fenced). False when it had run out."""
        with self._lock:
            sent = time.monotonic()
            if self.store.renew(self.owner, self.seconds):
                self._confirmed = sent
                return True
            self._join()
            return False

    @property
    def interval(self) -> float:
        """Seconds between heartbeats."""
        return self.seconds / BEATS_PER_LEASE

    def leave(self) -> None:
        """Give the lease up (a closed runtime's holds are free at once)."""
        self.store.leave(self.owner)
