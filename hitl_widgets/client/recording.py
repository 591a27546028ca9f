"""Record every answer sent through a remote client's ``runs`` in the thread's metadata.

A deployed LangGraph Server keeps no decision log, so the remote client ``get_client(url=...)``
returns is the official ``langgraph_sdk`` client whose ``runs`` is a ``RecordingRunsClient``
(``SyncRecordingRunsClient`` for the sync client): a subclass of the SDK's ``RunsClient`` whose
``wait``, ``stream`` and ``create`` record a ``command`` that carries ``resume``. Every other
call, and those three without a resume, are the SDK's own, unchanged. The views and bulk
answers send through the same class (``recording_runs``), so a decision is recorded in one
place, once, whichever door it came through.

A recorded resume costs two small requests around the run:

1. before it, ``threads.get``: which interrupts are pending, and what they asked (the
   decision's ``value``); answers to interrupts that are not pending are not recorded (the
   server ignores them);
2. after it, ``threads.update`` with one metadata key per decision
   (``hitl_decision:<decision_id>``, plus ``hitl_reviewed: true`` for search). The server
   merges top-level metadata keys, so nothing else in the metadata is touched and two
   reviewers writing at once lose nothing.

The outcome is ``resumed`` when the run finished or paused again, ``error`` when the graph
raised (the answer was applied, the node failed on it), ``claimed`` for a background run
(``runs.create``) until ``runs.join`` through the same client sees its end. Nothing is
recorded when the server refused the request (404, 409, 422: no run was created), when it
reported the interrupt as no longer pending (``UnknownInterruptError``), or when the caller
stopped reading a stream before its end (its outcome is unknown). When the metadata write
itself fails (the thread was deleted meanwhile), the run's result is still returned and an
``UnrecordedDecision`` warning says which answers were applied but not recorded.

A server without ``strict_resume`` (``langgraph dev`` 0.16) runs an answer to an interrupt
that someone answered a moment before and reports success while ignoring it; the client
cannot tell that from an applied answer, so two resumes of one interrupt sent within the
same second may both be recorded. The views check just before sending, and on a server
that supports ``strict_resume`` the late one fails and is not recorded.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from typing import Any, TypeVar

import httpx
from langgraph_sdk.client import RunsClient, SyncRunsClient, SyncThreadsClient, ThreadsClient

from hitl_widgets.client.audit import DECISION_PREFIX, REVIEWED_KEY, reviewer_of
from hitl_widgets.runtime.claims import CHANGES_KEY
from hitl_widgets.runtime.clock import now
from hitl_widgets.runtime.commands import is_resume_map
from hitl_widgets.runtime.decisions import new_decision

__all__ = [
    "STALE_ERRORS",
    "RecordingRunsClient",
    "SyncRecordingRunsClient",
    "UnrecordedDecision",
    "recording_runs",
    "with_recording",
]

STALE_ERRORS = frozenset({"UnknownInterruptError", "StaleInterruptError"})
"""Run errors that mean the answer was not applied (the interrupt was no longer pending)."""

Unrecorded = Callable[["UnrecordedDecision"], object]
_F = TypeVar("_F", bound=Callable[..., Any])


def _signature_of(sdk: Callable[..., Any]) -> Callable[[_F], _F]:
    """Show the SDK method's signature (``inspect.signature``, ``help``) on its override,
    whose own parameters are only passed through."""
    def mark(ours: _F) -> _F:
        functools.update_wrapper(ours, sdk, assigned=(), updated=())  # sets __wrapped__
        return ours
    return mark


class UnrecordedDecision(UserWarning):
    """An answer that was applied but could not be written to the thread's metadata."""


