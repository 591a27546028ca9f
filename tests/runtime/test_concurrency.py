"""Notebook-safe concurrency: a running loop, async nodes, shared SQLite files.

The runtime runs everything on its own loop thread (see hitl_widgets/runtime/runner.py),
not with nest-asyncio: these tests show what that buys.
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from hitl_widgets import get_client, get_sync_client
from tests.graphs.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]


def test_sync_client_inside_a_running_event_loop() -> None:
    """A Jupyter cell runs inside the kernel's loop; ``asyncio.run`` would refuse there."""
    client = get_sync_client(graphs=SCENARIOS)

    async def cell() -> Any:
        # The premise: here, inside a running loop, a plain asyncio.run is refused.
        refused = asyncio.sleep(0)
        with pytest.raises(RuntimeError, match="cannot be called from a running event loop"):
            asyncio.run(refused)
        refused.close()
        tid = client.threads.create()["thread_id"]
        client.runs.wait(tid, "async_seed", input={"some_text": "a"})
        return client.runs.wait(tid, "async_seed", command={"resume": "b"})

    assert asyncio.run(cell()) == {"some_text": "b"}


@pytest.mark.anyio
async def test_async_nodes_from_the_async_client() -> None:
    client = get_client(graphs=SCENARIOS)
    tid = (await client.threads.create())["thread_id"]
    await client.runs.wait(tid, "async_seed", input={"some_text": "a"})
    parts = [p async for p in client.runs.stream(tid, "async_seed", command={"resume": "b"},
                                                 stream_mode="updates")]
    assert [p.event for p in parts] == ["metadata", "updates"]
    assert parts[1].data == {"human_node": {"some_text": "b"}}


@pytest.mark.anyio
async def test_a_long_run_does_not_freeze_the_callers_loop() -> None:
    client = get_client(graphs=SCENARIOS)
    run = asyncio.ensure_future(client.runs.wait(None, "slow", input={"delay": 1.0}))
    turns_while_running = 0
    while not run.done():
        # A frozen loop would not come back here until the run is over.
        await asyncio.sleep(0.01)
        if not run.done():
            turns_while_running += 1
    assert (await run)["count"] == 1
    assert turns_while_running >= 2, "the caller's loop did not turn while the run went on"


@pytest.mark.anyio
async def test_sync_and_async_clients_share_one_sqlite_file(tmp_path: Path) -> None:
    path = str(tmp_path / "shared.sqlite")
    aclient = get_client(graphs=SCENARIOS, checkpointer=path)
    sclient = get_sync_client(graphs=SCENARIOS, checkpointer=path)
    assert aclient.runtime.backend is sclient.runtime.backend  # one connection per file

    async def async_side(n: int) -> None:
        tid = (await aclient.threads.create(metadata={"side": "async"}))["thread_id"]
        await aclient.runs.wait(tid, "async_seed", input={"some_text": str(n)})
        await aclient.runs.wait(tid, "async_seed", command={"resume": f"a{n}"})

    def sync_side(n: int) -> None:
        tid = sclient.threads.create(metadata={"side": "sync"})["thread_id"]
        sclient.runs.wait(tid, "seed", input={"some_text": str(n)})
        sclient.runs.wait(tid, "seed", command={"resume": f"s{n}"})

    loop = asyncio.get_running_loop()
    await asyncio.gather(
        *(async_side(n) for n in range(10)),
        *(loop.run_in_executor(None, sync_side, n) for n in range(10)),
    )
    assert await aclient.threads.count(metadata={"side": "async"}, status="idle") == 10
    assert sclient.threads.count(metadata={"side": "sync"}, status="idle") == 10


def test_two_processes_write_one_file_without_lock_errors(tmp_path: Path) -> None:
    path = str(tmp_path / "two.sqlite")
    code = textwrap.dedent('''
        import sys
        from hitl_widgets import get_sync_client
        from tests.graphs.scenarios import SCENARIOS
        client = get_sync_client(graphs=SCENARIOS, checkpointer=sys.argv[1])
        for n in range(15):
            tid = client.threads.create(metadata={"who": sys.argv[2]})["thread_id"]
            client.runs.wait(tid, "seed", input={"some_text": str(n)})
            client.runs.wait(tid, "seed", command={"resume": "done"})
    ''')
    procs = [subprocess.Popen([sys.executable, "-c", code, path, who], cwd=ROOT,
                              stderr=subprocess.PIPE, text=True) for who in ("a", "b")]
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        assert "locked" not in err
    client = get_sync_client(graphs=SCENARIOS, checkpointer=path)
    assert client.threads.count(metadata={"who": "a"}, status="idle") == 15
    assert client.threads.count(metadata={"who": "b"}, status="idle") == 15


def test_sync_client_called_from_inside_a_node_says_what_to_do() -> None:
    client = get_sync_client(graphs=SCENARIOS)
    runner = client.runtime.runner

    async def inside() -> None:
        client.threads.count()

    with pytest.raises(RuntimeError, match="use the async client"):
        runner.submit(inside()).result()


@pytest.mark.anyio
async def test_stream_events_arrive_while_the_run_goes_on() -> None:
    """Events cross to the caller while the run goes on, not all at its end: when the first
    one arrives, the run is still running."""
    client = get_client(graphs=SCENARIOS)
    thread_id = (await client.threads.create())["thread_id"]
    events = []
    status_at_first_event = None
    async for part in client.runs.stream(thread_id, "slow", input={"delay": 1.0},
                                         stream_mode=["tasks", "values"]):
        if status_at_first_event is None:
            run = await client.runs.get(thread_id, part.data["run_id"])
            status_at_first_event = run["status"]
        events.append(part.event)
    assert events[0] == "metadata" and status_at_first_event == "running"
    assert events[-1] == "values"
    assert (await client.threads.get(thread_id))["values"] == {"delay": 1.0, "count": 1}


def test_processes_opening_a_new_file_at_once(tmp_path: Path) -> None:
    """Creating the file's tables and switching it to WAL race between openers; SQLite's busy
    handler does not cover that, so opening retries while the file is locked."""
    path = str(tmp_path / "fresh.sqlite")
    go = tmp_path / "go"
    code = textwrap.dedent('''
        import os, sys, time
        from hitl_widgets import get_sync_client
        from tests.graphs.scenarios import SCENARIOS
        print("ready", flush=True)
        while not os.path.exists(sys.argv[2]):  # all open the new file at the same moment
            time.sleep(0.001)
        get_sync_client(graphs=SCENARIOS, checkpointer=sys.argv[1]).threads.create()
    ''')
    procs = [subprocess.Popen([sys.executable, "-c", code, path, str(go)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(6)]
    for proc in procs:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    go.touch()
    for proc in procs:
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
    assert get_sync_client(graphs=SCENARIOS, checkpointer=path).threads.count() == 6
