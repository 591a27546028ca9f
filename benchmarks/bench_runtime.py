"""The in-kernel runtime against raw LangGraph and against the real server (run by hand).

    .venv/bin/python benchmarks/bench_runtime.py [--runs 200] [--threads 10000] [--no-server]

The floor: the whole seed flow through the async client against the graph's own ainvoke,
the two taking turns on one loop. Then the seed flow (create thread, run to the interrupt,
resume), medians over --runs:
  raw      the same compiled graph called directly (``graph.invoke``) with the same saver
  ours     hitl_widgets' sync and async clients (InMemorySaver / one SQLite file)
  server   ``langgraph dev`` through the official SDK (started here, offline)
Then ``threads.search(status="interrupted", limit=20)`` and ``threads.get_state`` over
--threads threads in one SQLite file, memory per idle thread and disk per checkpoint.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.types import Command

from hitl_widgets import get_client, get_sync_client
from tests.graphs.scenarios import seed

WARMUP = 20


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def time_seed(start: Callable[[], Any], run: Callable[[Any], Any], resume: Callable[[Any], Any],
              n: int) -> tuple[float, float]:
    """Median ms to the interrupt and to the end of the resume (after WARMUP unrecorded runs)."""
    to_interrupt, to_resume = [], []
    for _ in range(WARMUP):
        handle = start()
        run(handle)
        resume(handle)
    for _ in range(n):
        handle = start()
        t0 = time.perf_counter()
        run(handle)
        t1 = time.perf_counter()
        resume(handle)
        t2 = time.perf_counter()
        to_interrupt.append(t1 - t0)
        to_resume.append(t2 - t1)
    return median_ms(to_interrupt), median_ms(to_resume)


def raw(saver: Any, n: int) -> tuple[float, float]:
    graph = seed.copy(update={"checkpointer": saver})
    return time_seed(
        lambda: {"configurable": {"thread_id": str(uuid.uuid4())}},
        lambda cfg: graph.invoke({"some_text": "original text"}, cfg),
        lambda cfg: graph.invoke(Command(resume="Edited text"), cfg),
        n,
    )


def raw_async(saver: Any, n: int) -> tuple[float, float]:
    """The same graph through ``ainvoke`` on one long-lived loop (what our runtime does)."""
    graph = seed.copy(update={"checkpointer": saver})

    async def main() -> tuple[float, float]:
        a, b = [], []
        for i in range(n + WARMUP):
            cfg = {"configurable": {"thread_id": str(uuid.uuid4())}}
            t0 = time.perf_counter()
            await graph.ainvoke({"some_text": "original text"}, cfg)
            t1 = time.perf_counter()
            await graph.ainvoke(Command(resume="Edited text"), cfg)
            t2 = time.perf_counter()
            if i >= WARMUP:
                a.append(t1 - t0)
                b.append(t2 - t1)
        return median_ms(a), median_ms(b)

    return asyncio.run(main())


def ours_sync(checkpointer: Any, n: int) -> tuple[float, float]:
    client = get_sync_client(graphs={"agent": seed}, checkpointer=checkpointer)
    return time_seed(
        lambda: client.threads.create()["thread_id"],
        lambda tid: client.runs.wait(tid, "agent", input={"some_text": "original text"}),
        lambda tid: client.runs.wait(tid, "agent", command={"resume": "Edited text"}),
        n,
    )


def ours_async(checkpointer: Any, n: int) -> tuple[float, float]:
    client = get_client(graphs={"agent": seed}, checkpointer=checkpointer)

    async def main() -> tuple[float, float]:
        a, b = [], []
        for i in range(n + WARMUP):
            tid = (await client.threads.create())["thread_id"]
            t0 = time.perf_counter()
            await client.runs.wait(tid, "agent", input={"some_text": "original text"})
            t1 = time.perf_counter()
            await client.runs.wait(tid, "agent", command={"resume": "Edited text"})
            t2 = time.perf_counter()
            if i >= WARMUP:
                a.append(t1 - t0)
                b.append(t2 - t1)
        return median_ms(a), median_ms(b)

    return asyncio.run(main())


def seed_flows() -> tuple[Callable[[], Awaitable[None]], Callable[[], Awaitable[None]]]:
    """The whole seed flow (create, run to the interrupt, resume) twice: the graph's own
    ``ainvoke`` with an ``InMemorySaver``, and the in-kernel async client (memory)."""
    graph = seed.copy(update={"checkpointer": InMemorySaver()})
    client = get_client(graphs={"agent": seed})

    async def raw_flow() -> None:
        cfg = {"configurable": {"thread_id": str(uuid.uuid4())}}
        await graph.ainvoke({"some_text": "original text"}, cfg)
        await graph.ainvoke(Command(resume="Edited text"), cfg)

    async def our_flow() -> None:
        tid = (await client.threads.create())["thread_id"]
        await client.runs.wait(tid, "agent", input={"some_text": "original text"})
        await client.runs.wait(tid, "agent", command={"resume": "Edited text"})

    return raw_flow, our_flow


def floor(n: int) -> tuple[float, float]:
    """The seed flows of ``seed_flows`` taking turns on one loop, so both see the same
    machine load. Medians in ms: (raw, ours)."""
    raw_flow, our_flow = seed_flows()

    async def main() -> tuple[float, float]:
        raws, ours = [], []
        for i in range(n + WARMUP):
            for flow, samples in ((raw_flow, raws), (our_flow, ours)):
                t0 = time.perf_counter()
                await flow()
                if i >= WARMUP:
                    samples.append(time.perf_counter() - t0)
        return median_ms(raws), median_ms(ours)

    return asyncio.run(main())


def server(n: int) -> tuple[float, float]:
    from langgraph_sdk import get_sync_client as sdk_client

    from tests.processes import stop_group
    from tests.reference_server import start_server

    folder = Path(tempfile.mkdtemp(prefix="bench-langgraph-dev-"))
    proc, url, _ = start_server(folder)
    try:
        client = sdk_client(url=url)
        return time_seed(
            lambda: client.threads.create()["thread_id"],
            lambda tid: client.runs.wait(tid, "seed", input={"some_text": "original text"}),
            lambda tid: client.runs.wait(tid, "seed", command={"resume": "Edited text"}),
            n,
        )
    finally:
        stop_group(proc)


def big_file(path: Path, threads: int) -> dict[str, float]:
    """Fill one SQLite file with ``threads`` threads (a third interrupted) and time reads."""
    client = get_sync_client(graphs={"agent": seed}, checkpointer=str(path))
    rt = client.runtime
    started = time.perf_counter()
    ids = []
    for i in range(threads):
        tid = client.threads.create(metadata={"batch": i // 100})["thread_id"]
        ids.append(tid)
        if i % 3 == 0:
            client.runs.wait(tid, "agent", input={"some_text": f"text {i}"})
    fill_s = time.perf_counter() - started
    search = []
    for _ in range(200):
        t0 = time.perf_counter()
        found = client.threads.search(status="interrupted", limit=20)
        search.append(time.perf_counter() - t0)
    assert len(found) == 20
    state = []
    for tid in ids[: 3 * 200 : 3]:
        t0 = time.perf_counter()
        client.threads.get_state(tid)
        state.append(time.perf_counter() - t0)
    checkpoints = rt.backend.saver.conn.execute("SELECT count(*) FROM checkpoints").fetchone()[0]
    rt.backend.saver.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = path.stat().st_size
    return {"fill_s": fill_s, "search_ms": median_ms(search), "state_ms": median_ms(state),
            "checkpoints": checkpoints, "bytes_per_checkpoint": size / max(checkpoints, 1)}


def memory_per_idle_thread(n: int = 2000) -> float:
    client = get_sync_client(graphs={"agent": seed})
    for _ in range(10):
        client.threads.create()
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    for _ in range(n):
        tid = client.threads.create()["thread_id"]
        client.runs.wait(tid, "agent", input={"some_text": "x"})
        client.runs.wait(tid, "agent", command={"resume": "y"})
    gc.collect()
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    grown = sum(s.size_diff for s in after.compare_to(before, "filename"))
    return grown / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--server-runs", type=int, default=20)
    parser.add_argument("--no-server", action="store_true")
    args = parser.parse_args()
    n = args.runs
    tmp = Path(tempfile.mkdtemp(prefix="bench-runtime-"))

    rows: list[tuple[str, float, float, str]] = []
    import sqlite3

    from hitl_widgets.runtime.checkpointers import LocalSqliteSaver

    def ratio(got: tuple[float, float], base: tuple[float, float]) -> str:
        return f"{got[0] / base[0]:.2f}x / {got[1] / base[1]:.2f}x"

    for kind, make_saver, spec in (
        ("memory", InMemorySaver, lambda name: None),
        ("SQLite", lambda: SqliteSaver(sqlite3.connect(tmp / f"raw-{uuid.uuid4()}.sqlite",
                                                       check_same_thread=False)),
         lambda name: str(tmp / name)),
    ):
        base_sync = raw(make_saver(), n)
        # ainvoke needs a saver with async methods: on SQLite, the same SqliteSaver with the
        # async entry points our runtime adds (they call the sync ones in place).
        async_saver = make_saver() if kind == "memory" else LocalSqliteSaver(
            sqlite3.connect(tmp / f"raw-a-{uuid.uuid4()}.sqlite", check_same_thread=False))
        base_async = raw_async(async_saver, n)
        base = min(base_sync, base_async, key=lambda t: t[0] + t[1])
        rows.append((f"raw graph.invoke, {kind}", *base_sync, ratio(base_sync, base)))
        rows.append((f"raw graph.ainvoke, {kind}", *base_async, ratio(base_async, base)))
        for label, fn in (("ours sync client", ours_sync), ("ours async client", ours_async)):
            got = fn(spec(f"{label.split()[1]}.sqlite"), n)
            rows.append((f"{label}, {kind}", *got, ratio(got, base)))
    raw_mem = rows[0][1:3]
    if not args.no_server:
        got = server(args.server_runs)
        rows.append((f"langgraph dev via SDK ({args.server_runs} runs)", *got,
                     f"{got[0] / raw_mem[0]:.0f}x / {got[1] / raw_mem[1]:.0f}x vs raw memory"))

    base_flow, our_flow = floor(n)
    print(f"\nThe floor: seed flow through the async client vs the graph's own ainvoke, "
          f"taking turns on one loop (memory), medians over {n} flows")
    print("| raw graph.ainvoke | ours async client | ratio |")
    print("|---:|---:|---:|")
    print(f"| {base_flow:.2f} ms | {our_flow:.2f} ms | {our_flow / base_flow:.2f}x |")

    print(f"\nSeed flow, medians over {n} runs (ms)")
    print("ratio: against the faster raw call with the same kind of saver")
    print(f"| {'what':44} | to interrupt | resume | ratio (interrupt / resume) |")
    print(f"|{'-' * 46}|-------------:|-------:|----------------------------|")
    for label, a, b, ratio in rows:
        print(f"| {label:44} | {a:12.2f} | {b:6.2f} | {ratio} |")

    big = big_file(tmp / "big.sqlite", args.threads)
    print(f"\nOne SQLite file, {args.threads} threads ({args.threads // 3 + 1} interrupted), "
          f"filled in {big['fill_s']:.0f} s")
    print("| what | median |")
    print("|---|---:|")
    print(f"| threads.search(status='interrupted', limit=20) | {big['search_ms']:.2f} ms |")
    print(f"| threads.get_state(thread_id) | {big['state_ms']:.2f} ms |")
    print(f"| disk per checkpoint ({big['checkpoints']} checkpoints, records included) | "
          f"{big['bytes_per_checkpoint']:.0f} B |")
    print(f"| memory per finished thread (InMemorySaver, tracemalloc) | "
          f"{memory_per_idle_thread() / 1024:.1f} KiB |")
    print(f"\n(python {sys.version.split()[0]}, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
