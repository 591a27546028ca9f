"""Driving the form as a reviewer would: buttons, toggles, JSON mode, messages."""

from __future__ import annotations

import warnings
from typing import Any

import ipywidgets as W
import pytest
from pydantic import BaseModel, ValidationError

from hitl_widgets.forms import FormFallbackWarning, InterruptForm
from hitl_widgets.forms.fields.containers import ArrayField
from hitl_widgets.forms.fields.json_editor import JsonField
from tests.forms.helpers import error_texts, html_under


def _buttons(widget: W.Widget) -> dict[str, W.Button]:
    out: dict[str, W.Button] = {}

    def visit(w: Any) -> None:
        if isinstance(w, W.Button):
            out[w.tooltip] = w
        for c in getattr(w, "children", ()) or ():
            visit(c)

    visit(widget)
    return out


def _array_form() -> tuple[InterruptForm, ArrayField]:
    form = InterruptForm({"value": None, "id": "a", "response_schema": {
        "type": "array", "items": {"type": "integer"}, "maxItems": 3, "default": [1, 2]}})
    field = form.parts[0].field
    assert isinstance(field, ArrayField)
    return form, field


def test_array_add_remove_reorder_through_the_buttons() -> None:
    form, field = _array_form()
    buttons = _buttons(field.widget)
    assert buttons["Move item 1 up"].disabled and buttons["Move item 2 down"].disabled
    buttons["Move item 1 down"].click()
    assert form.value == [2, 1]
    _buttons(field.widget)["Add an item"].click()
    assert form.value == [2, 1, 0]
    assert _buttons(field.widget)["Add an item"].disabled  # maxItems reached
    _buttons(field.widget)["Remove item 1"].click()
    assert form.value == [1, 0]
    assert [f.loc for f in field.items] == [(0,), (1,)]  # re-indexed for error placement


def test_array_rows_do_not_pile_up_buttons() -> None:
    form, field = _array_form()
    for _ in range(20):
        field.move(0, 1)
    assert len(form._ctx.controls) < 15


def test_edit_as_json_round_trip_and_parse_errors_in_place() -> None:
    form = InterruptForm({"value": {"n": 1, "tags": ["a"]}, "id": "j"})
    part = form.parts[0]
    part.json_mode = True
    assert isinstance(part.json_field, JsonField)
    part.json_field.input.value = '{"n": 2, "tags": ["a", "b"]'
    assert "Invalid JSON" in error_texts(part.json_field)
    assert [e["msg"][:12] for e in form.errors] == ["Invalid JSON"]
    assert form.submit() is None
    part.json_mode = False  # refused while it does not parse
    assert part.json_mode
    part.json_field.input.value = '{"n": 2, "tags": ["a", "b"]}'
    assert error_texts(part.json_field) == ""
    assert form.value == {"n": 2, "tags": ["a", "b"]}
    part.json_mode = False
    assert not part.json_mode and form.value == {"n": 2, "tags": ["a", "b"]}


def test_json_that_does_not_fit_the_fields_keeps_json_mode() -> None:
    form = InterruptForm({"value": {"n": 1}, "id": "j"})
    part = form.parts[0]
    part.json_mode = True
    part.json_field.input.value = '{"n": "one"}'
    part.json_mode = False
    assert part.json_mode
    assert "does not fit the form" in error_texts(part.json_field)
    assert form.value == {"n": "one"}  # the JSON answer, types as typed


def test_nullable_and_optional_toggles() -> None:
    form = InterruptForm({"value": None, "id": "t", "response_schema": {
        "type": "object", "properties": {
            "nick": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "note": {"type": "string"}},
        "required": ["nick"]}})
    nick = form.parts[0].field.fields["nick"]
    note = form.parts[0].field.fields["note"]
    assert form.value == {"nick": None}
    nick.toggle.value = False
    note.toggle.value = True
    assert form.value == {"nick": "", "note": ""}
    form.value = {"nick": None}
    assert form.value == {"nick": None} and not note.on


def test_recursive_required_chain_is_bounded() -> None:
    schema = {"$defs": {"L": {"type": "object", "properties": {
        "v": {"type": "integer"}, "next": {"$ref": "#/$defs/L"}}, "required": ["v", "next"]}},
        "$ref": "#/$defs/L"}
    # How long it takes is measured by benchmarks/bench_forms.py, not here.
    form = InterruptForm({"value": None, "id": "r", "response_schema": schema})
    kinds = [f.kind for f in form.parts[0].field.walk()]
    assert kinds.count("json") == 1  # the level past the bound is a JSON editor


def test_disabled_reaches_fields_built_later() -> None:
    form, field = _array_form()
    form.disabled = True
    field.add()
    assert all(item.input.disabled for item in field.items)
    assert all(b.disabled for b in _buttons(field.widget).values())
    form.disabled = False
    assert not field.items[-1].input.disabled


