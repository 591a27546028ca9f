"""Review holds: an item under review is held for its reviewer, on the shared store.

A hold is a lease (``runtime.leases``) keyed ``hold:<thread_id>``, owned by this kernel's
runtime (its ``presence``) and labelled with the reviewer's name. It lasts ``seconds``
(default five minutes) and never longer than the kernel's own lease: a reviewer whose
kernel died or whose tab closed loses it with nobody cleaning up, and the item goes back
to the queue. Another reviewer's screen passes over a held item; the store refuses a second
hold naming the holder. Only an in-kernel client's store keeps holds (a remote server has no
place for them): there ``available`` is False and every item is free.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from langgraph_sdk.errors import ConflictError

from hitl_widgets.client.audit import is_local

__all__ = ["HOLD_PREFIX", "HOLD_SECONDS", "Holds"]

HOLD_SECONDS = 300.0
"""How long taking an item holds it (renewed each time it is taken again)."""

HOLD_PREFIX = "hold:"
"""Lease keys of review holds: the prefix and the thread id."""


class Holds:
    """This kernel's review holds on ``client``'s store, in the name of ``label()``."""

    def __init__(self, client: Any, label: Callable[[], str],
                 seconds: float = HOLD_SECONDS) -> None:
        if not seconds > 0:
            raise ValueError(f"a hold lasts a positive number of seconds, not {seconds!r}")
        self.client = client
        self.seconds = float(seconds)
        self._label = label
        self.until: dict[str, datetime] = {}
        """The items this kernel holds, and until when (UTC)."""

    @property
    def available(self) -> bool:
        """Whether the store keeps holds (an in-kernel client's)."""
        return is_local(self.client) and hasattr(self.client.runtime, "presence")

    def _owner(self) -> str:
        return str(self.client.runtime.presence.owner)

    def take(self, thread_id: str) -> str | None:
        """Hold ``thread_id`` for ``seconds``; None when held (or holds are not kept), else
        who holds it instead (the store's 409 message)."""
        if not self.available:
            return None
        try:
            lease = self.client.runtime.backend.leases.take(
                HOLD_PREFIX + thread_id, self._owner(), self._label(), self.seconds,
                thread_id=thread_id)
        except ConflictError as refused:
            return str(refused)
        self.until[thread_id] = datetime.fromtimestamp(min(lease.expires_at, 4e9), UTC)
        return None

    def release(self, thread_id: str) -> None:
        """Give the hold on ``thread_id`` up (nothing if this kernel does not hold it)."""
        self.until.pop(thread_id, None)
        if self.available:
            self.client.runtime.backend.leases.release(HOLD_PREFIX + thread_id, self._owner())

    def release_all(self) -> None:
        """Give every hold of this kernel up."""
        for thread_id in list(self.until):
            self.release(thread_id)

    def others(self) -> dict[str, str]:
        """The items other reviewers hold now: thread id → who."""
        if not self.available:
            return {}
        owner = self._owner()
        return {str(h.thread_id or h.key[len(HOLD_PREFIX):]): h.label
                for h in self.client.runtime.backend.leases.holders(HOLD_PREFIX)
                if h.owner != owner}
