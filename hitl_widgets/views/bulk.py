"""Many threads at once, each validated and applied on its own, a result per thread.

Two ways, both planned before anything is sent (``BulkPlan``: per thread the answers, what
each changes against that thread's own proposal, or why it cannot be answered):

- ``plan_accept``: accept each thread's proposal as it is (``queue.proposals``): the safe
  default, since no thread gets another's label;
- ``plan_shared``: one answer for every thread; ``BulkPlan.agree`` says whether their
  proposals were all the same. The inbox sends a shared answer only when they agree or
  after the plan's per-thread changes were shown (its Preview); ``apply_bulk`` is the same
  for code that decided so itself.

First every thread is read (one `threads.search(ids=...)`) and checked: it is waiting for a
human, its pending interrupts have the same shape as the first thread's (same count, same
`response_schema`, same kind of value), and the answer passes that schema. Only then is
each valid thread resumed on its own (`runs.wait(command={"resume": {id: answer}})`), so a
thread that fails — invalid, answered meanwhile by someone else, or a graph that raises —
fails alone: nothing of it is half-applied to another. Resumes go through
`recording_runs(client)`, so on a remote server each answer is recorded in its thread's
metadata, once, as for any other door; in the kernel each answer's audit row says it was
made in bulk, what was shown, and by whom.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict

import jsonschema

from hitl_widgets.client.audit import stage_review
from hitl_widgets.client.recording import recording_runs
from hitl_widgets.runtime.audit_trail import shown_digest
from hitl_widgets.runtime.decisions import answer_changes
from hitl_widgets.runtime.verdicts import final_of, judge, proposal_of
from hitl_widgets.views.identity import Identity
from hitl_widgets.views.queue.proposals import NoProposal, accept_answer, proposal_key

__all__ = ["BulkPlan", "BulkResult", "PlannedThread", "apply_bulk", "apply_plan", "interrupt_shape",
           "plan_accept", "plan_shared"]

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


_NO_ANSWER = object()
"""``_check``'s answer when each thread's answer is its own (checked when it is built)."""


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
        if isinstance(schema, Mapping) and answer is not _NO_ANSWER:
            errors = list(jsonschema.validators.validator_for(schema)(schema)
                          .iter_errors(answer))
            if errors:
                return f"the answer does not fit thread {thread_id}'s schema: {errors[0].message}"
    return None


class PlannedThread(TypedDict):
    """What a bulk action will do to one thread."""

    thread_id: str
    """The thread."""
    graph_id: str
    """Its graph (the assistant the resume goes to)."""
    answers: dict[str, Any]
    """The answer per pending interrupt (``{interrupt_id: answer}``; empty if none)."""
    shown: dict[str, Any]
    """Each pending interrupt's value as it was read (what the plan was made from)."""
    changes: list[str]
    """What the answers change against this thread's own proposal, for people
    (``label: "invoice" → "letter"``); empty when they accept it as it is."""
    verdicts: list[str]
    """Each answer's verdict (accepted, edited, rejected, ...)."""
    problem: str | None
    """Why this thread will not be answered (None when it will)."""


@dataclass
class BulkPlan:
    """A bulk action over threads, per thread, before anything is sent."""

    kind: str
    """``accept`` (each its own proposal) or ``shared`` (one answer for all)."""
    threads: list[PlannedThread] = field(default_factory=list)
    """One entry per thread, in the order given."""

    @property
    def ready(self) -> list[PlannedThread]:
        """The threads that will be answered."""
        return [t for t in self.threads if t["problem"] is None]

    @property
    def unchanged(self) -> bool:
        """Whether the answers accept every thread's proposal as it is."""
        return all(not t["changes"] for t in self.ready)

    @property
    def same_proposals(self) -> bool:
        """Whether every thread that will be answered proposed the same thing (a shared
        answer then does to each what it visibly does to one)."""
        return len({json.dumps([proposal_key({"value": v}) for v in t["shown"].values()])
                    for t in self.ready}) <= 1

    def lines(self) -> list[str]:
        """The plan for people: one line per thread."""
        out = []
        for t in self.threads:
            if t["problem"] is not None:
                out.append(f"{t['thread_id']}: skipped: {t['problem']}")
            else:
                out.append(f"{t['thread_id']}: " + ("; ".join(t["changes"])
                                                    or "accepted as proposed"))
        return out


def _describe(changes: list[dict[str, Any]]) -> list[str]:
    return [f"{'.'.join(str(p) for p in c['loc']) or 'answer'}: "
            f"{json.dumps(c['before'], ensure_ascii=False, default=str)} → "
            f"{json.dumps(c['after'], ensure_ascii=False, default=str)}" for c in changes]


