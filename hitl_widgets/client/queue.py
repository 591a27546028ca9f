"""A review queue: the pending interrupts of a shared store, handed out one reviewer at a time.

Three reviewers working through one batch should not read the same item: ``next()`` gives
each reviewer the oldest pending item nobody else holds, and holds it for them for
``hold_seconds``. A hold lapses on its own — or within seconds when its reviewer's kernel
stops — and the item goes back to the queue. Answering renews the hold first, so an answer
from a reviewer whose item was meanwhile handed to someone else is refused naming them; an
answer to an item someone else already answered gets the decision log's 409 (who, when).
The queue lives in the store (the SQLite file or PostgreSQL database every reviewer's
kernel opens), never in one kernel's memory.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from langgraph_sdk.errors import ConflictError

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
    ) -> None:
        if not hasattr(client, "holds"):
            raise TypeError(
                "a review queue needs an in-kernel client on the team's store, e.g. "
                "get_client(graphs=..., checkpointer='team.sqlite' or 'postgresql://...'); "
                "a remote server's client keeps no holds"
            )
        if not name or ":" in name:
            raise ValueError(f"queue name {name!r}: give a non-empty name without ':'")
        if not hold_seconds > 0:
            raise ValueError(f"hold_seconds must be a positive number, not {hold_seconds!r}")
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
        """Hold and return the oldest pending item nobody holds (``None``: nothing left)."""
        offset = 0
        while True:
            held = {h["thread_id"] for h in await self.client.holds.list(self.name)}
            page = await self.client.threads.search(**self._filter(), limit=_BATCH,
                                                    offset=offset)
            for thread in page:
                if thread["thread_id"] in held:
                    continue
                try:
                    hold = await self.client.holds.take(self.name, thread["thread_id"],
                                                        self.hold_seconds)
                except ConflictError:
                    continue  # another reviewer took it a moment ago
                # Read again under the hold: answered meanwhile means it is not pending.
                fresh = await self.client.threads.get(thread["thread_id"])
                if fresh["status"] == "interrupted":
                    return _item(fresh, hold)
                await self.client.holds.release(self.name, thread["thread_id"])
            if len(page) < _BATCH:
                return None
            offset += _BATCH

    async def answer(self, item: QueueItem, answer: Any) -> Any:
        """Resume the item's thread with ``answer`` (for its one interrupt; a mapping of
        interrupt id → answer when it has several) and give the hold up.

        The hold is renewed first: a 409 naming the reviewer who holds the item now if it
        was handed on after this reviewer's hold lapsed; the decision log's 409 if someone
        answered it meanwhile. The hold is kept when the answer fails, to try again.
        """
        await self.client.holds.take(self.name, item.thread_id, self.hold_seconds)
        ids = [i["id"] for i in item.interrupts]
        if len(ids) == 1:
            resume = {ids[0]: answer}
        elif isinstance(answer, Mapping) and set(answer) <= set(ids):
            resume = dict(answer)
        else:
            raise ValueError(
                f"thread {item.thread_id} asks {len(ids)} questions ({', '.join(ids)}): "
                "answer with a mapping of interrupt id to answer"
            )
        assistant = item.graph_id or item.metadata.get("assistant_id")
        result = await self.client.runs.wait(item.thread_id, assistant,
                                             command={"resume": resume})
        await self.client.holds.release(self.name, item.thread_id)
        return result

    async def release(self, item: QueueItem) -> None:
        """Give the item back to the queue (skip it)."""
        await self.client.holds.release(self.name, item.thread_id)

    async def requeue(self, thread_id: str) -> None:
        """Put an item back in the queue whoever holds it (a lead freeing a stuck item)."""
        await self.client.holds.release(self.name, thread_id, anyone=True)

    async def holds(self) -> list[dict[str, Any]]:
        """Who holds what right now: ``thread_id``, ``reviewer``, ``expires_in``, ``mine``."""
        holds: list[dict[str, Any]] = await self.client.holds.list(self.name)
        return holds

    async def progress(self) -> dict[str, int]:
        """``pending`` (waiting for an answer, held or not) and ``held`` right now."""
        filters = self._filter()
        pending = await self.client.threads.count(status="interrupted",
                                                  metadata=filters["metadata"])
        return {"pending": pending, "held": len(await self.holds())}
