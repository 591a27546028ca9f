"""What a view adds to the audit trail (what it showed, at which checkpoint, who, a comment),
where the reviewer's name comes from, and the trail rendered as a table a person reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import hitl_widgets
from hitl_widgets import get_client
from hitl_widgets.runtime.audit_trail import shown_digest
from hitl_widgets.views.identity import Identity, IdentityProbe, reviewer_identity
from hitl_widgets.views.queue.audit_table import AuditTable, edits_text
from tests.graphs.scenarios import SCENARIOS

pytestmark = pytest.mark.anyio


async def _asked(client: Any, text: str) -> str:
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "seed", input={"some_text": text})
    return str(tid)


async def test_a_form_answer_records_what_was_shown_where_and_by_whom(
        client: Any, widget_comms: list) -> None:
    tid = await _asked(client, "text 0")
    view = hitl_widgets.ThreadView(client, tid, "seed")
    await view.wait()
    state = await client.threads.get_state(tid)
    [asked] = state["interrupts"]
    view.session.identity = Identity("Ana <Lima>", "jupyter-server")
    view.session.comment = "fixed the typo"
    view.form.value = "text 0, reviewed"
    view.submit()
    await view.wait()
    [d] = hitl_widgets.decisions(client)
    assert (d["origin"], d["comment"], d["reviewer"], d["reviewer_source"]) == (
        "form", "fixed the typo", "Ana <Lima>", "jupyter-server")
    assert d["shown_sha256"] == shown_digest(asked["id"], asked["value"])
    assert d["shown_matches"] is True
    assert d["checkpoint_id"] == state["checkpoint"]["checkpoint_id"]
    assert (d["verdict"], d["proposal"]) == ("edited", "text 0")
    # The comment goes with one answer only.
    assert view.session.comment is None


async def test_an_answer_from_code_is_marked_as_code(client: Any) -> None:
    tid = await _asked(client, "x")
    await client.runs.wait(tid, "seed", command={"resume": "x"})
    [d] = hitl_widgets.decisions(client)
    assert (d["origin"], d["reviewer_source"], d["shown_sha256"]) == ("code", "client", None)


def test_the_reviewer_is_named_explicitly_by_the_server_by_the_hub_or_by_the_client(
        monkeypatch: pytest.MonkeyPatch) -> None:
    client = get_client(graphs=SCENARIOS, reviewer="os-ana")
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    assert reviewer_identity(client) == Identity("os-ana", "client")
    monkeypatch.setenv("JUPYTERHUB_USER", "hub-ana")
    assert reviewer_identity(client) == Identity("hub-ana", "jupyterhub")
    assert reviewer_identity(client, server_user="lab-ana") == Identity("lab-ana",
                                                                        "jupyter-server")
    assert reviewer_identity(client, "Ana", server_user="x") == Identity("Ana", "explicit")
    with pytest.raises(ValueError, match="control characters"):
        reviewer_identity(client, "ana\x1b[31m")


def test_the_identity_probe_reports_what_the_page_read(widget_comms: list) -> None:
    probe = IdentityProbe()
    seen: list[str] = []
    probe.on_user(seen.append)
    # What the browser sends once api/me answered.
    probe._handle_msg({"content": {"data": {"method": "update", "state": {"user": "ana"}}}})
    assert probe.user == "ana" and seen == ["ana"]
    assert "api/me" in probe._esm


async def test_the_audit_table_reads_as_a_table_and_says_the_trail_is_intact(
        tmp_path: Path, widget_comms: list) -> None:
    client = get_client(graphs=SCENARIOS, checkpointer=tmp_path / "t.sqlite",
                        reviewer="bob <b>&</b>")
    try:
        for text, answer in (("a", "a"), ("b", "B <script>")):
            tid = await _asked(client, text)
            await client.runs.wait(tid, "seed", command={"resume": answer})
        table = AuditTable(client)
        html = table.table.value.split("</style>")[1]
        assert html.count("<tr>") == 3  # the header and two decisions, newest first
        assert html.index("edited") < html.index("accepted")
        assert "bob &lt;b&gt;&amp;&lt;/b&gt;" in html and "<script>" not in html
        assert "answer: b → B &lt;script&gt;" in html
        assert "Trail verified: 4 row(s)" in table.status.value
        assert "{" not in html  # cells read as text, not dicts
        log = client.runtime.backend.decision_log
        with log._lock:  # the file changed behind the log's back
            import sqlite3

            with sqlite3.connect(tmp_path / "t.sqlite") as conn:
                conn.execute("DROP TRIGGER hitl_audit_no_delete")
                conn.execute("DELETE FROM hitl_audit WHERE seq = 2")
        table.refresh()
        assert "tampered" in table.status.value and "row 3" in table.status.value
    finally:
        await client.aclose()


def test_edits_read_as_field_before_and_after() -> None:
    assert edits_text([{"loc": ["label"], "kind": "changed", "before": "invoice",
                        "after": "letter"}]) == "label: invoice → letter"
