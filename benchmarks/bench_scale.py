"""100,000 threads on one SQLite file and on PostgreSQL: search, state and the inbox (by hand).

    nice -n 10 .venv/bin/python benchmarks/bench_scale.py [--threads 100000] [--no-postgres]

The fixture: two real seed threads made by the runtime (one stopped at its interrupt, one
answered), then cloned in bulk in SQL — every checkpoint table row under a new thread id,
and one thread record each (alternately ``interrupted`` and ``idle``, metadata ``batch``:
"b0" to "b99") — so the checkpoints are LangGraph's own. PostgreSQL is a throwaway cluster
started as ``tests/postgres.py`` starts it. Then, with a client opened on the store as a
new kernel would open it, medians of:
  threads.search(status="interrupted", limit=20)
  threads.search(status="interrupted", metadata={"batch": "b8"}, limit=20)
  threads.count(status="interrupted")
  threads.get_state(thread_id)                       (random threads)
  the inbox's first page and next page               (kernel side, ``bench_inbox.time_pages``)
  the same, the inbox filtered on metadata {"batch": "b8"} (its counts filter too)
and the process's resident memory before and after the inbox opened. Goals: search and
get_state < 5 ms, first page < 300 ms, next page < 100 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_inbox import time_pages

from hitl_widgets import get_client, get_sync_client
from tests.graphs.scenarios import seed

GRAPHS = {"agent": seed}
BATCHES = 100


def rss_mib() -> float:
    """The process's resident memory now (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def templates(spec: str) -> dict[str, dict[str, Any]]:
    """Two real threads, interrupted and idle: their records, made through the runtime."""
    client = get_sync_client(graphs=GRAPHS, checkpointer=spec)
    made = {}
    for status in ("interrupted", "idle"):
        tid = client.threads.create(metadata={"batch": 0})["thread_id"]
        client.runs.wait(tid, "agent", input={"some_text": "a document to review"})
        if status == "idle":
            client.runs.wait(tid, "agent", command={"resume": "reviewed"})
        made[status] = client.threads.get(tid)
        assert made[status]["status"] == status
    client.close()
    return made


def clones(made: dict[str, dict[str, Any]], n: int) -> Iterator[tuple[Any, ...]]:
    """``(thread_id, template_id, created_at, updated_at, status, record)`` of each clone."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    kinds = list(made.values())
    for i in range(n):
        template = kinds[i % 2]
        stamp = (start + timedelta(seconds=i)).isoformat()
        tid = str(uuid.uuid4())
        record = {**template, "thread_id": tid, "created_at": stamp, "updated_at": stamp,
                  "state_updated_at": stamp,
                  "metadata": {**template["metadata"], "batch": f"b{i % BATCHES}"}}
        yield tid, template["thread_id"], stamp, stamp, record["status"], orjson.dumps(record)


def clone_sql(table: str, columns: list[str]) -> str:
    """Copy a template thread's rows of ``table`` under every id in ``clone_ids``."""
    picked = ", ".join("c.tid" if col == "thread_id" else f"t.{col}" for col in columns)
    return (f"INSERT INTO {table} ({', '.join(columns)}) SELECT {picked} FROM {table} t "
            "JOIN clone_ids c ON t.thread_id = c.tmpl")


def fill_sqlite(path: Path, n: int) -> None:
    made = templates(str(path))
    conn = sqlite3.connect(path)
    rows = list(clones(made, n))
    with conn:
        conn.execute("CREATE TEMP TABLE clone_ids (tid TEXT, tmpl TEXT)")
        conn.executemany("INSERT INTO clone_ids VALUES (?, ?)", [r[:2] for r in rows])
        for table in ("checkpoints", "writes"):
            columns = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
            conn.execute(clone_sql(table, columns))
        conn.executemany(
            "INSERT INTO hitl_threads (thread_id, created_at, updated_at, status, record) "
            "VALUES (?, ?, ?, ?, ?)", [(r[0], *r[2:]) for r in rows])
    conn.execute("ANALYZE")
    conn.close()


