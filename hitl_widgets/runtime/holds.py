"""Holds: an item of a review queue reserved for one reviewer for a while.

A hold is a lease (``leases.py``) named ``hold:<queue>:<thread id>``, taken by the runtime's
owner under the reviewer's name. It lapses on its own after ``seconds``, or with its
owner's lease when the reviewer's kernel stops: nobody has to clean up after a reviewer who
left. The answer-once claim stays the decision log's: a hold only keeps reviewers from
reading the same item at once.
"""

from __future__ import annotations

import math
from typing import Any

from hitl_widgets.runtime.leases import Lease, LeaseStore, Presence

__all__ = ["Holds"]


def _key(queue: str, thread_id: str) -> str:
    return f"hold:{queue}:{thread_id}"


class Holds:
    """Take, give up and list the holds of review queues, as this runtime's reviewer."""

    def __init__(self, leases: LeaseStore, presence: Presence) -> None:
        self._leases = leases
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

    async def take(self, queue: str, thread_id: str, seconds: float) -> dict[str, Any]:
        """Hold ``thread_id`` in ``queue`` for ``seconds`` (taking it again renews it); a 409
        naming the reviewer who holds it otherwise."""
        if not seconds > 0:
            raise ValueError(f"a hold lasts a positive number of seconds, not {seconds!r}")
        lease = self._leases.take(_key(queue, thread_id), self._presence.owner,
                                  self._presence.label, seconds, thread_id=thread_id)
        return self._json(queue, lease, self._leases.now())

    async def release(self, queue: str, thread_id: str, *, anyone: bool = False) -> None:
        """Give the hold up (``anyone``: whoever holds it — the item goes back to the queue)."""
        self._leases.release(_key(queue, thread_id), None if anyone else self._presence.owner)

    async def list(self, queue: str) -> list[dict[str, Any]]:
        """The live holds of ``queue``, by thread id."""
        now = self._leases.now()
        return [self._json(queue, lease, now)
                for lease in self._leases.holders(_key(queue, ""))]
