"""The audit trail as evidence: append-only rows chained by hash, a verdict per decision read
from question, proposal and answer, what a view showed, and ``verify()`` finding a changed,
removed or cut row in memory, a SQLite file and PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from hitl_widgets import decisions, get_sync_client
from hitl_widgets.client.audit import audit_trail, stage_review, verify_trail
from hitl_widgets.runtime.audit_trail import GENESIS, shown_digest
from hitl_widgets.runtime.verdicts import judge, proposal_of
from tests.ci import require_module
from tests.graphs.scenarios import SCENARIOS

LABEL = {"document": "total due 120 EUR", "proposed_label": "invoice"}
CALLS = {"action_requests": [{"name": "send", "args": {"to": "a"}},
                             {"name": "pay", "args": {"eur": 5}}],
         "review_configs": []}
INBOX = [{"action_request": {"action": "send", "args": {"to": "a"}}, "description": "d",
          "config": {}}]

VERDICT_CASES = [
    ("label kept", LABEL, {"label": "invoice", "approved": True}, "accepted"),
    ("label changed", LABEL, {"label": "letter", "approved": True}, "edited"),
    ("not approved", LABEL, {"label": "invoice", "approved": False}, "rejected"),
    ("text kept", {"text_to_revise": "abc"}, "abc", "accepted"),
    ("text revised", {"text_to_revise": "abc"}, "abd", "edited"),
    ("yes", "Proceed?", True, "accepted"),
    ("no", "Proceed?", False, "rejected"),
    ("no proposal", {"question": "why?"}, {"reason": "because"}, "responded"),
    ("calls approved", CALLS, {"decisions": [{"type": "approve"}, {"type": "approve"}]},
     "accepted"),
    ("one call edited", CALLS, {"decisions": [
        {"type": "edit", "edited_action": {"name": "send", "args": {"to": "b"}}},
        {"type": "approve"}]}, "edited"),
    ("one call rejected", CALLS, {"decisions": [
        {"type": "edit", "edited_action": {"name": "send", "args": {"to": "b"}}},
        {"type": "reject", "message": "no"}]}, "rejected"),
    ("inbox accept", INBOX, [{"type": "accept", "args": None}], "accepted"),
    ("inbox edit as is", INBOX, [{"type": "edit", "args": {"action": "send",
                                                            "args": {"to": "a"}}}], "accepted"),
    ("inbox edit", INBOX, [{"type": "edit", "args": {"action": "send", "args": {"to": "z"}}}],
     "edited"),
    ("inbox respond", INBOX, [{"type": "response", "args": "later"}], "responded"),
    ("inbox ignore", INBOX, [{"type": "ignore", "args": None}], "ignored"),
]


@pytest.mark.parametrize(("value", "answer", "verdict"), [c[1:] for c in VERDICT_CASES],
                         ids=[c[0] for c in VERDICT_CASES])
def test_the_verdict_is_read_from_question_proposal_and_answer(value: Any, answer: Any,
                                                               verdict: str) -> None:
    assert judge(value, answer) == verdict


def test_the_proposal_is_what_the_agent_put_forward() -> None:
    assert proposal_of(LABEL, {"label": "x"}) == {"label": "invoice"}
    assert proposal_of(CALLS) == [{"name": "send", "args": {"to": "a"}},
                                  {"name": "pay", "args": {"eur": 5}}]
    assert proposal_of(INBOX) == {"to": "a"}
    assert proposal_of({"question": "why?"}, {"reason": "x"}) is None


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_db"))
    return None if request.param == "memory" else str(tmp_path / "trail.sqlite")


@pytest.fixture
def client(store: str | None) -> Any:
    with get_sync_client(graphs=SCENARIOS, checkpointer=store, reviewer="ana") as c:
        yield c


def _asked(client: Any, text: str) -> tuple[str, str]:
    tid = client.threads.create()["thread_id"]
    client.runs.wait(tid, "seed", input={"some_text": text})
    [items] = client.threads.get(tid)["interrupts"].values()
    return tid, str(items[0]["id"])


def test_each_decision_and_each_outcome_is_appended_and_chained(client: Any) -> None:
    t1, i1 = _asked(client, "first")
    client.runs.wait(t1, "seed", command={"resume": {i1: "first"}})
    t2, i2 = _asked(client, "second")
    client.runs.wait(t2, "seed", command={"resume": {i2: "changed"}})
    rows = audit_trail(client)
    assert [(r["seq"], r["kind"], r["thread_id"]) for r in rows] == [
        (1, "decision", t1), (2, "outcome", t1), (3, "decision", t2), (4, "outcome", t2)]
    # Settling appended an outcome row; the decision row still says "claimed", as written.
    assert rows[0]["data"]["outcome"] == "claimed" and rows[1]["data"]["outcome"] == "resumed"
    assert [rows[i]["prev"] for i in (1, 2, 3)] == [rows[i]["hash"] for i in (0, 1, 2)]
    found = verify_trail(client)
    assert found == {"ok": True, "rows": 4, "head": rows[-1]["hash"], "problems": []}
    log = decisions(client)
    assert [(d["verdict"], d["outcome"], d["origin"]) for d in log] == [
        ("accepted", "resumed", "code"), ("edited", "resumed", "code")]
    assert log[1]["proposal"] == "second" and log[1]["edits"] == [
        {"loc": [], "kind": "changed", "before": "second", "after": "changed"}]


def test_what_a_view_staged_goes_into_the_decision_it_sent(client: Any) -> None:
    tid, iid = _asked(client, "draft")
    value = client.threads.get(tid)["interrupts"]
    [[shown]] = value.values()
    context = {"shown_sha256": shown_digest(iid, shown["value"]), "checkpoint_id": "cp-1",
               "comment": "typo <fixed> & checked", "origin": "form",
               "reviewer": "Ana Lima", "reviewer_source": "jupyterhub"}
    assert stage_review(client, tid, iid, "draft!", context)
    client.runs.wait(tid, "seed", command={"resume": {iid: "draft!"}})
    [d] = decisions(client)
    assert (d["origin"], d["comment"], d["checkpoint_id"], d["shown_matches"]) == (
        "form", "typo <fixed> & checked", "cp-1", True)
    assert (d["reviewer"], d["reviewer_source"], d["client_reviewer"]) == (
        "Ana Lima", "jupyterhub", "ana")
    assert audit_trail(client)[0]["data"]["comment"] == "typo <fixed> & checked"


def test_a_staged_context_for_another_answer_or_another_question_is_not_used(client: Any
                                                                             ) -> None:
    tid, iid = _asked(client, "draft")
    stage_review(client, tid, iid, "what the form had", {"origin": "form",
                                                         "shown_sha256": "0" * 64})
    client.runs.wait(tid, "seed", command={"resume": {iid: "what code sent"}})
    [d] = decisions(client)
    assert (d["origin"], d["shown_sha256"], d["shown_matches"]) == ("code", None, None)
    t2, i2 = _asked(client, "other")
    stage_review(client, t2, i2, "x", {"origin": "form", "shown_sha256": "0" * 64})
    client.runs.wait(t2, "seed", command={"resume": {i2: "x"}})
    assert decisions(client, thread_id=t2)[0]["shown_matches"] is False  # not what was asked


def _tamper(client: Any, store: str | None, seq: int, how: str) -> None:
    """Change or remove one trail row behind the log's back, as a person with the file would."""
    if store is None:
        rows = client.runtime.backend.decision_log._trail
        if how == "change":
            rows[seq - 1]["data"] = {**rows[seq - 1]["data"], "answer": "forged"}
        else:
            del rows[seq - 1]
        return
    if store.startswith("postgresql"):
        import psycopg

        with psycopg.connect(store, autocommit=True) as conn:
            if how == "change":
                [(blob,)] = conn.execute("SELECT record FROM hitl_audit WHERE seq = %s",
                                         (seq,)).fetchall()
                row = json.loads(bytes(blob))
                row["data"]["answer"] = "forged"
                conn.execute("UPDATE hitl_audit SET record = %s WHERE seq = %s",
                             (json.dumps(row).encode(), seq))
            else:
                conn.execute("DELETE FROM hitl_audit WHERE seq = %s", (seq,))
        return
    with sqlite3.connect(store) as conn:
        # The file refuses both; someone who means it drops the guard first.
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            conn.execute("DELETE FROM hitl_audit WHERE seq = ?", (seq,))
        conn.execute("DROP TRIGGER hitl_audit_no_update")
        conn.execute("DROP TRIGGER hitl_audit_no_delete")
        if how == "change":
            [(blob,)] = conn.execute("SELECT record FROM hitl_audit WHERE seq = ?",
                                     (seq,)).fetchall()
            row = json.loads(bytes(blob))
            row["data"]["answer"] = "forged"
            conn.execute("UPDATE hitl_audit SET record = ? WHERE seq = ?",
                         (json.dumps(row).encode(), seq))
        else:
            conn.execute("DELETE FROM hitl_audit WHERE seq = ?", (seq,))


