"""The decision log's parts one by one: what an answer changed, who may claim, what a loser
hears, and the memory log's claim / holder / settle / search.

tests/runtime/test_decisions.py drives the same through clients and graphs; these pin each
rule down exactly, so that a flipped comparison or a dropped line fails a test
(benchmarks/mutation.sh measures that).
"""

from __future__ import annotations

from typing import Any

import pytest
from langgraph_sdk.errors import ConflictError, NotFoundError

from hitl_widgets.runtime.claims import default_reviewer
from hitl_widgets.runtime.decisions import (
    FORKED,
    LIVE_OUTCOMES,
    MemoryDecisions,
    answer_changes,
    loser_error,
    new_decision,
    pending_ids,
    refusal,
)
from hitl_widgets.runtime.records import MemoryRecords

# --- what an answer changed ---------------------------------------------------------------


def test_an_unchanged_answer_changes_nothing() -> None:
    proposal = {"a": 1, "b": {"c": ["x", 2]}}
    assert answer_changes(proposal, {"a": 1, "b": {"c": ["x", 2]}}) == []


def test_dict_changes_leaf_by_leaf_removed_then_added_in_order() -> None:
    before = {"a": 1, "b": {"c": "x"}, "r": 2}
    after = {"n": 3, "a": 1, "b": {"c": "y"}}
    assert answer_changes(before, after) == [
        {"loc": ["b", "c"], "kind": "changed", "before": "x", "after": "y"},
        {"loc": ["r"], "kind": "removed", "before": 2, "after": None},
        {"loc": ["n"], "kind": "added", "before": None, "after": 3},
    ]


def test_same_length_lists_by_index_other_lengths_whole() -> None:
    assert answer_changes([1, 2, 3], [1, 5, 3]) == [
        {"loc": [1], "kind": "changed", "before": 2, "after": 5}]
    assert answer_changes([1], [1, 2]) == [
        {"loc": [], "kind": "changed", "before": [1], "after": [1, 2]}]


@pytest.mark.parametrize(("before", "after"), [(1, 1.0), (True, 1), ("x", {"x": 1}),
                                               ({"t": "x"}, "x"), ([1], {"0": 1})])
def test_another_type_is_replaced_even_when_equal(before: Any, after: Any) -> None:
    assert answer_changes(before, after) == [
        {"loc": [], "kind": "replaced", "before": before, "after": after}]


def test_changes_are_located_under_the_given_prefix() -> None:
    assert answer_changes({"k": 1}, {"k": 2}, ("decisions", 0)) == [
        {"loc": ["decisions", 0, "k"], "kind": "changed", "before": 1, "after": 2}]


def test_new_decision_is_claimed_with_its_changes() -> None:
    row = new_decision(thread_id="t", interrupt_id="i", run_id="r", graph_id="g",
                       reviewer="ana", at="2026-12-04T10:42:07+00:00",
                       value={"text": "a"}, answer={"text": "b"})
    decision_id = row.pop("decision_id")
    assert isinstance(decision_id, str) and len(decision_id) >= 32
    assert row == {"thread_id": "t", "interrupt_id": "i", "run_id": "r", "graph_id": "g",
                   "reviewer": "ana", "at": "2026-12-04T10:42:07+00:00",
                   "value": {"text": "a"}, "answer": {"text": "b"},
                   "changes": [{"loc": ["text"], "kind": "changed", "before": "a",
                                "after": "b"}],
                   "outcome": "claimed", "error": None,
                   # The proposal (the field the answer shares with the question), the edit
                   # from it to the answer, and what the decision was; made by code until a
                   # view stages what it showed.
                   "proposal": {"text": "a"},
                   "edits": [{"loc": ["text"], "kind": "changed", "before": "a",
                              "after": "b"}],
                   "verdict": "edited", "shown_sha256": None, "shown_matches": None,
                   "checkpoint_id": None, "comment": None, "origin": "code",
                   "reviewer_source": "client"}
    given = new_decision(thread_id="t", interrupt_id="i", run_id="r", graph_id=None,
                         reviewer="ana", at="x", value="a", answer="b", changes=[])
    assert given["changes"] == []  # what the form said, not a diff


