"""Text from the interrupt never becomes markup."""

from __future__ import annotations

import html

import pytest

from hitl_widgets.forms import InterruptForm
from tests.forms.cases.hostile_text import CASE, EVIL
from tests.forms.helpers import html_under

HOSTILE = [
    CASE["interrupt"],
    {"value": EVIL, "id": "i-str"},
    {"value": {"action_requests": [{"name": EVIL, "args": {EVIL: EVIL}, "description": EVIL}],
               "review_configs": [{"action_name": EVIL, "allowed_decisions": ["approve"]}]},
     "id": "i-hitl"},
    {"value": [{"action_request": {"action": EVIL, "args": {"a": EVIL}},
                "config": {"allow_accept": True}, "description": EVIL}], "id": "i-inbox"},
    {"value": {"type": "tool_approval", "tool_call_id": "c", "name": EVIL, "args": {},
               "description": EVIL}, "id": "i-call", "response_schema": {"oneOf": [
                   {"type": "object", "title": EVIL,
                    "properties": {"type": {"const": "approve"}}}]}},
    {"value": {EVIL: 1, "nested": {EVIL: [EVIL]}}, "id": "i-keys"},
]


@pytest.mark.parametrize("interrupt", HOSTILE, ids=lambda i: i["id"])
def test_interrupt_text_is_escaped_everywhere(interrupt: dict) -> None:
    form = InterruptForm(interrupt, labels={interrupt["id"]: EVIL})
    form.show_errors([{"loc": [EVIL], "msg": EVIL}])
    markup = html_under(form)
    assert "<script>" not in markup
    assert "<img" not in markup
    assert html.escape(EVIL) in markup  # shown, as text


def test_markdown_is_not_rendered() -> None:
    form = InterruptForm({"value": None, "id": "i", "response_schema": {
        "type": "string", "description": "**bold** and [link](http://x) and <b>b</b>"}})
    markup = html_under(form)
    assert "**bold** and [link](http://x) and &lt;b&gt;b&lt;/b&gt;" in markup
    assert "<strong>" not in markup and "<a " not in markup


def test_long_labels_are_shown_whole() -> None:
    title = "A very long field title that goes on " * 6
    form = InterruptForm({"value": None, "id": "i", "response_schema": {
        "type": "object", "properties": {"x": {"type": "string", "title": title}},
        "required": ["x"]}})
    assert html.escape(title) in html_under(form)
    # Labels live in HTML above the input, not in ipywidgets' (truncating) description.
    assert form.parts[0].field.fields["x"].input.description == ""