def _three_decisions(client: Any) -> None:
    for text in ("a", "b", "c"):
        tid, iid = _asked(client, text)
        client.runs.wait(tid, "seed", command={"resume": {iid: text.upper()}})


@pytest.mark.parametrize("how", ["change", "remove"])
def test_verify_names_a_changed_or_removed_row(client: Any, store: str | None,
                                               how: str) -> None:
    _three_decisions(client)
    assert verify_trail(client)["ok"]
    _tamper(client, store, 3, how)
    found = verify_trail(client)
    assert not found["ok"]
    if how == "change":
        assert found["problems"][0] == ("row 3: its content does not match its hash "
                                        "(changed after it was written)")
    else:
        assert found["problems"][0].startswith("row 4: follows row 2")


def test_a_kept_head_finds_rows_cut_from_the_end(client: Any, store: str | None) -> None:
    _three_decisions(client)
    head = verify_trail(client)["head"]
    _tamper(client, store, 6, "remove")
    assert verify_trail(client)["ok"]  # the chain alone cannot see a cut end
    found = verify_trail(client, head=head)
    assert not found["ok"] and "rows were cut from its end" in found["problems"][0]


def test_exports_jsonl_csv_and_the_corrected_items(client: Any, tmp_path: Path) -> None:
    _three_decisions(client)
    log = decisions(client)
    lines = log.to_jsonl(tmp_path / "log.jsonl").splitlines()
    assert [json.loads(line)["answer"] for line in lines] == ["A", "B", "C"]
    header = log.to_csv().splitlines()[0].split(",")
    assert header[:4] == ["at", "reviewer", "thread_id", "interrupt_id"]
    assert {"verdict", "proposal", "edits", "comment", "origin", "reviewer_source"} <= set(
        header)
    assert [(c["input"], c["proposal"], c["answer"]) for c in log.corrected()] == [
        ({"text_to_revise": t}, t, t.upper()) for t in "abc"]


