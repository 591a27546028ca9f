"""Small example graphs for the quickstart, notebooks and docs.

``seed_graph()`` is the graph of LangGraph's "Human-in-the-loop using Server API" page:
one node that asks a human to revise a text.
"""

from __future__ import annotations

from typing import Any

from langgraph.constants import START
from langgraph.graph import StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import interrupt
from typing_extensions import TypedDict

__all__ = ["SeedState", "seed_graph"]


class SeedState(TypedDict):
    """The seed's state: the text under review."""

    some_text: str


def _human_node(state: SeedState) -> dict[str, Any]:
    value = interrupt({"text_to_revise": state["some_text"]})
    return {"some_text": value}


def seed_graph() -> CompiledStateGraph[SeedState, None, SeedState, SeedState]:
    """The seed graph, compiled without a checkpointer (the client supplies one)."""
    builder = StateGraph(SeedState)
    builder.add_node("human_node", _human_node)
    builder.add_edge(START, "human_node")
    return builder.compile()
