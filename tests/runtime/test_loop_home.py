"""Where a runtime runs: a private memory runtime on its async client's own loop (no
thread hop per call), shared storage on the runner's thread, and ``serve()`` pinning it.

Each test fails on the runtime before ``Runtime.door_here``: every graph then ran on the
runner's loop, whatever client called.
"""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path
from typing import Any, TypedDict

import pytest
from langgraph.graph import END, START, StateGraph
from langgraph.types import interrupt
from langgraph_sdk import get_client as sdk_client

from hitl_widgets import get_client, get_sync_client, serve
from hitl_widgets.runtime.runner import get_runner


class State(TypedDict, total=False):
    text: str
    loop: int
    thread: str


async def where(state: State) -> dict[str, Any]:
    """Records which loop and thread ran the graph, then asks a human."""
    answer = interrupt({"ask": state.get("text")})
    return {
        "text": answer,
        "loop": id(asyncio.get_running_loop()),
        "thread": threading.current_thread().name,
    }


_b = StateGraph(State)
_b.add_node("where", where)
_b.add_edge(START, "where")
_b.add_edge("where", END)
WHERE = _b.compile()


async def _run_where(client: Any) -> dict[str, Any]:
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "where", input={"text": "t"})
    result: dict[str, Any] = await client.runs.wait(tid, "where", command={"resume": "a"})
    return result


@pytest.mark.anyio
async def test_a_memory_runtime_runs_on_its_async_clients_loop() -> None:
    client = get_client(graphs={"where": WHERE})
    result = await _run_where(client)
    assert result["loop"] == id(asyncio.get_running_loop())
    assert result["thread"] == threading.current_thread().name
    assert client.runtime.door.loop is asyncio.get_running_loop()


@pytest.mark.anyio
async def test_a_sqlite_runtime_stays_on_the_runner(tmp_path: Path) -> None:
    client = get_client(graphs={"where": WHERE}, checkpointer=tmp_path / "t.sqlite")
    try:
        result = await _run_where(client)
    finally:
        await client.aclose()
    assert result["loop"] == id(get_runner().loop)
    assert result["thread"] == "hitl-widgets-runtime"


def test_the_client_follows_its_caller_to_a_new_loop_once_idle() -> None:
    """Notebook-style scripts call asyncio.run more than once with one client."""
    client = get_client(graphs={"where": WHERE})
    loops = []

    async def once() -> None:
        result = await _run_where(client)
        assert result["loop"] == id(asyncio.get_running_loop())
        loops.append(asyncio.get_running_loop())

    asyncio.run(once())
    asyncio.run(once())
    assert loops[0] is not loops[1]
    assert client.runtime.door.loop is loops[1]


def test_another_threads_loop_comes_in_through_the_door() -> None:
    """While the home loop runs, a caller on another thread's loop hops to it instead of
    moving the runtime (two threads never work on it at once)."""
    client = get_client(graphs={"where": WHERE})
    seen: dict[str, Any] = {}

    async def other_thread() -> None:
        seen["threads"] = await client.threads.count()
        seen["loop"] = client.runtime.door.loop

    async def home() -> None:
        tid = (await client.threads.create())["thread_id"]
        run = await client.runs.create(tid, "where", input={"text": "t"})
        worker = threading.Thread(target=lambda: asyncio.run(other_thread()))
        worker.start()
        while worker.is_alive():
            await asyncio.sleep(0.005)
        await client.runs.join(tid, run["run_id"])
        seen["home"] = asyncio.get_running_loop()

    asyncio.run(home())
    assert seen["threads"] == 1
    assert seen["loop"] is seen["home"]


def test_a_sync_call_on_the_home_loop_says_what_to_do() -> None:
    client = get_client(graphs={"where": WHERE})

    async def cell() -> None:
        await client.threads.count()  # the runtime now lives on this loop
        client.runtime.door.call(client.runtime.threads_count())

    with pytest.raises(RuntimeError, match="use the async client"):
        asyncio.run(cell())


