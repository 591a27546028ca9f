"""What you see is what is sent: the Submit button carries the DOM values with the click.

A browser click arrives as a comm message on the Submit button's model; these tests send
that message through the recorded comm, with Python-side field values that lag behind what
the browser shows (the ipywidgets race in DESIGN.md), and check that the DOM values win.
The front-end module that builds that message is driven in Chromium by
tests/e2e/test_submit_module.py.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
import pytest

from hitl_widgets.forms import InterruptForm
from tests.forms.helpers import error_texts

SCHEMA = {"type": "object", "properties": {
    "text": {"type": "string", "minLength": 1},
    "count": {"type": "integer", "minimum": 0},
    "ratio": {"type": "number"},
    "ok": {"type": "boolean"},
    "mode": {"enum": ["a", "b", "c"]},
}, "required": ["text", "count", "ratio", "ok", "mode"]}


def _ids(form: InterruptForm) -> dict[str, int]:
    """Field key → the n of its `hitl-field-<n>` class."""
    return {str(loc[0]): ns[0] for (_, loc), ns in form.dom_ids().items() if loc}


def _click(form: InterruptForm, comms: list[Any], fields: dict[int, dict[str, Any]]) -> None:
    """Deliver a browser click message through the Submit button's comm."""
    comm = next(c for c in comms if c.comm_id == form.submit_button.comm.comm_id)
    comm.handle_msg({"content": {"data": {"method": "custom", "content": {
        "event": "submit", "fields": {str(k): v for k, v in fields.items()}}}},
        "buffers": []})


@pytest.fixture
def form(widget_comms: list[Any]) -> InterruptForm:
    return InterruptForm({"value": "fill", "id": "i1", "response_schema": SCHEMA})


def test_dom_values_sent_with_the_click_win_over_lagging_kernel_values(
        form: InterruptForm, widget_comms: list[Any]) -> None:
    sent: list[dict[str, Any]] = []
    form.on_submit(sent.append)
    form.value = {"text": "Edited tex", "count": 1, "ratio": 0.5, "ok": False, "mode": "a"}
    ids = _ids(form)
    _click(form, widget_comms, {
        ids["text"]: {"value": "Edited text"}, ids["count"]: {"value": "12"},
        ids["ratio"]: {"value": "2.5"}, ids["ok"]: {"checked": True},
        ids["mode"]: {"index": 2}})
    assert sent == [{"i1": {"text": "Edited text", "count": 12, "ratio": 2.5, "ok": True,
                            "mode": "c"}}]
    # The fields now show (and Python reads) what was sent.
    assert form.value == sent[0]["i1"]


def test_click_with_invalid_dom_values_sends_nothing_and_says_why(
        form: InterruptForm, widget_comms: list[Any]) -> None:
    sent: list[Any] = []
    form.on_submit(sent.append)
    form.value = {"text": "x", "count": 1, "ratio": 0.5, "ok": False, "mode": "a"}
    ids = _ids(form)
    _click(form, widget_comms, {ids["text"]: {"value": ""}, ids["count"]: {"value": "1.5"}})
    assert sent == []
    fields = form.parts[0].field.fields
    assert "Enter a whole number" in error_texts(fields["count"])
    _click(form, widget_comms, {ids["count"]: {"value": ""}})
    assert "Required." in error_texts(fields["count"])  # emptied: no answer given
    _click(form, widget_comms, {ids["count"]: {"value": "-3"}})
    assert sent == []
    assert "must not be empty" in error_texts(fields["text"])
    assert "at least 0" in error_texts(fields["count"])
    assert "problems to fix" in form._status.value


def test_disabled_form_ignores_clicks_and_submit(form: InterruptForm,
                                                  widget_comms: list[Any]) -> None:
    sent: list[Any] = []
    form.on_submit(sent.append)
    form.value = {"text": "x", "count": 1, "ratio": 0.5, "ok": False, "mode": "a"}
    form.disabled = True
    assert form.submit_button.disabled
    assert all(f.input.disabled for f in form.parts[0].field.fields.values())
    _click(form, widget_comms, {})
    assert form.submit() is None and sent == []
    form.disabled = False
    assert not form.submit_button.disabled
    assert form.submit() == {"i1": form.value} and len(sent) == 1


