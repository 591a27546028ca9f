"""One answer for many threads: validated per thread, applied per thread, a result per thread.

First every thread is read (one `threads.search(ids=...)`) and checked: it is waiting for a
human, its pending interrupts have the same shape as the first thread's (same count, same
`response_schema`, same kind of value), and the answer passes that schema. Only then is
each valid thread resumed on its own (`runs.wait(command={"resume": {id: answer}})`), so a
thread that fails — invalid, answered meanwhile by someone else, or a graph that raises —
fails alone: nothing of it is half-applied to another. Resumes go through
`recording_runs(client)`, so on a remote server each answer is recorded in its thread's
metadata, once, as for any other door.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from typing import Any, TypedDict

import jsonschema

from hitl_widgets.client.recording import recording_runs

__all__ = ["BulkResult", "apply_bulk", "interrupt_shape"]

CONCURRENCY = 8
"""Threads resumed at once (a remote server answers them in parallel; the kernel queues)."""

SEARCH_CHUNK = 100
"""Threads read per ``threads.search(ids=...)`` call (a server caps a page's size)."""


class BulkResult(TypedDict):
    """What happened to one thread of a bulk answer."""

    thread_id: str
    """The thread."""
    ok: bool
    """Whether the answer was applied and the thread resumed without error."""
    error: str | None
    """Why not, for people (None when `ok`)."""


def _kind(value: Any) -> Any:
    if isinstance(value, Mapping):
        return ("object", tuple(sorted(str(k) for k in value)))
    if isinstance(value, list):
        return ("array", _kind(value[0]) if value else None)
    return type(value).__name__


def interrupt_shape(interrupts: Sequence[Mapping[str, Any]]) -> str:
    """A key saying what a thread's pending interrupts look like: equal keys, one answer."""
    return json.dumps([[_kind(i.get("value")), i.get("response_schema")] for i in interrupts],
                      sort_keys=True, default=str)


def _pending(thread: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    groups = thread.get("interrupts") or {}
    if not isinstance(groups, Mapping):
        return []
    return [i for items in groups.values() for i in items or () if isinstance(i, Mapping)]


def _check(thread: Mapping[str, Any] | None, thread_id: str, shape: str | None,
           answer: Any) -> str | None:
    """Why `answer` cannot go to this thread, or None."""
    if thread is None:
        return f"thread {thread_id} not found (deleted?)"
    pending = _pending(thread)
    if thread.get("status") != "interrupted" or not pending:
        return f"thread {thread_id} is {thread.get('status')}, not waiting for an answer"
    if shape is not None and interrupt_shape(pending) != shape:
        return (f"thread {thread_id} asks something of another shape than the first thread; "
                "answer it on its own")
    for interrupt in pending:
        schema = interrupt.get("response_schema")
        if isinstance(schema, Mapping):
            errors = list(jsonschema.validators.validator_for(schema)(schema)
                          .iter_errors(answer))
            if errors:
                return f"the answer does not fit thread {thread_id}'s schema: {errors[0].message}"
    return None


async def _resume(runs: Any, thread: Mapping[str, Any], answer: Any) -> BulkResult:
    thread_id = str(thread["thread_id"])
    graph_id = str((thread.get("metadata") or {}).get("graph_id") or "agent")
    resume = {str(i["id"]): answer for i in _pending(thread)}
    try:
        body = await runs.wait(thread_id, graph_id, command={"resume": resume},
                               multitask_strategy="reject", strict_resume=True)
    except Exception as exc:  # noqa: BLE001 - one thread's failure is its own result
        return {"thread_id": thread_id, "ok": False, "error": f"{type(exc).__name__}: {exc}"}
    failed = body.get("__error__") if isinstance(body, Mapping) else None
    error = f"{failed.get('error')}: {failed.get('message')}" if isinstance(failed, Mapping) \
        else None
    return {"thread_id": thread_id, "ok": error is None, "error": error}


async def apply_bulk(client: Any, thread_ids: Sequence[str], answer: Any) -> list[BulkResult]:
    """Answer every pending interrupt of each thread with `answer`; one result per thread,
    in the order given. The first thread's interrupts set the shape the others must have."""
    ids = [str(t) for t in dict.fromkeys(thread_ids)]
    if not ids:
        return []
    by_id: dict[str, Mapping[str, Any]] = {}
    for start in range(0, len(ids), SEARCH_CHUNK):
        chunk = ids[start : start + SEARCH_CHUNK]
        for t in await client.threads.search(ids=chunk, limit=len(chunk)):
            by_id[str(t["thread_id"])] = t
    first = by_id.get(ids[0])
    shape = interrupt_shape(_pending(first)) if first is not None else None
    results: dict[str, BulkResult] = {}
    valid = []
    for tid in ids:
        problem = _check(by_id.get(tid), tid, shape, answer)
        if problem is None:
            valid.append(by_id[tid])
        else:
            results[tid] = {"thread_id": tid, "ok": False, "error": problem}
    gate = asyncio.Semaphore(CONCURRENCY)
    runs = recording_runs(client)

    async def one(thread: Mapping[str, Any]) -> None:
        async with gate:
            results[str(thread["thread_id"])] = await _resume(runs, thread, answer)

    await asyncio.gather(*(one(t) for t in valid))
    return [results[tid] for tid in ids]
