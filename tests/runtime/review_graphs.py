"""A graph for the decision-log tests: one question, then as long a pause as the answer says.

A process killed during that pause dies with a claimed, unsettled decision; the next process
to open the file must release it (outcome ``error``) so the interrupt can be answered again.
"""

from __future__ import annotations

import time
from typing import Any, TypedDict

from langgraph.constants import START
from langgraph.graph import StateGraph
from langgraph.types import interrupt


class ReviewState(TypedDict, total=False):
    item: str
    verdict: Any


def review(state: ReviewState) -> dict[str, Any]:
    answer = interrupt({"approve": state["item"]})
    if isinstance(answer, dict) and answer.get("pause"):
        time.sleep(float(answer["pause"]))
    return {"verdict": answer}


_b = StateGraph(ReviewState)
_b.add_node("review", review)
_b.add_edge(START, "review")
slow_review = _b.compile()

GRAPHS: dict[str, Any] = {"slow_review": slow_review}