# --- who may claim --------------------------------------------------------------------------


def _thread(status: str = "interrupted", **groups: list[str] | None) -> dict[str, Any]:
    return {"thread_id": "t", "status": status, "interrupts": {
        task: None if ids is None else [{"id": i, "value": None} for i in ids]
        for task, ids in groups.items()}}


def test_pending_ids_over_every_task() -> None:
    assert pending_ids(_thread(a=["1"], b=["2", "3"], c=None)) == {"1", "2", "3"}
    assert pending_ids({"thread_id": "t"}) == set()
    assert pending_ids({"thread_id": "t", "interrupts": None}) == set()


def test_refusal_names_the_first_reason() -> None:
    assert refusal(None, "t", ["1"], check_pending=True) == "missing"
    assert refusal(_thread("busy", a=["1"]), "t", ["1"], check_pending=True) == "busy"
    assert refusal(_thread(a=["1"]), "t", ["1", "2"], check_pending=True) == "not pending"
    assert refusal(_thread(a=["1"]), "t", ["1", "2"], check_pending=False) is None
    assert refusal(_thread(a=["1", "2"]), "t", ["2", "1"], check_pending=True) is None


def test_a_loser_hears_who_answered_and_when() -> None:
    holder = {"interrupt_id": "1", "reviewer": "ana", "at": "2026-12-04T10:42:07.5+00:00",
              "outcome": "resumed"}
    error = loser_error("t", ["1"], holder, "not pending", _thread(a=["3", "2"]))
    assert isinstance(error, ConflictError)
    assert str(error) == (
        "thread t: interrupt(s) 1 are not pending: already answered by ana at 10:42:07 UTC "
        "(resumed); pending: 2, 3. Nothing was applied; refresh the thread to see where it "
        "is now.")
    assert error.body == {"detail": str(error), "thread_id": "t", "interrupt_ids": ["1"],
                          "pending_interrupt_ids": ["2", "3"], "answered_by": "ana",
                          "answered_at": "2026-12-04T10:42:07.5+00:00"}
    exact = loser_error("t", ["1"], {**holder, "at": "2026-12-04T10:42:07"}, "busy", None)
    assert "at 10:42:07 UTC" in str(exact)  # 19 characters: the clock part still
    short = loser_error("t", ["1"], {**holder, "at": "10:42"}, "busy", None)
    assert "at 10:42 UTC" in str(short) and "pending: none." in str(short)


def test_a_loser_without_a_holder_hears_why() -> None:
    missing = loser_error("t", ["1"], None, "missing")
    assert isinstance(missing, NotFoundError)
    assert str(missing) == "thread t not found (deleted while it was being answered?)"
    busy = loser_error("t", ["1"], None, "busy")
    assert isinstance(busy, ConflictError) and str(busy).startswith("thread t is busy (")
    stale = loser_error("t", ["1", "2"], None, "not pending")
    assert isinstance(stale, ConflictError)
    assert str(stale).startswith("thread t: interrupt(s) 1, 2 are no longer pending; ")
    assert stale.body["interrupt_ids"] == ["1", "2"]


# --- the memory log -------------------------------------------------------------------------


def _log(*threads: dict[str, Any]) -> tuple[MemoryRecords, MemoryDecisions]:
    records = MemoryRecords()
    for thread in threads:
        records.put_thread(thread)
    return records, MemoryDecisions(records)


def _row(interrupt_id: str, run_id: str, reviewer: str = "ana", at: str = "2026-12-04T10:00:00",
         thread_id: str = "t") -> dict[str, Any]:
    return new_decision(thread_id=thread_id, interrupt_id=interrupt_id, run_id=run_id,
                        graph_id="g", reviewer=reviewer, at=at, value="q", answer="a")


