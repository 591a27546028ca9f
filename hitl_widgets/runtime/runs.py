"""Executing runs: one graph invocation on a thread, streamed to whoever listens.

A run streams LangGraph's own chunks (``graph.astream``) and turns each into the server's
event: ``metadata`` first, then one event per requested stream mode (``mode|ns`` for
subgraph chunks), and ``error`` if the graph raised. Every event is kept, so ``join`` and
``join_stream`` work after the fact, and the final body of ``runs.wait`` is computed the way
the server computes it (the last ``values`` chunk, or only the interrupts when several
chunks carried them).
"""

from __future__ import annotations

import asyncio
import traceback
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import BaseMessageChunk

from hitl_widgets.runtime.events import EVENTS, graph_stream
from hitl_widgets.runtime.graphs import AnyGraph
from hitl_widgets.runtime.jsonable import to_json
from hitl_widgets.runtime.state import checkpoint_of, error_json

__all__ = ["STREAM_MODES", "RunHandle", "execute"]

STREAM_MODES = frozenset(
    {
        "values",
        "updates",
        "custom",
        "messages",
        "messages-tuple",
        "tasks",
        "checkpoints",
        "debug",
        "events",
    }
)
"""The stream modes a run accepts (``events``: LangChain's callback events, ``events.py``)."""

_END = object()
_NOT_YET = object()


class _Unread:
    """A top-level values chunk that nobody was listening for when the graph streamed it,
    kept as LangGraph gave it and turned into JSON only when first read.

    A run that nobody streams (``runs.wait``) then converts one state, its final one, not
    one per step: the cost of a run stays the same however large the state. A step's chunk
    read later (``join_stream`` after the fact) is converted then, and shows its objects as
    they are then, as a list of LangGraph's own ``astream`` chunks would.
    """

    __slots__ = ("_json", "raw")

    def __init__(self, chunk: Any) -> None:
        self.raw = chunk
        """LangGraph's chunk until it is converted (then ``None``: only the JSON is kept)."""
        self._json: Any = _NOT_YET

    def json(self) -> Any:
        """The chunk in the server's JSON shapes (converted once, then shared)."""
        if self._json is _NOT_YET:
            self._json = to_json(self.raw)
            self.raw = None
        return self._json


def _read(data: Any) -> Any:
    return data.json() if isinstance(data, _Unread) else data


@dataclass
class RunHandle:
    """A run in flight (or finished, in this process): its record, events and result."""

    run: dict[str, Any]
    graph: AnyGraph
    input: Any
    config: dict[str, Any]
    stream_mode: list[str]
    subgraphs: bool = False
    interrupt_before: Any = None
    interrupt_after: Any = None
    context: Any = None
    command: dict[str, Any] | None = None
    """The API's command, checked into ``input`` (a LangGraph ``Command``) when the run starts."""
    checked: bool = False
    """The command was checked against the thread (at creation, or when a queued run starts)."""
    stateless: bool = False
    """Created without a thread: the temporary thread goes when the run ends."""
    decided_by: str | None = None
    """Who its answers are recorded as given by, when not the runtime's reviewer (a
    deadline's default answer)."""
    events: list[tuple[str, Any]] = field(default_factory=list)
    listeners: list[asyncio.Queue[Any]] = field(default_factory=list)
    done: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task[None] | None = None
    error: BaseException | None = None
    cancel_reason: str | None = None
    traceback: str | None = None
    finishing: bool = False
    """The graph is done and the run's end is being recorded: a cancel no longer applies."""
    started: bool = False
    """The run's task took its first step (a task cancelled before that runs no code)."""
    cancel_requested: bool = False
    """Cancelled before its task started: the task ends the run as cancelled at once."""
    resumable: bool = False
    """Started with ``stream_resumable``: its events carry ids (``resumable.py``)."""
    _values: Any = None
    _interrupt_chunks: list[Any] = field(default_factory=list)

    @property
    def run_id(self) -> str:
        return str(self.run["run_id"])

    def emit(self, event: str, data: Any) -> None:
        """Record an event and hand it to every listener."""
        self.events.append((event, data))
        for inbox in self.listeners:
            inbox.put_nowait((event, data))

    def fail(self, error: BaseException) -> None:
        """Record ``error`` as the run's result and stream it as the server's ``error`` event."""
        self.error = error
        self.traceback = "".join(traceback.format_exception(error))
        # Beyond the server's {error, message}: in a kernel, the reader wrote the graph.
        self.emit("error", {**error_json(error), "traceback": self.traceback})

    def cancel(self) -> None:
        """Stop the run; its task still ends it (records, slot, waiters).

        A task cancelled before its first step would never run its ``finally`` — nor end
        the run — so until it starts the cancel is a flag the task reads first.
        """
        if self.task is None or self.finishing:
            return
        if self.started:
            self.task.cancel()
        else:
            self.cancel_requested = True

    def finish(self) -> None:
        self.done.set()
        for inbox in self.listeners:
            inbox.put_nowait(_END)

    async def follow(self, stream_mode: list[str] | None = None) -> AsyncIterator[tuple[str, Any]]:
        """Every event so far, then the new ones until the run ends."""
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        for item in self.events:
            inbox.put_nowait(item)
        if self.done.is_set():
            inbox.put_nowait(_END)
        else:
            self.listeners.append(inbox)
        try:
            while (item := await inbox.get()) is not _END:
                event, data = item
                if (
                    stream_mode is None
                    or event in ("metadata", "error")
                    or event.split("|")[0] in stream_mode
                ):
                    yield (event, _read(data)) if isinstance(data, _Unread) else item
        finally:
            if inbox in self.listeners:
                self.listeners.remove(inbox)

    def body(self) -> Any:
        """What ``runs.wait``/``runs.join`` return: the server's final body for this run."""
        if self.error is not None and not isinstance(self.error, asyncio.CancelledError):
            return {"__error__": error_json(self.error)}
        if len(self._interrupt_chunks) > 1:
            return {
                "__interrupt__": [
                    i for c in self._interrupt_chunks for i in _read(c)["__interrupt__"]
                ]
            }
        if self._interrupt_chunks:
            return _read(self._interrupt_chunks[-1])
        return _read(self._values) if self._values is not None else {}

    def final_state(self) -> tuple[dict[str, Any], list[str]]:
        """The state values the run left, and the ids of the interrupts it stopped at.

        When the run stopped at interrupts, the values are those its interrupt chunk carried
        (a branch that finished in the same step is not applied to the state yet)."""
        last = _read(self._interrupt_chunks[-1] if self._interrupt_chunks else self._values)
        values = {k: v for k, v in (last or {}).items() if k != "__interrupt__"}
        asked = [i["id"] for c in self._interrupt_chunks for i in _read(c)["__interrupt__"]]
        return values, asked

    def absorb_values(self, chunk: Any) -> None:
        """Keep a top-level values chunk (JSON, or ``_Unread``) for the run's final body."""
        raw = chunk.raw if isinstance(chunk, _Unread) else chunk
        if isinstance(raw, dict) and raw.get("__interrupt__"):
            self._interrupt_chunks.append(chunk)
        self._values = chunk


