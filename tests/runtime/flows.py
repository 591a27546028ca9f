"""Flows for the differential tests: the sound behaviours of the LangGraph Server (issue 2, item 5).

Each flow drives one scenario graph through the `langgraph_sdk` client API, asserts what is
true of the real server *and* must be true of ours (shapes, statuses, which id is where), and
returns a `Transcript` of everything it saw, for `assert_same` to compare in full.

What the server really returns, as recorded on langgraph-api 0.16.7 / langgraph 1.2.24:

- `runs.wait` → the last values plus `__interrupt__: [{"value", "id", "response_schema"}]`
  (`response_schema` is present even when None). With several interrupts pending at once
  (`parallel`, a fresh `double`) the values are left out: only `__interrupt__`.
- `threads.get` → `interrupts` keyed by *task id*, each `[{"id", "value"}]`, with
  `response_schema` only when there is one; `{}` when none. While busy there is no
  `interrupts` or `error` key and `values` may be None.
- `threads.get_state` → `next`, `tasks[].interrupts` and top-level `interrupts` (same shape as
  `threads.get`); with `subgraphs=True` the subgraph's task carries its own `state`.
- a run that stops at an interrupt has status `success`; a cancelled one `interrupted`.
- `threads.search` sorts by `updated_at`, newest first.
- `threads.get_state(checkpoint_id=...)` equals that checkpoint's `get_history` entry, except
  that its `checkpoint` has no `checkpoint_ns`. (`get_history(before=...)` fails on the server
  whatever the form: 422 for an id, 500 for a checkpoint dict; not compared.)
"""

from __future__ import annotations

import asyncio
import io
import uuid
from typing import Any

from langgraph_sdk.schema import Command

from tests.runtime.differential import Transcript

RUN_KEYS = ("run_id", "thread_id", "assistant_id", "status", "metadata", "multitask_strategy")


def project_run(run: dict[str, Any]) -> dict[str, Any]:
    """The parts of a `Run` that are about the run, not the server's queue internals."""
    kwargs = run.get("kwargs") or {}
    return {k: run.get(k) for k in RUN_KEYS} | {
        "input": kwargs.get("input"),
        "command": kwargs.get("command"),
    }


async def snapshot(client: Any, t: Transcript, thread_id: str, label: str) -> dict[str, Any]:
    """Record `threads.get` and `threads.get_state`; check they agree on the interrupts."""
    thread = t.record(f"{label}: threads.get", await client.threads.get(thread_id))
    state = t.record(f"{label}: threads.get_state", await client.threads.get_state(thread_id))
    by_task = {task["id"]: task["interrupts"] for task in state["tasks"] if task["interrupts"]}
    assert thread["interrupts"] == by_task, "threads.get interrupts are keyed by task id"
    assert state["interrupts"] == [i for task in state["tasks"] for i in task["interrupts"]]
    expected = "interrupted" if state["interrupts"] else "idle"
    assert thread["status"] == expected, (thread["status"], state["interrupts"])
    return state


def interrupt(value: Any, id: str, response_schema: Any = None) -> dict[str, Any]:
    """An interrupt as `runs.wait` returns it (`response_schema` always present)."""
    return {"value": value, "id": id, "response_schema": response_schema}


# --- the seed, verbatim --------------------------------------------------------------------


async def seed(client: Any, graph: str = "seed") -> Transcript:
    """The seed's Python tab, printing what it prints; then the thread's records."""
    t, out = Transcript(), io.StringIO()
    thread = t.record("threads.create", await client.threads.create())
    thread_id = thread["thread_id"]
    assert thread["status"] == "idle"
    result = await client.runs.wait(thread_id, graph, input={"some_text": "original text"})
    t.record("runs.wait input", result)
    print(result["__interrupt__"], file=out)
    first = result["__interrupt__"][0]["id"]
    assert result == {
        "some_text": "original text",
        "__interrupt__": [interrupt({"text_to_revise": "original text"}, first)],
    }
    state = await snapshot(client, t, thread_id, "interrupted")
    assert state["next"] == ["human_node"] and state["interrupts"][0]["id"] == first
    print(
        await client.runs.wait(thread_id, graph, command=Command(resume="Edited text")),
        file=out,
    )
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        f"[{{'value': {{'text_to_revise': 'original text'}}, 'id': '{first}', "
        "'response_schema': None}]"
    )
    assert lines[1] == "{'some_text': 'Edited text'}"
    t.record("printed", lines)
    state = await snapshot(client, t, thread_id, "done")
    assert state["next"] == [] and state["values"] == {"some_text": "Edited text"}
    history = t.record("get_history", await client.threads.get_history(thread_id))
    assert [h["next"] for h in history] == [[], ["human_node"], ["__start__"]]
    runs = t.record("runs.list", [project_run(r) for r in await client.runs.list(thread_id)])
    assert [r["status"] for r in runs] == ["success", "success"]
    return t


