"""Real payloads: schemas LangGraph derives from pydantic / TypedDict / dataclass, and
LangChain `HumanInTheLoopMiddleware` interrupts, answered through the form and resumed."""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import enum
import uuid
from typing import Annotated, Literal, NotRequired

import pytest
from langchain_core.messages import ToolMessage
from langgraph.types import Command, interrupt
from pydantic import AnyUrl, BaseModel, Field, ValidationError, field_validator
from typing_extensions import TypedDict

from hitl_widgets.forms import InterruptForm
from tests.forms import real_graphs as rg
from tests.forms.helpers import error_texts, kinds


class Address(BaseModel):
    street: str
    zip: str = Field(pattern=r"^\d{5}$")


class Cat(BaseModel):
    kind: Literal["cat"] = "cat"
    lives: int = 9


class Dog(BaseModel):
    kind: Literal["dog"] = "dog"
    good: bool = True


class Node(BaseModel):
    name: str
    children: list[Node] = []


class Review(BaseModel):
    """A review of the draft."""

    title: str = Field(description="Short title", max_length=50)
    score: int = Field(ge=0, le=10)
    ratio: float = 0.5
    tags: list[str] = []
    address: Address | None = None
    pet: Annotated[Cat | Dog, Field(discriminator="kind")]
    mode: Literal["a", "b"] = "a"
    extra: dict[str, int] = {}
    tree: Node | None = None


class Verdict(TypedDict):
    approved: bool
    priority: Literal["low", "high"]
    reason: NotRequired[str]


@dataclasses.dataclass
class Booking:
    day: datetime.date
    guests: int = 2
    notes: str | None = None


class Shout(BaseModel):
    word: str

    @field_validator("word")
    @classmethod
    def _upper(cls, v: str) -> str:
        if v != v.upper():
            raise ValueError("must be upper case")
        return v


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Zoo(BaseModel):
    """The pydantic types whose JSON Schema uses formats, tuples, enums and unions."""

    when: datetime.datetime
    day: datetime.date
    at: datetime.time
    ref: uuid.UUID
    ids: set[int] = set()
    pair: tuple[int, str] = (1, "a")
    color: Color = Color.RED
    price: decimal.Decimal = decimal.Decimal("1.5")
    site: AnyUrl | None = None
    fixed: Literal["x"] = "x"
    ratio: float = Field(default=0.5, ge=0, le=1, multiple_of=0.25)


def _ask(graph: object) -> tuple[InterruptForm, dict[str, object]]:
    config = rg.new_config()
    result = graph.invoke({"text": "t"}, config)  # type: ignore[attr-defined]
    return InterruptForm(rg.interrupts_of(result)), config


def test_pydantic_model_untouched_then_edited_resumes() -> None:
    graph = rg.schema_graph(Review)
    form, config = _ask(graph)
    found = kinds(form)
    assert {"union"} <= found[("pet",)] and "nullable" in found[("address",)]
    assert "mapping" in found[("extra",)] and "choice" in found[("mode",)]
    form.value = {"title": "Fine", "score": 7, "ratio": 0.25, "tags": ["x", "y"],
                  "address": {"street": "Main", "zip": "12345"},
                  "pet": {"kind": "dog", "good": False}, "mode": "b", "extra": {"n": 3},
                  "tree": {"name": "root", "children": [{"name": "leaf", "children": []}]}}
    out = graph.invoke(Command(resume=form.resume), config)
    review = out["answer"]
    assert isinstance(review, Review)
    assert review.pet == Dog(good=False) and review.extra == {"n": 3}
    assert review.tree is not None and review.tree.children[0].name == "leaf"


def test_pydantic_local_validation_catches_what_pydantic_would() -> None:
    form, _ = _ask(rg.schema_graph(Review))
    form.value = {**form.value, "score": 11, "address": {"street": "s", "zip": "abc"}}
    locs = {e["loc"]: e["msg"] for e in form.errors}
    assert locs[("score",)] == "Must be at most 10."
    assert "pattern" in locs[("address", "zip")]
    assert form.submit() is None


def test_pydantic_form_with_only_the_required_number_filled_is_accepted_by_the_graph() -> None:
    graph = rg.schema_graph(Review)
    form, config = _ask(graph)
    # `score` is required and has no default: it starts empty, not at a 0 that looks chosen.
    assert "score" not in form.value
    assert [(e["loc"], e["msg"]) for e in form.errors] == [(("score",), "Required.")]
    form.value = {**form.value, "score": 7}
    assert form.errors == []
    out = graph.invoke(Command(resume=form.resume), config)
    assert out["answer"].pet == Cat() and out["answer"].score == 7


