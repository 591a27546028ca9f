"""Tiny graphs, one per human-in-the-loop scenario, shared by our tests and `langgraph dev`.

Every module-level name in `SCENARIOS` is a compiled graph *without* a checkpointer: the
LangGraph Server supplies its own, and so does our in-kernel runtime. `langgraph.json` points
at them as `<path>/scenarios.py:<name>` (see `tests/reference_server.py`), so this module must
import cleanly as a file, without the `tests` package on `sys.path`, and must stay free of
side effects beyond building the graphs.

    seed        the seed document's graph, verbatim: one node, one interrupt
    two_steps   two nodes in a row, each interrupting
    parallel    two branches from START, both interrupting: two interrupts pending at once
    double      two `interrupt()` calls inside one node
    subgraph    a parent whose node is a compiled subgraph that interrupts
    typed       `interrupt(..., response_schema=Review)`: a bad resume raises ValidationError
    typed_pair  two parallel branches, each asking for a `Review`: a batch of typed answers
    flaky       interrupts, then raises when the answer is "boom"
    async_seed  the seed with `async def` nodes
    chatty      `messages` with `add_messages`, custom stream events, one interrupt
    slow        sleeps (1 s by default) then counts; for multitask strategies and cancel
"""

from __future__ import annotations

import asyncio
import operator
import time
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.config import get_stream_writer
from langgraph.constants import END, START
from langgraph.graph import StateGraph
from langgraph.graph.message import add_messages
from langgraph.types import interrupt
from pydantic import BaseModel

# --- seed: exactly the graph of shared/seed/hitl-server-api.md -----------------------------


class State(TypedDict):
    some_text: str


def human_node(state: State) -> dict[str, Any]:
    value = interrupt({"text_to_revise": state["some_text"]})
    return {"some_text": value}


_b = StateGraph(State)
_b.add_node("human_node", human_node)
_b.add_edge(START, "human_node")
seed = _b.compile()


# --- two_steps: a draft question, then an approval question ---------------------------------


class TwoStepsState(TypedDict, total=False):
    some_text: str
    approved: bool


def draft(state: TwoStepsState) -> dict[str, Any]:
    return {"some_text": interrupt({"text_to_revise": state["some_text"]})}


def approve(state: TwoStepsState) -> dict[str, Any]:
    return {"approved": interrupt({"approve": state["some_text"]})}


_b = StateGraph(TwoStepsState)
_b.add_node("draft", draft)
_b.add_node("approve", approve)
_b.add_edge(START, "draft")
_b.add_edge("draft", "approve")
two_steps = _b.compile()


# --- parallel: two branches in the same superstep, both pending at once --------------------


class ParallelState(TypedDict, total=False):
    topic: str
    # Both branches write in the same step, so the list needs a reducer.
    answers: Annotated[list[str], operator.add]


def left(state: ParallelState) -> dict[str, Any]:
    return {"answers": [f"left:{interrupt({'side': 'left', 'topic': state['topic']})}"]}


def right(state: ParallelState) -> dict[str, Any]:
    return {"answers": [f"right:{interrupt({'side': 'right', 'topic': state['topic']})}"]}


_b = StateGraph(ParallelState)
_b.add_node("left", left)
_b.add_node("right", right)
_b.add_edge(START, "left")
_b.add_edge(START, "right")
parallel = _b.compile()


# --- double: two questions asked by one node (answers matched by order) ---------------------


class DoubleState(TypedDict, total=False):
    name: str
    age: int


def ask_both(state: DoubleState) -> dict[str, Any]:
    name = interrupt("name?")
    age = interrupt(f"age of {name}?")
    return {"name": name, "age": age}


_b = StateGraph(DoubleState)
_b.add_node("ask_both", ask_both)
_b.add_edge(START, "ask_both")
double = _b.compile()


# --- subgraph: the interrupt happens one level down ------------------------------------------


def child_ask(state: State) -> dict[str, Any]:
    return {"some_text": interrupt({"text_to_revise": state["some_text"]})}


_c = StateGraph(State)
_c.add_node("child_ask", child_ask)
_c.add_edge(START, "child_ask")
_child = _c.compile()


def finish(state: State) -> dict[str, Any]:
    return {"some_text": state["some_text"] + "!"}


_b = StateGraph(State)
_b.add_node("child", _child)
_b.add_node("finish", finish)
_b.add_edge(START, "child")
_b.add_edge("child", "finish")
subgraph = _b.compile()


# --- typed: the interrupt declares what answer it accepts ------------------------------------


