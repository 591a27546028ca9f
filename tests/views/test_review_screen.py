"""The reviewer's screen: a table of items, the item's question for a person beside the
instructions, one key per decision (accept, reject, edit, next, skip), a confirmation with
"n of N" after each, and every decision in the audit trail as made on the screen."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import hitl_widgets
from hitl_widgets import get_client
from hitl_widgets.views.queue.screen import HELP, ReviewScreen
from tests.views.labeller import asker, labeller

pytestmark = pytest.mark.anyio

RUBRIC = "Invoices mention a total.\nEverything else addressed to a person is a <letter>."


@pytest.fixture
async def client() -> AsyncIterator[Any]:
    c = get_client(graphs={"labeller": labeller, "asker": asker}, reviewer="ana")
    try:
        yield c
    finally:
        await c.aclose()


async def _docs(client: Any, texts: list[str], graph: str = "labeller") -> list[str]:
    ids = []
    for text in texts:
        tid = (await client.threads.create(metadata={"batch": "b"}))["thread_id"]
        await client.runs.wait(tid, graph, input={"text": text})
        ids.append(str(tid))
    return ids


async def _state(client: Any, tid: str) -> dict[str, Any]:
    values: dict[str, Any] = (await client.threads.get_state(tid))["values"]
    return values


async def test_the_screen_shows_items_the_question_and_the_instructions(
        client: Any, widget_comms: list) -> None:
    ids = await _docs(client, ["total due 5 <b>EUR</b>", "Dear reviewer", "total 7"])
    screen = ReviewScreen(client, instructions=RUBRIC, reviewer="Ana")
    await screen.wait()
    assert [r["thread_id"] for r in screen.table.rows] == ids
    assert screen.table.states == {ids[0]: "reviewing", ids[1]: "pending", ids[2]: "pending"}
    assert screen.current is not None and screen.current["thread_id"] == ids[0]
    assert "total due 5 &lt;b&gt;EUR&lt;/b&gt;" in screen.context.value  # text, escaped
    assert "<b>EUR</b>" not in screen.context.value and "{" not in screen.context.value.split(
        "</style>")[-1]
    assert "a &lt;letter&gt;." in screen.instructions.value
    assert [b.description for b in screen.buttons.values()] == [
        "Accept [a]", "Reject [x]", "Edit [e]", "Next [n]", "Skip [s]"]
    assert HELP in screen.help.value
    assert "<b>0 of 3</b> decided" in screen.header.value and "(explicit)" in screen.header.value
    screen.table.select_all()
    assert screen.table.count.value == "<b>3</b> of 3 selected"
    screen.table.select_none()
    assert screen.table.selected == []


async def test_one_key_per_decision_with_a_confirmation_and_progress(
        client: Any, widget_comms: list) -> None:
    ids = await _docs(client, ["total 1", "Dear reviewer", "total 3", "total 4"])
    screen = ReviewScreen(client, reviewer="Ana")
    await screen.wait()
    # What the browser sends when `a` is pressed on the page.
    screen.hotkeys._handle_msg({"content": {"data": {"method": "custom",
                                                     "content": {"event": "key", "key": "a"}}},
                                "buffers": []})
    await screen.wait()
    assert (await _state(client, ids[0]))["label"] == "invoice"
    assert screen.last == f"Accepted {ids[0]} · 1 of 4"
    assert "✔ Accepted" in screen.confirmation.value
    assert screen.current is not None and screen.current["thread_id"] == ids[1]
    screen.hotkeys.press("x")
    await screen.wait()
    assert await _state(client, ids[1]) == {"text": "Dear reviewer", "label": "letter",
                                            "approved": False}
    assert screen.last == f"Rejected {ids[1]} · 2 of 4"
    screen.hotkeys.press("s")  # skipped: it comes back last
    await screen.wait()
    assert screen.current is not None and screen.current["thread_id"] == ids[3]
    assert screen.table.states[ids[2]] == "skipped"
    assert screen.form is not None
    screen.form.value = {"label": "spam", "approved": True, "note": "looks odd"}
    screen.comment.value = "spam <b>campaign</b>"
    screen.hotkeys.press("e")
    await screen.wait()
    assert (await _state(client, ids[3]))["label"] == "spam"
    assert screen.last == f"Sent as edited {ids[3]} · 3 of 4"
    assert screen.current is not None and screen.current["thread_id"] == ids[2]  # the skipped
    assert "<b>3 of 4</b> decided" in screen.header.value
    log = hitl_widgets.decisions(client)
    assert [(d["thread_id"], d["verdict"], d["origin"], d["reviewer"], d["reviewer_source"],
             d["shown_matches"]) for d in log] == [
        (ids[0], "accepted", "screen", "Ana", "explicit", True),
        (ids[1], "rejected", "screen", "Ana", "explicit", True),
        (ids[3], "edited", "screen", "Ana", "explicit", True)]
    assert log[2]["comment"] == "spam <b>campaign</b>" and log[0]["comment"] is None
    assert log[2]["edits"] == [{"loc": ["label"], "kind": "changed", "before": "invoice",
                                "after": "spam"}]


async def test_an_item_answered_elsewhere_is_refused_and_the_screen_moves_on(
        client: Any, widget_comms: list) -> None:
    ids = await _docs(client, ["total 1", "total 2"])
    screen = ReviewScreen(client)
    await screen.wait()
    [asked] = (await client.threads.get(ids[0]))["interrupts"].values()
    other = get_client(graphs={"labeller": labeller}, reviewer="bob")  # memory: not shared
    await client.runs.wait(ids[0], "labeller", command={"resume": {asked[0]["id"]: {
        "label": "letter", "approved": True}}})
    await other.aclose()
    screen.act("accept")
    await screen.wait()
    assert "Not applied" in screen.confirmation.value and ids[0] in screen.last
    assert "already answered by ana" in screen.last
    assert screen.current is not None and screen.current["thread_id"] == ids[1]
    assert (await _state(client, ids[0]))["label"] == "letter"


async def test_reject_without_a_way_to_say_no_asks_for_the_form(
        client: Any, widget_comms: list) -> None:
    await _docs(client, ["x"], graph="asker")
    screen = ReviewScreen(client)
    await screen.wait()
    screen.act("accept")
    await screen.wait()
    assert "Cannot accept as it is" in screen.confirmation.value
    assert screen.decided == 0
    with pytest.raises(ValueError, match="unknown action"):
        screen.act("approve")
