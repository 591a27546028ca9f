"""Votes: the answers of several reviewers to one item, kept until the team has decided.

When a review queue asks ``k`` reviewers per item, each answer is a vote, stored beside the
records (memory, or table ``hitl_votes`` in the SQLite file / PostgreSQL database). Nothing
is sent to the graph until the queue's rule is met; then one resume goes out, through the
decision log's claim like any other answer.
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from typing import TYPE_CHECKING, Any

import orjson

from hitl_widgets.runtime.clock import now
from hitl_widgets.runtime.errors import conflict

if TYPE_CHECKING:
    from hitl_widgets.runtime.sql_records import SqlRecords

__all__ = ["MemoryVotes", "SqlVotes", "VoteStore"]


def _twice(queue: str, thread_id: str, reviewer: str) -> Exception:
    return conflict(
        f"{reviewer} already answered thread {thread_id} in queue {queue!r}; each reviewer "
        "answers an item once (ask a lead to adjudicate if the answer was wrong)",
        thread_id=thread_id, reviewer=reviewer)


class VoteStore(ABC):
    """Where the votes of multi-reviewer queues live."""

    @abstractmethod
    def cast(self, queue: str, thread_id: str, reviewer: str, answer: Any) -> list[dict[str, Any]]:
        """Record ``reviewer``'s answer (a 409 if they answered this item already); every
        vote on the item, oldest first, this one included."""

    @abstractmethod
    def votes(self, queue: str, thread_ids: list[str] | None = None) -> list[dict[str, Any]]:
        """The votes of ``queue`` (on these threads only, if given), oldest first."""

    @abstractmethod
    def clear(self, queue: str, thread_id: str) -> None:
        """Forget the votes on an item (it was decided, or sent back for another round)."""


class MemoryVotes(VoteStore):
    """Votes of one process."""

    def __init__(self) -> None:
        self._rows: list[dict[str, Any]] = []
        self._lock = threading.Lock()

    def cast(self, queue: str, thread_id: str, reviewer: str, answer: Any) -> list[dict[str, Any]]:
        with self._lock:
            mine = [v for v in self._rows if (v["queue"], v["thread_id"]) == (queue, thread_id)]
            if any(v["reviewer"] == reviewer for v in mine):
                raise _twice(queue, thread_id, reviewer)
            row = {"queue": queue, "thread_id": thread_id, "reviewer": reviewer,
                   "answer": orjson.loads(orjson.dumps(answer)), "at": now()}
            self._rows.append(row)
            return [dict(v) for v in [*mine, row]]

    def votes(self, queue: str, thread_ids: list[str] | None = None) -> list[dict[str, Any]]:
        wanted = None if thread_ids is None else set(thread_ids)
        return [dict(v) for v in self._rows
                if v["queue"] == queue and (wanted is None or v["thread_id"] in wanted)]

    def clear(self, queue: str, thread_id: str) -> None:
        with self._lock:
            self._rows = [v for v in self._rows
                          if (v["queue"], v["thread_id"]) != (queue, thread_id)]


_COLUMNS = "queue, thread_id, reviewer, answer, at"


def _row(row: tuple[Any, ...]) -> dict[str, Any]:
    queue, thread_id, reviewer, answer, at = row
    return {"queue": queue, "thread_id": thread_id, "reviewer": reviewer,
            "answer": orjson.loads(bytes(answer)), "at": at}


class SqlVotes(VoteStore):
    """Votes in table ``hitl_votes``, on the record store's connection."""

    def __init__(self, records: SqlRecords) -> None:
        self._records = records

    def cast(self, queue: str, thread_id: str, reviewer: str, answer: Any) -> list[dict[str, Any]]:
        added = self._records.execute(
            f"INSERT INTO hitl_votes ({_COLUMNS}) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (queue, thread_id, reviewer) DO NOTHING RETURNING reviewer",
            (queue, thread_id, reviewer, orjson.dumps(answer), now()))
        if not added:
            raise _twice(queue, thread_id, reviewer)
        return self.votes(queue, [thread_id])

    def votes(self, queue: str, thread_ids: list[str] | None = None) -> list[dict[str, Any]]:
        sql = f"SELECT {_COLUMNS} FROM hitl_votes WHERE queue = ?"
        params: list[Any] = [queue]
        if thread_ids is not None:
            if not thread_ids:
                return []
            sql += f" AND thread_id IN ({', '.join('?' * len(thread_ids))})"
            params.extend(thread_ids)
        return [_row(r) for r in self._records.execute(f"{sql} ORDER BY at, reviewer", params)]

    def clear(self, queue: str, thread_id: str) -> None:
        self._records.execute("DELETE FROM hitl_votes WHERE queue = ? AND thread_id = ?",
                              (queue, thread_id))
