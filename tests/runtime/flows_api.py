"""Flows over the rest of the API surface (issue 2, item 3), compared like `flows.py`.

Recorded from `langgraph dev` (langgraph-api 0.16.7), worth knowing:

- `assistants.get`, `get_schemas` and `get_subgraphs` want the assistant's UUID (a graph id
  answers 422 "must be a UUID"), while `get_graph` and the runs accept the graph id too.
- `threads.update_state` on an interrupted thread returns `{"checkpoint", "configurable",
  "checkpoint_id"}`; afterwards `get_state` lists no interrupts, yet `next` still names the
  node and a `resume` is applied to it.
- `interrupt_before` given at run time: `runs.wait` returns the values without
  `__interrupt__`; the thread is `interrupted` with `interrupts` `{}` and `next` the node;
  `input=None` continues.
- a run on an unknown thread is 404, unless `if_not_exists="create"`; `threads.copy` answers a
  `Thread` without `values`/`interrupts`/`error`; `threads.delete` answers None.
- `threads.search(values=...)` answers 500 as soon as some thread has no values (not used).
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from langgraph_sdk.errors import NotFoundError

from tests.runtime.differential import Transcript


async def assistants(client: Any) -> Transcript:
    """One assistant per graph, its graph picture, schemas and subgraphs."""
    t = Transcript()
    found = t.record("search", await client.assistants.search(graph_id="typed"))
    assert [a["graph_id"] for a in found] == ["typed"] and found[0]["name"] == "typed"
    assistant_id = found[0]["assistant_id"]
    assert t.record("get", await client.assistants.get(assistant_id)) == found[0]
    schemas = t.record("get_schemas", await client.assistants.get_schemas(assistant_id))
    assert set(schemas["state_schema"]["properties"]) == {"some_text", "approved", "comment"}
    graph = t.record("get_graph", await client.assistants.get_graph("seed"))
    assert [n["id"] for n in graph["nodes"]] == ["__start__", "human_node", "__end__"]
    parent = (await client.assistants.search(graph_id="subgraph"))[0]["assistant_id"]
    xray = t.record("get_graph xray", await client.assistants.get_graph(parent, xray=True))
    assert "child:child_ask" in [n["id"] for n in xray["nodes"]]
    subgraphs = t.record("get_subgraphs", await client.assistants.get_subgraphs(parent))
    assert list(subgraphs) == ["child"]
    return t


async def update_state(client: Any) -> Transcript:
    """Edit an interrupted thread's state, then resume it; then write as a node."""
    t = Transcript()
    thread_id = (await client.threads.create())["thread_id"]
    await client.runs.wait(thread_id, "seed", input={"some_text": "a"})
    updated = t.record(
        "update_state", await client.threads.update_state(thread_id, {"some_text": "patched"})
    )
    assert updated["checkpoint"]["checkpoint_id"] == updated["checkpoint_id"]
    state = t.record("state", await client.threads.get_state(thread_id))
    assert state["values"] == {"some_text": "patched"} and state["next"] == ["human_node"]
    assert state["metadata"]["source"] == "update"
    t.record("thread", await client.threads.get(thread_id))
    resumed = t.record("resume", await client.runs.wait(thread_id, "seed", command={"resume": "b"}))
    assert resumed == {"some_text": "b"}
    await client.threads.update_state(thread_id, {"some_text": "z"}, as_node="human_node")
    state = t.record("as_node", await client.threads.get_state(thread_id))
    assert state["values"] == {"some_text": "z"} and state["next"] == []
    return t


async def run_options(client: Any) -> Transcript:
    """`interrupt_before` at run time, and `Command(resume=..., update=...)`."""
    t = Transcript()
    thread_id = (await client.threads.create())["thread_id"]
    paused = t.record(
        "interrupt_before",
        await client.runs.wait(thread_id, "slow", input={"delay": 0}, interrupt_before=["work"]),
    )
    assert paused == {"delay": 0}
    thread = t.record("paused thread", await client.threads.get(thread_id))
    state = t.record("paused state", await client.threads.get_state(thread_id))
    assert (thread["status"], thread["interrupts"], state["next"]) == ("interrupted", {}, ["work"])
    assert t.record("continue", await client.runs.wait(thread_id, "slow", input=None)) == {
        "delay": 0,
        "count": 1,
    }

    thread_id = (await client.threads.create())["thread_id"]
    await client.runs.wait(thread_id, "two_steps", input={"some_text": "a"})
    command = {"resume": "b", "update": {"approved": False}}
    result = t.record(
        "resume+update", await client.runs.wait(thread_id, "two_steps", command=command)
    )
    assert result["some_text"] == "b" and result["approved"] is False
    assert [i["value"] for i in result["__interrupt__"]] == [{"approve": "b"}]
    return t


async def thread_lifecycle(client: Any) -> Transcript:
    """404s, `if_not_exists="create"`, copy, update, delete."""
    t = Transcript()
    unknown = str(uuid.uuid4())
    try:
        await client.runs.wait(unknown, "seed", input={"some_text": "q"})
        raise AssertionError("a run on an unknown thread must fail")
    except httpx.HTTPStatusError as exc:  # NotFoundError is one; the SDK's wait raises it raw
        t.record("run on unknown thread", exc.response.status_code)
    created = await client.runs.wait(
        unknown, "seed", input={"some_text": "q"}, if_not_exists="create"
    )
    t.record("if_not_exists", created)
    assert created["__interrupt__"][0]["value"] == {"text_to_revise": "q"}
    copy = t.record("copy", await client.threads.copy(unknown))
    assert copy["thread_id"] != unknown
    copied = t.record("copied state", await client.threads.get_state(copy["thread_id"]))
    assert copied["values"] == {"some_text": "q"} and copied["next"] == ["human_node"]
    t.record("update", await client.threads.update(unknown, metadata={"k": 1}))
    assert (await client.threads.get(unknown))["metadata"]["k"] == 1
    t.record("delete", await client.threads.delete(unknown))
    try:
        await client.threads.get(unknown)
        raise AssertionError("a deleted thread must be gone")
    except NotFoundError as exc:
        t.record("get deleted", exc.response.status_code)
    return t


async def run_shapes(client: Any) -> Transcript:
    """What the runtime answered differently before issue 7: ``runs.join`` gives the thread's
    final state (values, and ``__interrupt__`` while paused), a failed task's ``error`` is a
    string, and a run record carries ``langsmith_session_name``."""
    t = Transcript()
    thread_id = (await client.threads.create())["thread_id"]
    run = await client.runs.create(thread_id, "flaky", input={"some_text": "a"})
    joined = t.record("join interrupted", await client.runs.join(thread_id, run["run_id"]))
    assert joined["some_text"] == "a" and len(joined["__interrupt__"]) == 1
    record = await client.runs.get(thread_id, run["run_id"])
    assert "langsmith_session_name" in t.record("run keys", sorted(record))
    failed = await client.runs.create(thread_id, "flaky", command={"resume": "boom"})
    t.record("join failed", await client.runs.join(thread_id, failed["run_id"]))
    state = await client.threads.get_state(thread_id)
    [task] = state["tasks"]
    assert isinstance(task["error"], str) and task["error"].startswith("ValueError(")
    t.record("task error", task["error"])
    return t


FLOWS = {
    "run_shapes": run_shapes,
    "assistants": assistants,
    "update_state": update_state,
    "run_options": run_options,
    "thread_lifecycle": thread_lifecycle,
}
