"""When a run's chunks become JSON: as they stream to a listener, or — nobody listening, as
in ``runs.wait`` or ``runs.create`` — only when read (the final body; a replay of a resumable
run). Either way a reader sees the same server shapes."""

from __future__ import annotations

from typing import Any

from langchain_core.messages import HumanMessage

FIRST = {"messages": [HumanMessage(content="hi", id="human-hi")]}


def _values(parts: list[Any]) -> list[Any]:
    """The values events' data, interrupt ids (which name their thread's task) left out."""
    shown = []
    for part in parts:
        if part.event != "values":
            continue
        data = dict(part.data)
        if "__interrupt__" in data:
            data["__interrupt__"] = [{**i, "id": "-"} for i in data["__interrupt__"]]
        shown.append(data)
    return shown


def test_a_run_nobody_streamed_replays_the_steps_a_streamed_run_sends(sync_client: Any) -> None:
    streamed = sync_client.threads.create()["thread_id"]
    live = list(sync_client.runs.stream(streamed, "chatty", input=FIRST, stream_mode="values"))
    quiet = sync_client.threads.create()["thread_id"]
    run = sync_client.runs.create(quiet, "chatty", input=FIRST, stream_resumable=True)
    sync_client.runs.join(quiet, run["run_id"])
    replayed = list(sync_client.runs.join_stream(quiet, run["run_id"], last_event_id="-1"))
    assert len(_values(live)) == 3  # the input, the greeting, the interrupt
    assert _values(replayed) == _values(live)
    waited = sync_client.threads.create()["thread_id"]
    result = sync_client.runs.wait(waited, "chatty", input=FIRST)
    assert _values([type(live[0])("values", result)])[0] == _values(live)[-1]
    # The server's shapes: messages as dicts, the interrupt as {value, id, ...}.
    assert result["messages"][0] == {**result["messages"][0], "type": "human", "content": "hi"}
    assert {"value", "id"} <= set(result["__interrupt__"][0])


def test_a_waited_result_is_nobodys_alias(sync_client: Any) -> None:
    tid = sync_client.threads.create()["thread_id"]
    result = sync_client.runs.wait(tid, "chatty", input=FIRST)
    result["messages"][0]["content"] = "changed by the caller"
    result["messages"].append({"type": "ai", "content": "added by the caller"})
    values = sync_client.threads.get(tid)["values"]
    assert [m["content"] for m in values["messages"]] == [
        "hi", "Hello! What should I write about?"]
    state = sync_client.threads.get_state(tid)["values"]
    assert [m["content"] for m in state["messages"]] == [m["content"] for m in values["messages"]]
    resumed = sync_client.runs.wait(tid, "chatty", command={"resume": "tea"})
    assert [m["content"] for m in resumed["messages"]][:2] == [
        "hi", "Hello! What should I write about?"]
