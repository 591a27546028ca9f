"""The review screen in a real browser (Voila, the reviewers' app): one key per decision.

`voila notebooks/team_review.ipynb` in Debian's chromium: nothing is answered by the page
load; pressing `a` accepts the item shown with its own proposal, `x` rejects the next, each
with a confirmation and "n of N"; a key typed in the comment field decides nothing. The
decisions are in the file's audit trail as made on the screen.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.hosts import local_only
from tests.e2e.jupyter_servers import REVIEW_DB, REVIEWER, Server

pytestmark = pytest.mark.e2e

VOILA_NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "team_review.ipynb"
LONG = 90_000


def test_keys_decide_on_the_voila_page(page: Page, voila_app: Server) -> None:
    local_only(page)
    page.goto(f"{voila_app.base_url}/?token={voila_app.token}")
    screen = page.locator(".hw-review-screen").first
    expect(screen).to_contain_text("0 of 12", timeout=LONG)  # the page load answered nothing
    expect(screen).to_contain_text("Instructions")
    expect(screen.get_by_role("button", name="Accept [a]")).to_be_visible()
    # The table of items fits its box: no right edge past the page.
    widths = screen.locator(".hw-items").evaluate("e => [e.scrollWidth, e.clientWidth]")
    assert widths[0] <= widths[1] + 1, widths
    expect(screen.locator(".hw-items input[type=checkbox]")).to_have_count(12)
    # A key typed into the comment field is text, not a decision.
    comment = screen.get_by_role("textbox", name="Comment")
    comment.fill("")
    comment.press_sequentially("a checked one")
    expect(comment).to_have_value("a checked one")
    expect(screen).to_contain_text("0 of 12")
    screen.locator("h3").first.click()  # focus the screen itself (not a field, not a button)
    page.keyboard.press("a")
    expect(screen).to_contain_text("1 of 12", timeout=30_000)
    expect(screen).to_contain_text("✔ Accepted")
    page.keyboard.press("x")
    expect(screen).to_contain_text("2 of 12", timeout=30_000)
    expect(screen).to_contain_text("✔ Rejected")
    with closing(sqlite3.connect(f"file:{voila_app.root_dir / REVIEW_DB}?mode=ro",
                                 uri=True)) as conn:
        rows = [json.loads(r) for (r,) in conn.execute(
            "SELECT record FROM hitl_decisions ORDER BY at")]
    assert [(d["verdict"], d["origin"], d["reviewer"], d["comment"]) for d in rows] == [
        ("accepted", "screen", REVIEWER, "a checked one"), ("rejected", "screen", REVIEWER, None)]
    assert all(d["shown_matches"] for d in rows)
