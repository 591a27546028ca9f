"""A graph whose one action has a side effect a test can count: after the question, it
pauses as long as the answer says, then appends the answer's author to a file."""

from __future__ import annotations

import time
from typing import Any, TypedDict

from langgraph.constants import START
from langgraph.graph import StateGraph
from langgraph.types import interrupt


class ActState(TypedDict, total=False):
    item: str
    log: str
    verdict: Any


def act(state: ActState) -> dict[str, Any]:
    answer = interrupt({"approve": state["item"]})
    time.sleep(float(answer.get("pause", 0)))
    with open(state["log"], "a", encoding="utf-8") as log:
        log.write(f"{answer['by']}\n")  # the action: it runs once per answer applied
    return {"verdict": answer["by"]}


_b = StateGraph(ActState)
_b.add_node("act", act)
_b.add_edge(START, "act")

GRAPHS: dict[str, Any] = {"act": _b.compile()}
