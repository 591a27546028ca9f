"""The quickstart in a real browser: Run All, edit the pre-filled field, Submit, new state.

JupyterLab and Voila, driven by Playwright with Debian's chromium (BROWSER_TESTS.md).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.jupyter_servers import Server

pytestmark = pytest.mark.e2e

LAB_NOTEBOOK = VOILA_NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "quickstart.ipynb"
LONG = 90_000  # Lab's JavaScript takes 6-9 s to load on 2 busy cores
ANSWER = "Edited in the browser <b>not bold</b>"


def _local_only(page: Page) -> None:
    def route(r: Route) -> None:
        if re.match(r"https?://127\.0\.0\.1[:/]", r.request.url):
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)


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


def test_lab_run_all_edit_submit(page: Page, lab_notebook: str) -> None:
    _local_only(page)
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
    expect(record.first).to_contain_text("accepted", timeout=30_000)


def test_voila_typed_key_by_key_is_what_is_sent(page: Page, voila_app: Server) -> None:
    _local_only(page)
    page.goto(f"{voila_app.base_url}/?token={voila_app.token}")
    _answer_and_check(page, typed=True)
