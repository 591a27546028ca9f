"""Real LangGraph graphs and LangChain agents that raise the interrupts the forms answer.

No network: agents run on `ScriptedChatModel`, which replays tool-calling messages.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import HumanInTheLoopMiddleware
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import tool
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, StateGraph
from langgraph.types import interrupt
from typing_extensions import TypedDict


class ScriptedChatModel(BaseChatModel):
    """A chat model that answers with the next message of its script (tools are ignored)."""

    script: list[AIMessage]
    turn: int = 0

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> ScriptedChatModel:
        return self

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: Any = None, **kwargs: Any) -> ChatResult:
        message = self.script[min(self.turn, len(self.script) - 1)]
        self.turn += 1
        return ChatResult(generations=[ChatGeneration(message=message)])


class State(TypedDict, total=False):
    text: str
    answer: Any


def one_node_graph(ask: Callable[[State], Any]) -> Any:
    """A graph whose single node returns `{"answer": ask(state)}` (ask calls `interrupt`)."""
    builder = StateGraph(State)
    builder.add_node("ask", lambda state: {"answer": ask(state)})
    builder.add_edge(START, "ask")
    return builder.compile(checkpointer=InMemorySaver())


def schema_graph(response_schema: Any, value: Any = "Please answer") -> Any:
    """A graph that asks with `interrupt(value, response_schema=...)`."""
    return one_node_graph(lambda _s: interrupt(value, response_schema=response_schema))


def new_config() -> dict[str, Any]:
    """A config for a fresh thread."""
    return {"configurable": {"thread_id": str(uuid.uuid4())}}


def interrupts_of(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The interrupts of a `graph.invoke` result, as a client returns them."""
    return [{"value": i.value, "id": i.id,
             "response_schema": i.response_schema if isinstance(i.response_schema, dict)
             else None} for i in result.get("__interrupt__", ())]


CALLS: list[tuple[str, dict[str, Any]]] = []
"""What the tools below were called with (tests clear it)."""


@tool
def send_email(to: str, subject: str, body: str, urgent: bool = False, copies: int = 1) -> str:
    """Send an email."""
    CALLS.append(("send_email", {"to": to, "subject": subject, "body": body, "urgent": urgent,
                                 "copies": copies}))
    return f"sent to {to}"


@tool
def delete_file(path: str) -> str:
    """Delete a file."""
    CALLS.append(("delete_file", {"path": path}))
    return "deleted"


PROPOSED_EMAIL = {"to": "a@b.c", "subject": "hi", "body": "draft", "urgent": True, "copies": 2}


def hitl_agent(mode: str) -> Any:
    """An agent whose model calls both tools at once; both are gated by the middleware."""
    model = ScriptedChatModel(script=[
        AIMessage(content="", tool_calls=[
            {"name": "send_email", "args": dict(PROPOSED_EMAIL), "id": "call-1"},
            {"name": "delete_file", "args": {"path": "/tmp/x"}, "id": "call-2"}]),
        AIMessage(content="done"),
    ])
    middleware = HumanInTheLoopMiddleware(interrupt_on={
        "send_email": {"allowed_decisions": ["approve", "edit", "reject"]},
        "delete_file": {"allowed_decisions": ["approve", "reject", "respond"],
                        "description": "<b>Deletes</b> <script>x()</script>"},
    }, interrupt_mode=mode)
    return create_agent(model, tools=[send_email, delete_file], middleware=[middleware],
                        checkpointer=InMemorySaver())
