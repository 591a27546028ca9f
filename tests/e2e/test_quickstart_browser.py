"""The quickstart in a real browser: Run All, edit the pre-filled field, Submit, new state.

JupyterLab and Voila, driven by Playwright with Debian's chromium (BROWSER_TESTS.md).
"""

from __future__ import annotations

import html
import json
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.hosts import local_only
from tests.e2e.jupyter_servers import Server

pytestmark = pytest.mark.e2e

LAB_NOTEBOOK = VOILA_NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "quickstart.ipynb"
LONG = 90_000  # Lab's JavaScript takes 6-9 s to load on 2 busy cores
ANSWER = "Edited in the browser <b>not bold</b>"


def _answer_and_check(page: Page, typed: bool) -> None:
    """Answer the view left waiting, and check the widget and the static record."""
    view = page.locator(".hw-thread-view").first
    expect(view).to_contain_text("interrupted", timeout=LONG)
    form = view.locator(".hitl-form")
    field = form.locator("textarea, input[type='text']").first
    expect(field).to_have_value("original text", timeout=LONG)
    if typed:
        # Key by key, then Submit at once: the click must carry what the screen shows.
        field.fill("")
        field.press_sequentially(ANSWER, delay=0)
    else:
        field.fill(ANSWER)
    form.locator("button.hitl-submit").click()
    # The answer shows as typed: its markup is text, not HTML.
    state = view.locator(".hw-root").filter(has_text=ANSWER).first
    expect(state).to_be_visible(timeout=30_000)
    expect(view).to_contain_text("idle", timeout=30_000)
    assert page.locator(".jp-Dialog").count() == 0


def _saved_record(server: Server, url: str) -> str:
    """The text/html outputs of the notebook file as JupyterLab saved it."""
    name = url.split("/lab/tree/", 1)[1].split("?", 1)[0]
    nb = json.loads((server.root_dir / name).read_text())
    return "".join("".join(o.get("data", {}).get("text/html", "")) for c in nb["cells"]
                   for o in c.get("outputs", []))


def test_lab_run_all_edit_submit(page: Page, lab_notebook: str, jupyter_lab: Server) -> None:
    local_only(page)
    page.goto(lab_notebook)
    expect(page.locator("#jp-main-statusbar")).to_contain_text(
        "Python 3 (ipykernel) | Idle", timeout=LONG)
    page.locator("#jp-menu-panel").get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()
    # The last cell answered its own view from code (what CI does) ...
    expect(page.locator(".jp-OutputArea-output").filter(
        has_text="idle {'some_text': 'Edited text'}")).to_be_visible(timeout=LONG)
    # ... and the first view waits for the person.
    _answer_and_check(page, typed=False)
    # The static record beside the widget was rewritten too (readable without a kernel).
    record = page.locator(".jp-OutputArea-output").filter(has_text="Review record").filter(
        has_text=ANSWER)
    expect(record.first).to_contain_text("edited", timeout=30_000)
    # Saved, the notebook keeps that record: readable without a kernel (nbconvert, GitHub).
    deadline = time.monotonic() + 45
    while True:
        # The menu, not Ctrl+S: the focus is in a widget, which keeps shortcuts from Lab.
        # Right after a click in the output, the first menu action can be lost: retry.
        page.locator("#jp-menu-panel").get_by_role("menuitem", name="File", exact=True).click()
        page.get_by_role("menuitem", name=re.compile(r"^Save Notebook")).first.click()
        page.wait_for_timeout(1500)
        saved = _saved_record(jupyter_lab, lab_notebook)
        if "edited" in saved and html.escape(ANSWER) in saved:
            break
        assert time.monotonic() < deadline, f"the saved notebook lacks the record: {saved[-800:]}"
        page.keyboard.press("Escape")


def test_voila_typed_key_by_key_is_what_is_sent(page: Page, voila_app: Server) -> None:
    local_only(page)
    page.goto(f"{voila_app.base_url}/?token={voila_app.token}")
    _answer_and_check(page, typed=True)
    # The graph picture's fallback drawing shows where Mermaid does not (Voila).
    view = page.locator(".hw-thread-view").first
    view.get_by_role("tab", name="Graph").click()
    expect(view.locator("svg .hw-node-visited").first).to_be_visible(timeout=30_000)