async def async_seed(client: Any) -> Transcript:
    """The seed over `async def` nodes: the same answers."""
    return await seed(client, graph="async_seed")


# --- several questions -----------------------------------------------------------------------


async def two_steps(client: Any) -> Transcript:
    """Two interrupting nodes in a row; then the full history, newest first."""
    t = Transcript()
    thread_id = (await client.threads.create())["thread_id"]
    first = t.record(
        "wait 1", await client.runs.wait(thread_id, "two_steps", input={"some_text": "a"})
    )
    assert first["__interrupt__"][0]["value"] == {"text_to_revise": "a"}
    await snapshot(client, t, thread_id, "step 1")
    second = t.record(
        "wait 2", await client.runs.wait(thread_id, "two_steps", command={"resume": "b"})
    )
    assert second["some_text"] == "b" and second["__interrupt__"][0]["value"] == {"approve": "b"}
    state = await snapshot(client, t, thread_id, "step 2")
    assert state["next"] == ["approve"]
    last = t.record(
        "wait 3", await client.runs.wait(thread_id, "two_steps", command={"resume": True})
    )
    assert last == {"some_text": "b", "approved": True}
    history = t.record("get_history", await client.threads.get_history(thread_id))
    assert [h["next"] for h in history] == [[], ["approve"], ["draft"], ["__start__"]]
    assert [h["metadata"]["step"] for h in history] == [2, 1, 0, -1]
    limited = await client.threads.get_history(thread_id, limit=2)
    t.record("get_history limit=2", [h["checkpoint_id"] for h in limited])
    assert [h["checkpoint_id"] for h in limited] == [h["checkpoint_id"] for h in history[:2]]
    # A past state by checkpoint id (what a history view shows).
    asked = history[2]["checkpoint_id"]
    past = await client.threads.get_state(thread_id, checkpoint_id=asked)
    # Same state as in the history, except that the server leaves `checkpoint_ns` out of
    # `checkpoint` when asked by checkpoint id: an inconsistency we need not copy, so
    # `checkpoint` (also in `checkpoint_id`, compared) stays out of the transcript.
    assert {**past, "checkpoint": None} == {**history[2], "checkpoint": None}
    t.record("get_state at draft", {k: v for k, v in past.items() if k != "checkpoint"})
    return t


async def parallel(client: Any) -> Transcript:
    """Two interrupts pending at once; a partial resume map, then the rest; then all at once."""
    t = Transcript()
    thread_id = (await client.threads.create())["thread_id"]
    result = t.record(
        "wait", await client.runs.wait(thread_id, "parallel", input={"topic": "cats"})
    )
    assert list(result) == ["__interrupt__"], "several pending: only __interrupt__"
    state = await snapshot(client, t, thread_id, "both pending")
    assert state["next"] == ["left", "right"] and len(state["interrupts"]) == 2
    left, right = (i["id"] for i in state["interrupts"])
    assert [i["id"] for i in result["__interrupt__"]] == [left, right]
    partial = await client.runs.wait(thread_id, "parallel", command={"resume": {left: "A"}})
    t.record("partial resume", partial)
    assert [i["id"] for i in partial["__interrupt__"]] == [right]
    state = await snapshot(client, t, thread_id, "one pending")
    # get_state shows the answered branch's write already; threads.get does not (yet).
    assert state["next"] == ["right"] and state["values"]["answers"] == ["left:A"]
    final = t.record(
        "rest", await client.runs.wait(thread_id, "parallel", command={"resume": {right: "B"}})
    )
    assert final == {"topic": "cats", "answers": ["left:A", "right:B"]}
    await snapshot(client, t, thread_id, "done")

    thread_id = (await client.threads.create())["thread_id"]
    result = await client.runs.wait(thread_id, "parallel", input={"topic": "dogs"})
    answers = {i["id"]: i["value"]["side"].upper() for i in result["__interrupt__"]}
    final = t.record(
        "full map", await client.runs.wait(thread_id, "parallel", command={"resume": answers})
    )
    assert final == {"topic": "dogs", "answers": ["left:LEFT", "right:RIGHT"]}
    return t


