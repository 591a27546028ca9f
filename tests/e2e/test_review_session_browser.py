"""The review session as a standalone Voila page: open a pending document, answer it in the
form, and the inbox moves on to the next one by itself (Playwright, Debian's chromium)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, Route, expect

from tests.e2e.jupyter_servers import Server

pytestmark = pytest.mark.e2e

VOILA_NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "review_session.ipynb"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
LONG = 90_000  # the page runs the whole notebook (30 documents) before it shows


def _local_only(page: Page) -> None:
    def route(r: Route) -> None:
        if re.match(r"https?://127\.0\.0\.1[:/]", r.request.url):
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)


def test_voila_review_page_answers_and_moves_on(page: Page, voila_app: Server) -> None:
    _local_only(page)
    page.goto(f"{voila_app.base_url}/?token={voila_app.token}")
    inbox = page.locator(".hw-inbox").first
    # The notebook's last cells answered the three oldest from code: 27 are left.
    expect(inbox).to_contain_text("27 pending · 3 answered", timeout=LONG)
    rows = inbox.locator("select[multiple]")
    expect(rows.locator("option")).to_have_count(10)
    rows.select_option(index=[0])
    inbox.get_by_role("button", name="Open").click()
    view = inbox.locator(".hw-thread-view")
    expect(view).to_contain_text("interrupted", timeout=30_000)
    [opened] = re.findall(UUID, view.first.inner_text())[:1]
    view.locator("input[type='checkbox']").first.check()  # approved
    view.locator("button.hitl-submit").click()
    expect(inbox).to_contain_text("26 pending · 4 answered", timeout=30_000)
    # The next pending document is open, in place.
    expect(view).to_contain_text("interrupted", timeout=30_000)
    expect(view).not_to_contain_text(opened)
    assert re.findall(UUID, view.first.inner_text())
