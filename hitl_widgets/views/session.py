"""`ThreadSession`: the view's conversation with a client about one thread (no widgets).

Only `langgraph_sdk`-shaped calls are made here (`threads.get_state/get/get_history/
update_state/create`, `runs.stream`, `assistants.get_graph`), so the same session drives the
in-kernel client and a remote `langgraph_sdk.get_client(url=...)` alike. Runs go through
`recording_runs(client)`: on a remote server each answer is recorded in the thread's
metadata there, once (the in-kernel runtime records its own).
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from hitl_widgets.client.audit import stage_review
from hitl_widgets.client.recording import Unrecorded, recording_runs
from hitl_widgets.runtime.audit_trail import shown_digest
from hitl_widgets.views.identity import Identity

__all__ = ["RunOutcome", "ThreadSession"]

#: `tasks` tells which node starts and ends (progress); `values` the state after each step,
#: so a run that ends cleanly needs no `get_state`; `messages-tuple` the LLM tokens as they
#: come and the tool calls by name (the progress line shows both).
STREAM_MODES: tuple[str, ...] = ("tasks", "values", "messages-tuple")


@dataclass
class RunOutcome:
    """How one streamed run ended."""

    run_id: str | None = None
    """The run's id (from the stream's `metadata` event)."""
    error: Mapping[str, Any] | None = None
    """The stream's `error` event data (`{"error": type, "message": text}`), if it failed."""
    failed_node: str | None = None
    """The node whose task reported the error, when the stream said so."""
    interrupted: bool = False
    """Whether the run stopped at one or more interrupts."""
    values: Mapping[str, Any] | None = None
    """The state's values after the last step (from the `values` stream mode)."""


def _event(part: Any) -> tuple[str, Any]:
    """`(event, data)` of a stream part: the SDK's `StreamPart` tuple, or a v2 dict."""
    event = getattr(part, "event", None)
    if isinstance(event, str):
        return event, part.data
    if isinstance(part, Mapping):
        return str(part.get("type") or part.get("event") or ""), part.get("data")
    return "", None


