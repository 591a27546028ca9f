"""Several reviewers per item: votes, the rule, one resume, adjudication, agreement."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk.errors import ConflictError

from hitl_widgets import ReviewQueue, decisions, get_client
from hitl_widgets.client.agreement import fleiss_kappa, percent_agreement
from tests.graphs.scenarios import SCENARIOS


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_db")
        return url
    return str(tmp_path / "team.sqlite")


@pytest.fixture
async def team(store: str) -> AsyncIterator[list[Any]]:
    clients = [get_client(graphs=SCENARIOS, checkpointer=store, reviewer=name)
               for name in ("ana", "bob", "cy")]
    yield clients
    for client in clients:
        await client.aclose()


async def _pending(client: Any, n: int) -> list[str]:
    tids = []
    for i in range(n):
        tid = (await client.threads.create())["thread_id"]
        await client.runs.wait(tid, "seed", input={"some_text": f"doc {i}"})
        tids.append(tid)
    return tids


def _queues(team: list[Any], **options: Any) -> list[ReviewQueue]:
    return [ReviewQueue(client, reviewers_per_item=2, **options) for client in team]


@pytest.mark.anyio
async def test_two_reviewers_per_item_and_one_resume(team: list[Any]) -> None:
    tids = await _pending(team[0], 2)
    ana, bob, cy = _queues(team)
    a1, b1, c1 = await ana.next(), await bob.next(), await cy.next()
    assert a1 and b1 and c1
    assert (a1.thread_id, b1.thread_id, c1.thread_id) == (tids[0], tids[0], tids[1])
    assert sorted((h["thread_id"], h["reviewer"]) for h in await ana.holds()) == sorted(
        [(tids[0], "ana"), (tids[0], "bob"), (tids[1], "cy")])
    first = await ana.answer(a1, "revised")
    assert first == {"outcome": "waiting", "votes": 1, "result": None}
    assert (await team[0].threads.get(tids[0]))["status"] == "interrupted"  # nothing sent
    second = await bob.answer(b1, "revised")
    assert second == {"outcome": "resumed", "votes": 2, "result": {"some_text": "revised"}}
    assert [(d["reviewer"], d["outcome"]) for d in decisions(team[0], thread_id=tids[0])] == [
        ("bob", "resumed")]  # one resume, sent by whoever met the rule
    # Ana never gets the item she answered again; cy's item has a free slot for her.
    a2 = await ana.next()
    assert a2 is not None and a2.thread_id == tids[1]
    with pytest.raises(ConflictError, match="ana already answered thread"):
        await team[0].queues.cast("review", tids[0], "again")


@pytest.mark.anyio
async def test_a_disagreement_waits_for_adjudication(team: list[Any]) -> None:
    [tid] = await _pending(team[0], 1)
    ana, bob, _ = _queues(team, rule="all")
    a, b = await ana.next(), await bob.next()
    assert a and b
    await ana.answer(a, "yes")
    assert await bob.answer(b, "no") == {"outcome": "disagreement", "votes": 2, "result": None}
    assert await ana.disagreements() == [{"thread_id": tid,
                                          "answers": {"ana": "yes", "bob": "no"}}]
    assert await ana.next() is None and await bob.next() is None  # nobody answers it twice
    assert await ana.adjudicate(tid, "yes") == {"some_text": "yes"}
    assert await ana.disagreements() == []
    agreement = await ana.agreement()
    assert agreement == {"items": 1, "percent_agreement": 0.0, "fleiss_kappa": -1.0}


@pytest.mark.anyio
async def test_the_majority_rule_with_three_reviewers(team: list[Any]) -> None:
    [tid] = await _pending(team[0], 1)
    queues = [ReviewQueue(c, reviewers_per_item=3, rule="majority") for c in team]
    items = [await q.next() for q in queues]
    assert all(i is not None and i.thread_id == tid for i in items)
    outcomes = [await q.answer(i, a) for q, i, a in zip(queues, items, ["x", "y", "x"],
                                                             strict=True) if i]
    assert [o["outcome"] for o in outcomes] == ["waiting", "waiting", "resumed"]
    assert outcomes[-1]["result"] == {"some_text": "x"}


def test_agreement_figures() -> None:
    assert percent_agreement([["a", "a"], ["a", "b"]]) == 0.5
    assert fleiss_kappa([["a", "a"], ["b", "b"]]) == 1.0
    assert fleiss_kappa([["a", "b"], ["a", "b"]]) == -1.0
    assert fleiss_kappa([["a", "a"], ["a", "b"]]) == pytest.approx(-1 / 3)
    assert fleiss_kappa([["a", "a", "a"]]) == 1.0  # one label only: kappa is 1 by convention
    with pytest.raises(ValueError, match="same number"):
        fleiss_kappa([["a", "a"], ["a"]])


def test_bad_options() -> None:
    client = get_client(graphs=SCENARIOS)
    with pytest.raises(ValueError, match="reviewers_per_item must be 1 or more"):
        ReviewQueue(client, reviewers_per_item=0)
    with pytest.raises(ValueError, match="rule must be 'majority' or 'all'"):
        ReviewQueue(client, rule="most")  # type: ignore[arg-type]
