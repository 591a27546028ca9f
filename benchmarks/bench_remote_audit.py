"""What recording a decision costs a remote resume (run by hand, from the repository root):

    .venv/bin/python benchmarks/bench_remote_audit.py [--url http://127.0.0.1:2024] [--n 20]

Without ``--url`` it starts ``langgraph dev`` on the test scenarios (tests/reference_server).
Resumes ``--n`` seed threads with the plain SDK client and ``--n`` with
``hitl_widgets.get_client(url=...)`` (which reads the thread before the resume and writes the
decision into its metadata after it), interleaved so that a loaded machine slows both alike;
prints the medians, their difference, and the two extra requests timed alone.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from langgraph_sdk import get_client as sdk_client

from hitl_widgets import get_client


async def _interrupted(client: Any) -> str:
    tid = str((await client.threads.create())["thread_id"])
    await client.runs.wait(tid, "seed", input={"some_text": "t"})
    return tid


async def _timed_resume(client: Any) -> float:
    tid = await _interrupted(client)
    start = time.perf_counter()
    await client.runs.wait(tid, "seed", command={"resume": "ok"})
    return time.perf_counter() - start


async def main(url: str, n: int) -> None:
    plain, recording = sdk_client(url=url), get_client(url=url, reviewer="bench")
    try:
        await _timed_resume(plain)  # warm both connections and the graph
        await _timed_resume(recording)
        bare, recorded = [], []
        for _ in range(n):
            bare.append(await _timed_resume(plain))
            recorded.append(await _timed_resume(recording))
        tid = await _interrupted(plain)
        gets, updates = [], []
        for _ in range(n):
            start = time.perf_counter()
            await plain.threads.get(tid)
            gets.append(time.perf_counter() - start)
            start = time.perf_counter()
            await plain.threads.update(tid, metadata={"hitl_bench": time.time()})
            updates.append(time.perf_counter() - start)
    finally:
        await plain.aclose()
        await recording.aclose()
    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731 - a one-line unit change
    print(f"resume, plain SDK client        {ms(bare):7.1f} ms (median of {n})")
    print(f"resume, recorded (get_client)   {ms(recorded):7.1f} ms")
    print(f"difference                      {ms(recorded) - ms(bare):7.1f} ms")
    print(f"  threads.get alone             {ms(gets):7.1f} ms")
    print(f"  threads.update alone          {ms(updates):7.1f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running LangGraph Server serving tests' scenarios")
    parser.add_argument("--n", type=int, default=20, help="resumes of each kind")
    args = parser.parse_args()
    if args.url:
        asyncio.run(main(args.url, args.n))
    else:
        from tests.processes import stop_group
        from tests.reference_server import start_server

        proc, url, _log = start_server(Path(tempfile.mkdtemp()))
        try:
            asyncio.run(main(url, args.n))
        finally:
            stop_group(proc)
