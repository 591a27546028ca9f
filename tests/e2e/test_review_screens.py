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

#: What no reviewer should read anywhere in a review view: internal keys, developer
#: docstrings, Python reprs, LangGraph's step numbers, bad plurals, the middleware's node.
NEVER = [
    "hitl_edited_tool_calls", "ToolMessage", 'status="success"', "Tool execution requires",
    "Args: {", "step -1", "step 0 ", " 1 characters", "{'", "': '", "Interrupt(",
    "waiting at", "YYYY-MM-DD",
    "ApproveDecision", "Response when a human",
]


@pytest.fixture(params=HOSTS)
def host(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def browser_context_args() -> dict[str, object]:
    # Tall enough for a whole view: JupyterLab scrolls inside its own panel, where a
    # screenshot of an element cannot follow.
    return {"viewport": {"width": 1300, "height": 2200}}


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
    # No emoji: icons must render where no emoji font is installed.
    emoji = [c for c in text if ord(c) >= 0x1F000 or 0x2600 <= ord(c) <= 0x27BF]
    assert not emoji, f"emoji {emoji} in:\n{text}"
    # No cut fragment ("…d: send_email"): a shortened text starts at a whole word.
    assert not re.search(r"…\w", text), text


def _first_view(page: Page) -> Locator:
    view = page.locator(".hw-thread-view").first
    expect(view).to_contain_text("interrupted", timeout=LONG)
    return view


def _heading(view: Locator) -> str:
    """The form's first section heading: what is asked."""
    heading = view.locator(".hitl-part .hitl-heading").first
    expect(heading).to_be_visible(timeout=30_000)
    return heading.inner_text().strip()


def _selected(select: Locator) -> str:
    """The chosen option's text (ipywidgets writes its spaces as no-break spaces)."""
    return " ".join(str(select.evaluate("s => s.options[s.selectedIndex].text")).split())


def _options(select: Locator) -> list[str]:
    return [" ".join(str(t).split())
            for t in select.evaluate("s => [...s.options].map(o => o.text)")]


def test_quickstart_review_view(page: Page, host: str, request: pytest.FixtureRequest) -> None:
    for _opened in _open(page, host, "quickstart.ipynb", request):
        view = _first_view(page)
        field = view.locator(".hitl-form textarea").first
        expect(field).to_have_value("original text", timeout=LONG)  # the proposal
        text = _shoot(view, "quickstart", host)
        _reads_as_prose(text)
        assert _heading(view) == "Review the text to revise"
        assert "human_node" not in text  # the node asks; the heading says what
        field.fill("Edited in the browser")
        view.locator("button.hitl-submit").click()
        record = view.locator(".hw-live-record")
        expect(record).to_contain_text("Edited in the browser", timeout=30_000)
        expect(view.locator(".hw-del").first).to_be_visible()  # the red/green diff stays
        expect(view.locator(".hw-add").first).to_be_visible()
        text = _shoot(view, "quickstart-answered", host)
        _reads_as_prose(text)
        # Named for what happened: the proposed text was edited.
        assert re.search(r"Review the text to revise\s+Edited in the browser\s+edited", text), text


def test_typed_answers_review_view(page: Page, host: str,
                                   request: pytest.FixtureRequest) -> None:
    for _opened in _open(page, host, "typed_answers.ipynb", request):
        view = _first_view(page)
        name = page.get_by_role("textbox", name="Name").first
        expect(name).to_have_value("Ada", timeout=30_000)  # the schema's default
        text = _shoot(view, "typed_answers", host)
        _reads_as_prose(text)
        asked = "A table booking, as the reviewer confirms it."
        assert _heading(view) == asked and text.count(asked) == 1, text
        assert "at least 1 character\n" in text + "\n" and "from 1 to 12" in text, text
        # Nothing typed in Guests and Day: refused on the fields, nothing sent.
        view.locator("button.hitl-submit").first.click()
        expect(view).to_contain_text("2 problems to fix before submitting", timeout=30_000)
        errors = [t.strip() for t in view.locator(".hitl-error").all_inner_texts() if t.strip()]
        assert len(errors) >= 2 and "2 problems to fix before submitting" in errors[-1], errors
        text = _shoot(view, "typed_answers-errors", host)
        _reads_as_prose(text)
        assert "status interrupted" in text and "No decision made yet" in text


def test_tool_call_review_view(page: Page, host: str, request: pytest.FixtureRequest) -> None:
    for _opened in _open(page, host, "tool_call_review.ipynb", request):
        view = _first_view(page)
        expect(view).to_contain_text("Review 2 tool calls", timeout=LONG)
        per_call = page.locator(".hw-thread-view").nth(1)
        expect(per_call).to_contain_text("Review 2 tool calls", timeout=LONG)
        text = _shoot(view, "tool_call_review", host)
        _reads_as_prose(text)
        form = view.locator(".hitl-form").first.inner_text()
        # The progress line traces the graph's nodes; the form never names them.
        assert "after_model" not in form and "Middleware" not in form, form
        # Each tool with its purpose; each argument once, in a table.
        for said in ("send_email", "Sends an email to the team", "delete_file",
                     "Deletes a file for good", "team@example.com", "/data/old.csv"):
            assert form.count(said) == 1, (said, form)
        email, delete = (view.get_by_role("combobox", name="Decision").nth(i) for i in (0, 1))
        assert _selected(email) == "Approve"  # described and harmless
        assert _selected(delete) == "Choose a decision…"  # it deletes: the reviewer chooses
        # The per-call form offers the same choices under the same labels.
        by_call = per_call.get_by_role("combobox", name="Decision")
        assert _options(by_call.nth(0))[-3:] == _options(email)[-3:]
        assert _options(by_call.nth(1))[-3:] == _options(delete)[-3:]
        per_call_text = _shoot(per_call, "tool_call_review-per_call", host)
        _reads_as_prose(per_call_text)
        view.locator("button.hitl-submit").first.click()
        expect(view).to_contain_text("1 problem to fix before submitting", timeout=30_000)
        expect(view).to_contain_text("Choose what to do with delete_file.")
        assert "status interrupted" in view.inner_text()  # nothing sent


def test_teaching_review_view(page: Page, host: str, request: pytest.FixtureRequest) -> None:
    for _opened in _open(page, host, "teaching.ipynb", request):
        view = _first_view(page)
        text = _shoot(view, "teaching", host)
        _reads_as_prose(text)
        assert _heading(view) == "Publish this draft?" and text.count("Publish this draft?") == 1
        view.get_by_role("tab", name="History").click()
        steps = view.locator(".hw-timeline, select").filter(has_text="step").first
        expect(steps).to_contain_text("step 1 · input", timeout=30_000)
        text = _shoot(view, "teaching-history", host)
        _reads_as_prose(text)
        view.get_by_role("tab", name="Graph").click()
        text = _shoot(view, "teaching-graph", host)
        _reads_as_prose(text)


def test_remote_server_review_view(page: Page, host: str,
                                   request: pytest.FixtureRequest) -> None:
    for _opened in _open(page, host, "remote_server.ipynb", request):
        view = _first_view(page)
        expect(view.locator(".hitl-form textarea").first).to_have_value("original text",
                                                                         timeout=LONG)
        text = _shoot(view, "remote_server", host)
        _reads_as_prose(text)
        assert _heading(view) == "Review the text to revise"


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
        assert _heading(view) == "What the reviewer answers."
        # The agent's proposed label is pre-filled (a letter, unless a total is due).
        label = view.get_by_role("combobox", name="Label")
        assert _selected(label) == ("invoice" if "total due" in text else "letter"), text
        assert "Proposed label" not in text  # said once: in the field it fills
