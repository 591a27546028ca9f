"""Benchmark: how soon one reviewer's decision shows on another reviewer's screen.

    .venv/bin/python benchmarks/bench_live_follow.py [--decisions 10]

Two `ReviewScreen`s on one SQLite file (two clients, as two kernels have): ana accepts her
item; the time until bob's table no longer lists it, with nobody pressing Refresh. The
screens read the queue again every `LIVE_SECONDS`; the baseline row is that period.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hitl_widgets import get_client
from hitl_widgets.views.queue.screen import LIVE_SECONDS, ReviewScreen
from tests.views.labeller import labeller


async def main(decisions: int) -> None:
    path = str(Path(tempfile.mkdtemp()) / "team.sqlite")
    ana = get_client(graphs={"labeller": labeller}, checkpointer=path, reviewer="ana")
    bob = get_client(graphs={"labeller": labeller}, checkpointer=path, reviewer="bob")
    for i in range(decisions + 2):
        tid = (await ana.threads.create())["thread_id"]
        await ana.runs.wait(tid, "labeller", input={"text": f"total {i}"})
    theirs = ReviewScreen(bob)
    await theirs.wait()
    mine = ReviewScreen(ana)
    await mine.wait()
    delays = []
    for _ in range(decisions):
        assert mine.current is not None
        tid = mine.current["thread_id"]
        start = time.monotonic()
        mine.act("accept")
        await mine.wait()
        while tid in theirs.table.states:
            await asyncio.sleep(0.005)
        delays.append(time.monotonic() - start)
    await mine.leave()
    await theirs.leave()
    median = statistics.median(delays)
    print(f"| what | ms | x LIVE_SECONDS |\n|---|---:|---:|\n"
          f"| LIVE_SECONDS (baseline) | {LIVE_SECONDS * 1000:.0f} | 1.00 |\n"
          f"| decision shown on the other screen, median of {decisions} | {median * 1000:.0f}"
          f" | {median / LIVE_SECONDS:.2f} |\n"
          f"| ... worst | {max(delays) * 1000:.0f} | {max(delays) / LIVE_SECONDS:.2f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--decisions", type=int, default=10)
    asyncio.run(main(parser.parse_args().decisions))
