"""Every run ends: whatever fails after the graph ran, the thread ends in ``error`` (never
``busy``), queued runs start, every waiter returns, and nothing is left unretrieved.

Each test here failed before the run's end was made fault-proof (issue 7, item 1).
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk.errors import BadRequestError

from hitl_widgets import GraphRunError, StorageError, get_client, get_sync_client
from hitl_widgets.examples import seed_graph

pytestmark = pytest.mark.anyio


async def _conflicting_writes(client: Any) -> str:
    """The issue's road to the wedge: two updates land on one step of an interrupted thread."""
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "agent", input={"some_text": "original"})
    await client.runs.wait(tid, "agent", command={"update": {"some_text": "patched"}})
    await client.runs.wait(tid, "agent", command={"goto": "human_node"})
    with pytest.raises(GraphRunError, match="InvalidUpdateError"):
        await client.runs.wait(
            tid, "agent", command={"resume": "resumed", "update": {"some_text": "updated"}}
        )
    return str(tid)


@pytest.mark.parametrize("storage", ["memory", "sqlite"])
async def test_a_failed_state_read_ends_the_thread_in_error(storage: str, tmp_path: Path) -> None:
    spec = None if storage == "memory" else str(tmp_path / "t.sqlite")
    client = get_client(graphs={"agent": seed_graph()}, checkpointer=spec)
    tid = await _conflicting_writes(client)
    thread = await client.threads.get(tid)
    assert thread["status"] == "error"
    assert thread["error"]["error"] == "InvalidUpdateError"
    # As the server: get_state is a 400 carrying the message (not a raw InvalidUpdateError).
    with pytest.raises(BadRequestError, match=f"thread {tid}.*InvalidUpdateError"):
        await client.threads.get_state(tid)
    if storage == "sqlite":
        await client.aclose()
        reopened = get_sync_client(graphs={"agent": seed_graph()}, checkpointer=spec)
        assert reopened.threads.get(tid)["status"] == "error"  # no wedge across a restart
        reopened.close()
        client = get_client(graphs={"agent": seed_graph()}, checkpointer=spec)
    # The thread's slot is free: a run with multitask_strategy="reject" is not refused as
    # busy, and it runs (the later of the two updates wins).
    again = await asyncio.wait_for(
        client.runs.wait(tid, "agent", input=None, multitask_strategy="reject"), 10
    )
    assert again["some_text"] == "updated" and "__interrupt__" in again
    assert [r["status"] for r in await client.runs.list(tid, limit=2)] == ["success", "error"]
    await client.aclose()


async def test_a_queued_run_starts_after_a_failed_end() -> None:
    """The run ahead fails in its end (the state it left cannot be read); the run queued
    behind it still starts, and every waiter returns."""
    client = get_client(graphs={"agent": seed_graph()})
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "agent", input={"some_text": "original"})
    await client.runs.wait(tid, "agent", command={"update": {"some_text": "patched"}})
    await client.runs.wait(tid, "agent", command={"goto": "human_node"})
    failing = await client.runs.create(
        tid, "agent", command={"resume": "resumed", "update": {"some_text": "updated"}}
    )
    queued = await client.runs.create(tid, "agent", input=None, multitask_strategy="enqueue")
    await asyncio.wait_for(client.runs.join(tid, queued["run_id"]), 10)
    await asyncio.wait_for(client.runs.join(tid, failing["run_id"]), 10)
    statuses = {r["run_id"]: r["status"] for r in await client.runs.list(tid)}
    assert statuses[failing["run_id"]] == "error"
    assert statuses[queued["run_id"]] == "success"
    assert (await client.threads.get(tid))["status"] == "interrupted"


def test_storage_locked_at_the_end_of_a_run(tmp_path: Path) -> None:
    """Another connection holds the file's write lock while the run ends: the caller gets the
    ``StorageError`` naming the file, the thread is not left ``busy``, and once the lock is
    gone the thread's record says ``error`` — in this process and after a restart."""
    path = tmp_path / "locked.sqlite"
    other = sqlite3.connect(path, timeout=0, isolation_level=None, check_same_thread=False)
    calls: list[str] = []

    def lock_then_answer(state: dict[str, Any]) -> dict[str, Any]:
        if not calls:
            other.execute("BEGIN EXCLUSIVE")  # taken while the graph runs, held past its end
        calls.append("ran")
        return {"some_text": "done"}

    from langgraph.graph import START, StateGraph

    from hitl_widgets.examples import SeedState

    builder = StateGraph(SeedState)
    builder.add_node("work", lock_then_answer)
    builder.add_edge(START, "work")
    client = get_sync_client(graphs={"g": builder.compile()}, checkpointer=str(path))
    client.runtime.backend.saver.conn.execute("PRAGMA busy_timeout=50")
    tid = client.threads.create()["thread_id"]
    with pytest.raises(StorageError, match="locked"):
        client.runs.wait(tid, "g", input={"some_text": "x"})
    assert calls == ["ran"]
    assert client.threads.get(tid)["status"] == "error"  # mended from memory while locked
    other.execute("ROLLBACK")
    other.close()
    thread = client.threads.get(tid)
    assert thread["status"] == "error" and "locked" in thread["error"]["message"]
    client.close()
    reopened = get_sync_client(graphs={"g": builder.compile()}, checkpointer=str(path))
    assert reopened.threads.get(tid)["status"] == "error"  # written once the lock was gone
    assert reopened.runs.wait(tid, "g", input={"some_text": "again"}) == {"some_text": "done"}
    reopened.close()


