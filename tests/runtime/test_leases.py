"""One conformance suite for every lease store: owners, holds, expiry by the store's clock."""

from __future__ import annotations

import math
import sqlite3
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from langgraph_sdk.errors import ConflictError

from hitl_widgets.runtime.leases import (
    LeaseStore,
    MemoryLeases,
    Presence,
    SqlLeases,
    describe_owner,
    new_owner_id,
)
from hitl_widgets.runtime.sql_records import PostgresRecords, SqliteRecords


def _sql_leases(kind: str, request: pytest.FixtureRequest,
                tmp_path: Path) -> Iterator[LeaseStore]:
    if kind == "postgres":
        import psycopg

        url = request.getfixturevalue("postgres_db")
        pg = psycopg.connect(url, autocommit=True)
        yield SqlLeases(PostgresRecords(pg, threading.Lock(), url))
        pg.close()
        return
    conn = sqlite3.connect(tmp_path / "l.sqlite", check_same_thread=False)
    yield SqlLeases(SqliteRecords(conn, threading.Lock()))
    conn.close()


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def leases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LeaseStore]:
    if request.param == "memory":
        yield MemoryLeases()
    else:
        yield from _sql_leases(request.param, request, tmp_path)


@pytest.fixture(params=["sqlite", "postgres"])
def shared(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LeaseStore]:
    """The stores other processes see (memory leases belong to one process, whose owners
    never expire)."""
    yield from _sql_leases(request.param, request, tmp_path)


def test_memory_owners_live_as_long_as_the_process() -> None:
    leases = MemoryLeases()
    leases.join("a", "ana", 0.01)
    time.sleep(0.05)
    assert leases.renew("a", 0.01) and leases.owners(["a"])["a"][1] is True


def test_a_hold_is_refused_naming_its_holder_and_taken_again_by_its_owner(
        leases: LeaseStore) -> None:
    leases.join("a", "ana", 60)
    leases.join("b", "bob <b>", 60)
    held = leases.take("hold:t1", "a", "ana", 60, thread_id="t1")
    assert (held.owner, held.label, held.thread_id) == ("a", "ana", "t1")
    with pytest.raises(ConflictError, match=r"hold:t1 is held by ana \(a\) for \d+ s more"):
        leases.take("hold:t1", "b", "bob <b>", 60)
    again = leases.take("hold:t1", "a", "ana", 120)  # the owner renews its own hold
    assert again.expires_at > held.expires_at
    assert [h.key for h in leases.holders("hold:")] == ["hold:t1"]


def test_release_frees_a_hold_only_for_its_owner(leases: LeaseStore) -> None:
    leases.join("a", "ana", 60)
    leases.join("b", "bob", 60)
    leases.take("hold:t1", "a", "ana", 60)
    leases.release("hold:t1", "b")
    assert [h.owner for h in leases.holders("hold:")] == ["a"]
    leases.release("hold:t1", "a")
    assert leases.holders("hold:") == []
    assert leases.take("hold:t1", "b", "bob", 60).owner == "b"


def test_a_hold_that_lasts_as_long_as_its_owner_and_leave(leases: LeaseStore) -> None:
    leases.join("a", "ana", 60)
    held = leases.take("run:r1", "a", "ana", None)
    assert math.isinf(held.expires_at)
    assert [h.expires_at for h in leases.holders("run:")] == [math.inf]
    leases.leave("a")
    assert leases.holders("run:") == []
    assert leases.owners(["a"]) == {}


def test_holders_lists_by_prefix_only(leases: LeaseStore) -> None:
    leases.join("a", "ana", 60)
    for key in ("hold:t2", "hold:t1", "run:r1", "holder"):
        leases.take(key, "a", "ana", 60)
    assert [h.key for h in leases.holders("hold:")] == ["hold:t1", "hold:t2"]


def test_a_hold_runs_out_on_its_own(leases: LeaseStore) -> None:
    leases.join("a", "ana", 60)
    leases.join("b", "bob", 60)
    leases.take("hold:t1", "a", "ana", 0.2)
    time.sleep(0.4)
    assert leases.holders("hold:") == []
    assert leases.take("hold:t1", "b", "bob", 60).owner == "b"


def test_an_owner_lease_runs_out_and_is_never_revived(shared: LeaseStore) -> None:
    shared.join("a", "ana", 0.3)
    assert shared.renew("a", 0.3)
    assert shared.owners(["a"])["a"][1] is True
    time.sleep(0.5)
    lease, live = shared.owners(["a"])["a"]
    assert (lease.label, live) == ("ana", False)  # still on record: who it was
    assert not shared.renew("a", 60)  # what it held may have been released meanwhile
    assert shared.owners(["a"])["a"][1] is False


def test_what_a_dead_owner_held_is_free(shared: LeaseStore) -> None:
    shared.join("a", "ana", 0.3)
    shared.join("b", "bob", 60)
    shared.take("hold:t1", "a", "ana", 600)
    with pytest.raises(ConflictError):
        shared.take("hold:t1", "b", "bob", 60)
    time.sleep(0.5)
    assert shared.holders("hold:") == []
    assert shared.take("hold:t1", "b", "bob", 60).owner == "b"


def test_presence_renews_and_fences(shared: LeaseStore) -> None:
    presence = Presence(shared, "ana", seconds=0.6)
    first = presence.owner
    assert presence.holds(first) and presence.beat() and presence.owner == first
    presence.check(first, "r1", "t1")  # inside its lease: may write
    time.sleep(0.8)  # paused past the lease: it ran out by the store's clock
    with pytest.raises(ConflictError, match=r"run r1 on thread t1 stopped: this kernel's "
                       r"lease on the store lapsed .* nothing more was written"):
        presence.check(first, "r1", "t1")
    assert presence.owner != first  # joined again under a new id: new runs may write
    presence.check(presence.owner, "r2", "t1")


def test_presence_checks_the_store_when_its_own_clock_is_unsure(shared: LeaseStore) -> None:
    """Past the fenced share of its lease but before expiry, a renewal decides."""
    presence = Presence(shared, "ana", seconds=1.5)
    owner = presence.owner
    time.sleep(1.1)  # beyond 2/3 of the lease: no longer sure by its own clock
    assert not presence.holds(owner)
    presence.check(owner, "r1", "t1")  # the store still had it: renewed, still the owner
    assert presence.owner == owner and presence.holds(owner)


def test_presence_refuses_a_lease_of_no_time() -> None:
    with pytest.raises(ValueError, match="lease_seconds must be a positive number"):
        Presence(MemoryLeases(), "ana", seconds=0)


def test_owner_ids_and_their_description() -> None:
    owner = new_owner_id()
    host, pid, token = owner.split(":")
    assert pid.isdigit() and len(token) == 8 and host
    assert new_owner_id() != owner
    assert describe_owner("h1:42:beef", None) == "a kernel on host h1 (pid 42)"
    assert describe_owner(None, None).startswith("a kernel that recorded no lease")