def test_pydantic_type_zoo_round_trip() -> None:
    graph = rg.one_node_graph(
        lambda _s: interrupt("when?", response_schema=Zoo).model_dump(mode="json"))
    form, config = _ask(graph)
    found = kinds(form)
    assert found[("color",)] == {"choice"} and found[("fixed",)] == {"const"}
    assert found[("pair", 0)] == {"integer"} and "union" in found[("price",)]
    assert [e["loc"] for e in form.errors] == [("when",), ("day",), ("at",), ("ref",)]
    ref = str(uuid.uuid4())
    form.value = {"when": "2026-11-26T10:00:00+00:00", "day": "2026-11-26", "at": "10:00:00",
                  "ref": ref, "ids": [1, 1], "pair": [3, "b"], "color": "blue",
                  "price": 2.5, "site": "https://x.org/", "fixed": "x", "ratio": 0.3}
    assert {e["loc"]: e["msg"] for e in form.errors} == {
        ("ids",): "Items must all be different.", ("ratio",): "Must be a multiple of 0.25."}
    form.value = {**form.value, "ids": [1, 2], "ratio": 0.75}
    out = graph.invoke(Command(resume=form.resume), config)["answer"]
    assert out["ref"] == ref and out["pair"] == [3, "b"] and out["color"] == "blue"
    assert out["price"] == "2.5" and out["site"] == "https://x.org/"


def test_typeddict_schema_round_trip() -> None:
    graph = rg.schema_graph(Verdict, value={"question": "Ship it?"})
    form, config = _ask(graph)
    # reason is NotRequired; a required choice with nothing proposed starts unpicked.
    assert form.value == {"approved": False}
    assert [(e["loc"], e["msg"]) for e in form.errors] == [(("priority",), "Required.")]
    form.value = {"approved": True, "priority": "high", "reason": "tests pass"}
    out = graph.invoke(Command(resume=form.resume), config)
    assert out["answer"] == {"approved": True, "priority": "high", "reason": "tests pass"}


def test_dataclass_schema_with_date_format() -> None:
    graph = rg.schema_graph(Booking)
    form, config = _ask(graph)
    assert [e["loc"] for e in form.errors] == [("day",)]  # an empty date is not a date
    form.value = {"day": "2026-12-01", "guests": 3, "notes": None}
    assert form.errors == []
    out = graph.invoke(Command(resume=form.resume), config)
    assert out["answer"] == Booking(day=datetime.date(2026, 12, 1), guests=3)


def test_graph_side_validation_error_lands_on_the_field() -> None:
    graph = rg.schema_graph(Shout)
    form, config = _ask(graph)
    form.value = {"word": "quiet"}
    assert form.errors == []  # the JSON Schema cannot know about the validator
    with pytest.raises(ValidationError) as caught:
        graph.invoke(Command(resume=form.resume), config)
    form.show_errors(caught.value)
    assert "must be upper case" in error_texts(form.parts[0].field.child("word"))
    form.value = {"word": "LOUD"}
    assert graph.invoke(Command(resume=form.resume), config)["answer"] == Shout(word="LOUD")


def test_seed_text_to_revise_resumes_with_the_edited_string() -> None:
    graph = rg.one_node_graph(lambda s: interrupt({"text_to_revise": s["text"]}))
    config = rg.new_config()
    form = InterruptForm(rg.interrupts_of(graph.invoke({"text": "original text"}, config)))
    assert form.value == "original text"
    form.value = "Edited text"
    out = graph.invoke(Command(resume=form.resume), config)
    assert out["answer"] == "Edited text"


def test_agent_inbox_human_interrupt_round_trip() -> None:
    request = {"action_request": {"action": "write", "args": {"path": "a.txt", "lines": 3}},
               "config": {"allow_accept": True, "allow_edit": True, "allow_respond": True,
                          "allow_ignore": True},
               "description": "Write it?"}
    graph = rg.one_node_graph(lambda _s: interrupt([request])[0])
    form, config = _ask(graph)
    assert form.value == [{"type": "accept", "args": None}]
    form.value = [{"type": "edit", "args": {"action": "write",
                                            "args": {"path": "b.txt", "lines": 4}}}]
    out = graph.invoke(Command(resume=form.resume), config)
    assert out["answer"] == {"type": "edit", "args": {"action": "write",
                                                      "args": {"path": "b.txt", "lines": 4}}}