def test_every_input_has_a_unique_field_class_and_the_form_its_root_class(
        widget_comms: list[Any]) -> None:
    form = InterruptForm([{"value": {"a": 1, "b": "x", "c": [True]}, "id": "i1"},
                          {"value": "text", "id": "i2"}])
    assert "hitl-form" in form._dom_classes
    seen: list[str] = []
    for part in form.parts:
        assert "hitl-part" in part.widget._dom_classes
        for f in part.field.walk():
            for w in f._owned:
                seen += [c for c in getattr(w, "_dom_classes", ()) if c.startswith("hitl-field-")]
    assert len(seen) == len(set(seen)) == 4  # a, b, c[0] and i2's text area
    # The classes are synced to the browser with each widget's state.
    states = []
    for c in widget_comms:
        state: dict[str, Any] = {}
        for m in c.messages:
            state.update((m["data"] or {}).get("state", {}))
        states.append(state)
    assert sum(1 for s in states for c in s.get("_dom_classes", [])
               if c.startswith("hitl-field-")) == 4


def test_dom_ids_match_the_field_classes(form: InterruptForm) -> None:
    ids = form.dom_ids()
    assert set(ids) == {("i1", (k,)) for k in ("text", "count", "ratio", "ok", "mode")}
    for (_, loc), [n] in ids.items():
        field = form.parts[0].field.fields[str(loc[0])]
        assert f"hitl-field-{n}" in field.input._dom_classes


def test_python_click_twin_without_browser(form: InterruptForm) -> None:
    sent: list[Any] = []
    form.on_submit(sent.append)
    form.value = {"text": "x", "count": 1, "ratio": 0.5, "ok": False, "mode": "a"}
    form.submit_button.click()
    assert len(sent) == 1
    form.on_submit(sent.append, remove=True)
    form.submit()
    assert len(sent) == 1


def test_stock_widget_fallback_for_unknown_field_kinds(widget_comms: list[Any]) -> None:
    form = InterruptForm({"value": None, "id": "i1", "response_schema": {
        "type": "object", "additionalProperties": {"type": "string"}}})
    mapping = form.parts[0].field
    mapping.add("k", "v")
    key_input = mapping.entries[0][0]
    n = int(next(c for c in key_input._dom_classes if c.startswith("hitl-field-"))[11:])
    _click(form, widget_comms, {n: {"value": "renamed"}})
    assert form.value == {"renamed": "v"}
    assert isinstance(key_input, W.Text)


def test_date_picker_takes_the_browser_reading(widget_comms: list[Any]) -> None:
    form = InterruptForm({"value": None, "id": "d", "response_schema": {
        "type": "string", "format": "date"}})
    [n] = form.dom_ids()[("d", ())]
    _click(form, widget_comms, {n: {"value": "2026-12-24"}})
    assert form.value == "2026-12-24"
    _click(form, widget_comms, {n: {"value": ""}})  # an incomplete date reads empty
    assert form.value == "" and "Not a valid date" in form.errors[0]["msg"]


def test_what_the_browser_cannot_show_exactly_is_not_an_edit(widget_comms: list[Any]) -> None:
    big = 2**60 + 1
    form = InterruptForm({"value": {"id": big, "text": "a\r\nb"}, "id": "x"})
    ids = _ids(form)
    # The browser shows the nearest double and "\n" line breaks; that is not an edit.
    _click(form, widget_comms, {ids["id"]: {"value": str(int(float(big)))},
                                ids["text"]: {"value": "a\nb"}})
    assert form.value == {"id": big, "text": "a\r\nb"}
    assert form.changes() == [] and form.errors == []
    _click(form, widget_comms, {ids["id"]: {"value": "7"}, ids["text"]: {"value": "a\nc"}})
    assert form.value == {"id": 7, "text": "a\nc"}


def test_number_typed_as_a_whole_number_stays_an_int(widget_comms: list[Any]) -> None:
    form = InterruptForm({"value": {"price": 3}, "id": "p", "response_schema": {
        "type": "object", "properties": {"price": {"type": "number"}}, "required": ["price"]}})
    form.value = {"price": 3}
    [n] = form.dom_ids()[("p", ("price",))]
    _click(form, widget_comms, {n: {"value": "4"}})
    assert form.value == {"price": 4} and isinstance(form.value["price"], int)
    _click(form, widget_comms, {n: {"value": "4.5"}})
    assert form.value == {"price": 4.5}
