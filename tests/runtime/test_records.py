"""One conformance suite for every record store (as LangGraph does for its savers)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from hitl_widgets.runtime.records import MemoryRecords, RecordStore
from hitl_widgets.runtime.sql_records import PostgresRecords, SqliteRecords


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RecordStore]:
    if request.param == "memory":
        yield MemoryRecords()
        return
    if request.param == "postgres":
        import psycopg

        url = request.getfixturevalue("postgres_db")
        pg = psycopg.connect(url, autocommit=True)
        yield PostgresRecords(pg, threading.Lock(), url)
        pg.close()
        return
    conn = sqlite3.connect(tmp_path / "r.sqlite", check_same_thread=False)
    yield SqliteRecords(conn, threading.Lock())
    conn.close()


def test_records_are_copies(store: RecordStore) -> None:
    """What goes in and what comes out are copies: a caller's dict never changes under it."""
    thread = _thread(1)
    store.put_thread(thread)
    thread["status"] = "busy"
    got = store.get_thread("t01")
    assert got is not None and got["status"] == "idle"
    got["values"]["n"] = 99
    assert store.get_thread("t01")["values"]["n"] == 1  # type: ignore[index]
    listed = store.search_threads()
    listed[0]["metadata"]["x"] = 1
    assert store.search_threads()[0]["metadata"] == {}


def test_put_thread_and_runs_is_all_or_none(store: RecordStore) -> None:
    store.put(thread=_thread(1), runs=[{"run_id": "r1", "thread_id": "t01", "created_at": "1",
                                        "status": "running"}])
    assert store.get_run("r1") is not None
    with pytest.raises(KeyError):
        # The second run lacks its id: nothing of this write lands, not even the thread.
        store.put(thread={**_thread(1), "status": "busy"},
                  runs=[{"run_id": "r2", "thread_id": "t01", "created_at": "2",
                         "status": "pending"}, {"thread_id": "t01"}])
    assert store.get_thread("t01")["status"] == "idle"  # type: ignore[index]
    assert store.get_run("r2") is None
    assert [t["thread_id"] for t in store.busy_threads()] == []


def test_patch_thread_sets_fields_and_writes_runs_in_one_go(store: RecordStore) -> None:
    store.put_thread(_thread(1, team="a"))
    fields = {"status": "busy", "values": {"n": 2}}
    run = {"run_id": "r1", "thread_id": "t01", "created_at": "1", "status": "pending"}
    assert store.patch_thread("t01", fields, runs=[run]) is True
    fields["values"]["n"] = 99  # the caller's dicts stay the caller's
    run["status"] = "changed"
    got = store.get_thread("t01")
    assert got is not None
    assert (got["status"], got["values"], got["metadata"]) == ("busy", {"n": 2}, {"team": "a"})
    assert store.get_run("r1")["status"] == "pending"  # type: ignore[index]
    assert [t["thread_id"] for t in store.search_threads(status="busy")] == ["t01"]


def test_patch_thread_of_a_missing_thread_writes_nothing(store: RecordStore) -> None:
    run = {"run_id": "r1", "thread_id": "gone", "created_at": "1", "status": "pending"}
    assert store.patch_thread("gone", {"status": "busy"}, runs=[run]) is False
    assert store.get_thread("gone") is None and store.get_run("r1") is None


def test_patch_thread_is_all_or_none(store: RecordStore) -> None:
    store.put_thread(_thread(1))
    with pytest.raises(KeyError):
        store.patch_thread("t01", {"status": "busy"}, runs=[{"thread_id": "t01"}])
    assert store.get_thread("t01")["status"] == "idle"  # type: ignore[index]


def test_update_run_changes_the_callers_record_and_the_stored_one(store: RecordStore) -> None:
    run = {"run_id": "r1", "thread_id": "t01", "created_at": "1", "status": "pending",
           "kwargs": {"input": {"a": 1}}}
    store.put_run(run)
    store.update_run(run, status="running", updated_at="2")
    assert (run["status"], run["updated_at"]) == ("running", "2")
    assert store.get_run("r1") == run
    assert store.list_runs("t01", status="running")[0]["run_id"] == "r1"
    run["kwargs"]["input"]["a"] = 2  # not aliased by the update either
    assert store.get_run("r1")["kwargs"] == {"input": {"a": 1}}  # type: ignore[index]


