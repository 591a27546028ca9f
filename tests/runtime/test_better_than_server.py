"""Where the real LangGraph Server answers badly, we answer clearly and change nothing.

Each test names the server's answer (checked against a live server in
``test_differential.py``) and asserts ours: a ``langgraph_sdk.errors`` class, a message
naming the thread and interrupt ids with what to do, and the thread left answerable.
"""

from __future__ import annotations

from typing import Any

import pytest
from langgraph_sdk.errors import ConflictError, NotFoundError, UnprocessableEntityError

from hitl_widgets import GraphRunError


def _interrupted(client: Any, graph: str, input: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    tid = client.threads.create()["thread_id"]
    return tid, client.runs.wait(tid, graph, input=input)["__interrupt__"]


def _unchanged(client: Any, tid: str, before: dict[str, Any]) -> None:
    after = client.threads.get_state(tid)
    assert after["checkpoint"] == before["checkpoint"]
    assert after["interrupts"] == before["interrupts"]
    assert client.threads.get(tid)["status"] == "interrupted"


def test_resume_with_nothing_pending(sync_client: Any) -> None:
    """Server: a bare TypeError and the thread left broken. Ours: 409, thread untouched."""
    tid = sync_client.threads.create()["thread_id"]
    sync_client.runs.wait(tid, "seed", input={"some_text": "a"})
    sync_client.runs.wait(tid, "seed", command={"resume": "b"})
    before = sync_client.threads.get_state(tid)
    with pytest.raises(ConflictError, match=f"thread {tid} has no pending interrupt") as caught:
        sync_client.runs.wait(tid, "seed", command={"resume": "again"})
    assert caught.value.status_code == 409
    assert sync_client.threads.get_state(tid)["checkpoint"] == before["checkpoint"]
    assert sync_client.threads.get(tid)["status"] == "idle"
    assert sync_client.runs.wait(tid, "seed", input={"some_text": "new"})["__interrupt__"]


def test_resume_map_with_an_unknown_interrupt_id(sync_client: Any) -> None:
    """Server: the unknown id is silently ignored. Ours: 409 listing the pending ids."""
    tid, [pending] = _interrupted(sync_client, "seed", {"some_text": "a"})
    before = sync_client.threads.get_state(tid)
    bogus = "0" * 32
    with pytest.raises(ConflictError, match=rf"{bogus} are not pending.*pending: {pending['id']}") as caught:
        sync_client.runs.wait(tid, "seed", command={"resume": {bogus: "x"}})
    assert caught.value.body["pending_interrupt_ids"] == [pending["id"]]
    _unchanged(sync_client, tid, before)
    assert sync_client.runs.wait(tid, "seed", command={"resume": {pending["id"]: "ok"}}) == {"some_text": "ok"}


def test_resume_map_with_an_already_answered_interrupt(sync_client: Any) -> None:
    """Server: the old id's answer is applied to the node's *next* question. Ours: 409."""
    tid, [first] = _interrupted(sync_client, "double", {})
    [second] = sync_client.runs.wait(tid, "double", command={"resume": {first["id"]: "Ada"}})["__interrupt__"]
    before = sync_client.threads.get_state(tid)
    with pytest.raises(ConflictError, match=rf"{first['id']} are not pending.*pending: {second['id']}"):
        sync_client.runs.wait(tid, "double", command={"resume": {first["id"]: 99}})
    _unchanged(sync_client, tid, before)
    assert sync_client.runs.wait(tid, "double", command={"resume": {second["id"]: 36}}) == {"name": "Ada", "age": 36}


def test_scalar_resume_with_several_pending(sync_client: Any) -> None:
    """Server: the thread is put in ``error``. Ours: 409 listing the ids; still interrupted."""
    tid, pending = _interrupted(sync_client, "parallel", {"topic": "t"})
    before = sync_client.threads.get_state(tid)
    with pytest.raises(ConflictError, match="2 pending interrupts") as caught:
        sync_client.runs.wait(tid, "parallel", command={"resume": "one answer"})
    assert sorted(caught.value.body["pending_interrupt_ids"]) == sorted(i["id"] for i in pending)
    for interrupt in pending:
        assert interrupt["id"] in str(caught.value)
    _unchanged(sync_client, tid, before)


def test_typed_resume_that_fails_the_response_schema(sync_client: Any) -> None:
    """Server: a ValidationError inside the run. Ours: 422 with the field errors; nothing saved."""
    tid, [pending] = _interrupted(sync_client, "typed", {"some_text": "a"})
    before = sync_client.threads.get_state(tid)
    with pytest.raises(UnprocessableEntityError, match="approved") as caught:
        sync_client.runs.wait(tid, "typed", command={"resume": {"approved": "maybe"}})
    [error] = caught.value.body["errors"]
    assert error["interrupt_id"] == pending["id"] and error["loc"] == ["approved"]
    _unchanged(sync_client, tid, before)
    assert sync_client.runs.wait(tid, "typed", command={"resume": {"approved": False, "comment": "no"}})[
        "comment"
    ] == "no"


def test_batch_with_one_invalid_answer_applies_nothing(sync_client: Any) -> None:
    """LangGraph applies the valid half of a batch. Ours: 422 and neither answer is applied."""
    tid, pending = _interrupted(sync_client, "typed_pair", {"some_text": "a"})
    by_side = {i["value"]["side"]: i["id"] for i in pending}
    before = sync_client.threads.get_state(tid)
    with pytest.raises(UnprocessableEntityError) as caught:
        sync_client.runs.wait(tid, "typed_pair", command={"resume": {
            by_side["left"]: {"approved": True},
            by_side["right"]: {"approved": "perhaps"},
        }})
    assert [e["interrupt_id"] for e in caught.value.body["errors"]] == [by_side["right"]]
    _unchanged(sync_client, tid, before)
    assert len(sync_client.threads.get_state(tid)["interrupts"]) == 2
    done = sync_client.runs.wait(tid, "typed_pair", command={"resume": {
        by_side["left"]: {"approved": True}, by_side["right"]: {"approved": False},
    }})
    assert sorted(done["decisions"]) == ["left:True", "right:False"]


def test_graph_error_then_retry_with_a_new_answer(sync_client: Any) -> None:
    """Server: every later resume replays the failing answer. Ours: the new answer counts."""
    tid, [pending] = _interrupted(sync_client, "flaky", {"some_text": "a"})
    with pytest.raises(GraphRunError, match=rf"^ValueError: boom: the reviewer's answer made "
                       rf"the node fail \(thread {tid}, run [0-9a-f-]{{36}}; the thread is now "
                       r"in status 'error'"):
        sync_client.runs.wait(tid, "flaky", command={"resume": "boom"})
    assert sync_client.threads.get(tid)["status"] == "error"
    assert [i["id"] for i in sync_client.threads.get_state(tid)["interrupts"]] == [pending["id"]]
    assert sync_client.runs.wait(tid, "flaky", command={"resume": {pending["id"]: "fine"}}) == {"some_text": "fine"}
    assert sync_client.threads.get(tid)["status"] == "idle"


def test_no_versions_match_is_an_empty_list(sync_client: Any) -> None:
    """Server: ``assistants.get_versions(id, metadata=...)`` matching no version is a 404
    "Assistant ... not found" for an assistant that exists
    (``test_server_says_not_found_when_no_version_matches``). Ours: no versions."""
    [assistant] = sync_client.assistants.search(graph_id="seed")
    assert sync_client.assistants.get_versions(assistant["assistant_id"], metadata={"x": 1}) == []
    assert [v["version"] for v in sync_client.assistants.get_versions(assistant["assistant_id"])] == [1]


@pytest.mark.server
def test_server_says_not_found_when_no_version_matches(reference_sync_client: Any) -> None:
    [assistant] = reference_sync_client.assistants.search(graph_id="seed")
    assert len(reference_sync_client.assistants.get_versions(assistant["assistant_id"])) == 1
    with pytest.raises(NotFoundError, match="not found"):
        reference_sync_client.assistants.get_versions(assistant["assistant_id"], metadata={"x": 1})