def test_changes_field_by_field_with_a_text_diff_for_long_strings() -> None:
    long = "line one\nline two\nline three"
    form = InterruptForm({"value": {"body": long, "n": 1, "k": ["a"]}, "id": "c"})
    form.value = {"body": long.replace("two", "2"), "n": 2, "k": ["a", "b"]}
    changes = {c["loc"]: c for c in form.changes()}
    assert changes[("n",)]["before"] == 1 and changes[("n",)]["after"] == 2
    assert changes[("k", 1)]["kind"] == "added"
    assert "-line two\n+line 2\n" in changes[("body",)]["diff"]


def test_server_errors_in_every_shape() -> None:
    class M(BaseModel):
        a: int
        b: str

    schema = M.model_json_schema()
    form = InterruptForm([{"value": None, "id": "x", "response_schema": schema},
                          {"value": "t", "id": "y"}])
    a = form.parts[0].field.fields["a"]
    with pytest.raises(ValidationError) as caught:
        M.model_validate({"a": "nope", "b": "ok"})
    form.show_errors(caught.value, interrupt_id="x")
    assert "valid integer" in error_texts(a)
    form.show_errors({"detail": [{"loc": ["x", "b"], "msg": "too dull"}]})
    assert error_texts(a) == "" and "too dull" in error_texts(form.parts[0].field.fields["b"])
    form.show_errors({"y": [{"loc": [], "msg": "say more"}]})
    assert "say more" in error_texts(form.parts[1].field)
    form.show_errors([{"loc": ["nowhere"], "msg": "lost"}])
    assert "nowhere: lost" in html_under(form)
    form.show_errors("Thread is busy (409)")
    assert "Thread is busy" in html_under(form)
    form.clear_errors()
    assert "busy" not in html_under(form)


def test_error_past_the_deepest_field_is_prefixed_with_the_rest_of_the_path() -> None:
    form = InterruptForm({"value": None, "id": "z", "response_schema": {
        "type": "object", "properties": {"x": {}}, "required": ["x"]}})
    form.show_errors([{"loc": ["x", "deep", 0], "msg": "bad"}])
    assert "deep.0: bad" in error_texts(form.parts[0].field.fields["x"])


def test_several_interrupts_value_and_resume() -> None:
    form = InterruptForm([{"value": 1, "id": "a"}, {"value": "s", "id": "b"}])
    assert form.value == form.resume == {"a": 1, "b": "s"}
    form.value = {"b": "t"}
    assert form.resume == {"a": 1, "b": "t"}
    with pytest.raises(KeyError, match="no interrupt"):
        form.value = {"c": 1}
    with pytest.raises(TypeError, match="several"):
        form.value = 3
    assert form.part("b").value == "t"


def test_langgraph_interrupt_objects_are_accepted() -> None:
    from langgraph.types import Interrupt

    form = InterruptForm(Interrupt(value={"text_to_revise": "x"}, id="i1"))
    assert form.resume == {"i1": "x"}


def test_no_interrupts_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="none pending"):
        InterruptForm([])


def test_one_megabyte_string_is_not_copied_into_the_context() -> None:
    text = "x" * 1_000_000
    form = InterruptForm({"value": text, "id": "big"})
    assert form.value == text
    assert len(html_under(form)) < 100_000


def test_malformed_response_schema_still_renders_and_says_so() -> None:
    form = InterruptForm({"value": "q", "id": "m", "response_schema": {
        "type": "object", "properties": {"a": {"type": "integer", "minimum": "zero"}}}})
    form.value = {"a": 3}
    assert any("not valid JSON Schema" in e["msg"] for e in form.errors)
    assert form.submit() is None


def test_show_errors_takes_field_errors_and_the_views_shape() -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer", "maximum": 1}},
              "required": ["n"]}
    form = InterruptForm([{"value": None, "id": "a", "response_schema": schema},
                          {"value": None, "id": "b", "response_schema": schema}])
    n_a, n_b = (p.field.fields["n"] for p in form.parts)
    form.value = {"a": {"n": 1}, "b": {"n": 5}}
    form.show_errors(form.errors)  # FieldError: id beside a relative loc
    assert error_texts(n_a) == "" and "at most 1" in error_texts(n_b)
    form.show_errors([{"interrupt_id": "a", "loc": ["a", "n"], "msg": "server: no"}])
    assert "server: no" in error_texts(n_a) and error_texts(n_b) == ""


def test_close_releases_the_forms_widgets() -> None:
    from ipywidgets.widgets.widget import _instances

    before = len(_instances)
    form = InterruptForm({"value": {"a": [1, 2], "b": {"c": "x"}}, "id": "z"})
    assert len(_instances) > before + 10
    form.close()
    assert len(_instances) <= before + 2


