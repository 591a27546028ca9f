"""The review record names each decision for what the reviewer did — accepted, edited,
rejected, responded, ignored — derived from the question, the proposal and the answer."""

from __future__ import annotations

from typing import Any

import pytest

from hitl_widgets.views.record import Decision, ReviewRecord, what_happened
from hitl_widgets.views.state_view import for_people

BATCH = {"action_requests": [{"name": "send_email", "args": {}},
                             {"name": "delete_file", "args": {}}], "review_configs": []}


def _d(question: Any, answer: Any, proposal: Any = None, outcome: str = "accepted") -> Decision:
    return Decision("2026-12-04T10:00:00+00:00", "i", "human_node", question, answer, outcome,
                    proposal=proposal)


@pytest.mark.parametrize(("decision", "words"), [
    # A text offered for revision: kept, or changed.
    (_d({"text_to_revise": "t"}, "t", "t"), "accepted"),
    (_d({"text_to_revise": "t"}, "Edited text", "t"), "edited"),
    # A typed answer from the schema's defaults: the reviewer's own.
    (_d({"request": "A table"}, {"name": "Ada", "guests": 4}, {"name": "Ada"}), "responded"),
    # A proposed field kept (and others filled in), or changed.
    (_d({"document": "d", "proposed_label": "letter"}, {"label": "letter", "approved": True},
        {"label": "letter"}), "accepted"),
    (_d({"document": "d", "proposed_label": "letter"}, {"label": "spam", "approved": False},
        {"label": "letter"}), "edited"),
    # Tool calls, per call and batched: an edit and a reject are not "accepted".
    (_d(BATCH, {"decisions": [{"type": "edit", "edited_action": {}},
                              {"type": "reject", "message": "no"}]}),
     "edited send_email, rejected delete_file"),
    (_d({"type": "tool_approval", "name": "delete_file"}, {"type": "respond", "message": "m"}),
     "responded delete_file"),
    (_d({"type": "tool_approval", "name": "send_email"}, {"type": "approve"}),
     "accepted send_email"),
    # Agent Inbox.
    (_d([{"action_request": {}}], [{"type": "ignore", "args": None}]), "ignored"),
    # Not applied: said why.
    (_d("q", "a", outcome="stale"), "not applied: answered elsewhere"),
    (_d("q", "a", outcome="failed"), "failed"),
])
def test_named_for_what_happened(decision: Decision, words: str) -> None:
    assert what_happened(decision) == words


def test_the_record_reads_as_text_not_json() -> None:
    decision = Decision("2026-12-04T10:00:00+00:00", "i", "human_node",
                        {"text_to_revise": "original text"}, "Edited text", "accepted",
                        asked="Review the text to revise", proposal="original text")
    html = ReviewRecord("t", "agent", decisions=[decision]).to_html()
    assert "Review the text to revise" in html and "edited" in html
    assert "{" not in html.split("<details>", 1)[0].split("</style>")[-1]  # no JSON, no repr
    assert "human_node" not in html  # the node is not what was asked
    answered = Decision("2026-12-04T10:00:00+00:00", "i", "n", {"q": 1},
                        {"label": "letter", "approved": True}, "accepted")
    text = ReviewRecord("t", "agent", decisions=[answered]).to_html()
    assert "Label: letter · Approved: true" in text


def test_tool_decisions_read_as_what_was_done_to_each_call() -> None:
    answer = {"decisions": [
        {"type": "edit", "edited_action": {"name": "send_email", "args": {
            "to": "team@example.com", "body": "We ship on Monday."}}},
        {"type": "reject", "message": "Keep the file."}]}
    decision = Decision("2026-12-04T10:00:00+00:00", "i", "n", BATCH, answer, "accepted",
                        asked="send_email, delete_file")
    html = ReviewRecord("t", "agent", decisions=[decision]).to_html()
    assert ("send_email edited: To: team@example.com · Body: We ship on Monday. / "
            "delete_file rejected: Keep the file.") in html
    assert "edited send_email, rejected delete_file" in html
    assert '"type"' not in html and "{" not in html.split("</style>")[-1].split("<details>")[0]


def test_bookkeeping_keys_stay_out_of_the_readable_state() -> None:
    values = {"messages": [], "hitl_edited_tool_calls": {"call-email": {}}}
    assert for_people(values) == {"messages": []}
    record = ReviewRecord("t", "agent", values=values)
    assert "hitl_edited_tool_calls" not in record.to_html()
