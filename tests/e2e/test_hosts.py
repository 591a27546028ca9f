"""Every host a user has — JupyterLab, Notebook 7 and Voila — in a real browser.

In each: the quickstart run and answered by typing key by key and clicking at once (what
reaches the kernel is what the screen showed); a typed form refusing an answer on its field,
fixed and submitted; a tool-call review edited and approved; the review session's inbox
answering a document and moving to the next one. After each decision the review record on
the page agrees with it (Voila ignores display updates sent after a cell ended).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.hosts import HOSTS, Opened, open_notebook
from tests.e2e.jupyter_servers import REVIEW_DB, REVIEWER, Server

pytestmark = pytest.mark.e2e
DOCS = Path(__file__).parents[2] / "docs"
ANSWER = "Edited in the browser <b>not bold</b>"
THREAD_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
DOCUMENT = re.compile(r"Document\s\d+:")  # \s: the inbox's rows have no-break spaces


@pytest.fixture(params=HOSTS)
def host(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _server(request: pytest.FixtureRequest, host: str) -> Server:
    name = "voila_tree" if host == "voila" else "jupyter_lab"
    server: Server = request.getfixturevalue(name)
    return server


@pytest.fixture
def quickstart(page: Page, host: str, request: pytest.FixtureRequest) -> Iterator[Opened]:
    yield from open_notebook(page, host, "quickstart.ipynb", _server(request, host))


@pytest.fixture
def typed(page: Page, host: str, request: pytest.FixtureRequest) -> Iterator[Opened]:
    yield from open_notebook(page, host, "typed_answers.ipynb", _server(request, host))


@pytest.fixture
def tools(page: Page, host: str, request: pytest.FixtureRequest) -> Iterator[Opened]:
    yield from open_notebook(page, host, "tool_call_review.ipynb", _server(request, host))


@pytest.fixture
def review(page: Page, host: str, request: pytest.FixtureRequest) -> Iterator[Opened]:
    yield from open_notebook(page, host, "review_session.ipynb", _server(request, host))


def _record_agrees(view: object, *texts: str) -> None:
    """The record the page shows (inside the live view) says what happened; its static
    copy, which a host may have left stale, is hidden."""
    live = view.locator(".hw-live-record")  # type: ignore[attr-defined]
    for text in texts:
        expect(live).to_contain_text(text, timeout=30_000)
    expect(live).not_to_contain_text("No decision made yet")
    page = view.page  # type: ignore[attr-defined]
    for static in page.locator(".hw-static-record").all():
        expect(static).to_be_hidden()


def test_quickstart_typed_key_by_key_and_clicked_at_once(page: Page, quickstart: Opened) -> None:
    view = page.locator(".hw-thread-view").first
    expect(view).to_contain_text("interrupted", timeout=90_000)
    form = view.locator(".hitl-form")
    field = form.locator("textarea, input[type='text']").first
    expect(field).to_have_value("original text", timeout=90_000)
    field.fill("")
    field.press_sequentially(ANSWER, delay=0)
    form.locator("button.hitl-submit").click()  # at once: the click carries the screen
    expect(view.locator(".hw-root").filter(has_text=ANSWER).first).to_be_visible(
        timeout=30_000)
    expect(view.locator(".widget-html").filter(has_text="status").first).to_contain_text(
        "idle", timeout=30_000)
    _record_agrees(view, "edited", "status idle", ANSWER)  # the proposed text, edited
    if quickstart.host == "lab" and os.environ.get("HITL_UPDATE_SCREENSHOT"):
        view.screenshot(path=str(DOCS / "quickstart.png"))


def test_typed_form_refuses_on_the_field_then_submits(page: Page, typed: Opened) -> None:
    view = page.locator(".hw-thread-view").first
    expect(view).to_contain_text("interrupted", timeout=90_000)
    # Every field has a real label: found by role and name.
    name = page.get_by_role("textbox", name="Name").first
    guests = page.get_by_role("textbox", name="Guests").first  # required, no default: empty
    expect(name).to_be_visible(timeout=30_000)
    name.fill("Ada")
    guests.fill("20")
    page.get_by_label("Day").first.fill("2026-11-27")
    view.locator("button.hitl-submit").first.click()
    expect(view.locator(".hitl-error").first).to_contain_text("at most 12", timeout=30_000)
    guests.fill("4")
    if typed.host == "lab":
        guests.press("Control+Enter")  # the keyboard submits (and does not re-run the cell)
    else:
        view.locator("button.hitl-submit").first.click()
    # The next question (the starter, a TypedDict) is asked, and takes the focus.
    dish = page.get_by_role("textbox", name="Name").first
    expect(view).to_contain_text("One dish of the menu.", timeout=30_000)  # what it asks
    expect(dish).to_be_focused(timeout=30_000)
    _record_agrees(view, "responded", "Ada")  # a typed answer of the reviewer's own


def test_tool_call_review_edit_and_approve(page: Page, tools: Opened) -> None:
    view = page.locator(".hw-thread-view").first
    expect(view).to_contain_text("Review 2 tool calls", timeout=90_000)
    expect(view).to_contain_text("team@example.com")  # the arguments, as a table
    decision = page.get_by_role("combobox", name="Decision").first
    decision.select_option(label="Edit the arguments")
    body = page.get_by_role("textbox", name="Body").first
    expect(body).to_have_value("We ship on Friday.", timeout=30_000)
    body.fill("We ship on Monday.")
    # A call that deletes is never pre-selected: the reviewer chooses.
    page.get_by_role("combobox", name="Decision").nth(1).select_option(label="Reject")
    view.locator("button.hitl-submit").first.click()
    expect(view).to_contain_text("Done. Here is what happened", timeout=30_000)
    expect(view).to_contain_text("email sent to team@example.com")
    _record_agrees(view, "edited send_email, rejected delete_file", "We ship on Monday.")


def _thread_id(view: Locator) -> str:
    """The thread a view shows (its header names it first)."""
    found = THREAD_ID.search(view.locator("code").first.inner_text())
    assert found, view.inner_text()
    return found.group()


def _document(label: str) -> str:
    """Which document an inbox row is about (`Document 3:`)."""
    found = DOCUMENT.search(label)
    assert found, label
    return " ".join(found.group().split())


def _audit_log(db: Path) -> list[dict[str, Any]]:
    """The decisions the notebook's kernel wrote to its SQLite file, oldest first."""
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        rows = conn.execute("SELECT record FROM hitl_decisions ORDER BY at, decision_id")
        return [json.loads(record) for (record,) in rows]