def test_errors_and_changes_follow_each_payloads_nesting() -> None:
    from tests.forms.cases import hitl_request, human_interrupt

    inbox = InterruptForm(human_interrupt.CASE["interrupt"])
    inbox.value = [{"type": "edit", "args": {"action": "write_file", "args": {
        "path": "a.txt", "lines": 9, "append": False}}}]
    decision = inbox.parts[0].field.decisions[0]
    inbox.show_errors([{"loc": [0, "args", "args", "lines"], "msg": "too many"}])
    assert "too many" in error_texts(decision.args_field.child("lines"))
    assert [c["loc"] for c in inbox.changes()] == [(0, "type"), (0, "args", "args", "lines")]

    batch = InterruptForm(hitl_request.CASE["interrupt"])
    batch.value = hitl_request.CASE["valid"][0]
    first = batch.parts[0].field.decisions[0]
    batch.show_errors([{"loc": ["decisions", 0, "edited_action", "args", "copies"],
                        "msg": "odd"}, {"loc": ["decisions", 0, "edited_action", "name"],
                                        "msg": "unknown tool"}])
    assert "odd" in error_texts(first.args_field.child("copies"))
    assert "name: unknown tool" in error_texts(first)
    second = batch.parts[0].field.decisions[1]
    batch.show_errors([{"loc": ["decisions", 1, "message"], "msg": "say why"}])
    assert "say why" in error_texts(second.message)


@pytest.mark.parametrize(("schema", "renderer"), [
    ({"$ref": "https://example.com/remote.json"}, "json"),
    ({"$ref": "#/$defs/Missing"}, "json"),
    ({"anyOf": [{"type": "integer"}, {"type": "string"}], "default": [1]}, "schema"),
    ({"type": "object", "properties": {"n": {"anyOf": [{"type": "integer"}, {"type": "null"}],
                                             "default": "x"}}}, "schema"),
], ids=["remote-ref", "missing-ref", "default-fits-no-variant", "nullable-bad-default"])
def test_odd_schemas_still_give_an_answerable_form(schema: dict, renderer: str) -> None:
    # A schema we cannot build falls back to the JSON editor with a warning and a note; a
    # default that fits no variant is dropped and the typed form stays.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        form = InterruptForm({"value": "q", "id": "o", "response_schema": schema})
    part = form.parts[0]
    assert part.renderer == renderer
    fell_back = [w for w in caught if issubclass(w.category, FormFallbackWarning)]
    assert len(fell_back) == (1 if renderer == "json" else 0)
    assert ("could not be built" in html_under(part.widget)) == (renderer == "json")
    part.json_mode = True
    part.value = 5
    assert form.resume == {"o": 5}


def test_reset_and_side_by_side() -> None:
    form = InterruptForm([{"value": {"n": 1}, "id": "a"}, {"value": "s", "id": "b"}],
                         side_by_side=True)
    assert isinstance(form.children[0], W.GridBox)
    assert [w for w in form.children[0].children] == [p.widget for p in form.parts]
    form.value = {"a": {"n": 2}, "b": "t"}
    form.parts[0].json_mode = True
    form.parts[0].json_field.input.value = "not json"
    form.reset()
    assert form.value == {"a": {"n": 1}, "b": "s"} and form.changes() == []
    assert not form.parts[0].json_mode and form.errors == []


def test_renaming_a_mapping_key_moves_its_values_loc() -> None:
    form = InterruptForm({"value": None, "id": "m", "response_schema": {
        "type": "object", "additionalProperties": {"type": "integer", "maximum": 1}}})
    mapping = form.parts[0].field
    mapping.add("a", 5)
    key_input, value_field = mapping.entries[0]
    key_input.value = "b"
    assert value_field.loc == ("b",)
    assert [(e["loc"], e["msg"]) for e in form.validate()] == [(("b",), "Must be at most 1.")]
    assert "at most 1" in error_texts(value_field)


def test_a_required_choice_with_nothing_proposed_starts_unpicked() -> None:
    """Picking the first option for the reviewer would send it for someone who only ticked
    another box (a letter relabelled an invoice)."""
    schema = {
        "type": "object",
        "properties": {
            "label": {"enum": ["invoice", "letter"]},
            "approved": {"type": "boolean"},
            "tone": {"enum": ["calm", "stern"]},
        },
        "required": ["label", "approved"],
    }
    form = InterruptForm({"value": {}, "id": "i-1", "response_schema": schema})
    assert form.value == {"approved": False}  # tone is optional: left out until set
    assert [(e["loc"], e["msg"]) for e in form.errors] == [(("label",), "Required.")]
    form.value = {"label": "letter", "approved": True}
    assert form.errors == []
    assert form.value == {"label": "letter", "approved": True}


def test_closed_forms_are_freed() -> None:
    """A reviewer's kernel builds a form per interrupt: closed ones must not pile up."""
    import gc
    import weakref

    refs = []
    for n in range(5):
        form = InterruptForm({"value": f"text {n}", "id": f"i-{n}"})
        refs.append(weakref.ref(form))
        form.close()
        del form
    W.Widget.close_all()
    gc.collect()
    assert [r() for r in refs] == [None] * 5
