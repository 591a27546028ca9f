"""Tool-call forms as a reviewer reads them: a call that deletes, or one nobody described,
is never pre-selected to approve; the batched and per-call forms offer the same choices
under the same labels; the arguments show once, as a table; no developer text shows."""

from __future__ import annotations

from typing import Any

import pytest

from hitl_widgets.forms import InterruptForm
from hitl_widgets.forms.fields.decision import NO_DECISION
from hitl_widgets.forms.renderers.tool_text import is_destructive, preselected, purpose
from tests.forms import real_graphs as rg
from tests.forms.helpers import html_under

GENERIC = ("Tool execution requires approval\n\nTool: send_email\n"
           "Args: {'to': 'a@b.c'}")


def _batched(*requests: dict[str, Any]) -> InterruptForm:
    value = {"action_requests": list(requests), "review_configs": [
        {"action_name": r["name"], "allowed_decisions": ["approve", "edit", "reject"]}
        for r in requests]}
    return InterruptForm([{"value": value, "id": "i-b", "response_schema": None}])


def test_purpose_drops_the_middlewares_generated_text() -> None:
    assert purpose("send_email", GENERIC) is None
    assert purpose("send_email", GENERIC, {"description": "Send an email."}) == "Send an email."
    assert purpose("x", "Please check\n\nTool: x\nArgs: {}") == "Please check"
    assert purpose("delete_file", "Deletes a file for good") == "Deletes a file for good"


@pytest.mark.parametrize(("name", "what", "expected"), [
    ("send_email", "Send an email.", "approve"),
    ("send_email", None, None),  # nobody said what it does
    ("delete_file", "Tidy up.", None),  # its name says it deletes
    ("archive", "Deletes a file for good", None),  # its purpose says so
    ("drop_table", "Cleans the database.", None),
])
def test_only_described_harmless_calls_are_preselected(name: str, what: str | None,
                                                       expected: str | None) -> None:
    assert preselected(name, what, "approve") == expected
    assert is_destructive(name, what) is (expected is None and what is not None)


def test_a_destructive_call_waits_for_a_choice_and_nothing_is_sent() -> None:
    form = _batched(
        {"name": "lookup", "args": {"q": "x"}, "description": "Looks a word up."},
        {"name": "delete_file", "args": {"path": "/data/old.csv"},
         "description": "Deletes a file for good"})
    first, second = form.parts[0].field.decisions
    assert first.decision == "approve" and second.decision == ""
    assert second.selector.options[0][0] == "Choose a decision…"
    assert form.submit() is None  # nothing sent
    assert [e["msg"] for e in form.errors] == ["Choose what to do with delete_file."]
    assert "1 problem to fix before submitting" in html_under(form)
    second.selector.value = second.allowed.index("reject")
    assert form.submit() is not None


def test_the_browsers_option_position_maps_past_the_placeholder() -> None:
    form = _batched({"name": "delete_file", "args": {"path": "/x"}})
    field = form.parts[0].field.decisions[0]
    field._apply({"index": 2})  # position 2: placeholder, Approve, Edit → "edit"
    assert field.decision == "edit"
    field._apply({"index": 0})
    assert field.decision == ""


def _labels(field: Any) -> list[str]:
    """The decisions offered (the placeholder aside: it depends on what is known)."""
    return [label for label, value in field.selector.options if value != NO_DECISION]


def test_batched_and_per_call_forms_read_the_same() -> None:
    batched, _ = _ask("batched")
    per_call, _ = _ask("per_call")
    by_tool = {p.interrupt["value"]["name"]: p for p in per_call.parts}
    for i, name in enumerate(("send_email", "delete_file")):
        assert _labels(batched.parts[0].field.decisions[i]) == _labels(by_tool[name].field)
    for form in (batched, per_call):
        text = html_under(form)
        for developer in ("ToolMessage", "status=", "Tool execution requires approval",
                          "Args: {", "ApproveDecision", "Response when a human"):
            assert developer not in text, (developer, text)
        # Each argument once, as a table row: no JSON block, no Python repr beside it.
        assert text.count("/tmp/x") == 1, text
        assert '<td style="' in text and '"path"' not in text


def _ask(mode: str) -> tuple[InterruptForm, Any]:
    """The real middleware's interrupts (`HumanInTheLoopMiddleware`, both modes)."""
    config = rg.new_config()
    out = rg.hitl_agent(mode).invoke({"text": "t"}, config)
    return InterruptForm(rg.interrupts_of(out)), config