def test_a_claim_marks_the_thread_busy_and_holds_the_interrupt() -> None:
    records, log = _log(_thread(a=["1", "2"]))
    log.claim("t", [_row("1", "r1")])
    assert records.get_thread("t")["status"] == "busy"  # type: ignore[index]
    held = log.holder("t", ["1"])
    assert held is not None and held["run_id"] == "r1" and held["outcome"] == "claimed"
    assert log.holder("t", ["2"]) is None
    with pytest.raises(ConflictError, match="already answered by ana"):
        log.claim("t", [_row("1", "r2", reviewer="bob")])
    assert [d["run_id"] for d in log.search()] == ["r1"]


def test_a_settled_claim_holds_until_forked_and_an_error_releases() -> None:
    records, log = _log(_thread(a=["1"]))
    log.claim("t", [_row("1", "r1")])
    log.settle("r1", "resumed")
    records.patch_thread("t", _thread(a=["2"]))  # the graph went on to its next question
    assert log.holder("t", ["1"])["outcome"] == "resumed"  # type: ignore[index]
    log.refuse_answered(_thread(a=["2"]), [])  # nothing named: nothing to refuse
    log.refuse_answered(_thread(a=["2"]), ["2"])  # still pending: the claim decides
    with pytest.raises(ConflictError, match=r"already answered by ana .*\(resumed\)"):
        log.refuse_answered(records.get_thread("t"), ["1"])  # type: ignore[arg-type]
    log.claim("t", [_row("1", "r2", reviewer="bob")], check_pending=False)  # a fork
    assert [(d["run_id"], d["outcome"]) for d in log.search()] == [
        ("r1", FORKED), ("r2", "claimed")]
    log.settle("r2", "error", "boom")
    records.patch_thread("t", {"status": "interrupted"})
    assert log.holder("t", ["1"]) is None
    assert log.search(reviewer="bob") == [{**_row("1", "r2", reviewer="bob"),
                                            "decision_id": log.search()[1]["decision_id"],
                                            "outcome": "error", "error": "boom"}]
    assert "error" not in LIVE_OUTCOMES and FORKED not in LIVE_OUTCOMES


def test_a_claim_whose_run_ended_unrecorded_is_released_when_next_claimed() -> None:
    records, log = _log(_thread(a=["1"]))
    log.claim("t", [_row("1", "r1")])
    records.patch_thread("t", {"status": "interrupted"})  # its run ended, nothing settled
    assert log.holder("t", ["1"]) is None
    log.claim("t", [_row("1", "r2")])
    assert [(d["run_id"], d["outcome"], d["error"]) for d in log.search()] == [
        ("r1", "error", "its run ended without recording an outcome"), ("r2", "claimed", None)]


def test_claims_refused_on_a_missing_busy_or_answered_thread() -> None:
    records, log = _log(_thread(a=["1"]), {**_thread("busy", a=["1"]), "thread_id": "b"})
    with pytest.raises(NotFoundError, match="thread gone not found"):
        log.claim("gone", [_row("1", "r", thread_id="gone")])
    with pytest.raises(ConflictError, match="thread b is busy"):
        log.claim("b", [_row("1", "r", thread_id="b")])
    with pytest.raises(ConflictError, match=r"interrupt\(s\) 9 are no longer pending"):
        log.claim("t", [_row("9", "r")])
    assert log.search() == []
    assert records.get_thread("t")["status"] == "interrupted"  # type: ignore[index]


