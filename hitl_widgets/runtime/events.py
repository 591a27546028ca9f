"""The ``events`` stream mode: LangChain's ``astream_events`` (v2) as the server streams it.

Asked for ``events``, the LangGraph Server runs the graph through ``astream_events`` instead
of ``astream``: the root run's own ``on_chain_stream`` events carry the other stream modes'
chunks (handled as ``astream``'s), and every other callback event — each node's and each
model's ``on_chain_start``/``on_chat_model_stream``/``..._end`` — is sent as one ``events``
event, as LangChain shaped it (``event``, ``name``, ``run_id``, ``tags``, ``metadata``,
``data``, ``parent_ids``). Events tagged ``langsmith:hidden`` are left out, as there.
Agent Inbox answers every interrupt with such a stream.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.types import Command

from hitl_widgets.runtime.jsonable import to_json

if TYPE_CHECKING:
    from hitl_widgets.runtime.runs import RunHandle

__all__ = ["EVENTS", "event_json", "graph_stream"]

EVENTS = "events"
"""The stream mode's name."""


def _fields(command: Command[Any]) -> dict[str, Any]:
    return {f.name: getattr(command, f.name) for f in dataclasses.fields(command)}


def _lenient(obj: Any) -> Any:
    try:
        return to_json(obj)
    except TypeError:
        return None  # the server's serialiser writes null for what it cannot shape


def event_json(event: Any) -> Any:
    """A callback event as the server sends it (what has no JSON form becomes ``null``)."""
    data = event.get("data") if isinstance(event, dict) else None
    if isinstance(data, dict) and isinstance(data.get("input"), Command):
        command = data["input"]
        if not command.goto:
            # The server builds the graph's Command from the API's with ``goto=None``.
            event = {**event, "data": {**data, "input": {**_fields(command), "goto": None}}}
    try:
        return to_json(event)
    except TypeError:
        import orjson

        return orjson.loads(orjson.dumps(event, default=_lenient, option=orjson.OPT_NON_STR_KEYS))


async def graph_stream(handle: RunHandle, modes: list[str]) -> AsyncIterator[Any]:
    """What the run reads from the graph: ``astream``'s items in LangGraph's ``modes``; with
    ``events`` requested, the same items taken from ``astream_events`` plus one
    ``("events", event)`` item (``((), "events", event)`` with subgraphs) per other event."""
    config = cast(RunnableConfig, handle.config)
    kwargs: dict[str, Any] = {
        "stream_mode": modes,
        "subgraphs": handle.subgraphs,
        "interrupt_before": handle.interrupt_before,
        "interrupt_after": handle.interrupt_after,
        "context": handle.context,
    }
    if EVENTS not in handle.stream_mode:
        async for item in handle.graph.astream(handle.input, config, **kwargs):
            yield item
        return
    root = str(handle.config.get("run_id"))
    configurable = dict(handle.config.get("configurable") or {})
    if configurable.get("checkpoint_ns") == "":
        # LangChain copies the root's configurable into every event's metadata, where an
        # empty namespace would hide each subgraph's own (the server's root has none).
        del configurable["checkpoint_ns"]
        config = cast(RunnableConfig, {**handle.config, "configurable": configurable})
    async for event in handle.graph.astream_events(handle.input, config, version="v2", **kwargs):
        if "langsmith:hidden" in (event.get("tags") or ()):
            continue
        if event["event"] == "on_chain_stream" and str(event["run_id"]) == root:
            yield event["data"]["chunk"]
        elif handle.subgraphs:
            yield (), EVENTS, event_json(event)
        else:
            yield EVENTS, event_json(event)