def test_parallel_interrupts_in_one_form_with_labels() -> None:
    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.graph import START, StateGraph

    class S(TypedDict, total=False):
        a: object
        b: object

    builder = StateGraph(S)
    builder.add_node("left", lambda _s: {"a": interrupt({"count": 1})})
    builder.add_node("right", lambda _s: {"b": interrupt("Name?", response_schema={
        "type": "string", "minLength": 1})})
    builder.add_edge(START, "left")
    builder.add_edge(START, "right")
    graph = builder.compile(checkpointer=InMemorySaver())
    config = rg.new_config()
    pending = rg.interrupts_of(graph.invoke({}, config))
    assert len(pending) == 2
    names = {i["id"]: ("left" if isinstance(i["value"], dict) else "right") for i in pending}
    form = InterruptForm(pending, labels=names)
    assert [p.label for p in form.parts] == [names[i["id"]] for i in pending]
    right = next(p for p in form.parts if p.label == "right")
    left = next(p for p in form.parts if p.label == "left")
    assert [e["interrupt_id"] for e in form.errors] == [right.interrupt_id]
    form.value = {right.interrupt_id: "Ada", left.interrupt_id: {"count": 5}}
    out = graph.invoke(Command(resume=form.resume), config)
    assert out == {"a": {"count": 5}, "b": "Ada"}


def _tool_messages(out: dict[str, object]) -> dict[str, str]:
    return {m.name: str(m.content) for m in out["messages"]  # type: ignore[attr-defined]
            if isinstance(m, ToolMessage)}


def test_hitl_batched_request_edit_and_respond() -> None:
    rg.CALLS.clear()
    agent = rg.hitl_agent("batched")
    form, config = _ask(agent)
    assert form.parts[0].renderer == "hitl_request"
    # Nothing pre-selected: the batched payload does not say what send_email does, and
    # delete_file deletes.
    assert form.value == {"decisions": [{"type": ""}, {"type": ""}]}
    first = form.parts[0].field.decisions[0]
    first.selector.value = first.allowed.index("edit")
    args = first.args_field
    assert args is not None and args.get() == rg.PROPOSED_EMAIL  # pre-filled, typed
    args.child("copies").set(5)
    args.child("subject").set("hello")
    second = form.parts[0].field.decisions[1]
    second.selector.value = second.allowed.index("respond")
    second.message.set("kept the file")
    assert [c["loc"] for c in form.changes()] == [
        ("decisions", 0, "type"), ("decisions", 0, "edited_action", "args", "subject"),
        ("decisions", 0, "edited_action", "args", "copies"), ("decisions", 1, "type")]
    resume = form.submit()
    assert resume is not None
    out = agent.invoke(Command(resume=resume[form.parts[0].interrupt_id]), config)
    assert rg.CALLS == [("send_email", {**rg.PROPOSED_EMAIL, "subject": "hello", "copies": 5})]
    assert _tool_messages(out)["delete_file"] == "kept the file"


def test_hitl_batched_resume_by_interrupt_id() -> None:
    rg.CALLS.clear()
    agent = rg.hitl_agent("batched")
    form, config = _ask(agent)
    form.value = {"decisions": [{"type": "reject", "message": "no"}, {"type": "approve"}]}
    agent.invoke(Command(resume=form.resume), config)
    assert rg.CALLS == [("delete_file", {"path": "/tmp/x"})]


def test_hitl_per_call_two_interrupts_one_form() -> None:
    rg.CALLS.clear()
    agent = rg.hitl_agent("per_call")
    form, config = _ask(agent)
    assert [p.renderer for p in form.parts] == ["tool_approval", "tool_approval"]
    by_tool = {p.interrupt["value"]["name"]: p for p in form.parts}  # order is not promised
    email, delete = by_tool["send_email"], by_tool["delete_file"]
    assert email.value == {"type": "approve"}
    decision = email.field
    decision.selector.value = decision.allowed.index("edit")
    assert email.value == {"type": "edit", "edited_action": {"name": "send_email",
                                                             "args": rg.PROPOSED_EMAIL}}
    email.value = {"type": "edit", "edited_action": {"name": "send_email",
                                                     "args": {**rg.PROPOSED_EMAIL,
                                                              "copies": 3}}}
    assert [(c["loc"], c["before"], c["after"]) for c in email.changes()] == [
        (("type",), "approve", "edit"), (("edited_action", "args", "copies"), 2, 3)]
    delete.value = {"type": "reject", "message": "never"}
    out = agent.invoke(Command(resume=form.resume), config)
    assert rg.CALLS == [("send_email", {**rg.PROPOSED_EMAIL, "copies": 3})]
    assert "never" in _tool_messages(out)["delete_file"]


def test_hitl_per_call_invalid_edit_is_refused_locally() -> None:
    agent = rg.hitl_agent("per_call")
    form, _ = _ask(agent)
    email = next(p for p in form.parts if p.interrupt["value"]["name"] == "send_email")
    email.value = {"type": "edit", "edited_action": {"name": "send_email", "args": {
        "to": "x", "subject": "s", "body": "b"}}}
    assert email.errors() == []
    email.json_mode = True
    email.value = {"type": "edit", "edited_action": {"name": "other", "args": {}}}
    msgs = [e["msg"] for e in email.errors()]
    assert any("send_email" in m for m in msgs), msgs
    assert any("Required" in m for m in msgs), msgs