def test_search_filters_by_thread_reviewer_and_time() -> None:
    _records, log = _log(_thread(a=["1"]), {**_thread(a=["2"]), "thread_id": "u"})
    log.claim("t", [_row("1", "r1", reviewer="ana", at="2026-12-04T10:00:00")])
    log.claim("u", [_row("2", "r2", reviewer="bob", at="2026-12-04T11:00:00", thread_id="u")])
    runs = lambda **f: [d["run_id"] for d in log.search(**f)]  # noqa: E731
    assert runs() == ["r1", "r2"]
    assert runs(thread_id="u") == ["r2"] and runs(reviewer="ana") == ["r1"]
    assert runs(since="2026-12-04T11:00:00") == ["r2"]  # inclusive
    assert runs(since="2026-12-04T11:00:01") == []
    assert runs(thread_id="t", reviewer="bob") == []


def test_a_memory_log_keeps_the_newest_settled_decisions_and_every_claim() -> None:
    from hitl_widgets.runtime.decisions import KEPT_DECISIONS

    threads = [{**_thread(a=["1"]), "thread_id": f"t{n}"} for n in range(KEPT_DECISIONS + 2)]
    records, log = _log(*threads)
    log.claim("t0", [_row("1", "r0", thread_id="t0")])  # never settled: its run holds it
    for n in range(1, KEPT_DECISIONS + 1):
        log.claim(f"t{n}", [_row("1", f"r{n}", thread_id=f"t{n}")])
        log.settle(f"r{n}", "resumed")
    kept = [d["run_id"] for d in log.search()]
    assert len(kept) == KEPT_DECISIONS + 1 and kept[0] == "r0"  # the oldest is a live claim
    log.settle("r0", "resumed")
    last = KEPT_DECISIONS + 1
    log.claim(f"t{last}", [_row("1", f"r{last}", thread_id=f"t{last}")])
    kept = [d["run_id"] for d in log.search()]
    assert len(kept) == KEPT_DECISIONS and kept[0] == "r2" and kept[-1] == f"r{last}"
    assert log.search(thread_id="t1") == [] and log.holder("t0", ["1"]) is None
    assert records.get_thread(f"t{last}")["status"] == "busy"  # type: ignore[index]


# --- the reviewer's name --------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ana\x00", "ana\x1f", "ana\x7f", "a\nb"])
def test_a_reviewer_with_control_characters_is_refused(name: str) -> None:
    with pytest.raises(ValueError, match="contains control characters; give a plain name"):
        default_reviewer(name)


def test_a_reviewer_is_kept_as_given_but_trimmed() -> None:
    assert default_reviewer("  Ana <b> ~ é  ") == "Ana <b> ~ é"
    with pytest.raises(ValueError, match="reviewer must be a non-empty name"):
        default_reviewer("   ")


# --- how a resume's run ended, through a client ----------------------------------------------


def test_answering_an_answered_question_names_who_answered_it_and_starts_no_run() -> None:
    from hitl_widgets import get_sync_client
    from tests.graphs.scenarios import SCENARIOS

    client = get_sync_client(graphs=SCENARIOS, reviewer="ana")
    tid = client.threads.create()["thread_id"]
    [first] = client.runs.wait(tid, "double", input={})["__interrupt__"]
    [second] = client.runs.wait(tid, "double",
                                command={"resume": {first["id"]: "Ada"}})["__interrupt__"]
    with pytest.raises(ConflictError, match=rf"^thread {tid}: interrupt\(s\) {first['id']} are "
                       r"not pending: already answered by ana at \d\d:\d\d:\d\d UTC "
                       rf"\(resumed\); pending: {second['id']}\.") as refused:
        client.runs.wait(tid, "double", command={"resume": {first["id"]: 99}})
    assert refused.value.body["answered_by"] == "ana"
    assert len(client.runs.list(tid)) == 2


