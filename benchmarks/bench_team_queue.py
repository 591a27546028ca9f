"""Benchmark: three reviewers on one batch, with and without the review queue's holds.

    .venv/bin/python benchmarks/bench_team_queue.py [--items 30] [--reviewers 3] [--scale 1]

Every reviewer is a process of its own on one SQLite file, reading each item for 2–4 s
(times ``--scale``) before answering it — the session the team-review issue measured:
- "first answer wins": each reviewer reads the oldest pending item and answers it; whoever
  answers second is refused (a wasted read);
- "review queue": each reviewer takes ``ReviewQueue.next()`` — the oldest item nobody
  holds — reads it and answers;
- "one reviewer": the baseline, one process with the queue, run in the same invocation.
Prints submissions, refused (wasted) submissions and the batch's wall time (from the moment
every reviewer's kernel is up), and its ratio to one reviewer's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

REVIEWER = '''
import asyncio, json, random, sys, time
from langgraph_sdk.errors import ConflictError
from hitl_widgets import ReviewQueue, get_client
from tests.graphs.scenarios import SCENARIOS

async def main(path, name, mode, scale, seed):
    rng = random.Random(seed)
    client = get_client(graphs=SCENARIOS, checkpointer=path, reviewer=name)
    queue = ReviewQueue(client)
    print("ready", flush=True)
    sys.stdin.readline()  # every reviewer starts at once, imports done
    sent = refused = 0
    while True:
        if mode == "queue":
            item = await queue.next()
            if item is None:
                break
            tid, iid = item.thread_id, item.interrupts[0]["id"]
        else:
            page = await client.threads.search(status="interrupted", sort_by="created_at",
                                               sort_order="asc", limit=1)
            if not page:
                break
            tid = page[0]["thread_id"]
            [iid] = [i["id"] for items in page[0]["interrupts"].values() for i in items]
        await asyncio.sleep(rng.uniform(2, 4) * scale)  # reading the item
        sent += 1
        try:
            if mode == "queue":
                await queue.answer(item, f"reviewed by {name}")
            else:
                await client.runs.wait(tid, "seed",
                                       command={"resume": {iid: f"reviewed by {name}"}})
        except ConflictError:
            refused += 1
    await client.aclose()
    print(json.dumps({"sent": sent, "refused": refused}))

asyncio.run(main(sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4]), int(sys.argv[5])))
'''


async def _batch(path: str, items: int) -> None:
    from hitl_widgets import get_client
    from tests.graphs.scenarios import SCENARIOS

    client = get_client(graphs=SCENARIOS, checkpointer=path)
    for i in range(items):
        tid = (await client.threads.create())["thread_id"]
        await client.runs.wait(tid, "seed", input={"some_text": f"document {i}"})
    await client.aclose()


def session(items: int, reviewers: int, mode: str, scale: float) -> dict[str, float]:
    """One review session on a fresh file: submissions, refused ones, wall seconds."""
    path = str(Path(tempfile.mkdtemp()) / "team.sqlite")
    asyncio.run(_batch(path, items))
    procs = [subprocess.Popen([sys.executable, "-c", REVIEWER, path, f"r{n}", mode,
                               str(scale), str(n)], cwd=ROOT, stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True) for n in range(reviewers)]
    for p in procs:
        assert p.stdout is not None and p.stdout.readline().strip() == "ready"
    start = time.monotonic()  # the session proper: Python's start-up is not reviewing
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    outs = [json.loads(p.communicate()[0]) for p in procs]
    wall = time.monotonic() - start
    return {"sent": sum(o["sent"] for o in outs), "refused": sum(o["refused"] for o in outs),
            "wall": wall}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--reviewers", type=int, default=3)
    parser.add_argument("--scale", type=float, default=1.0,
                        help="reading time per item is 2-4 s times this")
    args = parser.parse_args()
    random.seed(1)
    rows = [
        ("first answer wins", args.reviewers, "race"),
        ("review queue", args.reviewers, "queue"),
        ("one reviewer (baseline)", 1, "queue"),
    ]
    results = {label: session(args.items, n, mode, args.scale) for label, n, mode in rows}
    alone = results["one reviewer (baseline)"]["wall"]
    print(f"{args.items} items, reading 2-4 s x {args.scale:g} each, one SQLite file\n")
    print("| session | reviewers | submissions | refused (wasted) | wall s | x one reviewer |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, n, _ in rows:
        r = results[label]
        wasted = r["refused"] / r["sent"] if r["sent"] else 0.0
        print(f"| {label} | {n} | {r['sent']:.0f} | {r['refused']:.0f} ({wasted:.0%}) | "
              f"{r['wall']:.1f} | {r['wall'] / alone:.2f} |")


if __name__ == "__main__":
    main()