def _thread(n: int, status: str = "idle", **metadata: object) -> dict[str, object]:
    stamp = f"2026-01-01T00:00:{n:02d}+00:00"
    return {"thread_id": f"t{n:02d}", "created_at": stamp, "updated_at": stamp, "status": status,
            "metadata": dict(metadata), "values": {"n": n, "nested": {"k": n % 2}}, "interrupts": {}}


def test_put_get_replace_delete(store: RecordStore) -> None:
    store.put_thread(_thread(1))
    assert store.get_thread("t01")["values"] == {"n": 1, "nested": {"k": 1}}  # type: ignore[index]
    store.put_thread({**_thread(1), "status": "busy"})
    assert store.get_thread("t01")["status"] == "busy"  # type: ignore[index]
    store.put_run({"run_id": "r1", "thread_id": "t01", "created_at": "1", "status": "running"})
    store.delete_thread("t01")
    assert store.get_thread("t01") is None and store.get_run("r1") is None
    assert store.get_thread("missing") is None


def test_search_filters_sort_and_pages(store: RecordStore) -> None:
    for n in range(10):
        store.put_thread(_thread(n, "interrupted" if n % 3 == 0 else "idle", team="a" if n < 5 else "b",
                                 deep={"x": n % 2}))
    assert [t["thread_id"] for t in store.search_threads(status="interrupted")] == ["t09", "t06", "t03", "t00"]
    assert [t["thread_id"] for t in store.search_threads(limit=3)] == ["t09", "t08", "t07"]
    assert [t["thread_id"] for t in store.search_threads(limit=3, offset=8)] == ["t01", "t00"]
    assert [t["thread_id"] for t in store.search_threads(sort_order="asc", limit=2)] == ["t00", "t01"]
    assert [t["thread_id"] for t in store.search_threads(metadata={"team": "a"}, status="interrupted")] == ["t03", "t00"]
    assert len(store.search_threads(metadata={"deep": {"x": 1}}, limit=100)) == 5
    assert [t["thread_id"] for t in store.search_threads(metadata={"team": "b"}, limit=2, offset=1)] == ["t08", "t07"]
    assert [t["thread_id"] for t in store.search_threads(values={"nested": {"k": 0}}, limit=2)] == ["t08", "t06"]
    assert [t["thread_id"] for t in store.search_threads(ids=["t02", "t04"])] == ["t04", "t02"]
    assert store.count_threads() == 10
    assert store.count_threads(status="interrupted") == 4
    assert store.count_threads(metadata={"team": "a"}) == 5


def test_runs(store: RecordStore) -> None:
    for n, status in enumerate(["success", "running", "pending", "error"]):
        store.put_run({"run_id": f"r{n}", "thread_id": "t", "created_at": str(n), "status": status})
    store.put_run({"run_id": "other", "thread_id": "u", "created_at": "9", "status": "success"})
    assert [r["run_id"] for r in store.list_runs("t")] == ["r3", "r2", "r1", "r0"]
    assert [r["run_id"] for r in store.list_runs("t", limit=2, offset=1)] == ["r2", "r1"]
    assert [r["run_id"] for r in store.list_runs("t", status="success")] == ["r0"]
    assert sorted(r["run_id"] for r in store.unfinished_runs()) == ["r1", "r2"]
    store.delete_run("r0")
    assert store.get_run("r0") is None and store.get_run("r1")["status"] == "running"  # type: ignore[index]


def test_abandon_run_writes_only_a_run_still_unfinished(store: RecordStore) -> None:
    """Two kernels releasing the same dead run: exactly one of them does it."""
    store.put_thread(_thread(1))
    run = {"run_id": "r1", "thread_id": "t01", "created_at": "2026-01-01T00:00:00+00:00",
           "updated_at": "2026-01-01T00:00:00+00:00", "status": "running", "metadata": {},
           "kwargs": {}}
    store.put_run(run)
    assert store.abandon_run({**run, "status": "error"}) is True
    assert store.abandon_run({**run, "status": "error"}) is False
    got = store.get_run("r1")
    assert got is not None and got["status"] == "error"
    assert store.abandon_run({**run, "run_id": "missing", "status": "error"}) is False
