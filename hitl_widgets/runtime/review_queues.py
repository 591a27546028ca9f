"""Review queues' bookkeeping in the store: holds and votes.

A *hold* reserves an item of a review queue for one reviewer for a while. It is a lease
(``leases.py``) named ``hold:<queue>:<thread id>``, taken by the runtime's owner under the
reviewer's name. It lapses on its own after ``seconds``, or with its
owner's lease when the reviewer's kernel stops: nobody has to clean up after a reviewer who
left. The answer-once claim stays the decision log's: a hold only keeps reviewers from
reading the same item at once.

A *deadline* gives an unanswered item a default answer, or hands it to another reviewer
(``deadlines.py``).

A *vote* is one reviewer's answer to an item that several reviewers answer (``votes.py``);
the queue resumes the graph once its rule is met.
"""

from __future__ import annotations

import math
from typing import Any

from hitl_widgets.runtime.deadlines import DeadlineStore
from hitl_widgets.runtime.leases import Lease, LeaseStore, Presence
from hitl_widgets.runtime.votes import VoteStore

__all__ = ["ReviewQueues"]


def _key(queue: str, thread_id: str, reviewer: str | None = None) -> str:
    """``hold:<queue>:<thread id>``, or ``.../<reviewer>`` where several reviewers hold one
    item (a slot each)."""
    key = f"hold:{queue}:{thread_id}"
    return key if reviewer is None else f"{key}/{reviewer}"


class ReviewQueues:
    """Holds and votes of review queues, taken and cast as this runtime's reviewer."""

    def __init__(self, leases: LeaseStore, votes: VoteStore, deadlines: DeadlineStore,
                 presence: Presence) -> None:
        self._leases = leases
        self._votes = votes
        self._deadlines = deadlines
        self._presence = presence

    def _json(self, queue: str, lease: Lease, now: float) -> dict[str, Any]:
        left = lease.expires_at - now
        return {
            "queue": queue,
            "thread_id": lease.thread_id,
            "reviewer": lease.label,
            "owner": lease.owner,
            "expires_in": None if math.isinf(left) else max(round(left, 1), 0.0),
            "mine": lease.owner == self._presence.owner,
        }

    async def take(self, queue: str, thread_id: str, seconds: float, *,
                   shared: bool = False) -> dict[str, Any]:
        """Hold ``thread_id`` in ``queue`` for ``seconds`` (taking it again renews it); a 409
        naming the reviewer who holds it otherwise. ``shared``: a slot of an item several
        reviewers answer (each reviewer's own hold)."""
        if not seconds > 0:
            raise ValueError(f"a hold lasts a positive number of seconds, not {seconds!r}")
        me = self._presence.label
        lease = self._leases.take(_key(queue, thread_id, me if shared else None),
                                  self._presence.owner, me, seconds, thread_id=thread_id)
        return self._json(queue, lease, self._leases.now())

    async def release(self, queue: str, thread_id: str, *, anyone: bool = False,
                      shared: bool = False) -> None:
        """Give the hold up; ``anyone``: every hold on the item, whoever took it (the item
        goes back to the queue)."""
        if anyone:
            for lease in self._leases.holders(_key(queue, thread_id)):
                if lease.thread_id == thread_id:
                    self._leases.release(lease.key, None)
            return
        key = _key(queue, thread_id, self._presence.label if shared else None)
        self._leases.release(key, self._presence.owner)

    async def holds(self, queue: str) -> list[dict[str, Any]]:
        """The live holds of ``queue`` (every reviewer's), by thread id."""
        now = self._leases.now()
        return [self._json(queue, lease, now)
                for lease in self._leases.holders(_key(queue, ""))]

    async def cast(self, queue: str, thread_id: str, answer: Any) -> list[dict[str, Any]]:
        """Record this reviewer's answer to an item (once); every vote on it so far."""
        return self._votes.cast(queue, thread_id, self._presence.label, answer)

    async def votes(self, queue: str, thread_ids: list[str] | None = None) -> list[dict[str, Any]]:
        """The votes of ``queue`` (on these threads, if given), oldest first."""
        return self._votes.votes(queue, thread_ids)

    async def clear(self, queue: str, thread_id: str) -> None:
        """Forget an item's votes."""
        self._votes.clear(queue, thread_id)

    async def set_deadline(self, thread_id: str, seconds: float,
                           action: dict[str, Any]) -> dict[str, Any]:
        """Set the thread's deadline ``seconds`` from now (``action``: ``resume`` and
        ``interrupt_ids``, or ``escalate_to`` and ``assignee_key``)."""
        if not self._leases.shared:
            raise ValueError(
                "deadlines are kept and applied in a store every kernel shares: open the "
                "client with checkpointer='team.sqlite' or 'postgresql://...'")
        if not seconds >= 0:
            raise ValueError(
                f"deadline of thread {thread_id}: {seconds!r} s is in the past; give the "
                "seconds from now until the default answer applies (0: at once)")
        self._deadlines.set(thread_id, seconds, action)
        return next(d for d in self._deadlines.pending() if d["thread_id"] == thread_id)

    async def cancel_deadline(self, thread_id: str) -> None:
        """Drop the thread's deadline."""
        self._deadlines.cancel(thread_id)

    async def deadlines(self) -> list[dict[str, Any]]:
        """The deadlines not yet due: ``thread_id``, ``due_in`` seconds, ``action``."""
        return self._deadlines.pending()