class Review(BaseModel):
    """What the reviewer answers: a decision and an optional comment."""

    approved: bool
    comment: str = ""


class TypedState(TypedDict, total=False):
    some_text: str
    approved: bool
    comment: str


def review(state: TypedState) -> dict[str, Any]:
    answer = interrupt({"text_to_review": state["some_text"]}, response_schema=Review)
    return {"approved": answer.approved, "comment": answer.comment}


_b = StateGraph(TypedState)
_b.add_node("review", review)
_b.add_edge(START, "review")
typed = _b.compile()


# --- typed_pair: two typed questions pending at once, answered as one batch ------------------


class TypedPairState(TypedDict, total=False):
    some_text: str
    # Both branches write in the same step, so the list needs a reducer.
    decisions: Annotated[list[str], operator.add]


def review_left(state: TypedPairState) -> dict[str, Any]:
    answer = interrupt({"side": "left", "text": state["some_text"]}, response_schema=Review)
    return {"decisions": [f"left:{answer.approved}"]}


def review_right(state: TypedPairState) -> dict[str, Any]:
    answer = interrupt({"side": "right", "text": state["some_text"]}, response_schema=Review)
    return {"decisions": [f"right:{answer.approved}"]}


_b = StateGraph(TypedPairState)
_b.add_node("review_left", review_left)
_b.add_node("review_right", review_right)
_b.add_edge(START, "review_left")
_b.add_edge(START, "review_right")
typed_pair = _b.compile()


# --- flaky: a node that fails on one particular answer ---------------------------------------


def fragile(state: State) -> dict[str, Any]:
    value = interrupt({"text_to_revise": state["some_text"]})
    if value == "boom":
        raise ValueError("boom: the reviewer's answer made the node fail")
    return {"some_text": value}


_b = StateGraph(State)
_b.add_node("fragile", fragile)
_b.add_edge(START, "fragile")
flaky = _b.compile()


# --- async_seed: the seed with coroutine nodes -----------------------------------------------


async def async_human_node(state: State) -> dict[str, Any]:
    await asyncio.sleep(0)  # a real await, so the node is genuinely asynchronous
    value = interrupt({"text_to_revise": state["some_text"]})
    return {"some_text": value}


_b = StateGraph(State)
_b.add_node("human_node", async_human_node)
_b.add_edge(START, "human_node")
async_seed = _b.compile()


# --- chatty: material for every stream mode ---------------------------------------------------


class ChattyState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]


def greet(state: ChattyState) -> dict[str, Any]:
    get_stream_writer()({"progress": "greeting"})
    # Fixed message ids keep the differential comparison free of random ids.
    return {"messages": [AIMessage(content="Hello! What should I write about?", id="ai-greet")]}


def ask_human(state: ChattyState) -> dict[str, Any]:
    topic = interrupt({"question": state["messages"][-1].content})
    get_stream_writer()({"progress": "got answer"})
    return {"messages": [HumanMessage(content=str(topic), id="human-topic")]}


def reply(state: ChattyState) -> dict[str, Any]:
    get_stream_writer()({"progress": "replying"})
    text = f"Writing about {state['messages'][-1].content}."
    return {"messages": [AIMessage(content=text, id="ai-reply")]}


_b = StateGraph(ChattyState)
_b.add_node("greet", greet)
_b.add_node("ask_human", ask_human)
_b.add_node("reply", reply)
_b.add_edge(START, "greet")
_b.add_edge("greet", "ask_human")
_b.add_edge("ask_human", "reply")
_b.add_edge("reply", END)
chatty = _b.compile()


# --- slow: a run that stays busy long enough to collide with another -------------------------


class SlowState(TypedDict, total=False):
    delay: float
    count: int


def work(state: SlowState) -> dict[str, Any]:
    # A sync node runs in a worker thread on both the server and our runtime.
    time.sleep(state.get("delay", 1.0))
    return {"count": state.get("count", 0) + 1}


_b = StateGraph(SlowState)
_b.add_node("work", work)
_b.add_edge(START, "work")
slow = _b.compile()


SCENARIOS: dict[str, Any] = {
    "seed": seed,
    "two_steps": two_steps,
    "parallel": parallel,
    "double": double,
    "subgraph": subgraph,
    "typed": typed,
    "typed_pair": typed_pair,
    "flaky": flaky,
    "async_seed": async_seed,
    "chatty": chatty,
    "slow": slow,
}
"""Every scenario graph by name: the graph id on the server and in our client alike."""

del _b, _c
