"""The review queue: each reviewer gets an item nobody else holds; holds lapse; answers once.

Two reviewers are two clients on one store (two runtimes, two owners, one file or
database), as two kernels are; a reviewer's kernel stopping is in
``tests/client/test_review_queue_processes.py``.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk.errors import ConflictError

from hitl_widgets import ReviewQueue, decisions, get_client
from tests.graphs.scenarios import SCENARIOS

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store a team shares (memory belongs to one kernel, so to one reviewer)."""
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_db")
        return url
    return str(tmp_path / "team.sqlite")


@pytest.fixture
async def team(store: str) -> AsyncIterator[tuple[Any, Any]]:
    """Ana's and bob's clients on one store."""
    ana = get_client(graphs=SCENARIOS, checkpointer=store, reviewer="ana")
    bob = get_client(graphs=SCENARIOS, checkpointer=store, reviewer="bob")
    yield ana, bob
    await bob.aclose()
    await ana.aclose()


async def _pending(client: Any, n: int) -> list[str]:
    tids = []
    for i in range(n):
        tid = (await client.threads.create(metadata={"batch": "b1", "n": i}))["thread_id"]
        await client.runs.wait(tid, "seed", input={"some_text": f"doc {i}"})
        tids.append(tid)
        await asyncio.sleep(0.002)  # distinct creation times: the queue's order
    return tids


async def test_each_reviewer_gets_the_oldest_item_nobody_holds(team: tuple[Any, Any]) -> None:
    ana, bob = team
    tids = await _pending(ana, 3)
    qa = ReviewQueue(ana, metadata={"batch": "b1"})
    qb = ReviewQueue(bob, metadata={"batch": "b1"})
    first = await qa.next()
    second = await qb.next()
    assert first is not None and second is not None
    assert (first.thread_id, second.thread_id) == (tids[0], tids[1])
    assert first.interrupts[0]["value"] == {"text_to_revise": "doc 0"}
    assert (first.hold["reviewer"], first.hold["mine"]) == ("ana", True)
    assert 0 < first.hold["expires_in"] <= 300
    held = {h["thread_id"]: (h["reviewer"], h["mine"]) for h in await qb.holds()}
    assert held == {tids[0]: ("ana", False), tids[1]: ("bob", True)}
    assert await qa.progress() == {"pending": 3, "held": 2}


async def test_a_held_item_is_not_answered_by_another_reviewer(team: tuple[Any, Any]) -> None:
    ana, bob = team
    [tid] = await _pending(ana, 1)
    item = await ReviewQueue(ana).next()
    assert item is not None
    with pytest.raises(ConflictError, match=rf"hold:review:{tid} is held by ana"):
        await ReviewQueue(bob).answer(item, "bob's text")
    assert await ReviewQueue(bob).next() is None  # nothing else to hand out
    result = await ReviewQueue(ana).answer(item, "ana's text")
    assert result == {"outcome": "resumed", "votes": 1, "result": {"some_text": "ana's text"}}
    assert await ReviewQueue(ana).holds() == []  # answered: the hold is given up
    assert [(d["reviewer"], d["outcome"]) for d in decisions(bob, thread_id=tid)] == [
        ("ana", "resumed")]


async def test_a_hold_lapses_back_into_the_queue(team: tuple[Any, Any]) -> None:
    ana, bob = team
    [tid] = await _pending(ana, 1)
    item = await ReviewQueue(ana, hold_seconds=0.3).next()
    assert item is not None
    assert await ReviewQueue(bob).next() is None
    await asyncio.sleep(0.5)
    again = await ReviewQueue(bob).next()
    assert again is not None and again.thread_id == tid
    # Ana comes back to her lapsed item: bob holds it now, so she is told, nothing is sent.
    with pytest.raises(ConflictError, match="is held by bob"):
        await ReviewQueue(ana).answer(item, "ana's text")
    assert decisions(ana, thread_id=tid) == []


async def test_an_answer_after_someone_else_answered_names_them(team: tuple[Any, Any]) -> None:
    ana, bob = team
    [tid] = await _pending(ana, 1)
    item = await ReviewQueue(ana, hold_seconds=0.3).next()
    assert item is not None
    await asyncio.sleep(0.5)
    taken = await ReviewQueue(bob).next()
    assert taken is not None and taken.thread_id == tid
    await ReviewQueue(bob).answer(taken, "bob's text")
    with pytest.raises(ConflictError, match="already answered by bob"):
        await ReviewQueue(ana).answer(item, "ana's text")


async def test_release_and_requeue(team: tuple[Any, Any]) -> None:
    ana, bob = team
    tids = await _pending(ana, 2)
    qa, qb = ReviewQueue(ana), ReviewQueue(bob)
    item = await qa.next()
    assert item is not None and item.thread_id == tids[0]
    await qa.release(item)  # skipped: back in the queue, first again
    got = await qb.next()
    assert got is not None and got.thread_id == tids[0]
    await qa.requeue(tids[0])  # a lead frees bob's item
    assert [h["thread_id"] for h in await qa.holds()] == []
    again = await qa.next()
    assert again is not None and again.thread_id == tids[0]


async def test_queues_and_filters_are_separate(team: tuple[Any, Any]) -> None:
    ana, bob = team
    tids = await _pending(ana, 2)
    other = (await ana.threads.create(metadata={"batch": "b2"}))["thread_id"]
    await ana.runs.wait(other, "seed", input={"some_text": "other"})
    b2 = await ReviewQueue(bob, metadata={"batch": "b2"}).next()
    assert b2 is not None and b2.thread_id == other
    first = await ReviewQueue(ana, name="second-pass").next()  # another queue's holds
    assert first is not None and first.thread_id == tids[0]


async def test_clear_errors() -> None:
    from langgraph_sdk import get_client as remote_client

    with pytest.raises(TypeError, match="needs an in-kernel client on the team's store"):
        ReviewQueue(remote_client(url="http://127.0.0.1:9"))
    client = get_client(graphs=SCENARIOS)
    with pytest.raises(ValueError, match="give a non-empty name without ':'"):
        ReviewQueue(client, name="a:b")
    with pytest.raises(ValueError, match="hold_seconds must be a positive number"):
        ReviewQueue(client, hold_seconds=0)
    await client.aclose()


async def test_assigned_items_go_to_their_reviewer_only(team: tuple[Any, Any]) -> None:
    ana, bob = team
    tids = await _pending(ana, 4)
    qa, qb = ReviewQueue(ana), ReviewQueue(bob)
    dealt = await qa.assign_round_robin(["bob", "ana"])
    assert dealt == {"bob": [tids[0], tids[2]], "ana": [tids[1], tids[3]]}
    got_a = await qa.next()
    got_b = await qb.next()
    assert got_a is not None and got_b is not None
    assert (got_a.thread_id, got_b.thread_id) == (tids[1], tids[0])
    await qa.assign([tids[2]], None)  # back to anyone: ana's oldest free item now
    again = await qa.next()
    assert again is not None and again.thread_id == tids[2]
    with pytest.raises(ValueError, match="at least one reviewer"):
        await qa.assign_round_robin([])
