"""The inbox, bulk answers and the audit log against a real LangGraph Server (`langgraph dev`).

The server keeps no decision log; the widgets keep it in each thread's metadata, so another
reviewer's client (here a second SDK client) reads the same log.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from hitl_widgets import Inbox, decisions, get_client

pytestmark = [pytest.mark.anyio, pytest.mark.server]


@pytest.fixture
async def ana(reference_url: str) -> Any:
    client = get_client(url=reference_url, reviewer="ana <i>")
    try:
        yield client
    finally:
        await client.aclose()


async def _batch(client: Any, n: int, batch: str) -> list[str]:
    ids = []
    for i in range(n):
        tid = (await client.threads.create(metadata={"batch": batch, "n": i}))["thread_id"]
        await client.runs.wait(tid, "seed", input={"some_text": f"text {i}"})
        ids.append(tid)
    return ids


async def test_inbox_view_and_bulk_on_the_server(ana: Any, reference_url: str,
                                                 widget_comms: list) -> None:
    batch = uuid.uuid4().hex  # the server is shared by the session: filter to our threads
    ids = await _batch(ana, 5, batch)
    inbox = Inbox(ana, metadata={"batch": batch}, page_size=2)
    await inbox.wait()
    assert [r["thread_id"] for r in inbox.rows] == ids[:2]
    assert inbox.counts == {"pending": 5, "answered": 0, "failed": 0}
    assert inbox.rows[0]["summary"] == "text_to_revise: text 0"
    inbox.next_page()
    await inbox.wait()
    assert [r["thread_id"] for r in inbox.rows] == ids[2:4]
    inbox.previous_page()
    await inbox.wait()
    # Review one in place; the inbox then opens the next pending thread by itself.
    inbox.open_thread(ids[0])
    await inbox.wait()
    assert inbox.view is not None
    inbox.view.form.value = "by hand"
    inbox.view.submit()
    await inbox.wait()
    assert inbox.view is not None and inbox.view.thread_id == ids[1]
    # And a bulk answer for three more.
    results = await inbox.bulk(ids[2:5], "bulk ok")
    assert [r["ok"] for r in results] == [True, True, True]
    assert inbox.counts == {"pending": 1, "answered": 4, "failed": 0}
    for tid in ids[2:5]:
        assert (await ana.threads.get_state(tid))["values"] == {"some_text": "bulk ok"}

    # Another reviewer's client sees the same log, kept on the server.
    other = get_client(url=reference_url, reviewer="bob")
    try:
        log = [d for d in decisions(other) if d["thread_id"] in ids]
    finally:
        await other.aclose()
    entries = [(d["thread_id"], d["answer"], d["reviewer"], d["outcome"]) for d in log]
    # The log is in time order; a bulk answer resumes its threads concurrently, so among
    # them any order is the right one.
    assert entries[0] == (ids[0], "by hand", "ana <i>", "resumed")
    assert sorted(entries[1:]) == sorted((tid, "bulk ok", "ana <i>", "resumed") for tid in ids[2:5])
    assert log[0]["value"] == {"text_to_revise": "text 0"} and log[0]["run_id"]
    assert decisions(ana, thread_id=ids[0]) == log[:1]
