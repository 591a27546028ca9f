"""Stream events, ours against the real LangGraph Server (issue 2, item 5: "event sequences of
each stream mode").

Each case streams a scenario to its interrupt and then resumes it, in one stream mode, with and
without `stream_subgraphs`:

- `test_stream_events[<side>-...]` checks the sequence of event names against the one recorded
  from `langgraph dev` (langgraph-api 0.16.7) in `EXPECTED`; a subgraph's events are named
  `<mode>|<node>:<task id>` and appear here as `<mode>|<node>`.
- `test_stream_same_as_server[...]` compares every event's data, normalised as in
  `tests/runtime/differential.py` (ids, timestamps, server-only keys).

What the server really sends, worth knowing when reading a diff:

- every stream starts with `metadata` `{"run_id", "attempt": 1}`;
- `messages-tuple` events are named `messages` and carry `[message, metadata]`; messages a node
  *returns* are streamed too (no chat model needed);
- in `values` mode a resumed run first repeats the state it resumes from;
- in `updates` mode the interrupt arrives as `{"__interrupt__": [...]}`; with subgraphs it
  arrives twice, from the child namespace first;
- `messages` mode sends `messages/metadata` then `messages/complete` for each message; a
  list of modes interleaves their events in the order the graph produced them;
- two interrupts raised in one step arrive as two `values` (or `updates`) events with one
  interrupt each, although `runs.wait` returns them together;
- `checkpoints` and `debug` payloads carry the run's full `config.configurable` and metadata.

- `events` (LangChain's `astream_events` v2, what Agent Inbox streams) sends one `events`
  event per callback event other than the root's own `on_chain_stream` (whose chunks are the
  other modes' events); the first is the root's `on_chain_start`, under the run's id.
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pytest

from tests.runtime.differential import Transcript, assert_same

pytestmark = pytest.mark.anyio  # `server` marks the tests and sides that need langgraph dev

RUNS: dict[str, tuple[dict[str, Any], Any]] = {
    "chatty": ({"messages": []}, "cats"),
    "subgraph": ({"some_text": "x"}, "y"),
    "parallel": ({"topic": "t"}, lambda ids: dict.fromkeys(ids, "X")),
}
"""Scenario → (input, resume answer, or a function of the pending interrupt ids giving it)."""

_M = "metadata "
Mode = str | tuple[str, ...]
EXPECTED: dict[tuple[str, Mode, bool], tuple[str, str]] = {
    # (graph, mode, stream_subgraphs): (events to the interrupt, events of the resume)
    ("chatty", "values", False): (_M + "values " * 3, _M + "values " * 3),
    ("chatty", "values", True): (_M + "values " * 3, _M + "values " * 3),
    ("chatty", "updates", False): (_M + "updates " * 2, _M + "updates " * 2),
    ("chatty", "updates", True): (_M + "updates " * 2, _M + "updates " * 2),
    ("chatty", "custom", False): (_M + "custom", _M + "custom " * 2),
    ("chatty", "custom", True): (_M + "custom", _M + "custom " * 2),
    ("chatty", "messages-tuple", False): (_M + "messages", _M + "messages " * 2),
    ("chatty", "messages-tuple", True): (_M + "messages", _M + "messages " * 2),
    ("chatty", "tasks", False): (_M + "tasks " * 4, _M + "tasks " * 4),
    ("chatty", "tasks", True): (_M + "tasks " * 4, _M + "tasks " * 4),
    ("chatty", "checkpoints", False): (_M + "checkpoints " * 3, _M + "checkpoints " * 3),
    ("chatty", "checkpoints", True): (_M + "checkpoints " * 3, _M + "checkpoints " * 3),
    ("chatty", "debug", False): (_M + "debug " * 7, _M + "debug " * 7),
    ("chatty", "debug", True): (_M + "debug " * 7, _M + "debug " * 7),
    ("subgraph", "values", False): (_M + "values " * 2, _M + "values " * 3),
    ("subgraph", "values", True): (
        _M + "values values|child values|child values",
        _M + "values values|child values|child values values",
    ),
    ("subgraph", "updates", False): (_M + "updates", _M + "updates " * 2),
    ("subgraph", "updates", True): (
        _M + "updates|child updates",
        _M + "updates|child updates updates",
    ),
    ("subgraph", "tasks", False): (_M + "tasks " * 2, _M + "tasks " * 4),
    ("subgraph", "tasks", True): (
        _M + "tasks tasks|child tasks|child tasks",
        _M + "tasks tasks|child tasks|child tasks tasks tasks",
    ),
    ("subgraph", "checkpoints", False): (_M + "checkpoints " * 2, _M + "checkpoints " * 3),
    ("subgraph", "checkpoints", True): (
        _M + "checkpoints checkpoints checkpoints|child checkpoints|child",
        _M + "checkpoints checkpoints|child checkpoints|child checkpoints checkpoints",
    ),
    # `messages` (not only `messages-tuple`): a metadata event per message, then the message.
    ("chatty", "messages", False): (
        _M + "messages/metadata messages/complete",
        _M + "messages/metadata messages/complete " * 2,
    ),
    # Several modes at once: their events interleave in the order the graph produced them.
    ("chatty", ("updates", "custom"), False): (
        _M + "custom updates updates",
        _M + "custom updates custom updates",
    ),
    ("chatty", ("values", "messages-tuple", "custom"), False): (
        _M + "values custom messages values values",
        _M + "values custom messages values custom messages values",
    ),
    # Two interrupts in one step: `values` and `updates` send one event per interrupt.
    ("parallel", "values", False): (_M + "values " * 3, _M + "values " * 2),
    ("parallel", "updates", False): (_M + "updates " * 2, _M + "updates " * 2),
    ("parallel", "tasks", False): (_M + "tasks " * 4, _M + "tasks " * 4),
    ("parallel", "checkpoints", False): (_M + "checkpoints " * 2, _M + "checkpoints " * 2),
    ("parallel", "debug", False): (_M + "debug " * 6, _M + "debug " * 6),
    ("subgraph", "debug", False): (_M + "debug " * 4, _M + "debug " * 7),
    # LangChain callback events (Agent Inbox answers with these); the data is compared too.
    ("chatty", "events", False): (_M + "events " * 6, _M + "events " * 8),
    ("subgraph", "events", False): (_M + "events " * 5, _M + "events " * 13),
    ("subgraph", "events", True): (_M + "events " * 5, _M + "events " * 13),
    ("chatty", ("values", "messages-tuple", "events"), False): (
        _M + "events values events events events messages values events values events",
        _M + "events values events events events messages values events events events messages "
        "values events",
    ),
    ("subgraph", "debug", True): (
        _M + "debug " * 3 + "debug|child " * 4 + "debug",
        _M + "debug " * 2 + "debug|child " * 4 + "debug " * 5,
    ),
}


def _case_id(graph: str, mode: Mode, subgraphs: bool) -> str:
    modes = mode if isinstance(mode, str) else "+".join(mode)
    return f"{graph}-{modes}-{'sub' if subgraphs else 'flat'}"


CASES = [
    pytest.param(*key, id=_case_id(*key), marks=pytest.mark.xdist_group(f"stream-{_case_id(*key)}"))
    for key in EXPECTED
]
"""The cases as test parameters. Every test of one case (here and in the HTTP conformance
suite) runs in the same pytest-xdist worker, so the server's stream is recorded once."""

