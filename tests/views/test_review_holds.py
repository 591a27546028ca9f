"""Review holds on the shared store: the item on a reviewer's screen is held for them, other
reviewers' screens pass over it and say who holds it, and a killed reviewer's holds lapse
with their kernel's lease so the item comes back to the queue."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

import hitl_widgets
from hitl_widgets import get_client
from hitl_widgets.views.queue.holds import Holds
from hitl_widgets.views.queue.screen import ReviewScreen
from tests.views.labeller import labeller

pytestmark = pytest.mark.anyio

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def clients(team_store: str) -> AsyncIterator[tuple[Any, Any]]:
    ana = get_client(graphs={"labeller": labeller}, checkpointer=team_store, reviewer="ana")
    bob = get_client(graphs={"labeller": labeller}, checkpointer=team_store, reviewer="bob <b>")
    try:
        yield ana, bob
    finally:
        await ana.aclose()
        await bob.aclose()


async def _docs(client: Any, n: int) -> list[str]:
    ids = []
    for i in range(n):
        tid = (await client.threads.create())["thread_id"]
        await client.runs.wait(tid, "labeller", input={"text": f"total {i}"})
        ids.append(str(tid))
    return ids


async def test_two_reviewers_never_review_the_same_item(clients: tuple[Any, Any],
                                                        widget_comms: list) -> None:
    ana, bob = clients
    ids = await _docs(ana, 3)
    a = ReviewScreen(ana)
    await a.wait()
    assert a.current is not None and a.current["thread_id"] == ids[0]
    assert "held for you until" in a.header.value
    b = ReviewScreen(bob)
    await b.wait()
    assert b.current is not None and b.current["thread_id"] == ids[1]  # passed over ids[0]
    assert b.table.states[ids[0]] == "held by ana"
    a.act("accept")
    await a.wait()
    assert a.current is not None and a.current["thread_id"] == ids[2]  # not bob's
    b.act("accept")
    await b.wait()
    assert b.current is None and "Nothing left" in b.heading.value  # ids[2] is ana's
    a.act("accept")
    await a.wait()
    log = hitl_widgets.decisions(ana)
    assert sorted((d["thread_id"], d["reviewer"]) for d in log) == sorted(
        [(ids[0], "ana"), (ids[1], "bob <b>"), (ids[2], "ana")])  # none refused, none twice
    assert {d["origin"] for d in log} == {"code: screen"}  # act() from code says so
    assert a.holds.until == {} and b.holds.until == {}
    await a.leave()
    await b.leave()


async def test_a_held_item_opened_by_hand_is_refused_naming_the_holder(
        clients: tuple[Any, Any], widget_comms: list) -> None:
    ana, bob = clients
    ids = await _docs(ana, 2)
    a = ReviewScreen(ana)
    await a.wait()
    b = ReviewScreen(bob)
    await b.wait()
    b.review(ids[0])
    await b.wait()
    assert b.current is None
    assert "held by ana" in b.confirmation.value
    await a.leave()  # ana's holds go back to the queue with her screen
    assert await Holds(bob).others() == {}
    await b.leave()


HOLDER = textwrap.dedent('''
    import asyncio, sys, time
    from hitl_widgets import ReviewQueue, get_client
    from tests.views.labeller import labeller
    client = get_client(graphs={"labeller": labeller}, checkpointer=sys.argv[1],
                        reviewer="ana", lease_seconds=2)
    item = asyncio.run(ReviewQueue(client, hold_seconds=600).next())  # the oldest: held
    print("held", item.thread_id, flush=True)
    time.sleep(600)
''')


async def test_a_killed_reviewers_hold_lapses_and_the_item_returns(
        team_store: str, widget_comms: list) -> None:
    bob = get_client(graphs={"labeller": labeller}, checkpointer=team_store, reviewer="bob")
    try:
        ids = await _docs(bob, 2)
        proc = subprocess.Popen([sys.executable, "-c", HOLDER, team_store, ids[0]], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.strip() == f"held {ids[0]}", proc.stderr.read() if proc.stderr else ""
        screen = ReviewScreen(bob)
        await screen.wait()
        assert screen.current is not None and screen.current["thread_id"] == ids[1]
        assert screen.table.states[ids[0]] == "held by ana"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        # Nobody releases it: it lapses with ana's kernel lease (2 s), by the store's clock.
        deadline = time.monotonic() + 120
        while await Holds(bob).others() and time.monotonic() < deadline:
            time.sleep(0.2)
        screen.act("skip")
        await screen.wait()
        assert screen.current is not None and screen.current["thread_id"] == ids[0]
        assert json.dumps(screen.table.states).count("held by") == 0
        await screen.leave()
    finally:
        await bob.aclose()


async def test_screens_follow_each_others_holds_and_decisions_without_refresh(
        clients: tuple[Any, Any], widget_comms: list) -> None:
    """Two reviewers' screens, as in two kernels: what one does shows on the other within
    about a second (LIVE_SECONDS), nobody pressing Refresh."""
    import asyncio

    ana, bob = clients
    ids = await _docs(ana, 3)
    b = ReviewScreen(bob)
    await b.wait()
    assert b.current is not None and b.current["thread_id"] == ids[0]
    a = ReviewScreen(ana)
    await a.wait()
    assert a.current is not None and a.current["thread_id"] == ids[1]

    async def until(check: Any) -> None:
        for _ in range(100):  # a hang guard, not a bound on speed
            if check():
                return
            await asyncio.sleep(0.1)
        raise AssertionError(f"the other screen never showed it: {b.table.states}")

    await until(lambda: b.table.states.get(ids[1]) == "held by ana")  # ana's hold
    a.act("accept")
    await a.wait()
    await until(lambda: ids[1] not in b.table.states)  # ana's decision
    assert b.current is not None and b.current["thread_id"] == ids[0]  # bob's item stays
    await a.leave()
    await b.leave()