async def double(client: Any) -> Transcript:
    """Two `interrupt()` calls in one node: the second is asked after the first is answered."""
    t = Transcript()
    thread_id = (await client.threads.create())["thread_id"]
    first = t.record("wait", await client.runs.wait(thread_id, "double", input={}))
    assert [i["value"] for i in first["__interrupt__"]] == ["name?"]
    await snapshot(client, t, thread_id, "first question")
    second = t.record(
        "answer 1", await client.runs.wait(thread_id, "double", command={"resume": "Ada"})
    )
    assert [i["value"] for i in second["__interrupt__"]] == ["age of Ada?"]
    assert second["__interrupt__"][0]["id"] != first["__interrupt__"][0]["id"]
    state = await snapshot(client, t, thread_id, "second question")
    assert state["next"] == ["ask_both"]
    last = t.record("answer 2", await client.runs.wait(thread_id, "double", command={"resume": 36}))
    assert last == {"name": "Ada", "age": 36}
    return t


async def subgraph(client: Any) -> Transcript:
    """An interrupt raised one level down, seen from the parent and with `subgraphs=True`."""
    t = Transcript()
    thread_id = (await client.threads.create())["thread_id"]
    result = t.record(
        "wait", await client.runs.wait(thread_id, "subgraph", input={"some_text": "x"})
    )
    state = await snapshot(client, t, thread_id, "pending in child")
    assert state["next"] == ["child"] and state["tasks"][0]["state"] is None
    assert state["interrupts"][0]["id"] == result["__interrupt__"][0]["id"]
    deep = t.record(
        "get_state subgraphs", await client.threads.get_state(thread_id, subgraphs=True)
    )
    child_state = deep["tasks"][0]["state"]
    assert child_state["next"] == ["child_ask"]
    assert child_state["checkpoint"]["checkpoint_ns"].startswith("child:")
    assert child_state["tasks"][0]["interrupts"] == state["interrupts"]
    final = t.record(
        "resume", await client.runs.wait(thread_id, "subgraph", command={"resume": "y"})
    )
    assert final == {"some_text": "y!"}
    await snapshot(client, t, thread_id, "done")
    return t


async def typed(client: Any) -> Transcript:
    """`response_schema` surfaced everywhere an interrupt appears; a valid answer is applied."""
    t = Transcript()
    thread_id = (await client.threads.create())["thread_id"]
    result = t.record("wait", await client.runs.wait(thread_id, "typed", input={"some_text": "x"}))
    schema = result["__interrupt__"][0]["response_schema"]
    assert schema["title"] == "Review" and schema["required"] == ["approved"]
    state = await snapshot(client, t, thread_id, "pending")
    assert state["interrupts"][0]["response_schema"] == schema
    answer = {"approved": True, "comment": "ok"}
    final = t.record(
        "resume", await client.runs.wait(thread_id, "typed", command={"resume": answer})
    )
    assert final == {"some_text": "x", "approved": True, "comment": "ok"}
    return t


# --- statuses, runs, search --------------------------------------------------------------------


