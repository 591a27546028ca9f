"""A labelling agent for the team-review tests: it proposes a label and asks a person
(`labeller`), and a question with no proposal (`asker`)."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from langgraph.constants import START
from langgraph.graph import StateGraph
from langgraph.types import interrupt
from pydantic import BaseModel


class Verdict(BaseModel):
    label: Literal["invoice", "contract", "letter", "spam"]
    approved: bool
    note: str = ""


class Doc(TypedDict, total=False):
    text: str
    label: str
    approved: bool


def _propose(doc: Doc) -> dict[str, Any]:
    return {"label": "invoice" if "total" in doc["text"] else "letter"}


def _review(doc: Doc) -> dict[str, Any]:
    verdict = interrupt({"document": doc["text"], "proposed_label": doc["label"]},
                        response_schema=Verdict)
    return {"label": verdict.label, "approved": verdict.approved}


def _question(doc: Doc) -> dict[str, Any]:
    return {"approved": interrupt("Send it?")}


_b = StateGraph(Doc)
_b.add_node("propose", _propose)
_b.add_node("review", _review)
_b.add_edge(START, "propose")
_b.add_edge("propose", "review")
labeller = _b.compile()
_q = StateGraph(Doc)
_q.add_node("ask", _question)
_q.add_edge(START, "ask")
asker = _q.compile()
