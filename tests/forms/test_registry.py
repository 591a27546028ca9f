"""User renderers take over a payload shape before the built-ins."""

from __future__ import annotations

from collections.abc import Iterator

import ipywidgets as W
import pytest

from hitl_widgets.forms import InterruptForm, register_renderer


@pytest.fixture
def colour_renderer() -> Iterator[None]:
    undo = register_renderer(lambda i: i["value"] == "pick a colour",
                             lambda i: W.ColorPicker(value="#ff0000"))
    yield
    undo()


def test_user_renderer_wins_over_builtins(colour_renderer: None) -> None:
    form = InterruptForm({"value": "pick a colour", "id": "c",
                          "response_schema": {"type": "string"}})
    assert form.parts[0].renderer == "custom"
    assert form.value == "#ff0000"
    form.value = "#00ff00"
    assert form.submit() == {"c": "#00ff00"}


def test_unregistered_renderer_no_longer_matches() -> None:
    undo = register_renderer(lambda i: True, lambda i: W.Text(value="x"))
    undo()
    form = InterruptForm({"value": "pick a colour", "id": "c"})
    assert form.parts[0].renderer == "inferred"


def test_newest_renderer_wins_and_stock_inputs_get_field_classes() -> None:
    undo_a = register_renderer(lambda i: True, lambda i: W.Text(value="a"))
    undo_b = register_renderer(lambda i: True, lambda i: W.IntText(value=3))
    try:
        form = InterruptForm({"value": 1, "id": "n"})
        assert form.value == 3
        assert any(c.startswith("hitl-field-") for c in form.parts[0].field.input._dom_classes)
    finally:
        undo_a()
        undo_b()


def test_renderer_must_return_something_with_a_value() -> None:
    undo = register_renderer(lambda i: True, lambda i: W.HBox([]))
    try:
        with pytest.raises(TypeError, match="no `value`"):
            InterruptForm({"value": 1, "id": "n"})
    finally:
        undo()


def test_renderer_with_context_returns_a_typed_field() -> None:
    from hitl_widgets.forms.fields.base import FormContext
    from hitl_widgets.forms.fields.scalars import IntegerField

    def build(interrupt: dict, ctx: FormContext) -> IntegerField:
        return IntegerField(ctx, (), title="How many?", default=len(interrupt["value"]))

    undo = register_renderer(lambda i: isinstance(i["value"], list), build)
    try:
        form = InterruptForm({"value": [1, 2, 3], "id": "n"})
        assert form.parts[0].field.kind == "integer" and form.value == 3
        assert form.dom_ids()[("n", ())]
    finally:
        undo()
