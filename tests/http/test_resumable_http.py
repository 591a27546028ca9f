"""Resumable streams over HTTP: ``id:`` lines, and a reconnect to the stream's
``Location`` with ``Last-Event-ID`` that gets exactly the events after it (the flows are
compared with ``langgraph dev`` in ``tests/runtime/test_resumable.py``)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from langgraph_sdk import get_client

from tests.runtime import test_resumable as flows

pytestmark = pytest.mark.anyio


def _frames(text: str) -> list[dict[str, str]]:
    frames = []
    for block in text.split("\r\n\r\n"):
        fields = dict(line.split(": ", 1) for line in block.split("\r\n") if ": " in line)
        if fields:
            frames.append(fields)
    return frames


def test_reconnect_with_last_event_id(served: Any) -> None:
    headers = {"x-api-key": served.token}
    thread_id = httpx.post(served.url + "/threads", json={}, headers=headers).json()["thread_id"]
    body = {"assistant_id": "chatty", "input": {"messages": []}, "stream_resumable": True,
            "stream_mode": ["values", "updates"]}  # fmt: skip
    response = httpx.post(
        served.url + f"/threads/{thread_id}/runs/stream", json=body, headers=headers, timeout=60
    )
    frames = _frames(response.text)
    assert all("id" in f for f in frames) and frames[0]["event"] == "metadata"
    again = httpx.get(
        served.url + response.headers["Location"],
        headers={**headers, "Last-Event-ID": frames[1]["id"]},
        timeout=60,
    )
    assert _frames(again.text) == frames[2:]
    bogus = httpx.get(served.url + response.headers["Location"], timeout=60,
                      headers={**headers, "Last-Event-ID": "12-34"})  # fmt: skip
    assert bogus.status_code == 400 and "not an event of run" in bogus.json()["detail"]


async def test_sdk_resumes_over_http(served: Any) -> None:
    client = get_client(url=served.url, api_key=served.token)
    try:
        await flows.check_resumes(client, server=False)
        await flows.test_finished_run_is_not_replayed(client)
    finally:
        await client.aclose()
