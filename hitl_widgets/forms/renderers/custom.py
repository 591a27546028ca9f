"""Parts built by user renderers: a `Field`, or a plain widget whose `value` is the answer."""

from __future__ import annotations

import inspect
from typing import Any

import ipywidgets as W

from hitl_widgets.forms.fields.base import Field, FormContext, Loc
from hitl_widgets.forms.part import InterruptPart
from hitl_widgets.forms.renderers.registry import Builder

_STOCK_INPUTS = (W.Text, W.Textarea, W.IntText, W.FloatText, W.Checkbox, W.Dropdown)
"""Widgets whose DOM value the Submit button knows how to read."""


class WidgetField(Field):
    """Any widget with a `value` trait, as a field (the answer is `widget.value`)."""

    kind = "custom"

    def __init__(self, ctx: FormContext, loc: Loc, widget: W.Widget, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        if not widget.has_trait("value"):
            raise TypeError(f"a renderer returned {type(widget).__name__}, which has no "
                            "`value`; return a Field or a widget with a `value` trait")
        self.input = widget
        if isinstance(widget, _STOCK_INPUTS):
            self.leaf(widget)
        else:
            ctx.control(widget)

    def control_widget(self) -> W.Widget:
        return self.input

    def get(self) -> Any:
        return self.input.value

    def set(self, value: Any) -> None:
        self.input.value = value


def _takes_context(build: Builder) -> bool:
    """True for `build(interrupt, ctx)`: renderers that build `Field`s need the context."""
    try:
        params = inspect.signature(build).parameters.values()
    except (TypeError, ValueError):
        return False
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in params)


def custom_part(interrupt: dict[str, Any], build: Builder, ctx: FormContext,
                label: str | None) -> InterruptPart:
    """The part for an interrupt that a user renderer took."""
    made = build(interrupt, ctx) if _takes_context(build) else build(interrupt)
    field = made if isinstance(made, Field) else WidgetField(ctx, (), made, title="Answer")
    return InterruptPart(interrupt, field, ctx, renderer="custom", label=label)