def test_inbox_answers_and_moves_to_the_next_thread(page: Page, review: Opened) -> None:
    inbox = page.locator(".hw-inbox").first
    # The notebook's last cells answered the three oldest from code: 27 are left. Served by
    # Voila the notebook answers nothing itself: all 30 wait for the person at the page.
    answered = 0 if review.host == "voila" else 3
    pending = 30 - answered
    expect(inbox).to_contain_text(f"{pending} pending · {answered} answered", timeout=90_000)
    # The page line is written after the rows (the counts before them): the list is current.
    expect(inbox).to_contain_text(f"page 1 of 3 · {pending} thread(s)")
    expect(inbox).to_contain_text(f"reviewing as {REVIEWER}")
    rows = inbox.locator("select[multiple]")
    expect(rows.locator("option")).to_have_count(10)
    first, second = (_document(label) for label in rows.locator("option").all_inner_texts()[:2])
    rows.select_option(index=[0])
    inbox.get_by_role("button", name="Open").click()
    view = inbox.locator(".hw-thread-view").filter(has_text=first)
    expect(view).to_contain_text("interrupted", timeout=30_000)
    opened = _thread_id(view)
    view.get_by_role("combobox", name="Label").select_option("letter")
    view.get_by_role("checkbox", name="Approved").check()
    note = f"approved in {review.host}"
    view.get_by_role("textbox", name="Note").fill(note)
    view.locator("button.hitl-submit").click()
    expect(inbox).to_contain_text(f"{pending - 1} pending · {answered + 1} answered",
                                  timeout=30_000)
    # The next pending document opens in place of the answered one.
    following = inbox.locator(".hw-thread-view").filter(has_text=second)
    expect(following).to_contain_text("interrupted", timeout=30_000)
    expect(inbox.locator(".hw-thread-view")).to_have_count(1)
    upcoming = _thread_id(following)
    assert upcoming != opened
    # Its record is the one shown, and nothing on the page says the answered one waits.
    expect(following.locator(".hw-live-record")).to_contain_text(upcoming)
    records = page.locator(".hw-live-record, .hw-static-record")
    expect(records.filter(has_text=opened)).to_have_count(0)
    for static in page.locator(".hw-static-record").all():
        expect(static).to_be_hidden()
    # Back in the list, the answered document is gone and the next one leads.
    inbox.get_by_role("button", name="Back to the list").click()
    expect(rows).to_be_visible(timeout=30_000)
    expect(rows.locator("option")).to_have_count(10)
    expect(rows.locator("option").filter(has_text=first)).to_have_count(0)
    expect(rows.locator("option").first).to_contain_text(second)
    # The audit log on disk holds the decision, once, as made in the page.
    decided = [d for d in _audit_log(review.folder / REVIEW_DB) if d["thread_id"] == opened]
    assert [(d["reviewer"], d["outcome"]) for d in decided] == [(REVIEWER, "resumed")]
    assert decided[0]["answer"] == {"label": "letter", "approved": True, "note": note}


CONTRAST = """els => els.map(el => {
  const rgb = s => (s.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0);
  let node = el, bg = null;
  while (node && !bg) {
    const c = rgb(getComputedStyle(node).backgroundColor);
    if (c.length >= 3 && (c.length < 4 || c[3] > 0.5)) bg = c;
    node = node.parentElement;
  }
  const fg = rgb(getComputedStyle(el).color);
  const [a, b] = [lum(fg), lum(bg || [255, 255, 255])].sort((x, y) => y - x);
  return [el.className, el.textContent.slice(0, 30), (a + 0.05) / (b + 0.05)];
})"""


def test_views_read_well_in_the_dark_theme(page: Page, request: pytest.FixtureRequest) -> None:
    server: Server = request.getfixturevalue("jupyter_lab")
    for _opened in open_notebook(page, "lab", "quickstart.ipynb", server):
        view = page.locator(".hw-thread-view").first
        expect(view).to_contain_text("interrupted", timeout=90_000)
        theme = "window.jupyterapp.commands.execute('apputils:change-theme', {theme: '%s'})"
        page.evaluate(theme % "JupyterLab Dark")
        try:
            expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "false",
                                                           timeout=30_000)
            texts = view.locator(".hitl-label, .hw-key, .hw-str, .hw-live-record b, "
                                 ".hw-json, .widget-html-content b")
            expect(texts.first).to_be_visible()
            ratios = texts.evaluate_all(CONTRAST)
        finally:  # the setting outlives the page: the other tests run in the light theme
            page.evaluate(theme % "JupyterLab Light")
            expect(page.locator("body")).to_have_attribute("data-jp-theme-light", "true",
                                                           timeout=30_000)
        poor = [(cls, text, round(r, 2)) for cls, text, r in ratios if r < 4.5]
        assert ratios and not poor, poor