def _answers(thread: Mapping[str, Any], resume: Any) -> dict[str, tuple[Any, Any]]:
    """``{interrupt_id: (value asked, answer)}`` for the pending interrupts ``resume``
    answers: a map by id, or one bare answer for the only pending interrupt."""
    groups = thread.get("interrupts") or {}
    pending = {str(i["id"]): i.get("value") for items in groups.values() for i in items or ()
               if isinstance(i, Mapping) and i.get("id")} if isinstance(groups, Mapping) else {}
    if is_resume_map(resume):
        return {iid: (pending[iid], answer) for iid, answer in resume.items() if iid in pending}
    if len(pending) == 1:
        [(iid, value)] = pending.items()
        return {iid: (value, resume)}
    return {}  # several pending and one bare answer: LangGraph refuses it


def _resume(thread_id: str | None, kwargs: Mapping[str, Any]) -> Any:
    command = kwargs.get("command")
    if thread_id is None or not isinstance(command, Mapping):
        return None
    return command.get("resume")


def _rows(thread: Mapping[str, Any], thread_id: str, assistant_id: str, reviewer: str,
          resume: Any, metadata: Any) -> list[dict[str, Any]]:
    """The decisions a resume makes, as the thread stands before it is sent."""
    answers = _answers(thread, resume)
    given = metadata.get(CHANGES_KEY) if isinstance(metadata, Mapping) else None
    graph_id = (thread.get("metadata") or {}).get("graph_id") or assistant_id
    stamp = now()
    return [new_decision(
        thread_id=thread_id, interrupt_id=iid, run_id=None, graph_id=str(graph_id),
        reviewer=reviewer, at=stamp, value=value, answer=answer,
        changes=given.get(iid) if isinstance(given, Mapping)
        and isinstance(given.get(iid), list) else None)
        for iid, (value, answer) in answers.items()]


def _error_name(error: BaseException | Mapping[str, Any]) -> str:
    if isinstance(error, Mapping):
        return str(error.get("error") or "")
    return str(error).split(":", 1)[0].strip()  # the SDK raises "ErrorType: message"


def _fate(run_id: str | None, error: BaseException | Mapping[str, Any] | None
          ) -> tuple[str, str | None] | None:
    """``(outcome, error text)`` to record, or None when the answer was not applied."""
    if error is None:
        return "resumed", None
    if run_id is None or _error_name(error) in STALE_ERRORS:
        return None  # refused before a run existed, or the interrupt was no longer pending
    if isinstance(error, Mapping):
        return "error", f"{error.get('error')}: {error.get('message')}"
    if type(error) is Exception:  # the SDK's own wrapper of the run's error event
        return "error", str(error)
    # The run exists (the server took the answer) but the call failed after: a lost
    # connection, a timeout. Recorded, saying that its end was not seen.
    return "error", (f"{type(error).__name__}: {error} (the run was created; this client "
                     "did not see how it ended)")


def _body_error(body: Any) -> Mapping[str, Any] | None:
    failed = body.get("__error__") if isinstance(body, Mapping) else None
    return failed if isinstance(failed, Mapping) else None


def _part_error(part: Any) -> Mapping[str, Any] | None:
    """The error of a stream part (the SDK's ``StreamPart`` or a v2 dict), if it is one."""
    event, data = getattr(part, "event", None), getattr(part, "data", None)
    if not isinstance(event, str) and isinstance(part, Mapping):
        event, data = part.get("type") or part.get("event"), part.get("data")
    if event != "error":
        return None
    return data if isinstance(data, Mapping) else {"error": "Error", "message": str(data)}


def _patch(rows: list[dict[str, Any]], run_id: str | None, outcome: str,
           error: str | None) -> dict[str, Any]:
    patch: dict[str, Any] = {REVIEWED_KEY: True}
    for row in rows:
        patch[DECISION_PREFIX + row["decision_id"]] = {
            **row, "run_id": run_id, "outcome": outcome, "error": error}
    return patch


def _unrecorded(thread_id: str, rows: list[dict[str, Any]], outcome: str,
                problem: Exception) -> UnrecordedDecision:
    ids = ", ".join(r["interrupt_id"] for r in rows)
    gone = (isinstance(problem, httpx.HTTPStatusError)
            and problem.response.status_code == 404)
    why = ("the thread no longer exists (deleted meanwhile?)" if gone
           else f"{type(problem).__name__}: {problem}")
    return UnrecordedDecision(
        f"the answer to interrupt(s) {ids} of thread {thread_id} was sent (outcome "
        f"{outcome}) but could not be recorded in the thread's metadata: {why}")


