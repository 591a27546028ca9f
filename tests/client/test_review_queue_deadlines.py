"""Deadlines: a default answer or an escalation when nobody answers in time, applied by
whichever runtime is alive on the store — or by the next one to open it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from hitl_widgets import ReviewQueue, decisions, get_client
from tests.graphs.scenarios import SCENARIOS

pytestmark = pytest.mark.anyio

FAST = 0.6
"""A short lease: the heartbeat that applies deadlines beats every 0.2 s."""


@pytest.fixture
async def ana(team_store: str) -> AsyncIterator[Any]:
    client = get_client(graphs=SCENARIOS, checkpointer=team_store, reviewer="ana",
                        lease_seconds=FAST)
    yield client
    await client.aclose()


async def _asked(client: Any, graph: str = "seed") -> str:
    tid: str = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, graph, input={"some_text": "draft"})
    return tid


async def _until(check: Any) -> None:
    for _ in range(100):
        if await check():
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the deadline was not applied within 10 s")


async def test_a_default_answer_applied_by_the_live_kernel(ana: Any) -> None:
    tid = await _asked(ana)
    queue = ReviewQueue(ana)
    deadline = await queue.set_deadline(tid, 0.3, default="draft, as proposed")
    assert deadline["thread_id"] == tid and 0 < deadline["due_in"] <= 0.3

    async def answered() -> bool:
        return bool((await ana.threads.get(tid))["status"] == "idle")

    await _until(answered)
    assert (await ana.threads.get_state(tid))["values"] == {"some_text": "draft, as proposed"}
    assert [(d["reviewer"], d["outcome"]) for d in decisions(ana, thread_id=tid)] == [
        ("deadline", "resumed")]
    assert await queue.deadlines() == []


async def test_an_escalation_hands_the_item_to_a_named_reviewer(ana: Any, team_store: str) -> None:
    tid = await _asked(ana)
    await ReviewQueue(ana).set_deadline(tid, 0.2, escalate_to="lead")

    async def escalated() -> bool:
        return bool((await ana.threads.get(tid))["metadata"].get("assignee") == "lead")

    await _until(escalated)
    assert await ReviewQueue(ana).next() is None  # ana no longer gets it
    lead = get_client(graphs=SCENARIOS, checkpointer=team_store, reviewer="lead")
    item = await ReviewQueue(lead).next()
    assert item is not None and item.thread_id == tid
    assert decisions(ana, thread_id=tid) == []  # nothing was answered
    await lead.aclose()


async def test_what_fell_due_with_no_kernel_open_is_applied_by_the_next(team_store: str) -> None:
    first = get_client(graphs=SCENARIOS, checkpointer=team_store, reviewer="ana")
    tid = await _asked(first)
    await ReviewQueue(first).set_deadline(tid, 0.2, default="no answer came")
    await first.aclose()
    await asyncio.sleep(0.4)
    # A long lease: its first heartbeat comes after 20 s, so only opening the store applies it.
    nxt = get_client(graphs=SCENARIOS, checkpointer=team_store, reviewer="bob",
                     lease_seconds=60)

    async def answered() -> bool:
        state = await nxt.threads.get_state(tid)
        return bool(state["values"] == {"some_text": "no answer came"})

    await _until(answered)
    assert [d["reviewer"] for d in decisions(nxt, thread_id=tid)] == ["deadline"]
    await nxt.aclose()


async def test_an_answer_in_time_or_a_later_question_is_left_alone(ana: Any) -> None:
    tid = await _asked(ana, "two_steps")
    queue = ReviewQueue(ana)
    await queue.set_deadline(tid, 0.5, default="too late")
    await ana.runs.wait(tid, "two_steps", command={"resume": "ana's answer in time"})
    assert (await ana.threads.get(tid))["status"] == "interrupted"  # the next question
    await asyncio.sleep(1.2)  # due, and several heartbeats later
    state = await ana.threads.get_state(tid)
    assert state["values"]["some_text"] == "ana's answer in time"
    assert [d["reviewer"] for d in decisions(ana, thread_id=tid)] == ["ana"]


async def test_bad_deadlines(ana: Any) -> None:
    tid = await _asked(ana)
    queue = ReviewQueue(ana)
    with pytest.raises(ValueError, match=r"-5 s is in the past"):
        await queue.set_deadline(tid, -5, default="x")
    with pytest.raises(ValueError, match=r"either default=\.\.\. or escalate_to=\.\.\."):
        await queue.set_deadline(tid, 5)
    await ana.runs.wait(tid, "seed", command={"resume": "done"})
    with pytest.raises(ValueError, match="asks nothing now"):
        await queue.set_deadline(tid, 5, default="x")
    memory = get_client(graphs=SCENARIOS)
    mtid = await _asked(memory)
    with pytest.raises(ValueError, match="in a store every kernel shares"):
        await ReviewQueue(memory).set_deadline(mtid, 5, default="x")
    await memory.aclose()