def _planned(thread_id: str, thread: Mapping[str, Any] | None,
             answers: dict[str, Any], problem: str | None) -> PlannedThread:
    pending = _pending(thread) if thread is not None else []
    graph_id = str(((thread or {}).get("metadata") or {}).get("graph_id") or "agent")
    changes: list[str] = []
    verdicts: list[str] = []
    for interrupt in pending:
        iid = str(interrupt["id"])
        if iid not in answers:
            continue
        value, answer = interrupt.get("value"), answers[iid]
        proposal = proposal_of(value, answer)
        if proposal is not None:
            changes += _describe(answer_changes(proposal, final_of(value, answer, proposal)))
        verdicts.append(judge(value, answer, proposal))
    return {"thread_id": thread_id, "graph_id": graph_id,
            "answers": answers if problem is None else {},
            "shown": {str(i["id"]): i.get("value") for i in pending}, "changes": changes,
            "verdicts": verdicts, "problem": problem}


async def _read(client: Any, ids: Sequence[str]) -> dict[str, Mapping[str, Any]]:
    by_id: dict[str, Mapping[str, Any]] = {}
    for start in range(0, len(ids), SEARCH_CHUNK):
        chunk = list(ids[start : start + SEARCH_CHUNK])
        for t in await client.threads.search(ids=chunk, limit=len(chunk)):
            by_id[str(t["thread_id"])] = t
    return by_id


async def plan_accept(client: Any, thread_ids: Sequence[str]) -> BulkPlan:
    """Accept each thread's own proposal as it is; a thread without one is skipped."""
    ids = [str(t) for t in dict.fromkeys(thread_ids)]
    by_id = await _read(client, ids)
    plan = BulkPlan("accept")
    for tid in ids:
        thread = by_id.get(tid)
        problem = _check(thread, tid, None, _NO_ANSWER)
        pending = _pending(thread) if thread is not None else []
        answers: dict[str, Any] = {}
        if problem is None:
            try:
                answers = {str(i["id"]): accept_answer(i) for i in pending}
            except NoProposal as why:
                problem = f"nothing to accept as proposed: {why}; answer it on its own"
        plan.threads.append(_planned(tid, thread, answers, problem))
    return plan


async def plan_shared(client: Any, thread_ids: Sequence[str], answer: Any) -> BulkPlan:
    """One answer for every thread (the first thread's interrupts set the shape the others
    must have), with what it changes against each thread's own proposal."""
    ids = [str(t) for t in dict.fromkeys(thread_ids)]
    by_id = await _read(client, ids)
    first = by_id.get(ids[0]) if ids else None
    shape = interrupt_shape(_pending(first)) if first is not None else None
    plan = BulkPlan("shared")
    for tid in ids:
        thread = by_id.get(tid)
        problem = _check(thread, tid, shape, answer)
        pending = _pending(thread) if thread is not None else []
        plan.threads.append(_planned(tid, thread, {str(i["id"]): answer for i in pending},
                                     problem))
    return plan


async def _resume(runs: Any, client: Any, thread: PlannedThread,
                  context: Mapping[str, Any]) -> BulkResult:
    thread_id = thread["thread_id"]
    for iid, answer in thread["answers"].items():
        shown = {"shown_sha256": shown_digest(iid, thread["shown"].get(iid))} \
            if iid in thread["shown"] else {}
        stage_review(client, thread_id, iid, answer, {**context, **shown})
    try:
        body = await runs.wait(thread_id, thread["graph_id"], command={"resume": thread["answers"]},
                               multitask_strategy="reject", strict_resume=True)
    except Exception as exc:  # noqa: BLE001 - one thread's failure is its own result
        return {"thread_id": thread_id, "ok": False, "error": f"{type(exc).__name__}: {exc}"}
    failed = body.get("__error__") if isinstance(body, Mapping) else None
    error = f"{failed.get('error')}: {failed.get('message')}" if isinstance(failed, Mapping) \
        else None
    return {"thread_id": thread_id, "ok": error is None, "error": error}


async def apply_plan(client: Any, plan: BulkPlan, *, identity: Identity | None = None,
                     origin: str = "bulk") -> list[BulkResult]:
    """Send what ``plan`` says, thread by thread; one result per thread, in its order.
    Each answer's audit row says ``origin`` and, given, who (``identity``)."""
    results: dict[str, BulkResult] = {
        t["thread_id"]: {"thread_id": t["thread_id"], "ok": False, "error": t["problem"]}
        for t in plan.threads if t["problem"] is not None}
    context: dict[str, Any] = {"origin": origin}
    if identity is not None:
        context.update(reviewer=identity.name, reviewer_source=identity.source)
    gate = asyncio.Semaphore(CONCURRENCY)
    runs = recording_runs(client)

    async def one(thread: PlannedThread) -> None:
        async with gate:
            results[thread["thread_id"]] = await _resume(runs, client, thread, context)

    await asyncio.gather(*(one(t) for t in plan.ready))
    return [results[t["thread_id"]] for t in plan.threads]


async def apply_bulk(client: Any, thread_ids: Sequence[str], answer: Any, *,
                     identity: Identity | None = None) -> list[BulkResult]:
    """Answer every pending interrupt of each thread with `answer` (code that chose one
    answer for all); one result per thread, in the order given. The first thread's
    interrupts set the shape the others must have."""
    if not thread_ids:
        return []
    return await apply_plan(client, await plan_shared(client, thread_ids, answer),
                            identity=identity)
