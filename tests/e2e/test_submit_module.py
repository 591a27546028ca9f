"""The Submit button's front-end module (`hitl_widgets/forms/submit.js`) in real Chromium.

The module is loaded as the browser loads it, rendered into a page laid out as ipywidgets
lays out a form (a `.hitl-form` whose inputs carry `hitl-field-<n>` classes, numbered by a
real `InterruptForm`), and driven with real clicks and keys. What it sends is then delivered
to that form's Submit button through its comm, as a kernel receives it. No Jupyter host here:
tests/e2e/test_hosts.py does the same inside JupyterLab, Notebook 7 and Voila.
"""

from __future__ import annotations

import base64
import html
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from hitl_widgets.forms import InterruptForm, SubmitButton

pytestmark = pytest.mark.e2e

SCHEMA = {"type": "object", "properties": {
    "text": {"type": "string", "minLength": 1},
    "count": {"type": "integer", "minimum": 0},
    "ok": {"type": "boolean"},
    "mode": {"enum": ["a", "b", "c"]},
}, "required": ["text", "count", "ok", "mode"]}

INPUTS = {
    "text": '<input type="text" value="Edited tex">',
    "count": '<input type="number" value="1">',
    "ok": '<input type="checkbox">',
    "mode": "<select><option>a</option><option>b</option><option>c</option></select>",
}

# A stand-in for anywidget's model: what `render` reads, and every message it sends.
RENDER = """async ([url]) => {
  const state = { description: "Submit", disabled: false };
  const listeners = {};
  window.__sent = [];
  window.__model = {
    get: (key) => state[key],
    set: (key, value) => {
      state[key] = value;
      (listeners["change:" + key] || []).forEach((f) => f());
    },
    on: (event, f) => { (listeners[event] ||= []).push(f); },
    off: () => {},
    send: (message) => window.__sent.push(message),
  };
  const module = await import(url);
  module.default.render({ model: window.__model, el: document.querySelector("#submit") });
}"""


def _page_for(form: InterruptForm) -> str:
    """The form's fields as ipywidgets lays them out: a label box, then the input's box."""
    rows = []
    for (_, loc), [n] in form.dom_ids().items():
        key = str(loc[0])
        rows.append(f'<div class="widget-html"><div class="hitl-label">{html.escape(key)}</div>'
                    f'</div><div class="widget-inline-hbox hitl-field-{n}">{INPUTS[key]}</div>')
    return (f'<div class="hitl-form">{"".join(rows)}<div id="submit"></div></div>')


def _deliver(form: InterruptForm, comms: list[Any], message: dict[str, Any]) -> None:
    """Hand the module's message to the form's Submit button as its comm receives it."""
    comm = next(c for c in comms if c.comm_id == form.submit_button.comm.comm_id)
    comm.handle_msg({"content": {"data": {"method": "custom", "content": message}},
                     "buffers": []})


@pytest.fixture
def loaded(page: Page, widget_comms: list[Any]) -> tuple[Page, InterruptForm]:
    page.route("**/*", lambda route: route.abort())  # nothing leaves this page
    form = InterruptForm({"value": "fill", "id": "i1", "response_schema": SCHEMA})
    form.value = {"text": "Edited tex", "count": 1, "ok": False, "mode": "a"}  # lagging
    page.set_content(_page_for(form))
    source = base64.b64encode(SubmitButton._esm.encode()).decode()
    page.evaluate(RENDER, [f"data:text/javascript;base64,{source}"])
    return page, form


def test_a_click_sends_what_the_page_shows_and_the_form_answers_it(
    loaded: tuple[Page, InterruptForm], widget_comms: list[Any]
) -> None:
    page, form = loaded
    sent: list[Any] = []
    form.on_submit(sent.append)
    page.get_by_label("text").fill("Edited text")
    page.get_by_label("count").fill("12")
    page.get_by_label("ok").check()
    page.get_by_label("mode").select_option("c")
    page.get_by_role("button", name="Submit").click()
    [message] = page.evaluate("window.__sent")
    ids = {str(loc[0]): str(n) for (_, loc), [n] in form.dom_ids().items()}
    assert message == {"event": "submit", "fields": {
        ids["text"]: {"value": "Edited text"}, ids["count"]: {"value": "12"},
        ids["ok"]: {"checked": True}, ids["mode"]: {"index": 2}}}
    _deliver(form, widget_comms, message)
    assert sent == [{"i1": {"text": "Edited text", "count": 12, "ok": True, "mode": "c"}}]


def test_ctrl_enter_in_a_field_submits_and_a_disabled_button_does_not(
    loaded: tuple[Page, InterruptForm],
) -> None:
    page, _form = loaded
    field = page.get_by_label("text")
    field.fill("by keyboard")
    field.press("Control+Enter")
    expect(page.get_by_role("button", name="Submit")).to_be_enabled()
    assert [m["event"] for m in page.evaluate("window.__sent")] == ["submit"]
    page.evaluate("window.__model.set('disabled', true)")
    expect(page.get_by_role("button", name="Submit")).to_be_disabled()
    field.press("Control+Enter")
    page.get_by_role("button", name="Submit").click(force=True)
    assert len(page.evaluate("window.__sent")) == 1


def test_each_label_becomes_the_label_of_its_input(loaded: tuple[Page, InterruptForm]) -> None:
    page, _form = loaded
    for key in INPUTS:
        label = page.locator("label", has_text=key)
        expect(label).to_have_count(1)
        target = label.get_attribute("for")
        assert target and page.locator(f"[id='{target}']").count() == 1
    label = page.locator("label", has_text="text")
    label.click()
    expect(page.get_by_role("textbox")).to_be_focused()
