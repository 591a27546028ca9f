"""The differential scenarios over HTTP (issue 9, item 6): each flow of the runtime's
differential suite (``tests/runtime/flows.py``, ``flows_api.py``) runs through the official
``langgraph_sdk`` client against ``serve()`` and must leave the same normalised transcript as
the same flow against ``langgraph dev`` (``tests/reference_server.py``).

- ``test_flow_over_http[<flow>]``: the flow's own assertions hold over HTTP;
- ``test_same_as_server_over_http[<flow>]``: the transcripts match the real server's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from langgraph_sdk import get_client

from tests.runtime import flows, flows_api, flows_routes
from tests.runtime import test_differential as differential
from tests.runtime import test_differential_streams as streams
from tests.runtime.differential import Transcript, assert_same

FLOWS = {**flows.FLOWS, **flows_api.FLOWS, **flows_routes.FLOWS}

pytestmark = pytest.mark.anyio

_ours: dict[str, Transcript] = {}
_ours_streams: dict[tuple[str, str, bool], Transcript] = {}


@pytest.fixture
async def http_client(served: Any) -> AsyncIterator[Any]:
    """The official async SDK client on our server."""
    client = get_client(url=served.url, api_key=served.token)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.mark.parametrize("flow", differential.FLOW_PARAMS)
async def test_flow_over_http(flow: str, http_client: Any) -> None:
    _ours[flow] = await FLOWS[flow](http_client)


@pytest.mark.server
@pytest.mark.parametrize("flow", differential.FLOW_PARAMS)
async def test_same_as_server_over_http(
    flow: str, reference_client: Any, http_client: Any
) -> None:
    ours = _ours.get(flow) or await FLOWS[flow](http_client)
    # The server's transcript is shared with the runtime's differential suite (each flow
    # against langgraph dev takes seconds): whichever suite runs first records it.
    expected = await differential.server_transcript(flow, reference_client)
    assert_same(expected, ours, what=f"flow {flow!r} over HTTP")


# --- streams: event names and data over SSE ------------------------------------------------


@pytest.mark.parametrize(("graph", "mode", "subgraphs"), streams.CASES)
async def test_stream_events_over_http(
    graph: str, mode: streams.Mode, subgraphs: bool, http_client: Any
) -> None:
    transcript = await streams.stream_case(http_client, graph, mode, subgraphs)
    expected = tuple(" ".join(e.split()) for e in streams.EXPECTED[(graph, mode, subgraphs)])
    assert streams.names(transcript) == expected
    _ours_streams[(graph, str(mode), subgraphs)] = transcript


@pytest.mark.server
@pytest.mark.parametrize(("graph", "mode", "subgraphs"), streams.CASES)
async def test_stream_same_as_server_over_http(
    graph: str, mode: streams.Mode, subgraphs: bool, reference_client: Any, http_client: Any
) -> None:
    ours = _ours_streams.get((graph, str(mode), subgraphs)) or await streams.stream_case(
        http_client, graph, mode, subgraphs
    )
    expected = await streams.server_stream(reference_client, graph, mode, subgraphs)
    streams.assert_same_stream(graph, expected, ours, what=f"{mode} stream of {graph!r} over HTTP")


async def test_agent_inbox_answer_streams_events_over_http(http_client: Any) -> None:
    """Agent Inbox's Accept: the resume sent as a stream in ``events`` mode."""
    thread_id = (await http_client.threads.create())["thread_id"]
    await http_client.runs.wait(thread_id, "agent", input={"some_text": "draft"})
    parts = [
        (part.event, part.data)
        async for part in http_client.runs.stream(
            thread_id, "agent", command={"resume": "accepted"}, stream_mode="events"
        )
    ]
    assert [e for e, _ in parts][:2] == ["metadata", "events"]
    assert {e for e, _ in parts[1:]} == {"events"}
    assert parts[-1][1]["event"] == "on_chain_end"
    state = await http_client.threads.get_state(thread_id)
    assert state["values"] == {"some_text": "accepted"} and state["interrupts"] == []
