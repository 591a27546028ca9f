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


def context_widgets(value: Any, ctx: FormContext) -> list[W.Widget]:
    """The interrupt value as read-only context (escaped); nothing for None."""
    if value is None:
        return []
    return [W.HTML(_html.value_html(value), layout=ctx.full)]


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
    title = str(schema.get("title") or ("" if schema.get("type") == "object" else "Answer"))
    field = builder.build(schema, (), title=title, default=draft)
    return InterruptPart(interrupt, field, ctx, renderer="schema", label=label,
                         validator=builder.validator,
                         context=context_widgets(value, ctx) if draft is MISSING else [])
