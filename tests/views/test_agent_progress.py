"""An agent's run looks alive: the model's tokens as they come, the tools by name."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from langchain.agents import create_agent
from langchain.agents.middleware import HumanInTheLoopMiddleware
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult

from hitl_widgets import get_client
from hitl_widgets.views.progress import Progress
from tests.forms.real_graphs import delete_file, send_email
from tests.views.helpers import open_view

pytestmark = pytest.mark.anyio
FINAL = "All <done>: the email went out"


class StreamingModel(BaseChatModel):
    """Calls both tools, then streams its answer word by word."""

    @property
    def _llm_type(self) -> str:
        return "scripted-streaming"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> StreamingModel:
        return self

    def _reply(self, messages: list[BaseMessage]) -> AIMessage:
        if any(isinstance(m, ToolMessage) for m in messages):
            return AIMessage(content=FINAL)
        return AIMessage(content="", tool_calls=[
            {"name": "send_email", "args": {"to": "a@b.c", "subject": "s", "body": "b"},
             "id": "c1"},
            {"name": "delete_file", "args": {"path": "/tmp/x"}, "id": "c2"}])

    def _generate(self, messages: list[BaseMessage], stop: Any = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self._reply(messages))])

    def _stream(self, messages: list[BaseMessage], stop: Any = None,
                run_manager: Any = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        reply = self._reply(messages)
        if reply.tool_calls:
            yield ChatGenerationChunk(message=AIMessageChunk(content="", tool_call_chunks=[
                {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
                for i, c in enumerate(reply.tool_calls)]))
            return
        for word in str(reply.content).split(" "):
            yield ChatGenerationChunk(message=AIMessageChunk(content=word + " "))


async def test_tokens_and_tool_calls_show_while_the_agent_runs(widget_comms: list) -> None:
    agent: Any = create_agent(StreamingModel(), tools=[send_email, delete_file], middleware=[
        HumanInTheLoopMiddleware(interrupt_on={"send_email": True, "delete_file": True})])
    client = get_client(graphs={"agent": agent})
    try:
        view = await open_view(client, "agent", {"messages": [{"role": "user",
                                                               "content": "go"}]})
        assert view.progress.tool_calls == ["send_email", "delete_file"]  # proposed
        assert "called <code>send_email</code>, <code>delete_file</code>" in (
            view.progress.value)
        seen: list[str] = []
        real_feed = view.progress.feed

        def feed(event: str, data: Any) -> None:
            real_feed(event, data)
            seen.append(view.progress.tokens)

        view.progress.feed = feed  # type: ignore[method-assign]
        view.form.value = {"decisions": [{"type": "approve"}, {"type": "approve"}]}
        view.submit()
        await view.wait()
        assert view.status == "idle"
        # The answer grew token by token, and the line shows it, escaped.
        growing = [t for t in dict.fromkeys(seen) if t]
        assert len(growing) >= 5 and growing[-1].strip() == FINAL
        assert all(FINAL.startswith(t.strip()) for t in growing)
        assert "All &lt;done&gt;: the email went out" in view.progress.value
        assert view.progress.tool_calls == ["send_email", "delete_file"]  # they ran
    finally:
        await client.aclose()


def test_a_whole_message_and_a_new_message_replace_the_text() -> None:
    progress = Progress()
    progress.start("Running")
    progress.feed("messages", [{"type": "AIMessageChunk", "id": "m1", "content": "Hel"}, {}])
    progress.feed("messages", [{"type": "AIMessageChunk", "id": "m1", "content": "lo"}, {}])
    assert progress.tokens == "Hello"
    progress.feed("messages", [{"type": "ai", "id": "m2", "content": [
        {"type": "text", "text": "Bye"}], "tool_calls": [{"name": "search", "args": {}}]}, {}])
    assert progress.tokens == "Bye" and progress.tool_calls == ["search"]
    progress.finish("done")
    assert "The model writes:</i> Bye" in progress.value
    assert "called <code>search</code>" in progress.value
    progress.close()