class ThreadSession:
    """One thread of one assistant on one client."""

    def __init__(self, client: Any, thread_id: str | None, assistant_id: str, *,
                 stream_modes: Sequence[str] = STREAM_MODES, xray: bool | int = True,
                 on_unrecorded: Unrecorded | None = None) -> None:
        if not inspect.iscoroutinefunction(getattr(getattr(client, "threads", None),
                                                   "get_state", None)):
            # A sync client would block the kernel's loop on every call.
            raise TypeError(
                "a view needs an async client: hitl_widgets.get_client(graphs=...) or "
                "langgraph_sdk.get_client(url=...), not a sync client")
        self.client = client
        self.runs = recording_runs(client, on_unrecorded)
        """Where runs are sent: `client.runs`, recording answers on a remote server."""
        self.thread_id = thread_id
        self.assistant_id = assistant_id
        self.stream_modes = list(stream_modes)
        self.xray = xray
        self.identity: Identity | None = None
        """Who decides through this session, for the audit trail (None: the client's)."""
        self.origin = "form"
        """How this session's answers are made, for the audit trail (``form``, ``bulk``)."""
        self.comment: str | None = None
        """A comment sent with the next answer only (then cleared)."""
        self._graph: Mapping[str, Any] | None = None
        self._shown: dict[str, Any] = {}
        self._checkpoint_id: str | None = None

    def _tid(self) -> str:
        if self.thread_id is None:
            raise RuntimeError("this view has no thread yet; start a run first")
        return self.thread_id

    async def create_thread(self) -> str:
        """Create a thread for this session (when it was opened without one)."""
        thread = await self.client.threads.create()
        self.thread_id = str(thread["thread_id"])
        return self.thread_id

    async def load(self) -> tuple[Mapping[str, Any], Mapping[str, Any]]:
        """`(state, thread)`: the current `ThreadState` (subgraphs included) and `Thread`."""
        tid = self._tid()
        # Both at once: on a remote server that is one round trip of latency, not two.
        state, thread = await asyncio.gather(
            self.client.threads.get_state(tid, subgraphs=True), self.client.threads.get(tid))
        self._remember(state, thread)
        return state, thread

    def _remember(self, state: Mapping[str, Any], thread: Mapping[str, Any] | None) -> None:
        """What the reviewer is shown now: each pending interrupt's value, and the
        checkpoint the state was read at (staged into the audit trail with an answer)."""
        shown: dict[str, Any] = {}
        groups = (thread or {}).get("interrupts") or {}
        found = [i for items in groups.values() for i in items or ()] \
            if isinstance(groups, Mapping) else []
        found += list(state.get("interrupts") or ())
        for task in state.get("tasks") or ():
            found += list(task.get("interrupts") or ()) if isinstance(task, Mapping) else []
        for item in found:
            if isinstance(item, Mapping) and item.get("id") is not None:
                shown.setdefault(str(item["id"]), item.get("value"))
        self._shown = shown
        checkpoint = state.get("checkpoint")
        self._checkpoint_id = (str(checkpoint["checkpoint_id"]) if isinstance(checkpoint, Mapping)
                               and checkpoint.get("checkpoint_id") else None)

    def _stage(self, resume: Mapping[str, Any]) -> None:
        """Tell the audit trail what was shown for each answer about to be sent."""
        comment, self.comment = self.comment, None
        for interrupt_id, answer in resume.items():
            context: dict[str, Any] = {"origin": self.origin, "comment": comment,
                                       "checkpoint_id": self._checkpoint_id}
            if interrupt_id in self._shown:
                context["shown_sha256"] = shown_digest(interrupt_id, self._shown[interrupt_id])
            if self.identity is not None:
                context["reviewer"] = self.identity.name
                context["reviewer_source"] = self.identity.source
            stage_review(self.client, self._tid(), interrupt_id, answer, context)

    async def status(self) -> str:
        """The thread's status now (`idle`, `busy`, `interrupted`, `error`)."""
        thread = await self.client.threads.get(self._tid())
        return str(thread.get("status") or "unknown")

    async def load_state(self) -> Mapping[str, Any]:
        """Only the current `ThreadState` (subgraphs included)."""
        state: Mapping[str, Any] = await self.client.threads.get_state(self._tid(),
                                                                       subgraphs=True)
        self._remember(state, None)
        return state

    async def run(self, on_part: Callable[[str, Any], object], **kwargs: Any) -> RunOutcome:
        """Stream one run on the thread; every part goes to `on_part(event, data)` as it
        arrives.

        `multitask_strategy="reject"`: a second resume while a run is going is refused with
        409 rather than queued behind the first (queued, it would answer a stale question).
        A resume also asks for `strict_resume`, so a server refuses an answer to an
        interrupt that is no longer pending instead of silently dropping it.
        """
        outcome = RunOutcome()
        command = kwargs.get("command")
        if isinstance(command, Mapping) and "resume" in command:
            kwargs.setdefault("strict_resume", True)
            if isinstance(command["resume"], Mapping):
                self._stage(command["resume"])
        kwargs.setdefault("multitask_strategy", "reject")
        # No `stream_subgraphs`: it costs the in-kernel runtime about a tenth of a resume,
        # and a subgraph's progress shows as its parent node; its interrupts are still
        # found through `get_state(subgraphs=True)`.
        stream = self.runs.stream(
            self._tid(), self.assistant_id, stream_mode=self.stream_modes, **kwargs)
        async for part in stream:
            event, data = _event(part)
            base = event.split("|", 1)[0]
            if event == "metadata" and isinstance(data, Mapping):
                outcome.run_id = str(data.get("run_id")) if data.get("run_id") else None
            elif base == "tasks" and isinstance(data, Mapping) and data.get("error"):
                outcome.failed_node = str(data.get("name"))
            elif base == "updates" and isinstance(data, Mapping) and "__interrupt__" in data:
                outcome.interrupted = True
            elif event == "values" and isinstance(data, Mapping):
                if "__interrupt__" in data:
                    outcome.interrupted = True
                outcome.values = {k: v for k, v in data.items() if k != "__interrupt__"}
            elif event == "error":
                outcome.error = data if isinstance(data, Mapping) else {"message": str(data)}
            on_part(event, data)
        return outcome

    @property
    def refuses_stale_answers(self) -> bool:
        """Whether the client itself refuses (409) a resume naming an interrupt that is no
        longer pending, atomically: the in-kernel client does; a LangGraph Server without
        `strict_resume` runs such a resume, ignores the id and reports success."""
        return getattr(self.client, "refuses_stale_resume", False) is True

    async def not_pending(self, interrupt_ids: Sequence[str]) -> list[str]:
        """Those of `interrupt_ids` the thread is no longer waiting on (asked before a
        resume when the client does not refuse stale answers itself)."""
        if self.refuses_stale_answers:
            return []
        thread = await self.client.threads.get(self._tid())
        groups = thread.get("interrupts") or {}
        pending = {str(i.get("id")) for group in groups.values() for i in group or ()
                   if isinstance(i, Mapping)} if isinstance(groups, Mapping) else set()
        return [iid for iid in interrupt_ids if iid not in pending]

    async def history(self, limit: int) -> list[Mapping[str, Any]]:
        """The thread's checkpoints, newest first."""
        return list(await self.client.threads.get_history(self._tid(), limit=limit))

    async def graph(self) -> Mapping[str, Any]:
        """The assistant's graph (`nodes`/`edges` JSON), fetched once."""
        if self._graph is None:
            self._graph = await self.client.assistants.get_graph(self.assistant_id,
                                                                 xray=self.xray)
        return self._graph

    async def update_state(self, values: Mapping[str, Any] | None, *, as_node: str | None = None,
                           checkpoint_id: str | None = None) -> str | None:
        """Write `values` into the state (at `checkpoint_id`, or the latest); returns the new
        checkpoint's id."""
        kwargs: dict[str, Any] = {}
        if as_node:
            kwargs["as_node"] = as_node
        if checkpoint_id:
            # The `checkpoint` object, not the SDK's deprecated `checkpoint_id=`; a root
            # checkpoint has the empty namespace.
            kwargs["checkpoint"] = {"checkpoint_id": checkpoint_id, "checkpoint_ns": ""}
        response = await self.client.threads.update_state(self._tid(), dict(values or {}),
                                                          **kwargs)
        checkpoint = response.get("checkpoint") if isinstance(response, Mapping) else None
        if isinstance(checkpoint, Mapping) and checkpoint.get("checkpoint_id"):
            return str(checkpoint["checkpoint_id"])
        return None
