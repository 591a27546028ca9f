"""Interrupts with a `response_schema`: a typed form from the JSON Schema.

The interrupt's `value` is shown above the fields as context. When the value is itself a
valid answer object (a draft to review), it pre-fills the form instead; otherwise the
schema's defaults do.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from hitl_widgets.forms import _html
from hitl_widgets.forms.fields.base import MISSING, FormContext
from hitl_widgets.forms.part import InterruptPart
from hitl_widgets.forms.schema.build import SchemaBuilder


def has_schema(interrupt: dict[str, Any]) -> bool:
    """Match: the interrupt carries a JSON Schema for its answer."""
    return isinstance(interrupt.get("response_schema"), dict)


def context_widgets(value: Any, ctx: FormContext,
                    skip: frozenset[str] = frozenset()) -> list[W.Widget]:
    """The interrupt value as read-only context (escaped; entries in `skip` are shown
    elsewhere); nothing for None."""
    if value is None:
        return []
    html = _html.value_html(value, skip=skip)
    return [W.HTML(html, layout=ctx.full)] if html else []


_PROPOSED = ("proposed_", "suggested_", "proposal_")
"""`{"proposed_label": "letter"}` proposes the answer's `label`."""


def proposal_of(value: Any, schema: dict[str, Any],
                builder: SchemaBuilder) -> tuple[dict[str, Any], frozenset[str]]:
    """The answer fields the value proposes — its entries named like a property (or
    `proposed_<property>`) whose value that property accepts — and the keys they came
    from. An untouched form answers with them."""
    props = schema.get("properties")
    if not isinstance(value, dict) or not isinstance(props, dict):
        return {}, frozenset()
    found: dict[str, Any] = {}
    used: set[str] = set()
    for key, item in value.items():
        if not isinstance(key, str):
            continue
        prop = next((key.removeprefix(p) for p in _PROPOSED if key.startswith(p)), key)
        sub = props.get(prop)
        if isinstance(sub, dict) and builder.matches(sub, item):
            found[prop] = item
            used.add(key)
    return found, frozenset(used)


def _asked(label: str | None, value: Any) -> frozenset[str]:
    """The value's entries whose text is the part's heading (said once, up there)."""
    if not label or not isinstance(value, dict):
        return frozenset()
    return frozenset(k for k, v in value.items() if isinstance(v, str) and v.strip() == label)


def _is_draft(value: Any, schema: dict[str, Any], builder: SchemaBuilder) -> bool:
    """A value that is already a valid answer object, with no keys the form would drop.

    Only objects count: a string value is nearly always the question ("What is your
    name?"), and pre-filling it as the answer would be wrong.
    """
    props = schema.get("properties")
    return (isinstance(value, dict) and isinstance(props, dict) and set(value) <= set(props)
            and bool(builder.validator.is_valid(value)))


def schema_part(interrupt: dict[str, Any], ctx: FormContext, label: str | None) -> InterruptPart:
    """Build the part for an interrupt with a `response_schema`."""
    schema: dict[str, Any] = interrupt["response_schema"]
    builder = SchemaBuilder(schema, ctx)
    value = interrupt.get("value")
    draft = value if value is not None and _is_draft(value, schema, builder) else MISSING
    proposed, used = ({}, frozenset()) if draft is not MISSING else proposal_of(
        value, schema, builder)
    title = str(schema.get("title") or ("" if schema.get("type") == "object" else "Answer"))
    shown = schema
    if label and label in (schema.get("description"), schema.get("title")):
        # The heading already says it: the form does not say it again.
        shown = {k: v for k, v in schema.items() if k not in ("title", "description")}
        title = "" if schema.get("type") == "object" else "Answer"
    field = builder.build(shown, (), title=title, default=draft if draft is not MISSING
                          else (proposed or MISSING))
    context = (context_widgets(value, ctx, used | _asked(label, value)) if draft is MISSING
               else [])
    return InterruptPart(interrupt, field, ctx, renderer="schema", label=label,
                         validator=builder.validator, context=context)
