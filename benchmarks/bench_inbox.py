"""The inbox over many threads, and bulk answers against direct resumes (run by hand).

    .venv/bin/python benchmarks/bench_inbox.py [--threads 10000] [--bulk 100] [--repeat 7]
                                               [--server 1000]

Kernel side, one SQLite file holding --threads interrupted threads:
  first page   ``Inbox(client)`` until ``await inbox.wait()`` returns (page + counts shown)
  next page    ``inbox.next_page()`` until shown
  baseline     the same page's raw ``threads.search`` + ``threads.count`` calls, no widget
  bulk         ``await inbox.bulk(ids, answer)`` over --bulk threads
  direct       --bulk ``runs.wait(command={"resume": ...})`` one after another
Medians over --repeat. With --server N the same inbox against ``langgraph dev`` holding N
interrupted threads (started here, offline). Targets (issue 8): first page < 300 ms, next
page < 100 ms, bulk / direct < 1.5.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hitl_widgets import Inbox, get_client
from hitl_widgets.views.inbox_rows import SELECT

ANSWER = "approved"


async def make_threads(client: Any, n: int, batch: str) -> list[str]:
    """``n`` seed threads stopped at their interrupt (created 16 at a time)."""
    ids: list[str] = []
    gate = asyncio.Semaphore(16)

    async def one(i: int) -> None:
        async with gate:
            tid = (await client.threads.create(metadata={"batch": batch, "n": i}))["thread_id"]
            await client.runs.wait(tid, "seed", input={"some_text": f"document {i}"})
            ids.append(tid)

    await asyncio.gather(*(one(i) for i in range(n)))
    return ids


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


async def time_pages(client: Any, repeat: int, **filters: Any) -> dict[str, float]:
    first, following, raw = [], [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        inbox = Inbox(client, **filters)
        await inbox.wait()
        t1 = time.perf_counter()
        inbox.next_page()
        await inbox.wait()
        t2 = time.perf_counter()
        assert len(inbox.rows) == 25 and inbox.counts["pending"] > 0
        inbox.close()
        first.append(t1 - t0)
        following.append(t2 - t1)
        t3 = time.perf_counter()
        metadata = filters.get("metadata")
        await asyncio.gather(
            client.threads.search(status="interrupted", metadata=metadata, limit=25,
                                  sort_by="updated_at", sort_order="asc", select=SELECT),
            client.threads.count(status="interrupted", metadata=metadata))
        raw.append(time.perf_counter() - t3)
    return {"first": median_ms(first), "next": median_ms(following), "raw": median_ms(raw)}


async def time_bulk(client: Any, ids: list[str], n: int) -> tuple[float, float]:
    """Seconds for a bulk answer over ``n`` threads and for ``n`` direct resumes."""
    bulk_ids, direct_ids = ids[:n], ids[n : 2 * n]
    inbox = Inbox(client, load=False)
    t0 = time.perf_counter()
    results = await inbox.bulk(bulk_ids, ANSWER)
    bulk = time.perf_counter() - t0
    assert all(r["ok"] for r in results), [r for r in results if not r["ok"]][:3]
    inbox.close()
    asked = {}
    for tid in direct_ids:  # read outside the timing: the direct path is given its ids
        [items] = (await client.threads.get(tid))["interrupts"].values()
        asked[tid] = items[0]["id"]
    t1 = time.perf_counter()
    for tid in direct_ids:
        await client.runs.wait(tid, "seed", command={"resume": {asked[tid]: ANSWER}})
    direct = time.perf_counter() - t1
    return bulk, direct


def row(name: str, value: float, unit: str, target: str = "", ratio: str = "") -> str:
    return f"  {name:<34} {value:>9.1f} {unit:<3} {ratio:>10} {target:>10}"


async def kernel(args: argparse.Namespace) -> None:
    from tests.graphs.scenarios import SCENARIOS

    path = Path(tempfile.mkdtemp()) / "inbox.sqlite"
    client = get_client(graphs=SCENARIOS, checkpointer=path, reviewer="bench")
    t0 = time.perf_counter()
    ids = await make_threads(client, args.threads, "bench")
    made = time.perf_counter() - t0
    print(f"{args.threads} interrupted threads in {path} ({made:.0f} s to make, "
          f"{path.stat().st_size / 1e6:.0f} MB)")
    pages = await time_pages(client, args.repeat)
    by_meta = await time_pages(client, args.repeat, metadata={"batch": "bench"})
    bulk, direct = await time_bulk(client, sorted(ids), args.bulk)
    print(f"  {'':<34} {'median':>9} {'':<3} {'vs base':>10} {'target':>10}")
    print(row("first page (status filter)", pages["first"], "ms", "< 300",
              f"{pages['first'] / pages['raw']:.1f}x"))
    print(row("next page", pages["next"], "ms", "< 100", f"{pages['next'] / pages['raw']:.1f}x"))
    print(row("baseline: raw search + count", pages["raw"], "ms"))
    print(row("first page (metadata filter)", by_meta["first"], "ms", "",
              f"{by_meta['first'] / by_meta['raw']:.1f}x"))
    print(row("next page (metadata filter)", by_meta["next"], "ms"))
    print(row("baseline: raw, metadata filter", by_meta["raw"], "ms"))
    print(row(f"bulk answer, {args.bulk} threads", bulk * 1000, "ms", "< 1.5x",
              f"{bulk / direct:.2f}x"))
    print(row(f"baseline: {args.bulk} direct runs.wait", direct * 1000, "ms"))


async def remote(args: argparse.Namespace) -> None:
    from langgraph_sdk import get_client as sdk_client

    from tests.processes import stop_group
    from tests.reference_server import start_server

    proc, url, _log = start_server(Path(tempfile.mkdtemp()))
    try:
        client = sdk_client(url=url)
        t0 = time.perf_counter()
        ids = await make_threads(client, args.server, "remote")
        print(f"\nlanggraph dev, {args.server} interrupted threads "
              f"({time.perf_counter() - t0:.0f} s to make)")
        pages = await time_pages(client, args.repeat, metadata={"batch": "remote"})
        bulk, direct = await time_bulk(client, sorted(ids), min(args.bulk, args.server // 2))
        print(row("first page", pages["first"], "ms", "", f"{pages['first'] / pages['raw']:.1f}x"))
        print(row("next page", pages["next"], "ms", "", f"{pages['next'] / pages['raw']:.1f}x"))
        print(row("baseline: raw search + count", pages["raw"], "ms"))
        print(row("bulk answer", bulk * 1000, "ms", "", f"{bulk / direct:.2f}x"))
        print(row("baseline: direct runs.wait", direct * 1000, "ms"))
        await client.aclose()
    finally:
        stop_group(proc)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--threads", type=int, default=10_000)
    parser.add_argument("--bulk", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--server", type=int, default=0,
                        help="also time the inbox against langgraph dev with this many threads")
    args = parser.parse_args()
    asyncio.run(kernel(args))
    if args.server:
        asyncio.run(remote(args))


if __name__ == "__main__":
    main()
