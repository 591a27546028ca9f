"""The renderer table: first match wins (see `registry` for the order and why)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from hitl_widgets.forms.fields.base import FormContext
from hitl_widgets.forms.fields.json_editor import JsonField
from hitl_widgets.forms.part import InterruptPart
from hitl_widgets.forms.renderers.custom import custom_part
from hitl_widgets.forms.renderers.hitl_request import hitl_request_part, is_hitl_request
from hitl_widgets.forms.renderers.human_interrupt import human_interrupt_part, is_human_interrupt
from hitl_widgets.forms.renderers.inferred import inferred_part
from hitl_widgets.forms.renderers.registry import user_renderer_for
from hitl_widgets.forms.renderers.schema_form import context_widgets, has_schema, schema_part
from hitl_widgets.forms.renderers.tool_approval import is_tool_approval, tool_approval_part
from hitl_widgets.forms.schema.validate import make_validator
from hitl_widgets.forms.types import FormFallbackWarning

PartBuilder = Callable[[dict[str, Any], FormContext, "str | None"], InterruptPart]

BUILT_INS: list[tuple[Callable[[dict[str, Any]], bool], PartBuilder]] = [
    (is_tool_approval, tool_approval_part),
    (has_schema, schema_part),
    (is_hitl_request, hitl_request_part),
    (is_human_interrupt, human_interrupt_part),
]


def build_part(interrupt: dict[str, Any], ctx: FormContext, label: str | None) -> InterruptPart:
    """The part for `interrupt`, from the first renderer that takes it."""
    user = user_renderer_for(interrupt)
    if user is not None:
        return custom_part(interrupt, user, ctx, label)
    for match, build in BUILT_INS:
        if match(interrupt):
            try:
                return build(interrupt, ctx, label)
            except Exception as exc:  # noqa: BLE001  (any payload must stay answerable)
                return fallback_part(interrupt, ctx, label, exc)
    try:
        return inferred_part(interrupt, ctx, label)
    except Exception as exc:  # noqa: BLE001  (same: the JSON editor always works)
        return fallback_part(interrupt, ctx, label, exc)


def fallback_part(interrupt: dict[str, Any], ctx: FormContext, label: str | None,
                  error: Exception) -> InterruptPart:
    """A raw JSON editor for a payload the typed renderers could not build, saying why."""
    warnings.warn(f"interrupt {interrupt.get('id')!r}: no typed form ({type(error).__name__}: "
                  f"{str(error)[:200]}); answering it with the JSON editor",
                  FormFallbackWarning, stacklevel=4)
    value = interrupt.get("value")
    schema = interrupt.get("response_schema")
    field = JsonField(ctx, (), title="Answer (JSON)", default=None,
                      help_text=f"A typed form could not be built ({type(error).__name__}: "
                                f"{str(error)[:200]}); write the answer as JSON.")
    validator = None
    if isinstance(schema, dict):
        try:
            validator = make_validator(schema)
        except Exception:  # noqa: BLE001  (an unusable schema: parse-only, as for no schema)
            validator = None
    return InterruptPart(interrupt, field, ctx, renderer="json", label=label,
                         validator=validator, context=context_widgets(value, ctx))
