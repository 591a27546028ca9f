"""A review queue: the pending interrupts of a shared store, handed out one reviewer at a time.

Three reviewers working through one batch should not read the same item: ``next()`` gives
each reviewer the oldest pending item nobody else holds, and holds it for them for
``hold_seconds``. A hold lapses on its own — or within seconds when its reviewer's kernel
stops — and the item goes back to the queue. Answering renews the hold first, so an answer
from a reviewer whose item was meanwhile handed to someone else is refused naming them; an
answer to an item someone else already answered gets the decision log's 409 (who, when).
The queue lives in the store (the SQLite file or PostgreSQL database every reviewer's
kernel opens), never in one kernel's memory.

With ``reviewers_per_item=k`` each item goes to ``k`` different reviewers; their answers
are votes, and the graph is resumed once, by whoever casts the vote that meets the ``rule``
(``"majority"`` or ``"all"`` agreeing). Items whose votes disagree wait for a lead:
``disagreements()`` shows the answers side by side, ``adjudicate()`` decides.
``agreement()`` gives per cent agreement and Fleiss' kappa over the decided items.

Items may be assigned: the reviewer named in an item's metadata under ``assignee_key``
(``"assignee"``) is the only one it is handed to; an item without one goes to anyone.
``assign()`` names a reviewer for items, ``assign_round_robin()`` deals them out in turn.
``set_deadline()`` gives an item a time limit, after which it gets a safe default answer or
goes to a named reviewer.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from langgraph_sdk.errors import ConflictError

from hitl_widgets.client.agreement import fleiss_kappa, percent_agreement

__all__ = ["HOLD_SECONDS", "QueueItem", "ReviewQueue"]

HOLD_SECONDS = 300.0
"""How long an item stays with the reviewer who took it, unless they answer or release it."""

_BATCH = 50
"""Pending threads read per step while looking for one nobody holds."""


@dataclass(frozen=True)
class QueueItem:
    """One pending thread, held for this reviewer."""

    thread_id: str
    graph_id: str | None
    interrupts: list[dict[str, Any]]
    """The pending interrupts (``id``, ``value``, ...), as the thread record has them."""
    metadata: dict[str, Any]
    created_at: str
    hold: dict[str, Any]
    """The hold: ``reviewer``, ``expires_in`` (seconds, by the store's clock), ``mine``."""


def _item(thread: Mapping[str, Any], hold: dict[str, Any]) -> QueueItem:
    interrupts = [i for items in (thread.get("interrupts") or {}).values() for i in items]
    metadata = dict(thread.get("metadata") or {})
    return QueueItem(thread_id=thread["thread_id"], graph_id=metadata.get("graph_id"),
                     interrupts=interrupts, metadata=metadata,
                     created_at=thread["created_at"], hold=hold)


class ReviewQueue:
    """The pending interrupts matching a filter, oldest first, each handed to one reviewer.

    ``client`` is an in-kernel async client (``get_client(graphs=..., checkpointer=...)``)
    on the store the team shares; its ``reviewer`` is who takes and answers items.
    """

    def __init__(
        self,
        client: Any,
        *,
        name: str = "review",
        graph_id: str | None = None,
        metadata: Mapping[str, Any] | None = None,
        hold_seconds: float = HOLD_SECONDS,
        reviewers_per_item: int = 1,
        rule: Literal["majority", "all"] = "majority",
        assignee_key: str = "assignee",
    ) -> None:
        if not hasattr(client, "queues"):
            raise TypeError(
                "a review queue needs an in-kernel client on the team's store, e.g. "
                "get_client(graphs=..., checkpointer='team.sqlite' or 'postgresql://...'); "
                "a remote server's client keeps no holds"
            )
        if not name or ":" in name:
            raise ValueError(f"queue name {name!r}: give a non-empty name without ':'")
        if not hold_seconds > 0:
            raise ValueError(f"hold_seconds must be a positive number, not {hold_seconds!r}")
        if not (isinstance(reviewers_per_item, int) and reviewers_per_item >= 1):
            raise ValueError(f"reviewers_per_item must be 1 or more, not {reviewers_per_item!r}")
        if rule not in ("majority", "all"):
            raise ValueError(f"rule must be 'majority' or 'all', not {rule!r}")
        self.reviewers_per_item = reviewers_per_item
        self.rule = rule
        self.assignee_key = assignee_key
        self.client = client
        self.name = name
        self.graph_id = graph_id
        self.metadata = dict(metadata or {})
        self.hold_seconds = float(hold_seconds)

    def _filter(self) -> dict[str, Any]:
        metadata = dict(self.metadata)
        if self.graph_id is not None:
            metadata["graph_id"] = self.graph_id
        return {"status": "interrupted", "metadata": metadata or None,
                "sort_by": "created_at", "sort_order": "asc"}

    async def next(self) -> QueueItem | None:
        """Hold and return the oldest pending item this reviewer may take (``None``: nothing
        left): nobody holds it — or, with several reviewers per item, fewer than needed hold
        or answered it, and this reviewer has not answered it yet."""
        offset = 0
        while True:
            page = await self.client.threads.search(**self._filter(), limit=_BATCH,
                                                    offset=offset)
            taken = await self._taken([t["thread_id"] for t in page])
            me = self._me()
            for thread in page:
                if not taken.get(thread["thread_id"], _Free()).open_to(
                        self.reviewers_per_item):
                    continue
                if (thread.get("metadata") or {}).get(self.assignee_key) not in (None, me):
                    continue  # assigned to someone else
                try:
                    hold = await self._hold(thread["thread_id"])
                except ConflictError:
                    continue  # another reviewer took it a moment ago
                # Read again under the hold: answered meanwhile means it is not pending.
                fresh = await self.client.threads.get(thread["thread_id"])
                if fresh["status"] == "interrupted":
                    return _item(fresh, hold)
                await self._unhold(thread["thread_id"])
            if len(page) < _BATCH:
                return None
            offset += _BATCH

    @property
    def _shared(self) -> bool:
        return self.reviewers_per_item > 1

    async def _hold(self, thread_id: str) -> dict[str, Any]:
        hold: dict[str, Any] = await self.client.queues.take(
            self.name, thread_id, self.hold_seconds, shared=self._shared)
        return hold

    async def _unhold(self, thread_id: str) -> None:
        await self.client.queues.release(self.name, thread_id, shared=self._shared)

    def _me(self) -> str:
        reviewer: str = self.client.runtime.reviewer
        return reviewer

    async def _taken(self, thread_ids: list[str]) -> dict[str, _Free]:
        """For each thread: how many reviewers hold or answered it, and whether I did."""
        me = self._me()
        seen: dict[str, _Free] = {}
        votes = await self.client.queues.votes(self.name, thread_ids) if self._shared else []
        for row in [*votes, *await self.holds()]:
            seen.setdefault(row["thread_id"], _Free()).add(row["reviewer"], me)
        return seen

    async def answer(self, item: QueueItem, answer: Any) -> dict[str, Any]:
        """Answer the item (for its one interrupt; a mapping of interrupt id → answer when
        it has several) and give the hold up.

        The hold is renewed first: a 409 naming the reviewer who holds the item now if it
        was handed on after this reviewer's hold lapsed. With one reviewer per item the
        graph resumes now (the decision log's 409 if someone answered meanwhile); with
        several, the answer is a vote and the graph resumes once the rule is met.
        Returns ``{"outcome": "resumed" | "waiting" | "disagreement", "votes": n,
        "result": the run's result or None}``. The hold is kept when the answer fails.
        """
        await self._hold(item.thread_id)
        resume = _resume(item, answer)
        if not self._shared:
            result = await self._resume(item, resume)
            await self._unhold(item.thread_id)
            return {"outcome": "resumed", "votes": 1, "result": result}
        votes = await self.client.queues.cast(self.name, item.thread_id, resume)
        await self._unhold(item.thread_id)
        if len(votes) < self.reviewers_per_item:
            return {"outcome": "waiting", "votes": len(votes), "result": None}
        decided = _decide([v["answer"] for v in votes], self.rule)
        if decided is None:
            return {"outcome": "disagreement", "votes": len(votes), "result": None}
        try:
            result = await self._resume(item, decided)
        except ConflictError:
            # Two reviewers completed the rule at once: the other one's resume went out.
            return {"outcome": "resumed", "votes": len(votes), "result": None}
        return {"outcome": "resumed", "votes": len(votes), "result": result}

    async def _resume(self, item: QueueItem, resume: dict[str, Any]) -> Any:
        assistant = item.graph_id or item.metadata.get("assistant_id")
        return await self.client.runs.wait(item.thread_id, assistant,
                                           command={"resume": resume})

    async def disagreements(self) -> list[dict[str, Any]]:
        """Items whose votes are all in but do not meet the rule: ``thread_id`` and the
        ``answers`` side by side (reviewer → answer, or → {interrupt id: answer} where the
        item asks several questions)."""
        if not self._shared:
            return []
        by_thread: dict[str, list[dict[str, Any]]] = {}
        for vote in await self.client.queues.votes(self.name):
            by_thread.setdefault(vote["thread_id"], []).append(vote)
        out = []
        for thread_id, votes in by_thread.items():
            if len(votes) >= self.reviewers_per_item and _decide(
                    [v["answer"] for v in votes], self.rule) is None:
                thread = await self.client.threads.get(thread_id)
                if thread["status"] == "interrupted":
                    out.append({"thread_id": thread_id,
                                "answers": {v["reviewer"]: _given(v["answer"]) for v in votes}})
        return out

    async def adjudicate(self, thread_id: str, answer: Any) -> Any:
        """Decide a disagreement (a lead's answer, for the item's one interrupt or as a
        mapping of interrupt id → answer); the graph resumes with it."""
        item = _item(await self.client.threads.get(thread_id), {})
        return await self._resume(item, _resume(item, answer))

    async def agreement(self) -> dict[str, Any]:
        """Over the items every reviewer slot answered: ``items``, per cent agreement
        (pairs of reviewers who gave the same answer) and Fleiss' kappa."""
        by_thread: dict[str, list[str]] = {}
        for vote in await self.client.queues.votes(self.name):
            by_thread.setdefault(vote["thread_id"], []).append(_canonical(vote["answer"]))
        rated = [v[: self.reviewers_per_item] for v in by_thread.values()
                 if len(v) >= self.reviewers_per_item]
        if self.reviewers_per_item < 2 or not rated:
            return {"items": len(rated), "percent_agreement": None, "fleiss_kappa": None}
        return {"items": len(rated), "percent_agreement": percent_agreement(rated),
                "fleiss_kappa": fleiss_kappa(rated)}

    async def release(self, item: QueueItem) -> None:
        """Give the item back to the queue (skip it)."""
        await self._unhold(item.thread_id)

    async def requeue(self, thread_id: str) -> None:
        """Put an item back in the queue whoever holds it (a lead freeing a stuck item)."""
        await self.client.queues.release(self.name, thread_id, anyone=True)

    async def holds(self) -> list[dict[str, Any]]:
        """Who holds what right now: ``thread_id``, ``reviewer``, ``expires_in``, ``mine``."""
        holds: list[dict[str, Any]] = await self.client.queues.holds(self.name)
        return holds

    async def assign(self, thread_ids: list[str], reviewer: str | None) -> None:
        """Hand these items to ``reviewer`` only (``None``: to anyone again)."""
        for thread_id in thread_ids:
            await self.client.threads.update(thread_id, metadata={self.assignee_key: reviewer})

    async def assign_round_robin(self, reviewers: list[str]) -> dict[str, list[str]]:
        """Deal the pending items out to ``reviewers`` in turn, oldest first; who got which."""
        if not reviewers:
            raise ValueError("assign_round_robin needs at least one reviewer's name")
        dealt: dict[str, list[str]] = {r: [] for r in reviewers}
        offset = 0
        while True:
            page = await self.client.threads.search(**self._filter(), limit=_BATCH,
                                                    offset=offset)
            for thread in page:
                reviewer = reviewers[sum(map(len, dealt.values())) % len(reviewers)]
                dealt[reviewer].append(thread["thread_id"])
            if len(page) < _BATCH:
                break
            offset += _BATCH
        for reviewer, thread_ids in dealt.items():
            await self.assign(thread_ids, reviewer)
        return dealt

    async def set_deadline(self, thread_id: str, seconds: float, *,
                           default: Any = None, escalate_to: str | None = None) -> dict[str, Any]:
        """Give an item ``seconds`` to be answered: then it gets the ``default`` answer
        (recorded as given by the deadline) or goes to reviewer ``escalate_to``. Applied by
        whichever kernel, CLI or extension is open on the store — or by the next one to open
        it. Only the questions pending now are covered: a later question is not."""
        if (default is None) == (escalate_to is None):
            raise ValueError("a deadline needs either default=... or escalate_to=...")
        item = _item(await self.client.threads.get(thread_id), {})
        if not item.interrupts:
            raise ValueError(f"thread {thread_id} asks nothing now; a deadline needs a question")
        ids = [i["id"] for i in item.interrupts]
        action: dict[str, Any] = {"interrupt_ids": ids}
        if escalate_to is not None:
            action.update(escalate_to=escalate_to, assignee_key=self.assignee_key)
        else:
            action["resume"] = _resume(item, default)
        deadline: dict[str, Any] = await self.client.queues.set_deadline(thread_id, seconds,
                                                                         action)
        return deadline

    async def deadlines(self) -> list[dict[str, Any]]:
        """The deadlines not yet due: ``thread_id``, ``due_in`` seconds, ``action``."""
        deadlines: list[dict[str, Any]] = await self.client.queues.deadlines()
        return deadlines

    async def progress(self) -> dict[str, int]:
        """``pending`` (waiting for an answer, held or not) and ``held`` right now."""
        filters = self._filter()
        pending = await self.client.threads.count(status="interrupted",
                                                  metadata=filters["metadata"])
        return {"pending": pending, "held": len(await self.holds())}


class _Free:
    """Who holds or answered one item, as seen by one reviewer."""

    def __init__(self, others: int = 0) -> None:
        self.others = others
        self.mine = False

    def add(self, reviewer: str, me: str) -> None:
        if reviewer == me:
            self.mine = True
        else:
            self.others += 1

    def open_to(self, slots: int) -> bool:
        """Whether this reviewer may take the item: not theirs already, a slot free."""
        return not self.mine and self.others < slots


def _resume(item: QueueItem, answer: Any) -> dict[str, Any]:
    """The resume map for ``answer`` to this item's interrupts."""
    ids = [i["id"] for i in item.interrupts]
    if len(ids) == 1:
        return {ids[0]: answer}
    if isinstance(answer, Mapping) and set(answer) <= set(ids):
        return dict(answer)
    raise ValueError(
        f"thread {item.thread_id} asks {len(ids)} questions ({', '.join(ids)}): "
        "answer with a mapping of interrupt id to answer"
    )


def _given(resume: dict[str, Any]) -> Any:
    """A vote as its reviewer gave it: the answer itself for a one-question item."""
    return next(iter(resume.values())) if len(resume) == 1 else resume


def _canonical(answer: Any) -> str:
    return orjson.dumps(answer, option=orjson.OPT_SORT_KEYS).decode()


def _decide(answers: list[Any], rule: str) -> Any:
    """The answer the rule picks from the votes, or ``None`` when they disagree."""
    counts = Counter(_canonical(a) for a in answers)
    best, count = counts.most_common(1)[0]
    needed = len(answers) if rule == "all" else len(answers) // 2 + 1
    return orjson.loads(best) if count >= needed else None
