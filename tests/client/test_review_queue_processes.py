"""A reviewer whose kernel is killed while holding an item: it returns to the queue once
the kernel's lease runs out, long before the hold's own five minutes, with nobody cleaning
up. Real processes on a real SQLite file and PostgreSQL database."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from hitl_widgets import ReviewQueue, get_client
from tests.graphs.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]

ANA = textwrap.dedent('''
    import asyncio, json, sys, time
    from hitl_widgets import ReviewQueue, get_client
    from tests.graphs.scenarios import SCENARIOS

    async def main():
        client = get_client(graphs=SCENARIOS, checkpointer=sys.argv[1], reviewer="ana",
                            lease_seconds=2)
        item = await ReviewQueue(client).next()
        print(json.dumps({"held": item.thread_id}), flush=True)
        await asyncio.sleep(600)

    asyncio.run(main())
''')


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_db")
        return url
    return str(tmp_path / "team.sqlite")


@pytest.mark.slow
@pytest.mark.anyio
async def test_a_killed_reviewers_item_returns_to_the_queue(store: str) -> None:
    bob = get_client(graphs=SCENARIOS, checkpointer=store, reviewer="bob")
    tid = (await bob.threads.create())["thread_id"]
    await bob.runs.wait(tid, "seed", input={"some_text": "invoice 7"})
    ana = subprocess.Popen([sys.executable, "-c", ANA, store], cwd=ROOT,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    queue = ReviewQueue(bob)
    try:
        assert ana.stdout is not None
        line = ana.stdout.readline()
        assert line, ana.stderr.read() if ana.stderr else ""
        assert json.loads(line) == {"held": tid}
        assert [(h["thread_id"], h["reviewer"]) for h in await queue.holds()] == [(tid, "ana")]
        assert await queue.next() is None  # held for ana for five minutes
        os.kill(ana.pid, signal.SIGKILL)
        ana.wait(timeout=30)
        for _ in range(100):  # her 2 s lease runs out, and her hold with it
            if not await queue.holds():
                break
            await asyncio.sleep(0.1)
        item = await queue.next()
        assert item is not None and item.thread_id == tid
        assert (item.hold["reviewer"], item.hold["mine"]) == ("bob", True)
    finally:
        if ana.poll() is None:
            ana.kill()
            ana.wait()
        await bob.aclose()