class _RunIds:
    """An ``on_run_created`` callback that keeps the run id and calls the caller's own."""

    def __init__(self, then: Callable[[Any], object] | None) -> None:
        self.run_id: str | None = None
        self._then = then

    def __call__(self, meta: Any) -> None:
        self.run_id = str(meta.get("run_id")) if meta.get("run_id") else None
        if self._then is not None:
            self._then(meta)


def _warn(problem: UnrecordedDecision) -> None:
    import warnings

    warnings.warn(problem, stacklevel=2)


class RecordingRunsClient(RunsClient):
    """The SDK's async ``RunsClient``; ``wait``, ``stream`` and ``create`` with a
    ``command`` that resumes a thread also record each answer in its metadata."""

    def __init__(self, http: Any, reviewer: str, *,
                 on_unrecorded: Unrecorded | None = None) -> None:
        super().__init__(http)
        self.reviewer = reviewer
        """Who answers through this client (the decisions' ``reviewer``)."""
        self._threads = ThreadsClient(http)
        self._on_unrecorded = on_unrecorded or _warn
        self._background: dict[str, list[dict[str, Any]]] = {}  # run id → its decisions

    @_signature_of(RunsClient.wait)
    async def wait(self, thread_id: str | None, assistant_id: str, **kwargs: Any) -> Any:
        """``RunsClient.wait``, recording the answers of a ``command`` with ``resume``."""
        rows = await self._before(thread_id, assistant_id, kwargs)
        if not rows or thread_id is None:
            return await super().wait(thread_id, assistant_id, **kwargs)
        ids = kwargs["on_run_created"] = _RunIds(kwargs.get("on_run_created"))
        try:
            body = await super().wait(thread_id, assistant_id, **kwargs)
        except Exception as exc:
            await self._record(thread_id, rows, ids.run_id, exc)
            raise
        await self._record(thread_id, rows, ids.run_id, _body_error(body))
        return body

    @_signature_of(RunsClient.stream)
    def stream(self, thread_id: str | None, assistant_id: str, **kwargs: Any
               ) -> AsyncIterator[Any]:
        """``RunsClient.stream``, recording the answers of a ``command`` with ``resume``
        once the stream has ended."""
        if _resume(thread_id, kwargs) is None or thread_id is None:
            return super().stream(thread_id, assistant_id, **kwargs)
        return self._recorded_stream(thread_id, assistant_id, kwargs)

    @_signature_of(RunsClient.create)
    async def create(self, thread_id: str | None, assistant_id: str, **kwargs: Any) -> Any:
        """``RunsClient.create``, recording the answers of a ``command`` with ``resume``
        as ``claimed`` once the server has accepted the background run (``join`` through
        this client settles them)."""
        rows = await self._before(thread_id, assistant_id, kwargs)
        run = await super().create(thread_id, assistant_id, **kwargs)
        if rows and thread_id is not None:
            run_id = str(run.get("run_id"))
            self._background[run_id] = rows
            await self._write(thread_id, rows, run_id, "claimed", None)
        return run

    @_signature_of(RunsClient.join)
    async def join(self, thread_id: str, run_id: str, **kwargs: Any) -> Any:
        """``RunsClient.join``; a background resume created through this client is
        settled (``resumed`` or ``error``) in the thread's metadata."""
        body = await super().join(thread_id, run_id, **kwargs)
        rows = self._background.pop(run_id, None)
        if rows:
            await self._record(thread_id, rows, run_id, _body_error(body))
        return body

    async def _recorded_stream(self, thread_id: str, assistant_id: str,
                               kwargs: dict[str, Any]) -> AsyncIterator[Any]:
        rows = await self._before(thread_id, assistant_id, kwargs)
        ids = kwargs["on_run_created"] = _RunIds(kwargs.get("on_run_created"))
        failed: Mapping[str, Any] | None = None
        parts = super().stream(thread_id, assistant_id, **kwargs)
        try:
            async for part in parts:
                failed = _part_error(part) or failed
                yield part
        except Exception as exc:
            await self._record(thread_id, rows, ids.run_id, exc)
            raise
        finally:
            close = getattr(parts, "aclose", None)
            if close is not None:
                await close()
        await self._record(thread_id, rows, ids.run_id, failed)

    async def _before(self, thread_id: str | None, assistant_id: str,
                      kwargs: Mapping[str, Any]) -> list[dict[str, Any]]:
        resume = _resume(thread_id, kwargs)
        if resume is None or thread_id is None:
            return []
        try:
            thread = await self._threads.get(thread_id)
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code == 404:
                return []  # nothing pending to answer; the run says what it makes of that
            raise
        return _rows(thread, thread_id, assistant_id, self.reviewer, resume,
                     kwargs.get("metadata"))

    async def _record(self, thread_id: str, rows: list[dict[str, Any]], run_id: str | None,
                      error: BaseException | Mapping[str, Any] | None) -> None:
        fate = _fate(run_id, error) if rows else None
        if fate is not None:
            await self._write(thread_id, rows, run_id, *fate)

    async def _write(self, thread_id: str, rows: list[dict[str, Any]], run_id: str | None,
                     outcome: str, error: str | None) -> None:
        try:
            await self._threads.update(thread_id, metadata=_patch(rows, run_id, outcome, error))
        except Exception as exc:  # noqa: BLE001 - the answer is applied; say the log failed
            self._on_unrecorded(_unrecorded(thread_id, rows, outcome, exc))


