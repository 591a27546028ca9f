"""Interrupts with no schema and no known shape: fields inferred from the value.

The value is both the proposal and the default answer: an untouched form answers with it
unchanged. One shape is read as a request to revise text: a dict with a single string entry
(`{"text_to_revise": "original text"}`, the LangGraph docs' example) becomes a text editor
whose answer is the edited string, as that example resumes with `"Edited text"`. When that
single key names a question (`{"question": "Which city?"}`), the text is shown as the
question and the answer starts empty: nobody wants to erase the question to answer it.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from hitl_widgets.forms import _html
from hitl_widgets.forms.fields.base import Field, FormContext
from hitl_widgets.forms.fields.json_editor import JsonField
from hitl_widgets.forms.fields.scalars import StringField
from hitl_widgets.forms.part import InterruptPart
from hitl_widgets.forms.schema.build import SchemaBuilder
from hitl_widgets.forms.schema.infer import schema_from_value

QUESTION_KEYS = frozenset({"question", "prompt", "query", "ask", "instruction",
                           "instructions"})
"""Single keys whose text is asked, not offered for revision."""


def _title(key: str) -> str:
    return key.replace("_", " ").strip().capitalize() or key


def text_to_revise(value: Any) -> str | None:
    """The key of a `{"<key>": "<text>"}` revision request, else None."""
    if isinstance(value, dict) and len(value) == 1:
        key, text = next(iter(value.items()))
        if isinstance(key, str) and isinstance(text, str):
            return key
    return None


def inferred_part(interrupt: dict[str, Any], ctx: FormContext,
                  label: str | None) -> InterruptPart:
    """Build the part for any other interrupt."""
    value = interrupt.get("value")
    field: Field
    key = text_to_revise(value)
    if key is not None and key.lower() in QUESTION_KEYS:
        assert isinstance(value, dict)  # text_to_revise found the key in it
        field = StringField(ctx, (), title="Answer", default="", multiline=True)
        context = [W.HTML(_html.text_html(value[key], css_class="hitl-context"),
                          layout=ctx.full)]
        return InterruptPart(interrupt, field, ctx, renderer="question", label=label,
                             context=context)
    if key is not None:
        assert isinstance(value, dict)  # text_to_revise found the key in it
        field = StringField(ctx, (), title=_title(key), default=value[key], multiline=True)
        return InterruptPart(interrupt, field, ctx, renderer="text_to_revise", label=label)
    if isinstance(value, str):
        field = StringField(ctx, (), title="Answer", default=value, multiline=True)
        return InterruptPart(interrupt, field, ctx, renderer="inferred", label=label)
    schema = schema_from_value(value)
    if schema:
        title = "" if schema.get("type") == "object" else "Answer"
        field = SchemaBuilder(schema, ctx).build(schema, (), title=title, default=value)
        renderer = "inferred"
    else:
        field = JsonField(ctx, (), title="Answer (JSON)", default=value)
        renderer = "json"
    return InterruptPart(interrupt, field, ctx, renderer=renderer, label=label)
