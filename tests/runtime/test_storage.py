"""Storage owns itself: any saver works, PostgreSQL keeps records beside its checkpoints,
records are copies, clients close what they opened, and a replaced file is noticed.

Each test failed before issue 7 (items 2–5 of its *Why*).
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver

from hitl_widgets import StorageError, get_client, get_sync_client
from hitl_widgets.examples import seed_graph
from hitl_widgets.runtime.saver_bridge import AsyncOverSync

pytestmark = pytest.mark.anyio
ROOT = Path(__file__).resolve().parents[2]


async def _seed_flow(client: Any) -> str:
    tid = (await client.threads.create(metadata={"who": "test"}))["thread_id"]
    asked = await asyncio.wait_for(
        client.runs.wait(tid, "agent", input={"some_text": "original text"}), 20
    )
    assert asked["__interrupt__"][0]["value"] == {"text_to_revise": "original text"}
    done = await asyncio.wait_for(client.runs.wait(tid, "agent", command={"resume": "Edited"}), 20)
    assert done == {"some_text": "Edited"}
    return str(tid)


def _sqlite_saver(path: Path) -> SqliteSaver:
    return SqliteSaver(sqlite3.connect(path, check_same_thread=False))


async def test_the_sync_sqlite_saver_of_langgraphs_docs(tmp_path: Path) -> None:
    """Hung forever: its async methods raise in a task nobody awaits."""
    client = get_client(graphs={"agent": seed_graph()}, checkpointer=_sqlite_saver(tmp_path / "a"))
    tid = await _seed_flow(client)
    # Records live beside its checkpoints: a new saver on the file finds the thread.
    again = get_client(graphs={"agent": seed_graph()}, checkpointer=_sqlite_saver(tmp_path / "a"))
    found = await again.threads.search(metadata={"who": "test"})
    assert [t["thread_id"] for t in found] == [tid]


def test_the_sync_saver_through_the_sync_client(tmp_path: Path) -> None:
    client = get_sync_client(graphs={"agent": seed_graph()}, checkpointer=_sqlite_saver(tmp_path / "s"))
    tid = client.threads.create()["thread_id"]
    assert "__interrupt__" in client.runs.wait(tid, "agent", input={"some_text": "x"})
    assert client.runs.wait(tid, "agent", command={"resume": "y"}) == {"some_text": "y"}


async def test_an_async_saver(tmp_path: Path) -> None:
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    async with AsyncSqliteSaver.from_conn_string(str(tmp_path / "aio.sqlite")) as saver:
        await _seed_flow(get_client(graphs={"agent": seed_graph()}, checkpointer=saver))


async def test_any_other_saver_has_its_threads_rebuilt_when_opened(tmp_path: Path) -> None:
    """A saver of a kind we cannot write beside: records are rebuilt from its checkpoints."""

    class OpaqueSaver(AsyncOverSync):
        """Stands for a saver of unknown kind (Redis, MongoDB, ...)."""

    conn = sqlite3.connect(tmp_path / "opaque.sqlite", check_same_thread=False)
    first = get_client(graphs={"agent": seed_graph()}, checkpointer=OpaqueSaver(SqliteSaver(conn)))
    tid = (await first.threads.create())["thread_id"]
    await first.runs.wait(tid, "agent", input={"some_text": "x"})
    restarted = get_client(
        graphs={"agent": seed_graph()}, checkpointer=OpaqueSaver(SqliteSaver(conn))
    )
    found = await restarted.threads.search(status="interrupted")
    assert [t["thread_id"] for t in found] == [tid]
    assert found[0]["metadata"]["graph_id"] == "agent"
    assert await restarted.runs.wait(tid, "agent", command={"resume": "y"}) == {"some_text": "y"}


async def test_a_graph_keeps_its_own_checkpointer(tmp_path: Path) -> None:
    saver = _sqlite_saver(tmp_path / "own.sqlite")
    graph = seed_graph().copy(update={"checkpointer": saver})
    client = get_client(graphs={"agent": graph})
    tid = await _seed_flow(client)
    assert saver.get_tuple({"configurable": {"thread_id": tid}}) is not None
    with pytest.raises(ValueError, match="graph 'agent' was compiled with its own checkpointer"):
        get_client(graphs={"agent": graph}, checkpointer=str(tmp_path / "other.sqlite"))
    with pytest.raises(ValueError, match="compiled with different checkpointers"):
        get_client(
            graphs={"a": graph, "b": seed_graph().copy(update={"checkpointer": InMemorySaver()})}
        )


async def test_memory_records_are_copies() -> None:
    client = get_client(graphs={"agent": seed_graph()})
    thread = await client.threads.create()
    await client.runs.wait(thread["thread_id"], "agent", input={"some_text": "x"})
    assert thread["status"] == "idle" and thread["values"] is None


async def test_close_releases_the_file_and_a_deleted_file_leaves_no_ghosts(tmp_path: Path) -> None:
    path = tmp_path / "ghost.sqlite"
    async with get_client(graphs={"agent": seed_graph()}, checkpointer=str(path)) as client:
        backend = client.runtime.backend
        await _seed_flow(client)
    with pytest.raises(sqlite3.ProgrammingError):
        backend.saver.conn.execute("SELECT 1")  # the last client closed the connection
    with pytest.raises(StorageError, match="client was closed"):
        await client.threads.search()
    holder = get_client(graphs={"agent": seed_graph()}, checkpointer=str(path))
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    fresh = get_client(graphs={"agent": seed_graph()}, checkpointer=str(path))
    assert await fresh.threads.search() == []  # not the old file's threads
    with pytest.raises(StorageError, match="deleted or replaced"):
        await holder.threads.create()  # nothing written into the unlinked file
    tid = await _seed_flow(fresh)
    await fresh.aclose()
    await holder.aclose()
    with get_sync_client(graphs={"agent": seed_graph()}, checkpointer=str(path)) as reopened:
        assert [t["thread_id"] for t in reopened.threads.search()] == [tid]


# -- PostgreSQL --------------------------------------------------------------------------

KERNEL = textwrap.dedent('''
    import json, sys
    from hitl_widgets import get_sync_client
    from hitl_widgets.examples import seed_graph
    client = get_sync_client(graphs={"agent": seed_graph()}, checkpointer=sys.argv[1])
    if sys.argv[2] == "start":
        tid = client.threads.create(metadata={"batch": "pg"})["thread_id"]
        client.runs.wait(tid, "agent", input={"some_text": "from kernel one"})
        print(json.dumps(tid))
    else:
        [thread] = client.threads.search(metadata={"batch": "pg"}, status="interrupted")
        done = client.runs.wait(thread["thread_id"], "agent", command={"resume": "from two"})
        print(json.dumps([thread["thread_id"], done]))
    client.close()
''')


def _kernel(url: str, step: str) -> Any:
    out = subprocess.run(
        [sys.executable, "-c", KERNEL, url, step], cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_postgres_thread_started_in_one_kernel_is_resumed_from_another(postgres_db: str) -> None:
    tid = _kernel(postgres_db, "start")
    assert _kernel(postgres_db, "resume") == [tid, {"some_text": "from two"}]
    with get_sync_client(graphs={"agent": seed_graph()}, checkpointer=postgres_db) as client:
        assert client.threads.get(tid)["status"] == "idle"
        assert [r["status"] for r in client.runs.list(tid)] == ["success", "success"]


async def test_postgres_through_the_async_client_and_a_postgres_saver(postgres_db: str) -> None:
    import psycopg
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row

    async with get_client(graphs={"agent": seed_graph()}, checkpointer=postgres_db) as client:
        tid = await _seed_flow(client)
    conn = psycopg.connect(postgres_db, autocommit=True, prepare_threshold=0, row_factory=dict_row)
    saver = PostgresSaver(conn)  # the saver LangGraph's docs build, handed in
    client = get_client(graphs={"agent": seed_graph()}, checkpointer=saver)
    assert [t["thread_id"] for t in await client.threads.search()] == [tid]
    await _seed_flow(client)
    assert await client.threads.count() == 2
    conn.close()


def test_postgres_that_is_not_there_is_a_storage_error() -> None:
    from tests.processes import free_port

    with pytest.raises(StorageError, match=r"cannot connect to PostgreSQL database .*:\*\*\*@"):
        get_client(
            graphs={"agent": seed_graph()},
            checkpointer=f"postgresql://u:secret@127.0.0.1:{free_port()}/db",
        )