def test_serving_a_client_pins_its_runtime_to_the_runner() -> None:
    """Requests come from the server's thread: they must not wait for the kernel's loop,
    which a cell calling its own server synchronously would block."""
    client = get_client(graphs={"where": WHERE})

    async def before() -> None:
        await client.threads.count()

    asyncio.run(before())
    server = serve(client)
    try:
        assert client.runtime.door is get_runner()

        async def over_http() -> dict[str, Any]:
            remote = sdk_client(url=server.url, api_key=server.token)
            try:
                return await _run_where(remote)
            finally:
                await remote.aclose()

        result = asyncio.run(over_http())
        assert result["thread"] == "hitl-widgets-runtime"
        # And the kernel's own client now hops to the runner, as before.
        assert asyncio.run(_run_where(client))["thread"] == "hitl-widgets-runtime"
    finally:
        server.stop()


def test_the_sync_client_stays_on_the_runner() -> None:
    client = get_sync_client(graphs={"where": WHERE})
    tid = client.threads.create()["thread_id"]
    client.runs.wait(tid, "where", input={"text": "t"})
    result = client.runs.wait(tid, "where", command={"resume": "a"})
    assert result["thread"] == "hitl-widgets-runtime"
    assert client.runtime.door is get_runner()


# -- a paused run's interrupts, by the task that asked, without reading the checkpoint --


def _by_task_from_state(state: dict[str, Any]) -> dict[str, list[str]]:
    return {
        task["id"]: sorted(i["id"] for i in task["interrupts"])
        for task in state["tasks"]
        if task["interrupts"]
    }


def _by_task_from_record(thread: dict[str, Any]) -> dict[str, list[str]]:
    return {task: sorted(i["id"] for i in items) for task, items in thread["interrupts"].items()}


async def _record_matches_state(client: Any, thread_id: str, tasks: int) -> dict[str, Any]:
    """The thread record's interrupts by task, checked against the state's; the record."""
    thread = await client.threads.get(thread_id)
    state = await client.threads.get_state(thread_id)
    assert len(_by_task_from_record(thread)) == tasks
    assert _by_task_from_record(thread) == _by_task_from_state(state)
    return dict(thread)


@pytest.mark.anyio
@pytest.mark.parametrize("storage", ["memory", "sqlite"])
async def test_interrupts_seen_written_match_the_checkpoint(storage: str, tmp_path: Path) -> None:
    """Parallel questions, a partial answer, a subgraph's question: the thread record's
    interrupts by task are the state's, and the saver keeps nothing once runs end."""
    from tests.graphs.scenarios import SCENARIOS

    checkpointer = None if storage == "memory" else tmp_path / "t.sqlite"
    client = get_client(graphs=SCENARIOS, checkpointer=checkpointer)
    saver = client.runtime.backend.saver
    try:
        tid = (await client.threads.create())["thread_id"]
        await client.runs.wait(tid, "parallel", input={"topic": "t"})
        thread = await _record_matches_state(client, tid, 2)
        first = next(iter(thread["interrupts"].values()))[0]["id"]
        await client.runs.wait(tid, "parallel", command={"resume": {first: "yes"}})
        await _record_matches_state(client, tid, 1)

        sub = (await client.threads.create())["thread_id"]
        await client.runs.wait(sub, "subgraph", input={"some_text": "s"})
        await _record_matches_state(client, sub, 1)
        assert saver.asked == {}
    finally:
        await client.aclose()


@pytest.mark.anyio
async def test_a_paused_run_reads_its_checkpoint_once() -> None:
    """LangGraph reads the head when the run starts; the run's end reads nothing more."""
    client = get_client(graphs={"where": WHERE})
    saver = client.runtime.backend.saver
    reads: list[Any] = []
    original = saver.aget_tuple

    async def counted(config: Any) -> Any:
        reads.append(config)
        return await original(config)

    saver.aget_tuple = counted  # type: ignore[method-assign]
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "where", input={"text": "t"})
    assert len(reads) == 1
    assert (await client.threads.get(tid))["status"] == "interrupted"
