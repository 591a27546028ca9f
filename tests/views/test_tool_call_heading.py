"""A review is headed by what it asks — for tool calls, each tool once with its arguments in
a table — never by the node (`HumanInTheLoopMiddleware.after_model`, `human_node`)."""

from __future__ import annotations

from typing import Any

import pytest
from langchain.agents import create_agent
from langchain.agents.middleware import HumanInTheLoopMiddleware
from langchain_core.messages import AIMessage

from hitl_widgets import get_client
from hitl_widgets.forms import InterruptForm
from hitl_widgets.views.form_host import heading_html, part_labels
from hitl_widgets.views.pending import PendingInterrupt
from tests.forms.cases import hitl_request, tool_approval
from tests.forms.helpers import html_under
from tests.forms.real_graphs import ScriptedChatModel, delete_file, send_email
from tests.views.helpers import open_view

NODE = ("HumanInTheLoopMiddleware.after_model",)


def test_batched_request_is_headed_by_its_tools() -> None:
    pending = PendingInterrupt(hitl_request.CASE["interrupt"], NODE)
    # The panels name each tool once: no summary of the calls above them (and no repr).
    assert pending.title == ""
    html = heading_html([pending])
    assert html == "<b>Review 2 tool calls</b>"
    assert part_labels([pending]) == {pending.id: ""}


def test_per_call_requests_are_headed_by_their_tool_and_arguments() -> None:
    one = PendingInterrupt(tool_approval.CASE["interrupt"], NODE)
    assert one.title == "" and heading_html([one]) == "<b>Review 1 tool call</b>"
    two = PendingInterrupt({**tool_approval.CASE["interrupt"], "id": "other"}, NODE)
    assert list(part_labels([one, two]).values()) == ["Tool call 1 of 2", "Tool call 2 of 2"]


def test_other_interrupts_are_headed_by_what_they_ask() -> None:
    asks = PendingInterrupt({"value": {"question": "Publish this draft?", "draft": "d"},
                             "id": "x"}, ("review_draft",))
    assert asks.title == "Publish this draft?"
    typed = PendingInterrupt({"value": "What will they order?", "id": "y",
                              "response_schema": {"type": "object"}}, ("take_order",))
    assert typed.title == "What will they order?"
    described = PendingInterrupt({"value": {"request": "r"}, "id": "z", "response_schema": {
        "title": "Booking", "description": "A table booking."}}, ("confirm_booking",))
    assert described.title == "A table booking."
    revise = PendingInterrupt({"value": {"text_to_revise": "t"}, "id": "q"}, ("human_node",))
    assert revise.title == "Review the text to revise"
    named = PendingInterrupt({"value": [1, 2], "id": "w"}, ("confirm_booking",))
    assert named.title == "Confirm booking"
    generic = PendingInterrupt({"value": [1, 2], "id": "v"}, ("human_node",))
    assert generic.title == "Your answer is needed"
    # One question states itself; several are counted (never "from <node>").
    assert heading_html([asks]) == ""
    assert heading_html([asks, typed]) == "<b>2 questions pending</b>"


def test_hostile_tool_arguments_are_escaped() -> None:
    evil = {"value": {"type": "tool_approval", "name": "<img src=x onerror=alert(1)>",
                      "args": {"p": "<script>"}}, "id": "e"}
    html = heading_html([PendingInterrupt(evil, NODE)])
    assert "<img" not in html and "<script" not in html
    # The name shows in the call's panel, escaped there (its arguments too).
    shown = html_under(InterruptForm([evil]))
    assert "<img" not in shown and "<script" not in shown
    assert "&lt;img" in shown and "&lt;script&gt;" in shown


@pytest.mark.anyio
async def test_agent_review_in_the_view(widget_comms: list) -> None:
    model = ScriptedChatModel(script=[
        AIMessage(content="", tool_calls=[
            {"name": "send_email", "args": {"to": "a@b.c", "subject": "hi", "body": "x"},
             "id": "call-1"},
            {"name": "delete_file", "args": {"path": "/tmp/x"}, "id": "call-2"}]),
        AIMessage(content="done")])
    agent: Any = create_agent(model, tools=[send_email, delete_file], middleware=[
        HumanInTheLoopMiddleware(interrupt_on={"send_email": True, "delete_file": True})])
    client = get_client(graphs={"agent": agent})
    try:
        view = await open_view(client, "agent", {"messages": [{"role": "user",
                                                               "content": "go"}]})
        assert view.status == "interrupted", (view.status, view.errors.errors)
        heading = view.form_box.children[0].value
        assert heading == "<b>Review 2 tool calls</b>"
        assert "after_model" not in heading
        assert not view.form.parts[0].label  # the panels name the tools
        assert view.decisions == [] and view.pending[0].label == NODE[0]
    finally:
        await client.aclose()
