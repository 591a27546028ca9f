"""A remote client's own runs record each answer on the server (real `langgraph dev`).

`get_client(url=...)` is the official SDK client whose `runs` records a `command` with
`resume` in the thread's metadata; a second reviewer's client reads the same log back.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import datetime
from typing import Any

import httpx
import pytest
from langgraph_sdk.client import LangGraphClient, RunsClient, SyncRunsClient
from langgraph_sdk.errors import NotFoundError

from hitl_widgets import decisions, get_client, get_sync_client
from hitl_widgets.client.recording import UnrecordedDecision
from tests.views.helpers import open_view

pytestmark = [pytest.mark.anyio, pytest.mark.server]

ANA = "ana <i>&amp; \"o'neil\""  # markup and quotes: kept as typed, escaped where shown


@pytest.fixture
async def ana(reference_url: str) -> AsyncIterator[Any]:
    client = get_client(url=reference_url, reviewer=ANA)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def bob(reference_url: str) -> AsyncIterator[Any]:
    """Another reviewer, who only reads the log."""
    client = get_client(url=reference_url, reviewer="bob")
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def sam(reference_url: str) -> Iterator[Any]:
    client = get_sync_client(url=reference_url, reviewer="sam")
    try:
        yield client
    finally:
        client.close()


async def _interrupted(client: Any, graph: str, input: Any, **metadata: Any
                       ) -> tuple[str, list[dict[str, Any]]]:
    tid = (await client.threads.create(metadata=metadata or None))["thread_id"]
    body = await client.runs.wait(tid, graph, input=input)
    return tid, body["__interrupt__"]


def _short(log: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [(d["interrupt_id"], d["reviewer"], d["answer"], d["outcome"], d["error"])
            for d in log]


async def test_sdk_wait_is_recorded_once_and_every_reviewer_reads_it(ana: Any,
                                                                     bob: Any) -> None:
    assert isinstance(ana, LangGraphClient) and isinstance(ana.runs, RunsClient)
    batch = uuid.uuid4().hex
    tid, [asked] = await _interrupted(ana, "seed", {"some_text": "draft"}, batch=batch,
                                      team="red")
    body = await ana.runs.wait(tid, "seed", command={"resume": "edited"})
    assert body == {"some_text": "edited"}

    [row] = decisions(bob, thread_id=tid)
    assert row["thread_id"] == tid and row["interrupt_id"] == asked["id"]
    assert (row["reviewer"], row["graph_id"], row["outcome"], row["error"]) == (
        ANA, "seed", "resumed", None)
    assert row["value"] == {"text_to_revise": "draft"} and row["answer"] == "edited"
    assert row["changes"] == [{"loc": [], "kind": "replaced",
                               "before": {"text_to_revise": "draft"}, "after": "edited"}]
    run_ids = [r["run_id"] for r in await ana.runs.list(tid, limit=10)]
    assert row["run_id"] in run_ids
    assert datetime.fromisoformat(row["at"]).tzinfo is not None
    # Found without the thread id too (searched by metadata), and nothing else touched.
    assert [d for d in decisions(bob, reviewer=ANA) if d["thread_id"] == tid] == [row]
    metadata = (await bob.threads.get(tid))["metadata"]
    assert (metadata["batch"], metadata["team"], metadata["graph_id"]) == (batch, "red", "seed")
    # A run with no resume records nothing more.
    await ana.runs.wait(tid, "seed", input={"some_text": "again"})
    assert len(decisions(bob, thread_id=tid)) == 1


async def test_sdk_stream_records_a_pause_and_a_failure(ana: Any, bob: Any) -> None:
    tid, asked = await _interrupted(ana, "parallel", {"topic": "t"})
    first, second = sorted(asked, key=lambda i: i["id"])
    answer = {**first["value"], "topic": "mine"}
    events = [p.event async for p in ana.runs.stream(
        tid, "parallel", command={"resume": {first["id"]: answer}}, stream_mode="updates")]
    assert events[0] == "metadata" and "error" not in events
    # The run paused again at the other question: resumed, and only the one answered.
    assert _short(decisions(bob, thread_id=tid)) == [
        (first["id"], ANA, answer, "resumed", None)]
    assert [i["id"] for i in (await ana.threads.get_state(tid))["interrupts"]] == [second["id"]]

    tid, [asked_f] = await _interrupted(ana, "flaky", {"some_text": "t"})
    parts = [p async for p in ana.runs.stream(tid, "flaky", command={"resume": "boom"})]
    assert parts[-1].event == "error"
    [row] = decisions(bob, thread_id=tid)
    assert (row["interrupt_id"], row["answer"], row["outcome"]) == (asked_f["id"], "boom",
                                                                    "error")
    assert row["error"] == "ValueError: boom: the reviewer's answer made the node fail"


async def test_sync_client_wait_and_stream_are_recorded(sam: Any, bob: Any) -> None:
    assert isinstance(sam.runs, SyncRunsClient)
    tid = sam.threads.create()["thread_id"]
    [draft] = sam.runs.wait(tid, "two_steps", input={"some_text": "s"})["__interrupt__"]
    seen: list[str] = []
    parts = list(sam.runs.stream(tid, "two_steps", command={"resume": "better"},
                                 on_run_created=lambda meta: seen.append(meta["run_id"])))
    assert parts[0].event == "metadata" and len(seen) == 1  # the caller's callback still runs
    [approve] = sam.threads.get_state(tid)["interrupts"]
    assert sam.runs.wait(tid, "two_steps", command={"resume": True}) == {
        "some_text": "better", "approved": True}
    log = decisions(bob, thread_id=tid)
    assert _short(log) == [(draft["id"], "sam", "better", "resumed", None),
                           (approve["id"], "sam", True, "resumed", None)]
    assert log[0]["run_id"] == seen[0] and log[1]["value"] == {"approve": "better"}


async def test_refused_resumes_record_nothing(ana: Any, bob: Any) -> None:
    """A resume the server refuses (409 busy, 422 unknown assistant) applied nothing, so
    nothing is recorded; the background run that held the thread is recorded once."""
    tid, [asked] = await _interrupted(ana, "seed", {"some_text": "t"})
    run = await ana.runs.create(tid, "seed", command={"resume": "first"})
    assert _short(decisions(bob, thread_id=tid)) == [(asked["id"], ANA, "first", "claimed",
                                                      None)]
    with pytest.raises(httpx.HTTPStatusError) as busy:
        await bob.runs.wait(tid, "seed", command={"resume": "second"},
                            multitask_strategy="reject")
    assert busy.value.response.status_code == 409
    assert await ana.runs.join(tid, run["run_id"]) == {"some_text": "first"}
    [row] = decisions(bob, thread_id=tid)
    assert (row["answer"], row["outcome"], row["run_id"]) == ("first", "resumed",
                                                              run["run_id"])

    tid, _ = await _interrupted(ana, "seed", {"some_text": "t"})
    with pytest.raises(httpx.HTTPStatusError) as unknown:
        await ana.runs.wait(tid, "no-such-graph", command={"resume": "x"})
    assert unknown.value.response.status_code == 422
    assert decisions(bob, thread_id=tid) == []
    assert (await ana.threads.get(tid))["status"] == "interrupted"


def test_thread_deleted_during_the_resume_says_what_was_not_recorded(sam: Any,
                                                                     reference_url: str) -> None:
    tid = sam.threads.create()["thread_id"]
    [asked] = sam.runs.wait(tid, "seed", input={"some_text": "t"})["__interrupt__"]
    other = get_sync_client(url=reference_url, reviewer="eve")
    try:
        # The thread goes once the run exists: the server has answered 200 already and
        # reports the 404 in the body, which the SDK raises as a bare Exception.
        with pytest.warns(UnrecordedDecision, match=rf"{asked['id']} of thread {tid} was "
                          r"sent \(outcome error\).*no longer exists"), \
                pytest.raises(Exception, match=r"^HTTPException: 404: Run not found$") as gone:
            sam.runs.wait(tid, "seed", command={"resume": "late"},
                          on_run_created=lambda _meta: other.threads.delete(tid))
        assert type(gone.value) is Exception
    finally:
        other.close()


async def test_view_and_sdk_on_one_thread_each_record_once(ana: Any, bob: Any,
                                                           widget_comms: list) -> None:
    view = await open_view(ana, "two_steps", {"some_text": "s"})
    [draft] = view.pending
    view.form.value = "drafted"
    view.submit()
    await view.wait()
    assert view.errors.errors == [] and view.status == "interrupted"
    [approve] = view.pending
    await ana.runs.wait(view.thread_id, "two_steps", command={"resume": False})
    log = decisions(bob, thread_id=view.thread_id)
    assert _short(log) == [(draft.id, ANA, "drafted", "resumed", None),
                           (approve.id, ANA, False, "resumed", None)]
    # The view's row carries what the form says was changed.
    assert log[0]["changes"] == [{"loc": [], "kind": "changed", "before": "s",
                                  "after": "drafted"}]