_NAMESPACE = re.compile(r"\|(\w+):[0-9a-f-]+")


def event_name(event: str) -> str:
    """`values|child:<task id>` → `values|child`: the names without the random part."""
    return _NAMESPACE.sub(r"|\1", event)


async def stream_case(client: Any, graph: str, mode: Mode, subgraphs: bool) -> Transcript:
    """Stream `graph` to its interrupt, then resume it; record every event."""
    values, answer = RUNS[graph]
    t = Transcript()
    thread_id = (await client.threads.create())["thread_id"]

    async def stream(phase: str, **kwargs: Any) -> None:
        parts = [
            (part.event, part.data)
            async for part in client.runs.stream(
                thread_id,
                graph,
                stream_mode=mode if isinstance(mode, str) else list(mode),
                stream_subgraphs=subgraphs,
                **kwargs,
            )
        ]
        t.record(phase, parts)

    await stream("input", input=values)
    if callable(answer):
        answer = answer(
            [i["id"] for i in (await client.threads.get_state(thread_id))["interrupts"]]
        )
    await stream("resume", command={"resume": answer})
    return t


def names(transcript: Transcript) -> tuple[str, str]:
    return tuple(" ".join(event_name(e) for e, _ in parts) for _, parts in transcript)  # type: ignore[return-value]