async def _until(predicate: Any, timeout: float = 10.0) -> None:
    """Poll an async predicate every 20 ms until it holds (runs start asynchronously)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
        await asyncio.sleep(0.02)


async def statuses(client: Any) -> Transcript:
    """idle → busy while a run is queued or running → idle; interrupted; error after a failure."""
    t = Transcript()
    thread_id = (await client.threads.create())["thread_id"]
    t.record("fresh", (await client.threads.get(thread_id))["status"])
    run = await client.runs.create(thread_id, "slow", input={"delay": 0.5})
    t.record("while running", (await client.threads.get(thread_id))["status"])
    t.record("join", await client.runs.join(thread_id, run["run_id"]))
    t.record("after", (await client.threads.get(thread_id))["status"])

    thread_id = (await client.threads.create())["thread_id"]
    await client.runs.wait(thread_id, "flaky", input={"some_text": "a"})
    t.record("interrupted", (await client.threads.get(thread_id))["status"])
    failed = await client.runs.wait(
        thread_id, "flaky", command={"resume": "boom"}, raise_error=False
    )
    t.record("failed run", failed)
    thread = await client.threads.get(thread_id)
    # Which interrupts an errored thread lists is intentional difference 7 (ours can still
    # be answered, the server's cannot); test_retry_after_graph_error asserts both sides.
    t.record("error", {k: v for k, v in thread.items() if k != "interrupts"})
    assert thread["status"] == "error"
    assert thread["error"] == {
        "error": "ValueError",
        "message": "boom: the reviewer's answer made the node fail",
    }
    assert [r["status"] for r in await client.runs.list(thread_id)] == ["error", "success"]
    assert [s for _, s in t[:2]] == ["idle", "busy"] and t[3][1] == "idle"
    return t


async def multitask(client: Any) -> Transcript:
    """Runs on a busy thread: reject → 409, enqueue (default), interrupt, rollback; cancel."""
    from langgraph_sdk.errors import ConflictError, NotFoundError

    t = Transcript()

    async def running(thread_id: str, run_id: str) -> None:
        async def check() -> bool:
            return (await client.runs.get(thread_id, run_id))["status"] == "running"

        await _until(check)

    thread_id = (await client.threads.create())["thread_id"]
    first = await client.runs.create(thread_id, "slow", input={"delay": 1.0})
    try:
        await client.runs.create(thread_id, "slow", input={"delay": 0}, multitask_strategy="reject")
        raise AssertionError("reject on a busy thread must raise ConflictError")
    except ConflictError as exc:
        t.record("reject", exc.response.status_code)
    queued = await client.runs.create(thread_id, "slow", input={"delay": 0})
    t.record("enqueued", await client.runs.join(thread_id, queued["run_id"]))
    runs = t.record("runs", [project_run(r) for r in await client.runs.list(thread_id)])
    assert [r["run_id"] for r in runs] == [queued["run_id"], first["run_id"]]
    assert [r["status"] for r in runs] == ["success", "success"]

    for strategy in ("interrupt", "rollback"):
        thread_id = (await client.threads.create())["thread_id"]
        first = await client.runs.create(thread_id, "slow", input={"delay": 2.0})
        await running(thread_id, first["run_id"])
        second = await client.runs.create(
            thread_id, "slow", input={"delay": 0}, multitask_strategy=strategy
        )
        t.record(strategy, await client.runs.join(thread_id, second["run_id"]))
        t.record(f"{strategy} runs", [project_run(r) for r in await client.runs.list(thread_id)])
        try:
            t.record(
                f"{strategy} first", (await client.runs.get(thread_id, first["run_id"]))["status"]
            )
        except NotFoundError:
            t.record(f"{strategy} first", "404")

    thread_id = (await client.threads.create())["thread_id"]
    run = await client.runs.create(thread_id, "slow", input={"delay": 2.0})
    await running(thread_id, run["run_id"])
    await client.runs.cancel(thread_id, run["run_id"], wait=True)
    t.record("cancelled run", (await client.runs.get(thread_id, run["run_id"]))["status"])
    # The server calls a thread whose run was cancelled mid-step `interrupted`, with no
    # interrupts pending: the step is unfinished and `input=None` continues it.
    t.record("cancelled thread", (await client.threads.get(thread_id))["status"])
    t.record("cancelled next", (await client.threads.get_state(thread_id))["next"])
    t.record("continued", await client.runs.wait(thread_id, "slow", input=None))
    statuses = [v for _, v in t if isinstance(v, str)]
    assert statuses == ["interrupted", "404", "interrupted", "interrupted"], statuses
    assert t[-2:] == [("cancelled next", ["work"]), ("continued", {"delay": 2.0, "count": 1})]
    return t


async def search(client: Any) -> Transcript:
    """`threads.search` by metadata and status, with limit/offset; newest update first."""
    t = Transcript()
    suite = uuid.uuid4().hex  # isolates this flow's threads on the shared server
    ids = []
    for n in range(3):
        ids.append((await client.threads.create(metadata={"suite": suite, "n": n}))["thread_id"])
    for n in (0, 2):
        await client.runs.wait(ids[n], "seed", input={"some_text": f"text {n}"})

    async def found(**kwargs: Any) -> list[tuple[int, str]]:
        threads = await client.threads.search(**kwargs)
        return [(th["metadata"]["n"], th["status"]) for th in threads]

    mine = {"suite": suite}
    cases = {
        "all": await found(metadata=mine),
        "interrupted": await found(metadata=mine, status="interrupted"),
        "interrupted limit 1": await found(metadata=mine, status="interrupted", limit=1),
        "interrupted offset 1": await found(metadata=mine, status="interrupted", limit=1, offset=1),
        "idle": await found(metadata=mine, status="idle"),
        "limit 2 offset 1": await found(metadata=mine, limit=2, offset=1),
        "n=2": await found(metadata={**mine, "n": 2}),
        "graph_id": await found(metadata={**mine, "graph_id": "seed"}),
    }
    t.record("search", cases)
    assert cases["all"] == [(2, "interrupted"), (0, "interrupted"), (1, "idle")]
    assert cases["interrupted offset 1"] == [(0, "interrupted")]
    assert cases["graph_id"] == [(2, "interrupted"), (0, "interrupted")]
    return t


FLOWS = {
    "seed": seed,
    "async_seed": async_seed,
    "two_steps": two_steps,
    "parallel": parallel,
    "double": double,
    "subgraph": subgraph,
    "typed": typed,
    "statuses": statuses,
    "multitask": multitask,
    "search": search,
}
"""Every sound-behaviour flow by name (the test ids)."""
