"""The runtime's answer check accepts what the graph's own validator (pydantic) accepts for
date-time and time: naive or with an offset (issue 7, item 5). A naive date-time was a 422
before, though the graph's pydantic model takes it."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from langgraph.graph import START, StateGraph
from langgraph.types import interrupt
from langgraph_sdk.errors import UnprocessableEntityError
from pydantic import BaseModel, ValidationError
from typing_extensions import TypedDict

from hitl_widgets import get_sync_client


class Slot(BaseModel):
    when: datetime.datetime
    at: datetime.time


class State(TypedDict, total=False):
    booked: str


def book(state: State) -> dict[str, Any]:
    answer = Slot.model_validate(interrupt("when?", response_schema=Slot))
    return {"booked": f"{answer.when.isoformat()} / {answer.at.isoformat()}"}


def _client() -> Any:
    builder = StateGraph(State)
    builder.add_node("book", book)
    builder.add_edge(START, "book")
    return get_sync_client(graphs={"g": builder.compile()})


@pytest.mark.parametrize(
    ("when", "at"),
    [
        ("2026-11-26T10:00:00", "20:00:00"),  # naive: what pydantic emits for naive values
        ("2026-11-26T10:00:00+01:00", "20:00:00Z"),
        ("2026-11-26 10:00", "20:00"),
    ],
)
def test_what_pydantic_accepts_is_accepted(when: str, at: str) -> None:
    client = _client()
    tid = client.threads.create()["thread_id"]
    [asked] = client.runs.wait(tid, "g", input={})["__interrupt__"]
    done = client.runs.wait(tid, "g", command={"resume": {asked["id"]: {"when": when, "at": at}}})
    expected = Slot.model_validate({"when": when, "at": at})
    assert done == {"booked": f"{expected.when.isoformat()} / {expected.at.isoformat()}"}


@pytest.mark.parametrize(("when", "at", "wrong"),
                         [("26/11/2026 10:00", "20:00", "when"), ("2026-11-26", "25:00", "at")])
def test_what_pydantic_refuses_is_a_422_naming_the_field(when: str, at: str, wrong: str) -> None:
    # The field pydantic itself refuses, and only that one.
    with pytest.raises(ValidationError) as by_pydantic:
        Slot.model_validate({"when": when, "at": at})
    assert [e["loc"] for e in by_pydantic.value.errors()] == [(wrong,)]
    client = _client()
    tid = client.threads.create()["thread_id"]
    [asked] = client.runs.wait(tid, "g", input={})["__interrupt__"]
    with pytest.raises(UnprocessableEntityError, match=f"thread {tid}") as refused:
        client.runs.wait(tid, "g", command={"resume": {asked["id"]: {"when": when, "at": at}}})
    body: Any = refused.value.body
    assert [tuple(e["loc"])[-1] for e in body["errors"]] == [wrong], body["errors"]
    assert [e["interrupt_id"] for e in body["errors"]] == [asked["id"]]
