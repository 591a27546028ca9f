"""One conformance suite for every record store (as LangGraph does for its savers)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


def test_a_record_written_again_is_stored_as_given_and_not_aliased(store: RecordStore) -> None:
    """Writing a run again as it ends: what changed is stored type for type (``True`` is
    not ``1``), what did not is still not the caller's."""
    run: dict[str, object] = {"run_id": "r1", "thread_id": "t01", "created_at": "1",
                              "status": "pending",
                              "kwargs": {"input": {"flag": 1, "messages": [{"content": "hi"}]}}}
    store.put_run(run)
    again = {**run, "status": "success",
             "kwargs": {"input": {"flag": True, "messages": [{"content": "hi"}]}}}
    store.put(runs=[again])
    got = store.get_run("r1")
    assert got is not None and got["status"] == "success"
    assert got["kwargs"]["input"]["flag"] is True
    store.put_thread(_thread(1))
    store.patch_thread("t01", {"status": "busy"}, runs=[again])
    again["kwargs"]["input"]["messages"].append({"content": "changed"})  # type: ignore[index]
    assert store.get_run("r1")["kwargs"]["input"]["messages"] == [  # type: ignore[index]
        {"content": "hi"}]
    thread = _thread(1)
    store.put_thread(thread)
    thread["values"]["nested"]["k"] = 99  # type: ignore[index]
    assert store.get_thread("t01")["values"]["nested"] == {"k": 1}  # type: ignore[index]


def _thread(n: int, status: str = "idle", **metadata: object) -> dict[str, object]:
    stamp = f"2026-01-01T00:00:{n:02d}+00:00"
    return {"thread_id": f"t{n:02d}", "created_at": stamp, "updated_at": stamp, "status": status,
            "metadata": dict(metadata), "values": {"n": n, "nested": {"k": n % 2}}, "interrupts": {}}


def test_a_thread_read_without_its_values(store: RecordStore) -> None:
    store.put_thread(_thread(1, team="a"))
    got = store.get_thread_without_values("t01")
    whole = store.get_thread("t01")
    assert got is not None and whole is not None
    assert "values" not in got and got == {k: v for k, v in whole.items() if k != "values"}
    got["metadata"]["team"] = "changed"
    assert store.get_thread("t01") == whole
    assert store.get_thread_without_values("missing") is None


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


def _many(n: int) -> list[dict[str, object]]:
    """Threads whose metadata mixes text, numbers, booleans, nesting and escapes, and
    whose values repeat some metadata (a match there is not a metadata match)."""
    threads = []
    for i in range(n):
        thread = _thread(i % 60, "interrupted" if i % 3 else "idle")
        thread["metadata"] = {"graph_id": f"g{i % 3}", "batch": f"b{i % 7}", "n": i % 5,
                              "flag": i % 2 == 0,
                              "nested": {"k": f"v{i % 4}",
                                         "deep": {"z": 'é"q' if i % 5 else "plain"}}}
        thread["thread_id"] = f"t{i:03d}"
        thread["updated_at"] = f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}+00:00"
        thread["values"] = {"graph_id": "g0", "n": i}
        threads.append(thread)
    return threads


FILTERS: list[dict[str, object]] = [
    {"metadata": {"graph_id": "g1"}},
    {"metadata": {"graph_id": "g0"}, "status": "interrupted"},
    {"metadata": {"batch": "b3", "n": 2}},
    {"metadata": {"nested": {"k": "v2"}}},
    {"metadata": {"nested": {"deep": {"z": 'é"q'}}}, "status": "idle"},
    {"metadata": {"flag": True}},
    {"metadata": {"n": 1}},
    {"metadata": {"graph_id": "g9"}},
    {"metadata": {"graph_id": 'g"1'}},
    {"values": {"graph_id": "g0"}, "metadata": {"graph_id": "g2"}},
]


@pytest.mark.parametrize("found", FILTERS, ids=lambda f: repr(f))
def test_search_with_filters_answers_as_the_memory_store(
        store: RecordStore, found: dict[str, Any]) -> None:
    """Filters the SQL stores narrow down in SQL answer exactly as a scan of every record
    in memory does: every page, either order, and the count."""
    reference = MemoryRecords()
    for thread in _many(250):
        store.put_thread(thread)
        reference.put_thread(thread)
    for offset, limit, order in [(0, 10, "desc"), (0, 300, "desc"), (95, 20, "asc"),
                                 (110, 50, "desc")]:
        got = store.search_threads(**found, limit=limit, offset=offset, sort_order=order)
        want = reference.search_threads(**found, limit=limit, offset=offset, sort_order=order)
        assert [t["thread_id"] for t in got] == [t["thread_id"] for t in want]
        assert got == want
    counted = {k: v for k, v in found.items() if k in ("metadata", "values", "status")}
    assert store.count_threads(**counted) == reference.count_threads(**counted)


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