def test_parquet_without_pyarrow_says_how_to_get_it(client: Any, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    _three_decisions(client)
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *rest: None
                        if name == "pyarrow" else real_find_spec(name, *rest))
    with pytest.raises(ImportError, match=r"^to_parquet\(\) needs pyarrow: pip install pyarrow"):
        decisions(client).to_parquet(tmp_path / "log.parquet")
    assert not (tmp_path / "log.parquet").exists()


def test_parquet_holds_the_decisions(client: Any, tmp_path: Path) -> None:
    require_module("pyarrow", "pip install -e '.[test]' (it holds pyarrow)")
    import pandas as pd

    _three_decisions(client)
    decisions(client).to_parquet(tmp_path / "log.parquet")
    frame = pd.read_parquet(tmp_path / "log.parquet")
    assert [json.loads(v) for v in frame["answer"]] == ["A", "B", "C"]


@pytest.mark.slow
@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_two_processes_racing_leave_one_unbroken_chain(tmp_path: Path, database: str,
                                                        request: pytest.FixtureRequest) -> None:
    """Two reviewers' processes answer the same 20 threads at once: every row they append
    lands in one chain (no fork, no gap), one decision and one outcome per thread."""
    import subprocess
    import sys

    from tests.runtime.test_decisions import RACER, ROOT, _asked, _interrupted

    path = (str(request.getfixturevalue("postgres_db")) if database == "postgres"
            else str(tmp_path / "race.sqlite"))
    setup = get_sync_client(graphs=SCENARIOS, checkpointer=path, reviewer="lead")
    tids = _interrupted(setup, "seed", 20)
    (tmp_path / "pairs.json").write_text(json.dumps([(t, _asked(setup, t)) for t in tids]))
    go = tmp_path / "go"
    racers = [subprocess.Popen([sys.executable, "-c", RACER, path, name,
                                str(tmp_path / "pairs.json"), str(go)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
              for name in ("ana", "bob")]
    for proc in racers:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", (
            proc.stderr.read() if proc.stderr else "")
    go.touch()
    for proc in racers:
        _out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
    rows = audit_trail(setup)
    assert [r["seq"] for r in rows] == list(range(1, 41))
    assert sorted((r["thread_id"], r["kind"]) for r in rows) == sorted(
        [(t, "decision") for t in tids] + [(t, "outcome") for t in tids])
    assert verify_trail(setup)["ok"]
    setup.close()


def test_the_head_is_the_newest_rows_hash() -> None:
    with get_sync_client(graphs=SCENARIOS, reviewer="ana") as client:
        log = client.runtime.backend.decision_log
        assert log.head() == GENESIS
        for text in ("one", "two"):
            tid, iid = _asked(client, text)
            client.runs.wait(tid, "seed", command={"resume": {iid: text}})
        rows = log.trail()
        assert log.head() == rows[-1]["hash"] != rows[-2]["hash"]


def test_a_memory_trail_that_lost_its_first_row_fails_unless_it_dropped_it_itself(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from hitl_widgets.runtime import decisions as log_module

    with get_sync_client(graphs=SCENARIOS, reviewer="ana") as client:
        log = client.runtime.backend.decision_log
        tid, iid = _asked(client, "one")
        client.runs.wait(tid, "seed", command={"resume": {iid: "one"}})
        log._trail.popleft()  # someone removed the oldest row
        assert not log.verify()["ok"]
    monkeypatch.setattr(log_module, "KEPT_TRAIL_ROWS", 3)
    with get_sync_client(graphs=SCENARIOS, reviewer="ana") as client:
        log = client.runtime.backend.decision_log
        for text in ("one", "two"):
            tid, iid = _asked(client, text)
            client.runs.wait(tid, "seed", command={"resume": {iid: text}})
        rows = log.trail()
        assert [r["seq"] for r in rows] == [2, 3, 4]  # memory keeps the newest rows only
        assert log.verify()["ok"]  # the log dropped them itself, and says nothing is wrong