def test_a_cancelled_resume_is_recorded_as_cancelled() -> None:
    import time

    from hitl_widgets import decisions, get_sync_client
    from tests.runtime.review_graphs import GRAPHS

    client = get_sync_client(graphs=GRAPHS, reviewer="ana")
    tid = client.threads.create()["thread_id"]
    [asked] = client.runs.wait(tid, "slow_review", input={"item": "doc"})["__interrupt__"]
    run = client.runs.create(tid, "slow_review", command={"resume": {"pause": 2}})
    hang_guard = time.monotonic() + 60  # not a bound on speed: only stops a hung run
    while [d["outcome"] for d in decisions(client)] != ["claimed"]:
        assert time.monotonic() < hang_guard, decisions(client)
        time.sleep(0.02)
    client.runs.cancel(tid, run["run_id"])
    client.runs.join(tid, run["run_id"])
    [decision] = decisions(client)
    assert (decision["interrupt_id"], decision["run_id"], decision["outcome"],
            decision["error"]) == (asked["id"], run["run_id"], "cancelled",
                                   "the run was cancelled")


def test_a_fork_answers_again_and_the_old_decision_says_forked() -> None:
    """A resume map on a fork is not refused as "already answered": the old decision is
    marked forked, the new one records the question as the fork's state asked it."""
    from hitl_widgets import decisions, get_sync_client
    from tests.graphs.scenarios import SCENARIOS

    client = get_sync_client(graphs=SCENARIOS, reviewer="ana")
    tid = client.threads.create()["thread_id"]
    [asked] = client.runs.wait(tid, "seed", input={"some_text": "draft"})["__interrupt__"]
    client.runs.wait(tid, "seed", command={"resume": {asked["id"]: "first"}})
    [paused] = [h for h in client.threads.get_history(tid, limit=10) if h["interrupts"]]
    fork = paused["checkpoint"]["checkpoint_id"]
    result = client.runs.wait(tid, "seed", checkpoint_id=fork,
                              command={"resume": {asked["id"]: "second"}})
    assert result == {"some_text": "second"}
    log = decisions(client, thread_id=tid)
    assert [(d["answer"], d["outcome"]) for d in log] == [("first", FORKED),
                                                          ("second", "resumed")]
    assert log[1]["value"] == {"text_to_revise": "draft"}


def test_the_changes_a_view_sends_are_recorded_as_given() -> None:
    from hitl_widgets import decisions, get_sync_client
    from hitl_widgets.runtime.claims import CHANGES_KEY
    from tests.graphs.scenarios import SCENARIOS

    client = get_sync_client(graphs=SCENARIOS, reviewer="ana")
    tid = client.threads.create()["thread_id"]
    [asked] = client.runs.wait(tid, "seed", input={"some_text": "draft"})["__interrupt__"]
    given = [{"loc": ["text"], "kind": "changed", "before": "draft", "after": "final"}]
    client.runs.wait(tid, "seed", command={"resume": {asked["id"]: "final"}},
                     metadata={CHANGES_KEY: {asked["id"]: given}})
    [decision] = decisions(client, thread_id=tid)
    assert decision["changes"] == given  # not a diff of the question and the answer


def test_a_resume_whose_graph_answers_a_status_error_is_recorded_refused() -> None:
    from langgraph.graph import START, StateGraph
    from langgraph.types import interrupt

    from hitl_widgets import decisions, get_sync_client
    from hitl_widgets.runtime.errors import conflict

    def ask(state: dict[str, Any]) -> dict[str, Any]:
        interrupt("send it?")
        raise conflict("the mail server refused the message")

    builder = StateGraph(dict)
    builder.add_node("ask", ask)
    builder.add_edge(START, "ask")
    client = get_sync_client(graphs={"mail": builder.compile()}, reviewer="ana")
    tid = client.threads.create()["thread_id"]
    [asked] = client.runs.wait(tid, "mail", input={"x": 1})["__interrupt__"]
    with pytest.raises(ConflictError, match="the mail server refused the message"):
        client.runs.wait(tid, "mail", command={"resume": {asked["id"]: "yes"}})
    [decision] = decisions(client, thread_id=tid)
    assert (decision["outcome"], decision["error"]) == (
        "refused", "the mail server refused the message")
