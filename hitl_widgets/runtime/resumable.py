"""Resumable streams: event ids, and joining a run's stream after the last event seen.

As the LangGraph Server does it:

- a run started with ``stream_resumable=True`` streams every event with an id
  (``<ms>-<n>``, the run's creation time in milliseconds and the event's position), and
  keeps its events so that ``runs.join_stream(..., last_event_id=...)`` (HTTP:
  ``Last-Event-ID``) replays those after that id, then follows the run live;
- without ``last_event_id``, ``join_stream`` follows the run from now on: a finished run
  sends nothing (its events are not replayed); ``-1`` (what ``useStream`` sends to rejoin)
  replays a resumable run from its first event;
- a run that is not resumable sends no ids.

Beyond the server: a ``Last-Event-ID`` that is not one of the run's (another run's, made
up, or any id for a run that is not resumable) is a 400 saying what is wrong, where the
server silently replays whatever its string comparison lets through.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from hitl_widgets.runtime.errors import bad_request

if TYPE_CHECKING:
    from hitl_widgets.runtime.runs import RunHandle

__all__ = ["FROM_THE_START", "Item", "event_id", "follow", "join", "position_after"]

Item = tuple[str, Any] | tuple[str, Any, str]
"""``(event, data)``, or ``(event, data, id)`` for a resumable run."""


def _prefix(handle: RunHandle) -> str:
    created = handle.run.get("created_at")
    if isinstance(created, datetime):
        millis = int(created.timestamp() * 1000)
    else:
        try:
            millis = int(datetime.fromisoformat(str(created)).timestamp() * 1000)
        except ValueError:
            millis = 0
    return str(millis)


def event_id(handle: RunHandle, index: int) -> str:
    """The id of the run's ``index``-th event."""
    return f"{_prefix(handle)}-{index}"


def position_after(handle: RunHandle, last_event_id: str) -> int:
    """The position of the first event after ``last_event_id``, or a 400 saying why that
    id cannot be resumed from."""
    run = f"run {handle.run_id} of thread {handle.run['thread_id']}"
    if not handle.resumable:
        raise bad_request(
            f"Last-Event-ID {last_event_id!r}: {run} was not started with "
            "stream_resumable=True, so its events have no ids and are not kept; "
            "join without last_event_id to follow it from now on"
        )
    prefix, _, index = last_event_id.strip().rpartition("-")
    if prefix != _prefix(handle) or not index.isdigit() or int(index) >= len(handle.events):
        raise bad_request(
            f"Last-Event-ID {last_event_id!r} is not an event of {run} (its events are "
            f"{event_id(handle, 0)} to {event_id(handle, max(len(handle.events) - 1, 0))}); "
            "send an id this run's stream gave, or none to follow it from now on"
        )
    return int(index) + 1


async def follow(
    handle: RunHandle, stream_mode: list[str] | None = None, start: int = 0
) -> AsyncIterator[Item]:
    """The run's events from position ``start`` (those of ``stream_mode`` only, with
    ``metadata`` and ``error``), live until it ends; with their ids when it is resumable."""
    index = -1
    async for event, data in handle.follow():
        index += 1
        if index < start:
            continue
        if (
            stream_mode is not None
            and event not in ("metadata", "error")
            and event.split("|")[0] not in stream_mode
        ):
            continue
        if handle.resumable:
            yield event, data, event_id(handle, index)
        else:
            yield event, data


FROM_THE_START = frozenset({"-1", "0"})
"""``Last-Event-ID`` values meaning "before the first event" (the JS SDK's ``useStream``
sends ``-1`` when it rejoins a run; on the server both sort before every real id)."""


async def join(
    handle: RunHandle, stream_mode: list[str] | None, last_event_id: str | None
) -> AsyncIterator[Item]:
    """``join_stream``: after ``last_event_id`` when given, else from now on."""
    if last_event_id in FROM_THE_START and not handle.resumable:
        last_event_id = None  # nothing was kept: from now on, as on the server
    if last_event_id in FROM_THE_START:
        start = 0
    elif last_event_id:
        start = position_after(handle, last_event_id)
    elif handle.done.is_set():
        return
    else:
        start = len(handle.events)
    async for item in follow(handle, stream_mode, start):
        yield item