class SyncRecordingRunsClient(SyncRunsClient):
    """The sync twin of ``RecordingRunsClient`` (over the SDK's ``SyncRunsClient``)."""

    def __init__(self, http: Any, reviewer: str, *,
                 on_unrecorded: Unrecorded | None = None) -> None:
        super().__init__(http)
        self.reviewer = reviewer
        """Who answers through this client (the decisions' ``reviewer``)."""
        self._threads = SyncThreadsClient(http)
        self._on_unrecorded = on_unrecorded or _warn
        self._background: dict[str, list[dict[str, Any]]] = {}  # run id → its decisions

    @_signature_of(SyncRunsClient.wait)
    def wait(self, thread_id: str | None, assistant_id: str, **kwargs: Any) -> Any:
        """``SyncRunsClient.wait``, recording the answers of a ``command`` with ``resume``."""
        rows = self._before(thread_id, assistant_id, kwargs)
        if not rows or thread_id is None:
            return super().wait(thread_id, assistant_id, **kwargs)
        ids = kwargs["on_run_created"] = _RunIds(kwargs.get("on_run_created"))
        try:
            body = super().wait(thread_id, assistant_id, **kwargs)
        except Exception as exc:
            self._record(thread_id, rows, ids.run_id, exc)
            raise
        self._record(thread_id, rows, ids.run_id, _body_error(body))
        return body

    @_signature_of(SyncRunsClient.stream)
    def stream(self, thread_id: str | None, assistant_id: str, **kwargs: Any
               ) -> Iterator[Any]:
        """``SyncRunsClient.stream``, recording the answers of a ``command`` with
        ``resume`` once the stream has ended."""
        if _resume(thread_id, kwargs) is None or thread_id is None:
            return super().stream(thread_id, assistant_id, **kwargs)
        return self._recorded_stream(thread_id, assistant_id, kwargs)

    @_signature_of(SyncRunsClient.create)
    def create(self, thread_id: str | None, assistant_id: str, **kwargs: Any) -> Any:
        """``SyncRunsClient.create``, recording the answers of a ``command`` with ``resume``
        as ``claimed`` once the server has accepted the background run (``join`` through
        this client settles them)."""
        rows = self._before(thread_id, assistant_id, kwargs)
        run = super().create(thread_id, assistant_id, **kwargs)
        if rows and thread_id is not None:
            run_id = str(run.get("run_id"))
            self._background[run_id] = rows
            self._write(thread_id, rows, run_id, "claimed", None)
        return run

    @_signature_of(SyncRunsClient.join)
    def join(self, thread_id: str, run_id: str, **kwargs: Any) -> Any:
        """``SyncRunsClient.join``; a background resume created through this client is
        settled (``resumed`` or ``error``) in the thread's metadata."""
        body = super().join(thread_id, run_id, **kwargs)
        rows = self._background.pop(run_id, None)
        if rows:
            self._record(thread_id, rows, run_id, _body_error(body))
        return body

    def _recorded_stream(self, thread_id: str, assistant_id: str,
                         kwargs: dict[str, Any]) -> Iterator[Any]:
        rows = self._before(thread_id, assistant_id, kwargs)
        ids = kwargs["on_run_created"] = _RunIds(kwargs.get("on_run_created"))
        failed: Mapping[str, Any] | None = None
        parts = super().stream(thread_id, assistant_id, **kwargs)
        try:
            for part in parts:
                failed = _part_error(part) or failed
                yield part
        except Exception as exc:
            self._record(thread_id, rows, ids.run_id, exc)
            raise
        finally:
            close = getattr(parts, "close", None)
            if close is not None:
                close()
        self._record(thread_id, rows, ids.run_id, failed)

    def _before(self, thread_id: str | None, assistant_id: str,
                kwargs: Mapping[str, Any]) -> list[dict[str, Any]]:
        resume = _resume(thread_id, kwargs)
        if resume is None or thread_id is None:
            return []
        try:
            thread = self._threads.get(thread_id)
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code == 404:
                return []  # nothing pending to answer; the run says what it makes of that
            raise
        return _rows(thread, thread_id, assistant_id, self.reviewer, resume,
                     kwargs.get("metadata"))

    def _record(self, thread_id: str, rows: list[dict[str, Any]], run_id: str | None,
                error: BaseException | Mapping[str, Any] | None) -> None:
        fate = _fate(run_id, error) if rows else None
        if fate is not None:
            self._write(thread_id, rows, run_id, *fate)

    def _write(self, thread_id: str, rows: list[dict[str, Any]], run_id: str | None,
               outcome: str, error: str | None) -> None:
        try:
            self._threads.update(thread_id, metadata=_patch(rows, run_id, outcome, error))
        except Exception as exc:  # noqa: BLE001 - the answer is applied; say the log failed
            self._on_unrecorded(_unrecorded(thread_id, rows, outcome, exc))