def fill_postgres(url: str, n: int) -> None:
    import psycopg

    made = templates(url)
    rows = list(clones(made, n))
    with psycopg.connect(url) as conn, conn.cursor() as cur:
        cur.execute("CREATE TEMP TABLE clone_ids (tid TEXT, tmpl TEXT)")
        with cur.copy("COPY clone_ids (tid, tmpl) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r[:2])
        for table in ("checkpoints", "checkpoint_blobs", "checkpoint_writes"):
            cur.execute("SELECT column_name FROM information_schema.columns "
                        "WHERE table_name = %s ORDER BY ordinal_position", (table,))
            columns = [c[0] for c in cur.fetchall()]
            cur.execute(clone_sql(table, columns))
        with cur.copy("COPY hitl_threads (thread_id, created_at, updated_at, status, record) "
                      "FROM STDIN") as copy:
            for r in rows:
                copy.write_row((r[0], *r[2:]))
        conn.commit()
        cur.execute("ANALYZE")
        conn.commit()


def median_ms(fn: Callable[[], Any], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


def measure(spec: str, n: int, repeat: int) -> dict[str, float]:
    rss_before_open = rss_mib()
    client = get_sync_client(graphs=GRAPHS, checkpointer=spec)
    found = client.threads.search(status="interrupted", limit=20)
    assert len(found) == 20, found
    ids = [t["thread_id"] for t in client.threads.search(status="idle", limit=500, offset=1000)]
    figures = {
        "search": median_ms(lambda: client.threads.search(status="interrupted", limit=20),
                            repeat),
        "search_meta": median_ms(lambda: client.threads.search(
            status="interrupted", metadata={"batch": "b8"}, limit=20), repeat),
        "count": median_ms(lambda: client.threads.count(status="interrupted"), repeat),
        "get_state": median_ms(lambda: client.threads.get_state(random.choice(ids)), repeat),
    }
    assert client.threads.count(status="interrupted") == (n + 1) // 2 + 1
    client.close()

    async def pages() -> dict[str, float]:
        inbox_client = get_client(graphs=GRAPHS, checkpointer=spec)
        try:
            before = rss_mib()
            got = await time_pages(inbox_client, max(3, repeat // 10))
            got["rss_growth"] = rss_mib() - before
            batch = await time_pages(inbox_client, max(3, repeat // 10),
                                     metadata={"batch": "b8"})
            got.update(first_batch=batch["first"], next_batch=batch["next"])
            return got
        finally:
            await inbox_client.aclose()

    figures.update(asyncio.run(pages()))
    figures["rss"] = rss_mib()
    figures["rss_open"] = figures["rss"] - rss_before_open
    return figures


@contextmanager
def postgres() -> Iterator[str]:
    """A throwaway cluster, as the tests start one (``tests/postgres.py``)."""
    from tests.postgres import postgres_url

    started = postgres_url.__wrapped__()  # type: ignore[attr-defined]
    try:
        yield next(started)
    finally:
        started.close()  # stops the cluster


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    n = args.threads
    results: list[tuple[str, float, dict[str, float]]] = []
    t0 = time.perf_counter()
    path = Path(tempfile.mkdtemp(prefix="bench-scale-")) / "big.sqlite"
    fill_sqlite(path, n)
    results.append((f"SQLite ({path.stat().st_size / 2**20:.0f} MiB)", time.perf_counter() - t0,
                    measure(str(path), n, args.repeat)))
    if not args.no_postgres:
        with postgres() as url:
            t0 = time.perf_counter()
            fill_postgres(url, n)
            results.append(("PostgreSQL", time.perf_counter() - t0,
                            measure(url, n, args.repeat)))
    print(f"\n{n} threads (+2 templates), half interrupted; medians over {args.repeat} calls "
          "(inbox: over a tenth of that, at least 3)")
    print("| store | fill | search(status) | search(status, metadata) | count(status) | "
          "get_state | inbox first page | next page | inbox of one batch: first / next | "
          "RSS after inbox (growth) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, fill_s, f in results:
        print(f"| {label} | {fill_s:.0f} s | {f['search']:.2f} ms | {f['search_meta']:.2f} ms | "
              f"{f['count']:.2f} ms | {f['get_state']:.2f} ms | {f['first']:.0f} ms | "
              f"{f['next']:.0f} ms | {f['first_batch']:.0f} ms / {f['next_batch']:.0f} ms | "
              f"{f['rss']:.0f} MiB ({f['rss_growth']:+.0f} MiB) |")
    print("goals: search and get_state < 5 ms, first page < 300 ms, next page < 100 ms")


if __name__ == "__main__":
    main()
