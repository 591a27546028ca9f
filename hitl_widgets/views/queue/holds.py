"""Review holds for a screen: the item under review is held for its reviewer, in the store.

The holds are the review queues' own (``client.queues``, ``runtime/review_queues.py``:
leases in the shared store), in the queue named ``queue`` — ``"review"`` by default, the
same queue ``ReviewQueue`` hands items out from, so a reviewer on a screen and one calling
``ReviewQueue.next()`` from code never take the same item. A hold lasts ``seconds`` (five
minutes by default) and never longer than the kernel that took it: a reviewer whose kernel
died or whose tab closed loses it with nobody cleaning up, and the item goes back to the
queue. A remote server's client keeps no holds: there ``available`` is False and every item
is free.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

from langgraph_sdk.errors import ConflictError

from hitl_widgets.client.queue import HOLD_SECONDS

__all__ = ["HOLD_SECONDS", "Holds"]


class Holds:
    """This kernel's holds in one review queue of ``client``'s store."""

    def __init__(self, client: Any, queue: str = "review",
                 seconds: float = HOLD_SECONDS) -> None:
        if not seconds > 0:
            raise ValueError(f"a hold lasts a positive number of seconds, not {seconds!r}")
        self.client = client
        self.queue = queue
        self.seconds = float(seconds)
        self.until: dict[str, datetime] = {}
        """The items this kernel holds, and until when (UTC, as the store said)."""

    @property
    def available(self) -> bool:
        """Whether the store keeps holds (an in-kernel client's)."""
        return hasattr(self.client, "queues")

    async def take(self, thread_id: str) -> str | None:
        """Hold ``thread_id`` (again: renew it); None when held (or holds are not kept),
        else who holds it instead (the store's 409 message)."""
        if not self.available:
            return None
        try:
            hold = await self.client.queues.take(self.queue, thread_id, self.seconds)
        except ConflictError as refused:
            return str(refused)
        left = hold.get("expires_in")
        self.until[thread_id] = datetime.fromtimestamp(
            time.time() + (float(left) if left is not None else self.seconds), UTC)
        return None

    async def release(self, thread_id: str) -> None:
        """Give the hold on ``thread_id`` up (nothing if this kernel does not hold it)."""
        self.until.pop(thread_id, None)
        if self.available:
            await self.client.queues.release(self.queue, thread_id)

    async def release_all(self) -> None:
        """Give every hold of this kernel in the queue up."""
        for thread_id in list(self.until):
            await self.release(thread_id)

    async def others(self) -> dict[str, str]:
        """The items other reviewers hold now: thread id → who."""
        if not self.available:
            return {}
        return {str(h["thread_id"]): str(h["reviewer"])
                for h in await self.client.queues.holds(self.queue) if not h["mine"]}