async def test_cancels_racing_the_end_never_leave_a_thread_busy() -> None:
    """Cancel at many points of a short run's life, its end included."""
    from tests.graphs.scenarios import SCENARIOS

    client = get_client(graphs=SCENARIOS)
    for attempt in range(40):
        tid = (await client.threads.create())["thread_id"]
        run = await client.runs.create(tid, "seed", input={"some_text": "x"})
        for _ in range(attempt % 8):
            await asyncio.sleep(0)
        await client.runs.cancel(tid, run["run_id"])
        await asyncio.wait_for(client.runs.join(tid, run["run_id"]), 5)
        thread = await client.threads.get(tid)
        state = await client.threads.get_state(tid)
        got = await client.runs.get(tid, run["run_id"])
        # The cancel may land before or after the seed reaches its question; either way the
        # thread is not busy and says what its checkpoint holds, as the server's rule does:
        # "interrupted" while a question or a node is pending, else "idle".
        reached = bool(state["interrupts"])
        pending = reached or bool(state["next"])
        assert thread["status"] == ("interrupted" if pending else "idle"), (attempt, thread, state)
        if got["status"] == "success":
            assert reached, (attempt, got, state)
        else:
            assert got["status"] == "interrupted", (attempt, got["status"])


async def test_busy_threads_of_a_dead_process_are_mended_when_opened(tmp_path: Path) -> None:
    """A record left ``busy`` with no run alive anywhere (a finish that died half-way)."""
    path = str(tmp_path / "b.sqlite")
    client = get_client(graphs={"agent": seed_graph()}, checkpointer=path)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "agent", input={"some_text": "x"})
    records = client.runtime.backend.records
    thread = records.get_thread(tid)
    assert thread is not None
    records.put_thread({**thread, "status": "busy"})
    await client.aclose()
    reopened = get_client(graphs={"agent": seed_graph()}, checkpointer=path)
    assert (await reopened.threads.get(tid))["status"] == "interrupted"
    await reopened.aclose()


async def test_nothing_is_kept_per_finished_run() -> None:
    """Memory stays flat: finished runs' events are kept for the last KEPT_HANDLES runs only,
    a thread's live-run slot goes when it is idle (10,000-run figures: bench_soak.py)."""
    from hitl_widgets.runtime.run_ops import KEPT_HANDLES

    client = get_client(graphs={"agent": seed_graph()})
    runtime = client.runtime
    for _ in range(KEPT_HANDLES + 30):
        tid = (await client.threads.create())["thread_id"]
        await client.runs.wait(tid, "agent", input={"some_text": "x"})
        await client.threads.delete(tid)
    assert len(runtime._handles) == KEPT_HANDLES
    assert runtime.backend.live == {}
    assert await client.threads.count() == 0


@pytest.mark.parametrize(
    ("run", "expected", "status"),
    [
        ({"input": {"some_text": "fresh"}}, "fresh", "interrupted"),
        ({"command": {"resume": "corrected"}}, "corrected", "idle"),
        ({"command": {"goto": "human_node"}}, "updated", "interrupted"),  # the later update won
    ],
)
async def test_after_conflicting_writes_a_new_run_or_a_corrected_resume_proceeds(
    run: dict[str, Any], expected: str, status: str
) -> None:
    client = get_client(graphs={"agent": seed_graph()})
    tid = await _conflicting_writes(client)
    result = await asyncio.wait_for(client.runs.wait(tid, "agent", **run), 10)
    assert result["some_text"] == expected
    assert (await client.threads.get(tid))["status"] == status
    assert (await client.threads.get_state(tid))["values"] == {"some_text": expected}


async def test_a_corrected_resume_by_interrupt_id_proceeds() -> None:
    client = get_client(graphs={"agent": seed_graph()})
    tid = await _conflicting_writes(client)
    [pending] = (await client.threads.get(tid))["interrupts"].values()
    answer = {pending[0]["id"]: "by id"}
    assert await client.runs.wait(tid, "agent", command={"resume": answer}) == {
        "some_text": "by id"
    }


async def test_only_the_callers_mistakes_are_4xx() -> None:
    """An update LangGraph refuses is the caller's 400; a failing saver surfaces as itself
    (it was a 400 "blamed on the caller" before)."""
    from langgraph.checkpoint.memory import InMemorySaver

    class FailingSaver(InMemorySaver):
        failing = False

        async def aput(self, *args: Any, **kwargs: Any) -> Any:
            if self.failing:
                raise RuntimeError("the disk is on fire")
            return await super().aput(*args, **kwargs)

    saver = FailingSaver()
    client = get_client(graphs={"agent": seed_graph()}, checkpointer=saver)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "agent", input={"some_text": "x"})
    with pytest.raises(BadRequestError, match=f"cannot update thread {tid}.*no_such_node"):
        await client.threads.update_state(tid, {"some_text": "y"}, as_node="no_such_node")
    saver.failing = True
    with pytest.raises(RuntimeError, match="the disk is on fire"):
        await client.threads.update_state(tid, {"some_text": "y"})
