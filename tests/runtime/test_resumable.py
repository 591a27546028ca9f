"""Resumable streams, ours against `langgraph dev`: event ids with `stream_resumable`, none
without; `join_stream(last_event_id=...)` replays the events after that id; a finished run
joined without an id sends nothing (as the server: its events are not replayed).

Beyond the server: an id that is not one of the run's is a 400 saying so
(`test_unknown_last_event_id_is_refused`); the server replays whatever its string
comparison of ids lets through.
"""

from __future__ import annotations

from typing import Any

import pytest
from langgraph_sdk.errors import BadRequestError

pytestmark = pytest.mark.anyio


async def _streamed(client: Any, resumable: bool) -> tuple[str, str, list[Any]]:
    thread_id = (await client.threads.create())["thread_id"]
    parts = [
        part
        async for part in client.runs.stream(
            thread_id,
            "chatty",
            input={"messages": []},
            stream_mode=["values", "updates"],
            stream_resumable=resumable,
        )
    ]
    return thread_id, parts[0].data["run_id"], parts


async def test_resumable_stream_has_ids_and_resumes(side_client: Any, side: str) -> None:
    await check_resumes(side_client, server=side == "server")


async def check_resumes(side_client: Any, *, server: bool) -> None:
    """Every event has an id; joining after one replays the events after it. The server's
    ids are `<ms>-0`, so events of the same millisecond share one and a resume skips them
    all (it keeps ids greater than the one given); ours are distinct (`<ms>-<position>`)."""
    thread_id, run_id, parts = await _streamed(side_client, resumable=True)
    ids = [part.id for part in parts]
    assert None not in ids, ids
    if server:
        expected = [(p.event, p.data) for p in parts if p.id > ids[1]]
    else:
        assert len(set(ids)) == len(ids), ids
        expected = [(p.event, p.data) for p in parts[2:]]
    after = [
        (part.event, part.data)
        async for part in side_client.runs.join_stream(thread_id, run_id, last_event_id=ids[1])
    ]
    assert after == expected
    only = [
        part.event
        async for part in side_client.runs.join_stream(
            thread_id, run_id, last_event_id=ids[0], stream_mode="updates"
        )
    ]
    assert set(only) <= {"updates"} and (server or only == ["updates"] * 2)


async def test_minus_one_replays_a_resumable_run_from_the_start(side_client: Any) -> None:
    """`useStream` rejoins a run with `lastEventId: "-1"`."""
    thread_id, run_id, parts = await _streamed(side_client, resumable=True)
    joined = [
        (p.event, p.data)
        async for p in side_client.runs.join_stream(thread_id, run_id, last_event_id="-1")
    ]
    assert joined == [(p.event, p.data) for p in parts]
    thread_id, run_id, parts = await _streamed(side_client, resumable=False)
    joined = [
        p async for p in side_client.runs.join_stream(thread_id, run_id, last_event_id="-1")
    ]
    assert joined == []


async def test_finished_run_is_not_replayed(side_client: Any) -> None:
    for resumable in (False, True):
        thread_id, run_id, parts = await _streamed(side_client, resumable)
        assert all(part.id is None for part in parts) != resumable
        joined = [part async for part in side_client.runs.join_stream(thread_id, run_id)]
        assert joined == []


async def test_unknown_last_event_id_is_refused(local_client: Any) -> None:
    thread_id, run_id, parts = await _streamed(local_client, resumable=True)
    for bad in ("1-0", f"{parts[0].id.split('-')[0]}-999", "nonsense"):
        with pytest.raises(BadRequestError, match=f"Last-Event-ID '{bad}' is not an event of run"):
            _ = [p async for p in local_client.runs.join_stream(thread_id, run_id, last_event_id=bad)]
    thread_id, run_id, parts = await _streamed(local_client, resumable=False)
    with pytest.raises(BadRequestError, match="not started with stream_resumable=True"):
        _ = [p async for p in local_client.runs.join_stream(thread_id, run_id, last_event_id="1-0")]
