"""Memory over many runs in one kernel (run by hand).

    .venv/bin/python benchmarks/bench_soak.py [--runs 10000]

The seed flow (create, run to the interrupt, resume, delete) --runs times on the in-memory
runtime, with traced memory (tracemalloc) printed every fifth of the way, against the same
loop with the graph's own ``ainvoke`` on an ``InMemorySaver`` as the baseline. Flat means the
runtime keeps nothing per finished run beyond the last ``KEPT_HANDLES`` runs' events.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tracemalloc
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.types import Command

from hitl_widgets import get_client
from hitl_widgets.examples import seed_graph

WARMUP = 300


async def soak(one: Callable[[], Awaitable[None]], runs: int) -> list[tuple[int, int]]:
    """Traced KiB above the post-warm-up baseline, at every fifth of ``runs``."""
    for _ in range(WARMUP):
        await one()
    gc.collect()
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    marks = []
    for i in range(1, runs + 1):
        await one()
        if i % max(1, runs // 5) == 0:
            gc.collect()
            marks.append((i, (tracemalloc.get_traced_memory()[0] - base) // 1024))
    tracemalloc.stop()
    return marks


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10_000)
    runs = parser.parse_args().runs
    client = get_client(graphs={"agent": seed_graph()})

    async def ours() -> None:
        tid = (await client.threads.create())["thread_id"]
        await client.runs.wait(tid, "agent", input={"some_text": "x"})
        await client.runs.wait(tid, "agent", command={"resume": "y"})
        await client.threads.delete(tid)

    saver = InMemorySaver()
    graph = seed_graph().copy(update={"checkpointer": saver})

    async def raw() -> None:
        config = {"configurable": {"thread_id": str(uuid.uuid4())}}
        await graph.ainvoke({"some_text": "x"}, config)
        await graph.ainvoke(Command(resume="y"), config)
        saver.delete_thread(config["configurable"]["thread_id"])

    base = await soak(raw, runs)
    got = await soak(ours, runs)
    print(f"\nTraced memory above the warmed-up start (KiB), {runs} seed flows")
    print("| after runs | raw graph.ainvoke + InMemorySaver | in-kernel client |")
    print("|---:|---:|---:|")
    for (n, b), (_, g) in zip(base, got, strict=True):
        print(f"| {n} | {b} | {g} |")


if __name__ == "__main__":
    asyncio.run(main())