def recording_runs(client: Any, on_unrecorded: Unrecorded | None = None) -> Any:
    """The ``runs`` to resume through so that each answer is recorded once.

    For an SDK client (``get_client(url=...)`` or ``langgraph_sdk``'s own) a recording
    ``runs`` on its connection, as its reviewer, reporting a failed metadata write to
    ``on_unrecorded`` (default: an ``UnrecordedDecision`` warning). Any other client (the
    in-kernel one, whose runtime records every decision itself) is given back its ``runs``.
    """
    runs = client.runs
    if isinstance(runs, RunsClient):
        return RecordingRunsClient(runs.http, reviewer_of(client), on_unrecorded=on_unrecorded)
    if isinstance(runs, SyncRunsClient):
        return SyncRecordingRunsClient(runs.http, reviewer_of(client),
                                       on_unrecorded=on_unrecorded)
    return runs


def with_recording(client: Any, reviewer: str) -> Any:
    """``client`` (an SDK client) whose ``runs`` records resumes as ``reviewer``."""
    client.hitl_reviewer = reviewer
    if isinstance(client.runs, RunsClient):
        client.runs = RecordingRunsClient(client.http, reviewer)
    elif isinstance(client.runs, SyncRunsClient):
        client.runs = SyncRecordingRunsClient(client.http, reviewer)
    return client

