"""The runtime's behaviour where the real server is sound (shapes checked by the
differential suite; here the semantics, on memory and SQLite alike)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from langgraph_sdk.errors import BadRequestError, ConflictError, NotFoundError

from hitl_widgets import GraphRunError


def _pending(client: Any, thread_id: str) -> list[dict[str, Any]]:
    return client.threads.get_state(thread_id)["interrupts"]


def test_statuses_follow_the_run(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    assert sync_client.threads.get(tid)["status"] == "idle"
    sync_client.runs.wait(tid, "seed", input={"some_text": "a"})
    thread = sync_client.threads.get(tid)
    assert thread["status"] == "interrupted"
    [(task_id, [interrupt])] = thread["interrupts"].items()
    state = sync_client.threads.get_state(tid)
    assert state["next"] == ["human_node"]
    assert state["tasks"][0]["id"] == task_id
    assert state["tasks"][0]["interrupts"] == [interrupt] == state["interrupts"]
    sync_client.runs.wait(tid, "seed", command={"resume": "b"})
    assert sync_client.threads.get(tid)["status"] == "idle"
    assert sync_client.threads.get(tid)["values"] == {"some_text": "b"}


def test_busy_while_a_run_is_in_flight(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    run = sync_client.runs.create(tid, "slow", input={"delay": 0.5})
    assert run["status"] == "pending"
    assert sync_client.threads.get(tid)["status"] == "busy"
    assert sync_client.runs.join(tid, run["run_id"]) == {"delay": 0.5, "count": 1}
    assert sync_client.runs.get(tid, run["run_id"])["status"] == "success"
    assert sync_client.threads.get(tid)["status"] == "idle"


def test_error_status_and_a_retry_that_works(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    sync_client.runs.wait(tid, "flaky", input={"some_text": "a"})
    with pytest.raises(GraphRunError, match=rf"ValueError: boom.*thread {tid}"):
        sync_client.runs.wait(tid, "flaky", command={"resume": "boom"})
    thread = sync_client.threads.get(tid)
    assert thread["status"] == "error"
    assert thread["error"]["error"] == "ValueError"
    # The interrupt is still pending and a better answer goes through (the server replays
    # the bad one instead).
    assert len(_pending(sync_client, tid)) == 1
    assert sync_client.runs.wait(tid, "flaky", command={"resume": "fine"}) == {"some_text": "fine"}
    assert sync_client.threads.get(tid)["status"] == "idle"


def test_parallel_interrupts_full_and_partial_resume_maps(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    result = sync_client.runs.wait(tid, "parallel", input={"topic": "t"})
    assert set(result) == {"__interrupt__"}
    by_side = {i["value"]["side"]: i["id"] for i in result["__interrupt__"]}
    assert set(by_side) == {"left", "right"}
    # Partial: answer one; the other stays pending.
    sync_client.runs.wait(tid, "parallel", command={"resume": {by_side["left"]: "L"}})
    [still] = _pending(sync_client, tid)
    assert still["id"] == by_side["right"]
    final = sync_client.runs.wait(tid, "parallel", command={"resume": {by_side["right"]: "R"}})
    assert sorted(final["answers"]) == ["left:L", "right:R"]


def test_full_resume_map_answers_both_at_once(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    result = sync_client.runs.wait(tid, "parallel", input={"topic": "t"})
    answers = {i["id"]: i["value"]["side"].upper() for i in result["__interrupt__"]}
    final = sync_client.runs.wait(tid, "parallel", command={"resume": answers})
    assert sorted(final["answers"]) == ["left:LEFT", "right:RIGHT"]
    assert sync_client.threads.get(tid)["status"] == "idle"


def test_two_interrupts_in_one_node(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    first = sync_client.runs.wait(tid, "double", input={})["__interrupt__"][0]
    assert first["value"] == "name?"
    second = sync_client.runs.wait(tid, "double", command={"resume": "Ada"})["__interrupt__"][0]
    assert second["value"] == "age of Ada?" and second["id"] != first["id"]
    assert sync_client.runs.wait(tid, "double", command={"resume": 36}) == {"name": "Ada", "age": 36}


def test_subgraph_interrupt(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    result = sync_client.runs.wait(tid, "subgraph", input={"some_text": "x"})
    [pending] = result["__interrupt__"]
    state = sync_client.threads.get_state(tid, subgraphs=True)
    assert state["next"] == ["child"]
    assert state["tasks"][0]["state"]["next"] == ["child_ask"]
    assert sync_client.runs.wait(tid, "subgraph", command={"resume": {pending["id"]: "y"}}) == {
        "some_text": "y!"
    }


def test_response_schema_surfaces_from_a_pydantic_model(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    [pending] = sync_client.runs.wait(tid, "typed", input={"some_text": "x"})["__interrupt__"]
    schema = pending["response_schema"]
    assert schema["title"] == "Review" and schema["required"] == ["approved"]
    assert _pending(sync_client, tid)[0]["response_schema"] == schema
    done = sync_client.runs.wait(tid, "typed", command={"resume": {"approved": True}})
    assert done["approved"] is True and done["comment"] == ""


def test_history_and_fork_from_a_past_checkpoint(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    sync_client.runs.wait(tid, "two_steps", input={"some_text": "draft"})
    sync_client.runs.wait(tid, "two_steps", command={"resume": "v1"})
    history = sync_client.threads.get_history(tid)
    assert [h["next"] for h in history][:2] == [["approve"], ["draft"]]
    at_draft = next(h for h in history if h["next"] == ["draft"] and h["interrupts"])
    # Fork: answer the first question differently from that checkpoint.
    forked = sync_client.runs.wait(
        tid, "two_steps", command={"resume": "v2"}, checkpoint_id=at_draft["checkpoint"]["checkpoint_id"]
    )
    assert forked["some_text"] == "v2"
    assert sync_client.threads.get_state(tid)["values"]["some_text"] == "v2"
    assert len(sync_client.threads.get_history(tid, limit=100)) > len(history)
    assert sync_client.threads.get_history(tid, limit=1)[0]["next"] == ["approve"]


def test_update_state_then_continue(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    sync_client.runs.wait(tid, "two_steps", input={"some_text": "draft"})
    sync_client.runs.wait(tid, "two_steps", command={"resume": "v1"})
    response = sync_client.threads.update_state(tid, {"some_text": "patched"})
    assert response["checkpoint"]["thread_id"] == tid
    assert sync_client.threads.get_state(tid)["values"]["some_text"] == "patched"


def test_command_update_and_goto(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    sync_client.runs.wait(tid, "two_steps", input={"some_text": "a"})
    result = sync_client.runs.wait(
        tid, "two_steps", command={"update": {"some_text": "jumped"}, "goto": "approve"}
    )
    assert result["__interrupt__"][0]["value"] == {"approve": "jumped"}


def test_interrupt_before_and_after_at_run_time(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    sync_client.runs.wait(tid, "slow", input={"delay": 0}, interrupt_before=["work"])
    assert sync_client.threads.get(tid)["status"] == "interrupted"
    assert sync_client.threads.get_state(tid)["next"] == ["work"]
    assert sync_client.runs.wait(tid, "slow", input=None) == {"delay": 0, "count": 1}
    tid2 = sync_client.threads.create()["thread_id"]
    sync_client.runs.wait(tid2, "chatty", input={"messages": []}, interrupt_after=["greet"])
    assert sync_client.threads.get(tid2)["status"] == "interrupted"
    assert sync_client.threads.get_state(tid2)["next"] == ["ask_human"]
    assert sync_client.threads.get_state(tid2)["interrupts"] == []


def test_if_not_exists_create_and_unknown_thread(sync_client: Any) -> None:
    with pytest.raises(NotFoundError, match="thread 7f0c.* not found.*if_not_exists"):
        sync_client.runs.wait("7f0c0000-0000-0000-0000-000000000000", "seed", input={"some_text": "a"})
    result = sync_client.runs.wait(
        "7f0c0000-0000-0000-0000-000000000001", "seed", input={"some_text": "a"}, if_not_exists="create"
    )
    assert "__interrupt__" in result
    with pytest.raises(NotFoundError, match="assistant 'nope' not found.*known: .*seed"):
        sync_client.runs.wait(None, "nope", input={})


def test_search_by_status_and_metadata_with_pagination(sync_client: Any) -> None:
    ids = []
    for i in range(5):
        tid = sync_client.threads.create(metadata={"batch": "b1", "n": i})["thread_id"]
        ids.append(tid)
        if i % 2 == 0:
            sync_client.runs.wait(tid, "seed", input={"some_text": str(i)})
    interrupted = sync_client.threads.search(status="interrupted", metadata={"batch": "b1"})
    assert {t["thread_id"] for t in interrupted} == {ids[0], ids[2], ids[4]}
    page1 = sync_client.threads.search(metadata={"batch": "b1"}, limit=2)
    page2 = sync_client.threads.search(metadata={"batch": "b1"}, limit=2, offset=2)
    page3 = sync_client.threads.search(metadata={"batch": "b1"}, limit=2, offset=4)
    seen = [t["thread_id"] for t in page1 + page2 + page3]
    assert sorted(seen) == sorted(ids) and len(set(seen)) == 5
    assert sync_client.threads.count(metadata={"batch": "b1"}) == 5
    assert sync_client.threads.count(status="interrupted") == 3
    assert [t["thread_id"] for t in sync_client.threads.search(metadata={"n": 3})] == [ids[3]]


def test_copy_and_delete(sync_client: Any) -> None:
    tid = sync_client.threads.create(metadata={"k": "v"})["thread_id"]
    sync_client.runs.wait(tid, "seed", input={"some_text": "a"})
    sync_client.threads.copy(tid)
    [copy] = [t for t in sync_client.threads.search(metadata={"k": "v"}) if t["thread_id"] != tid]
    assert copy["status"] == "interrupted"
    assert sync_client.runs.wait(copy["thread_id"], "seed", command={"resume": "c"}) == {"some_text": "c"}
    assert sync_client.threads.get(tid)["status"] == "interrupted"  # the original is untouched
    sync_client.threads.delete(tid)
    with pytest.raises(NotFoundError):
        sync_client.threads.get(tid)


def test_update_metadata_and_if_exists(sync_client: Any) -> None:
    tid = sync_client.threads.create(metadata={"a": 1})["thread_id"]
    assert sync_client.threads.update(tid, metadata={"b": 2})["metadata"] == {"a": 1, "b": 2}
    with pytest.raises(ConflictError, match="already exists"):
        sync_client.threads.create(thread_id=tid)
    assert sync_client.threads.create(thread_id=tid, if_exists="do_nothing")["thread_id"] == tid


def test_runs_list_get_and_stateless_runs(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    sync_client.runs.wait(tid, "seed", input={"some_text": "a"})
    sync_client.runs.wait(tid, "seed", command={"resume": "b"})
    runs = sync_client.runs.list(tid)
    assert [r["status"] for r in runs] == ["success", "success"]
    assert runs[0]["created_at"] >= runs[1]["created_at"]
    assert sync_client.runs.list(tid, limit=1, offset=1)[0]["run_id"] == runs[1]["run_id"]
    before = sync_client.threads.count()
    assert sync_client.runs.wait(None, "slow", input={"delay": 0}) == {"delay": 0, "count": 1}
    assert sync_client.threads.count() == before  # the temporary thread is gone


def test_bad_requests(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    with pytest.raises(BadRequestError, match="unknown stream mode"):
        list(sync_client.runs.stream(tid, "seed", input={}, stream_mode="nope"))
    with pytest.raises(BadRequestError, match="input or command"):
        sync_client.runs.wait(tid, "seed", input={"some_text": "a"}, command={"resume": 1})


def test_multitask_reject_enqueue_interrupt_rollback(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    first = sync_client.runs.create(tid, "slow", input={"delay": 0.6})
    with pytest.raises(ConflictError, match=f"thread {tid} is busy with run {first['run_id']}"):
        sync_client.runs.create(tid, "slow", input={"delay": 0}, multitask_strategy="reject")
    queued = sync_client.runs.create(tid, "slow", input={"delay": 0})  # enqueue is the default
    assert sync_client.runs.join(tid, queued["run_id"])["count"] == 2  # ran after the first
    assert sync_client.runs.get(tid, first["run_id"])["status"] == "success"

    busy = sync_client.runs.create(tid, "slow", input={"delay": 2})
    _until_running(sync_client, tid, busy["run_id"])
    newer = sync_client.runs.create(tid, "slow", input={"delay": 0}, multitask_strategy="interrupt")
    sync_client.runs.join(tid, newer["run_id"])
    assert sync_client.runs.get(tid, busy["run_id"])["status"] == "interrupted"
    assert sync_client.runs.get(tid, newer["run_id"])["status"] == "success"

    doomed = sync_client.runs.create(tid, "slow", input={"delay": 2})
    _until_running(sync_client, tid, doomed["run_id"])
    after = sync_client.runs.create(tid, "slow", input={"delay": 0}, multitask_strategy="rollback")
    sync_client.runs.join(tid, after["run_id"])
    with pytest.raises(NotFoundError):
        sync_client.runs.get(tid, doomed["run_id"])


def test_cancel_a_running_run(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    run = sync_client.runs.create(tid, "slow", input={"delay": 2})
    _until_running(sync_client, tid, run["run_id"])
    sync_client.runs.cancel(tid, run["run_id"], wait=True)
    assert sync_client.runs.get(tid, run["run_id"])["status"] == "interrupted"
    # Cancelled mid-step: the step is still to run, as the server says too.
    assert sync_client.threads.get(tid)["status"] == "interrupted"


def test_assistants(sync_client: Any) -> None:
    seed_assistant = sync_client.assistants.get("seed")
    assert sync_client.assistants.get(seed_assistant["assistant_id"]) == seed_assistant
    assert [a["graph_id"] for a in sync_client.assistants.search(graph_id="seed")] == ["seed"]
    graph = sync_client.assistants.get_graph("seed")
    assert {n["id"] for n in graph["nodes"]} >= {"__start__", "human_node"}
    schemas = sync_client.assistants.get_schemas("seed")
    assert schemas["graph_id"] == "seed"
    assert set(schemas) >= {"input_schema", "output_schema", "state_schema", "config_schema", "context_schema"}
    # The seed's state is a typing.TypedDict, which pydantic cannot describe on Python 3.11:
    # like the server, we answer None for that schema instead of failing the whole call.
    assert schemas["input_schema"] is None
    typed = sync_client.assistants.get_schemas("typed")
    assert typed["graph_id"] == "typed"


def test_graph_specs_module_paths_and_builders() -> None:
    from hitl_widgets import get_sync_client
    from tests.graphs import scenarios

    client = get_sync_client(graphs={
        "by_path": "tests.graphs.scenarios:seed",
        "by_file": f"{scenarios.__file__}:seed",
        "by_builder": scenarios.seed.builder,
    })
    for graph_id in ("by_path", "by_file", "by_builder"):
        tid = client.threads.create()["thread_id"]
        assert "__interrupt__" in client.runs.wait(tid, graph_id, input={"some_text": "a"})


@pytest.mark.parametrize(("graph", "first", "answer"), [
    ("seed", {"some_text": "a"}, "b"),
    ("parallel", {"topic": "t"}, None),
    ("double", {}, "Ada"),
    ("subgraph", {"some_text": "x"}, "y"),
    ("typed", {"some_text": "x"}, {"approved": True}),
    ("chatty", {"messages": []}, "poems"),
])
def test_thread_record_agrees_with_the_state(sync_client: Any, graph: str, first: Any, answer: Any) -> None:
    """The record (kept up to date without rebuilding the state) says what get_state says."""
    def check(tid: str) -> None:
        thread = sync_client.threads.get(tid)
        state = sync_client.threads.get_state(tid)
        assert thread["values"] == state["values"]
        flat = [i for items in thread["interrupts"].values() for i in items]
        assert flat == state["interrupts"]
        assert set(thread["interrupts"]) == {t["id"] for t in state["tasks"] if t["interrupts"]}
        assert thread["status"] == ("interrupted" if state["interrupts"] or state["next"] else "idle")

    tid = sync_client.threads.create()["thread_id"]
    result = sync_client.runs.wait(tid, graph, input=first)
    check(tid)
    pending = result["__interrupt__"]
    resume = {i["id"]: answer or i["value"]["side"] for i in pending}
    sync_client.runs.wait(tid, graph, command={"resume": resume})
    check(tid)


def test_messages_mode_sends_whole_messages_and_events_mode_callback_events(
    sync_client: Any,
) -> None:
    tid = sync_client.threads.create()["thread_id"]
    parts = list(sync_client.runs.stream(tid, "chatty", input={"messages": []}, stream_mode="messages"))
    assert [p.event for p in parts] == ["metadata", "messages/metadata", "messages/complete"]
    assert list(parts[1].data) == ["ai-greet"]
    assert parts[2].data[0]["content"] == "Hello! What should I write about?"
    tid = sync_client.threads.create()["thread_id"]
    parts = list(sync_client.runs.stream(tid, "chatty", input={"messages": []}, stream_mode="events"))
    assert {p.event for p in parts[1:]} == {"events"}
    assert [p.data["event"] for p in parts[1:3]] == ["on_chain_start", "on_chain_start"]
    assert [p.data["name"] for p in parts[1:3]] == ["chatty", "greet"]
    with pytest.raises(BadRequestError, match="unknown stream mode"):
        list(sync_client.runs.stream(tid, "chatty", input={"messages": []}, stream_mode="nope"))


def test_update_state_at_a_past_checkpoint_forks(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    sync_client.runs.wait(tid, "two_steps", input={"some_text": "draft"})
    sync_client.runs.wait(tid, "two_steps", command={"resume": "v1"})
    first = sync_client.threads.get_history(tid)[-1]["checkpoint"]["checkpoint_id"]
    forked = sync_client.threads.update_state(tid, {"some_text": "from the start"},
                                              checkpoint_id=first)
    assert forked["checkpoint"]["checkpoint_id"] != first
    assert sync_client.threads.get_state(tid)["values"]["some_text"] == "from the start"


def test_a_graph_error_streams_its_traceback(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    sync_client.runs.wait(tid, "flaky", input={"some_text": "a"})
    parts = list(sync_client.runs.stream(tid, "flaky", command={"resume": "boom"}))
    [error] = [p.data for p in parts if p.event == "error"]
    assert error["error"] == "ValueError" and "boom" in error["message"]
    assert "Traceback" in error["traceback"] and "fragile" in error["traceback"]


def _until_running(sync_client: Any, tid: str, run_id: str, timeout: float = 10.0) -> None:
    """Wait on the run's own status (not a sleep): it is running when this returns."""
    deadline = time.monotonic() + timeout
    while sync_client.runs.get(tid, run_id)["status"] != "running":
        assert time.monotonic() < deadline, f"run {run_id} never started"
        time.sleep(0.005)


def test_a_run_takes_message_objects_and_callbacks(sync_client: Any) -> None:
    """In the kernel a graph's input may hold LangChain messages and its config callback
    handlers (no HTTP body could): the graph gets the objects, the run record their JSON."""
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.messages import HumanMessage

    class Seen(BaseCallbackHandler):
        def __init__(self) -> None:
            self.chains = 0

        def on_chain_start(self, *args: Any, **kwargs: Any) -> None:
            self.chains += 1

    seen = Seen()
    tid = sync_client.threads.create()["thread_id"]
    out = sync_client.runs.wait(
        tid, "chatty", input={"messages": [HumanMessage("hi", id="h-1")]},
        config={"callbacks": [seen]},
    )  # fmt: skip
    contents = [m["content"] for m in out["messages"]]
    assert contents[:2] == ["hi", "Hello! What should I write about?"]
    assert seen.chains > 0
    [run] = sync_client.runs.list(tid)
    assert run["kwargs"]["input"]["messages"][0]["content"] == "hi"
    assert run["kwargs"]["config"]["callbacks"][0].startswith("<")  # its repr: no JSON form
