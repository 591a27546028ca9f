"""The inbox over many threads: pages, filters, counts, open in place, next by itself, bulk."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk.errors import ConflictError

import hitl_widgets
from hitl_widgets import Inbox, get_client
from hitl_widgets.views.inbox_rows import interrupt_summary
from tests.graphs.scenarios import SCENARIOS

pytestmark = pytest.mark.anyio


async def _batch(client: Any, n: int, graph: str = "seed", **meta: Any) -> list[str]:
    """`n` threads stopped at their first interrupt, oldest first."""
    ids = []
    for i in range(n):
        tid = (await client.threads.create(metadata={"n": i, **meta}))["thread_id"]
        await client.runs.wait(tid, graph, input={"some_text": f"text {i}"})
        ids.append(tid)
    return ids


async def test_pages_counts_and_filters(client: Any, widget_comms: list) -> None:
    ids = await _batch(client, 7, batch="a")
    other = await _batch(client, 2, graph="typed", batch="b")
    inbox = Inbox(client, page_size=3)
    await inbox.wait()
    assert [r["thread_id"] for r in inbox.rows] == ids[:3]  # oldest first
    assert inbox.counts == {"pending": 9, "answered": 0, "failed": 0}
    assert inbox.rows[0]["summary"] == "text_to_revise: text 0"
    assert inbox.rows[0]["graph_id"] == "seed" and inbox.rows[0]["metadata"]["batch"] == "a"
    inbox.next_page()
    await inbox.wait()
    assert [r["thread_id"] for r in inbox.rows] == ids[3:6]
    inbox.next_page()
    inbox.next_page()  # the last page: stays
    await inbox.wait()
    assert [r["thread_id"] for r in inbox.rows] == [ids[6], *other[:2]]
    assert inbox.next_button.disabled
    inbox.previous_page()
    await inbox.wait()
    assert [r["thread_id"] for r in inbox.rows] == ids[3:6]
    inbox.set_filter(graph_id="typed")
    await inbox.wait()
    assert [r["thread_id"] for r in inbox.rows] == other and inbox.total == 2
    inbox.set_filter(graph_id="", metadata={"batch": "a"}, sort="newest")
    await inbox.wait()
    assert [r["thread_id"] for r in inbox.rows] == ids[::-1][:3]
    assert inbox.counts["pending"] == 7


async def test_open_in_place_then_next_pending_by_itself(client: Any,
                                                         widget_comms: list) -> None:
    ids = await _batch(client, 3)
    inbox = Inbox(client)
    await inbox.wait()
    inbox.open_thread(ids[0])
    await inbox.wait()
    assert inbox.view is not None and inbox.view.thread_id == ids[0]
    assert inbox.view_box.children == (inbox.view,)
    assert inbox.list_box.layout.display == "none"
    inbox.view.form.value = "reviewed"
    inbox.view.submit()
    await inbox.wait()
    # The answer went through, and the inbox moved on to the next pending thread.
    assert (await client.threads.get_state(ids[0]))["values"] == {"some_text": "reviewed"}
    [decided] = hitl_widgets.decisions(client)  # recorded by the runtime, with the form's diff
    assert (decided["thread_id"], decided["answer"], decided["outcome"]) == (
        ids[0], "reviewed", "resumed")
    assert [(c["kind"], c["before"], c["after"]) for c in decided["changes"]] == [
        ("changed", "text 0", "reviewed")]
    assert inbox.view is not None and inbox.view.thread_id == ids[1]
    assert inbox.counts == {"pending": 2, "answered": 1, "failed": 0}
    assert [r["thread_id"] for r in inbox.rows] == ids[1:]
    inbox.close_view()
    await inbox.wait()
    assert inbox.view is None and inbox.list_box.layout.display == ""


async def test_the_view_says_when_its_question_is_over(client: Any, widget_comms: list) -> None:
    [tid] = await _batch(client, 1)
    view = hitl_widgets.ThreadView(client, tid, "seed")
    await view.wait()
    seen: list[Any] = []
    view.on_decision(seen.append)
    waiting = view.decision()
    view.form.value = "yes"
    view.submit()
    decided = await waiting
    assert [d.outcome for d in decided] == ["accepted"] and decided[0].answer == "yes"
    assert seen == [decided]


async def test_bulk_validates_each_thread_and_applies_each_alone(client: Any,
                                                                 widget_comms: list) -> None:
    good = await _batch(client, 3)
    other_shape = (await client.threads.create())["thread_id"]
    await client.runs.wait(other_shape, "parallel", input={"topic": "t"})  # two questions
    answered = good[2]
    [asked] = (await client.threads.get(answered))["interrupts"].values()
    await client.runs.wait(answered, "seed", command={"resume": {asked[0]["id"]: "first"}})
    inbox = Inbox(client)
    await inbox.wait()
    results = await inbox.bulk([*good, other_shape, "no-such-thread"], "approved")
    assert [(r["thread_id"], r["ok"]) for r in results] == [
        (good[0], True), (good[1], True), (answered, False), (other_shape, False),
        ("no-such-thread", False)]
    assert "idle, not waiting" in str(results[2]["error"])
    assert "another shape" in str(results[3]["error"])
    assert "not found" in str(results[4]["error"])
    for tid in good[:2]:
        assert (await client.threads.get_state(tid))["values"] == {"some_text": "approved"}
    assert (await client.threads.get_state(answered))["values"] == {"some_text": "first"}
    assert (await client.threads.get(other_shape))["status"] == "interrupted"
    assert inbox.counts == {"pending": 1, "answered": 3, "failed": 0}
    assert "2 of 5 thread(s) answered" in inbox.notice.value
    inbox.set_filter(status="idle")  # the answered ones, longest idle first
    await inbox.wait()
    assert inbox.rows[0]["thread_id"] == answered  # the two bulk ones ran concurrently
    assert {r["thread_id"] for r in inbox.rows[1:]} == {good[0], good[1]}
    assert inbox.total == 3 and all(r["summary"] == "" for r in inbox.rows)


async def test_bulk_button_answers_the_selected_rows(client: Any, widget_comms: list) -> None:
    ids = await _batch(client, 3)
    inbox = Inbox(client)
    await inbox.wait()
    inbox.select(ids[:2])
    inbox.bulk_button.click()  # the default bulk action: each as proposed
    await inbox.wait()
    assert [r["ok"] for r in inbox.last_bulk] == [True, True]
    assert [r["thread_id"] for r in inbox.rows] == ids[2:]


async def test_bulk_refuses_an_answer_outside_the_schema(client: Any,
                                                         widget_comms: list) -> None:
    typed = await _batch(client, 2, graph="typed")
    inbox = Inbox(client, load=False)
    results = await inbox.bulk(typed, {"approved": "not a bool"})
    assert [r["ok"] for r in results] == [False, False]
    assert all("schema" in str(r["error"]) for r in results)
    assert [(await client.threads.get(t))["status"] for t in typed] == ["interrupted"] * 2


async def test_markup_is_text_everywhere(widget_comms: list) -> None:
    client = get_client(graphs=SCENARIOS, reviewer="<b>eve</b>")
    tid = (await client.threads.create(metadata={"who": "<script>x</script>"}))["thread_id"]
    await client.runs.wait(tid, "seed", input={"some_text": "<img src=x onerror=alert(1)>"})
    inbox = Inbox(client)
    await inbox.wait()
    assert "&lt;b&gt;eve&lt;/b&gt;" in inbox.header.value and "<b>eve" not in inbox.header.value
    # Rows are Select options: plain text, never markup.
    [(label, value)] = inbox.picker.options
    assert value == tid and "<img src=x onerror=alert(1)>" in label
    await client.threads.delete(tid)
    inbox.open_thread(tid)
    await inbox.wait()
    assert "no longer exists" in inbox.notice.value and inbox.view is None


async def test_thread_deleted_while_open_says_so(client: Any, widget_comms: list) -> None:
    [tid] = await _batch(client, 1)
    inbox = Inbox(client)
    await inbox.wait()
    inbox.open_thread(tid)
    await inbox.wait()
    assert inbox.view is not None
    await client.threads.delete(tid)
    inbox.view.form.value = "late"
    inbox.view.submit()
    await inbox.wait()
    assert inbox.view.errors.errors, "the view shows why the answer was not applied"
    assert "not found" in inbox.view.errors.errors[-1].message
    assert hitl_widgets.decisions(client) == []


def test_summaries_of_known_payloads() -> None:
    hitl = {"action_requests": [{"name": "send_email", "args": {"to": "a@b"}}]}
    human = [{"action_request": {"action": "write", "args": {}}, "description": "Draft?"}]
    assert interrupt_summary({"interrupts": {"t": [{"value": hitl}]}}) == (
        'send_email({"to": "a@b"})')
    assert interrupt_summary({"interrupts": {"t": [{"value": human}, {"value": "x"}]}}) == (
        "write: Draft? (+1 more)")
    assert interrupt_summary({"interrupts": {"t": [{"value": "a\nb " * 100}]}}).endswith("…")


async def test_a_locked_file_is_a_message_in_the_inbox(tmp_path: Path,
                                                       widget_comms: list) -> None:
    import sqlite3

    path = tmp_path / "review.sqlite"
    client = get_client(graphs=SCENARIOS, checkpointer=path)
    [tid] = await _batch(client, 1)
    inbox = Inbox(client)
    await inbox.wait()
    locker = sqlite3.connect(path)
    locker.execute("BEGIN EXCLUSIVE")  # another program holds the file's write lock
    try:
        [result] = await inbox.bulk([tid], "approved")
    finally:
        locker.rollback()
        locker.close()
    assert not result["ok"] and "locked by another writer" in str(result["error"])
    assert "0 of 1 thread(s) answered" in inbox.notice.value and "locked" in inbox.notice.value
    # Nothing lost, nothing half-done: the same answer goes through once the file is free.
    assert (await client.threads.get(tid))["status"] == "interrupted"
    [result] = await inbox.bulk([tid], "approved")
    assert result["ok"]
    assert [d["outcome"] for d in hitl_widgets.decisions(client)] == ["resumed"]


async def test_conflict_names_who_answered(tmp_path: Path) -> None:
    path = tmp_path / "review.sqlite"
    ana = get_client(graphs=SCENARIOS, checkpointer=path, reviewer="ana")
    bob = get_client(graphs=SCENARIOS, checkpointer=path, reviewer="bob")
    [tid] = await _batch(ana, 1)
    [asked] = (await bob.threads.get(tid))["interrupts"].values()
    await ana.runs.wait(tid, "seed", command={"resume": {asked[0]["id"]: "ana's"}})
    with pytest.raises(ConflictError, match=r"already answered by ana at \d\d:\d\d:\d\d"):
        await bob.runs.wait(tid, "seed", command={"resume": {asked[0]["id"]: "bob's"}})
    assert (await bob.threads.get_state(tid))["values"] == {"some_text": "ana's"}


async def test_answered_by_another_reviewer_meanwhile(tmp_path: Path,
                                                      widget_comms: list) -> None:
    path = tmp_path / "shared.sqlite"
    ana = get_client(graphs=SCENARIOS, checkpointer=path, reviewer="ana")
    bob = get_client(graphs=SCENARIOS, checkpointer=path, reviewer="bob")
    ids = await _batch(ana, 2)
    inbox = Inbox(ana)
    await inbox.wait()
    inbox.open_thread(ids[0])
    await inbox.wait()
    assert inbox.view is not None
    view = inbox.view
    [asked] = (await bob.threads.get(ids[0]))["interrupts"].values()
    await bob.runs.wait(ids[0], "seed", command={"resume": {asked[0]["id"]: "bob's"}})
    view.form.value = "ana's"
    view.submit()
    await inbox.wait()
    assert view.decisions[-1].outcome == "stale"
    assert "already answered by bob at" in view.errors.errors[-1].message
    assert inbox.view is not None and inbox.view.thread_id == ids[1]  # moved on
    assert (await ana.threads.get_state(ids[0]))["values"] == {"some_text": "bob's"}
    assert [(d["reviewer"], d["answer"]) for d in hitl_widgets.decisions(ana)] == [
        ("bob", "bob's")]


def test_inbox_api_is_documented() -> None:
    for name in ("refresh", "set_filter", "next_page", "previous_page", "select",
                 "open_thread", "close_view", "bulk", "wait", "close", "page", "selected",
                 "busy"):
        assert getattr(Inbox, name).__doc__, name
    for name in ("on_decision", "decision"):
        assert getattr(hitl_widgets.ThreadView, name).__doc__, name


async def test_a_file_gone_is_said_and_answers_are_refused(tmp_path: Path,
                                                           widget_comms: list) -> None:
    path = tmp_path / "gone.sqlite"
    client = get_client(graphs=SCENARIOS, checkpointer=path)
    [tid] = await _batch(client, 1)
    path.rename(tmp_path / "moved.sqlite")
    inbox = Inbox(client)
    await inbox.wait()
    assert "was deleted or replaced" in inbox.errors.errors[-1].message
    [result] = await inbox.bulk([tid], "lost?")
    assert not result["ok"] and "was deleted or replaced" in str(result["error"])
    # Put back, the file has everything, and the answer goes through.
    (tmp_path / "moved.sqlite").rename(path)
    [result] = await inbox.bulk([tid], "kept")
    assert result["ok"]


async def test_a_failed_run_stays_open_with_its_error(client: Any, widget_comms: list) -> None:
    ids = await _batch(client, 2, graph="flaky")
    inbox = Inbox(client)
    await inbox.wait()
    inbox.open_thread(ids[0])
    await inbox.wait()
    assert inbox.view is not None
    inbox.view.form.value = "boom"
    inbox.view.submit()
    await inbox.wait()
    assert inbox.view.thread_id == ids[0] and inbox.view.status == "error"
    assert inbox.view.errors.errors[-1].error_type == "ValueError"
    assert inbox.counts == {"pending": 1, "answered": 0, "failed": 1}


def test_a_sync_client_is_refused_with_the_fix() -> None:
    from hitl_widgets import get_sync_client

    with get_sync_client(graphs=SCENARIOS) as sync, pytest.raises(
            TypeError, match="needs an async client"):
        Inbox(sync)