class MessageAccumulator:
    """The server's ``messages`` stream mode: whole messages as their chunks arrive.

    The first chunk of a message announces it (``messages/metadata``); every chunk then
    sends the message so far (``messages/partial``), or the finished message a node
    returned (``messages/complete``).
    """

    def __init__(self) -> None:
        self._seen: dict[str, Any] = {}

    def add(self, message: Any, metadata: Any) -> list[tuple[str, Any]]:
        events: list[tuple[str, Any]] = []
        key = getattr(message, "id", None) or str(id(message))
        if key in self._seen and isinstance(message, BaseMessageChunk):
            self._seen[key] = self._seen[key] + message
        else:
            if key not in self._seen:
                events.append(("messages/metadata", to_json({key: {"metadata": metadata}})))
            self._seen[key] = message
        kind = "messages/partial" if isinstance(message, BaseMessageChunk) else "messages/complete"
        events.append((kind, to_json([self._seen[key]])))
        return events


def _debug_checkpoint(payload: dict[str, Any]) -> dict[str, Any]:
    """A debug checkpoint as the server sends it: the ``Checkpoint`` dicts beside the
    configs, and each task's subgraph checkpoint as ``checkpoint`` instead of ``state``."""
    tasks = []
    for task in payload.get("tasks", []):
        state = task.get("state")
        if isinstance(state, dict) and state.get("configurable"):
            task = {k: v for k, v in task.items() if k != "state"}
            task["checkpoint"] = state["configurable"]
        tasks.append(task)
    return {
        **payload,
        "checkpoint": checkpoint_of(payload.get("config")),
        "parent_checkpoint": checkpoint_of(payload.get("parent_config")),
        "tasks": tasks,
    }


def _langgraph_modes(requested: list[str]) -> list[str]:
    modes = {"messages" if m == "messages-tuple" else m for m in requested if m != EVENTS}
    modes.add("values")  # the final body is built from values chunks, as on the server
    return sorted(modes)


def _event_name(mode: str, ns: tuple[str, ...]) -> str:
    return f"{mode}|{'|'.join(ns)}" if ns else mode


async def execute(handle: RunHandle) -> None:
    """Run the graph for ``handle`` to its end, emitting events. Never raises: a failure or
    a cancellation is recorded in ``handle.error`` for whoever ends the run."""
    requested = {m for m in handle.stream_mode if m not in ("messages", "messages-tuple")}
    tuples = "messages-tuple" in handle.stream_mode
    messages = MessageAccumulator() if "messages" in handle.stream_mode else None
    handle.emit("metadata", {"run_id": handle.run_id, "attempt": 1})
    try:
        async for item in graph_stream(handle, _langgraph_modes(handle.stream_mode)):
            parts: tuple[Any, ...] = tuple(item) if handle.subgraphs else ((), *item)
            ns: tuple[str, ...] = tuple(parts[0])
            mode: str = parts[1]
            chunk: Any = parts[2]
            if mode == "messages":
                if tuples:
                    handle.emit(_event_name("messages", ns), to_json(chunk))
                if messages is not None:
                    for event, data in messages.add(*chunk):
                        handle.emit(event, data)
                continue
            top_values = mode == "values" and not ns
            if mode not in requested and not top_values:
                continue
            if top_values and not handle.listeners:
                unread = _Unread(chunk)  # converted if read: only the last one, for most runs
                handle.absorb_values(unread)
                if mode in requested:
                    handle.emit(_event_name(mode, ns), unread)
                continue
            data = to_json(chunk)
            if mode == "debug" and data.get("type") == "checkpoint":
                data["payload"] = _debug_checkpoint(data["payload"])
            if top_values:
                handle.absorb_values(data)
            if mode in requested:
                handle.emit(_event_name(mode, ns), data)
    except asyncio.CancelledError as cancelled:
        handle.error = cancelled
        task = asyncio.current_task()
        if task is not None:
            task.uncancel()  # the cancel stopped the graph; ending the run must still await
    except Exception as error:  # noqa: BLE001 - any graph failure is the run's result
        handle.fail(error)
    finally:
        handle.finishing = True  # from here on a cancel would cut the run's end short
