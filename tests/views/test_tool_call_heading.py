"""A tool-call review is headed by the calls it would run, not by the middleware's node."""

from __future__ import annotations

from typing import Any

import pytest
from langchain.agents import create_agent
from langchain.agents.middleware import HumanInTheLoopMiddleware
from langchain_core.messages import AIMessage

from hitl_widgets import get_client
from hitl_widgets.views.form_host import heading_html
from hitl_widgets.views.pending import PendingInterrupt
from tests.forms.cases import hitl_request, tool_approval
from tests.forms.real_graphs import ScriptedChatModel, delete_file, send_email
from tests.views.helpers import open_view

NODE = ("HumanInTheLoopMiddleware.after_model",)


def test_batched_request_is_headed_by_its_tools() -> None:
    pending = PendingInterrupt(hitl_request.CASE["interrupt"], NODE)
    assert pending.title.startswith("send_email(")
    html = heading_html([pending])
    assert html.startswith("<b>Review 2 tool calls</b>")
    assert "delete_file(" in html and "after_model" not in html


def test_per_call_requests_are_headed_by_their_tool_and_arguments() -> None:
    one = PendingInterrupt(tool_approval.CASE["interrupt"], NODE)
    assert one.title.startswith("send_email(to=")
    assert heading_html([one]).startswith("<b>Review 1 tool call</b> · <code>send_email(")


def test_other_interrupts_keep_their_node() -> None:
    plain = PendingInterrupt({"value": "<b>q</b>", "id": "x"}, ("ask",))
    assert plain.title == "ask"
    assert heading_html([plain]) == "<b>1 question pending</b> · from <code>ask</code>"


def test_hostile_tool_arguments_are_escaped() -> None:
    evil = {"value": {"type": "tool_approval", "name": "<img src=x onerror=alert(1)>",
                      "args": {"p": "<script>"}}, "id": "e"}
    html = heading_html([PendingInterrupt(evil, NODE)])
    assert "<img" not in html and "<script" not in html and "&lt;img" in html


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
        assert heading.startswith("<b>Review 2 tool calls</b>")
        assert "send_email(to=&#x27;a@b.c&#x27;" in heading and "after_model" not in heading
        assert view.form.parts[0].label.startswith("send_email(")
        assert view.decisions == [] and view.pending[0].label == NODE[0]
    finally:
        await client.aclose()