_server_streams: dict[tuple[str, Mode, bool], Transcript] = {}
"""Each case's stream on the server, recorded once per test process by whichever test needs
it first (here or in the HTTP conformance suite)."""


async def server_stream(
    reference_client: Any, graph: str, mode: Mode, subgraphs: bool
) -> Transcript:
    """The case streamed on the reference server, once per process."""
    key = (graph, mode, subgraphs)
    if key not in _server_streams:
        _server_streams[key] = await stream_case(reference_client, *key)
    return _server_streams[key]


@pytest.mark.parametrize(("graph", "mode", "subgraphs"), CASES)
async def test_stream_events(
    graph: str, mode: Mode, subgraphs: bool, side: str, side_client: Any
) -> None:
    if side == "server":
        transcript = await server_stream(side_client, graph, mode, subgraphs)
    else:
        transcript = await stream_case(side_client, graph, mode, subgraphs)
    expected = tuple(" ".join(e.split()) for e in EXPECTED[(graph, mode, subgraphs)])
    assert names(transcript) == expected


@pytest.mark.server
@pytest.mark.parametrize(("graph", "mode", "subgraphs"), CASES)
async def test_stream_same_as_server(
    graph: str, mode: Mode, subgraphs: bool, reference_client: Any, local_client: Any
) -> None:
    key = (graph, mode, subgraphs)
    expected = await server_stream(reference_client, *key)
    got = await stream_case(local_client, *key)
    what = f"{mode} stream of {graph!r} (subgraphs={subgraphs})"
    assert_same_stream(graph, expected, got, what=what)


def assert_same_stream(graph: str, expected: Transcript, got: Transcript, *, what: str) -> None:
    """``assert_same`` for a case's streams (the parallel graph's branches in one order)."""
    if graph == "parallel":
        expected, got = _branch_order_free(expected), _branch_order_free(got)
    assert_same(expected, got, what=what)


_SOME_ID = re.compile(r"[0-9a-f]{8}(-?[0-9a-f]{4}){3}-?[0-9a-f]{12}")


def _branch_order_free(transcript: Transcript) -> Transcript:
    """The parallel graph's two branches run at once, each node in its own executor thread
    (on the server too): their per-task events come in whichever order the threads finish.
    Each run of same-named events is put in one order (by content, ids aside); the order
    of different events, and everything in them, is still compared."""
    ordered = Transcript()
    for phase, parts in transcript:
        runs = [list(group) for _, group in itertools.groupby(parts, key=lambda p: p[0])]
        ordered.append((phase, [part for run in runs for part in sorted(run, key=_content)]))
    return ordered


def _content(part: Any) -> str:
    return _SOME_ID.sub("<id>", json.dumps(part, sort_keys=True))


async def test_events_mode(side: str, side_client: Any) -> None:
    """`stream_mode="events"`: callback events, the root's `on_chain_start` first, under the
    run's own id, and the run ends as any other."""
    thread_id = (await side_client.threads.create())["thread_id"]
    stream = side_client.runs.stream(
        thread_id, "chatty", input={"messages": []}, stream_mode="events"
    )
    parts = [(part.event, part.data) async for part in stream]
    events = [event for event, _ in parts]
    assert events[0] == "metadata" and set(events[1:]) == {"events"}
    run_id = parts[0][1]["run_id"]
    first, last = parts[1][1], parts[-1][1]
    assert (first["event"], first["run_id"], first["parent_ids"]) == ("on_chain_start", run_id, [])
    assert (last["event"], last["run_id"]) == ("on_chain_end", run_id)
    kinds = {data["event"] for _, data in parts[1:]}
    assert "on_chain_stream" in kinds  # the nodes' own (the root's carries the other modes)
    assert (await side_client.threads.get(thread_id))["status"] == "interrupted"
    assert [r["status"] for r in await side_client.runs.list(thread_id)] == ["success"]
