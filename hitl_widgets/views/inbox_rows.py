"""What the inbox lists, without widgets: a query over `threads.search`, one row per thread.

Only `threads.search` and `threads.count` are called (with `limit`/`offset` and a `select`
that leaves the thread's values on the server), so a page costs the same over ten threads or
ten thousand, in the kernel or against a LangGraph Server.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

__all__ = ["COUNTED", "SELECT", "STATUSES", "InboxQuery", "InboxSource", "age_text",
           "counts_html", "interrupt_summary", "parse_metadata_filter", "row_label",
           "thread_row"]

STATUSES = ("interrupted", "idle", "error", "busy", "all")
"""The status filter's choices (``all``: no filter)."""

#: What the counts line shows: label → thread status.
COUNTED = {"pending": "interrupted", "answered": "idle", "failed": "error"}

#: Thread fields the inbox asks for (not `values`: a page must not ship every state).
SELECT = ["thread_id", "status", "metadata", "created_at", "updated_at", "interrupts"]

SORTS = {"oldest": ("updated_at", "asc"), "newest": ("updated_at", "desc")}
"""`oldest` first is the review order: what has waited longest comes first."""

SUMMARY_LENGTH = 120


@dataclass(frozen=True)
class InboxQuery:
    """Which threads the inbox lists, in which order, how many per page."""

    graph_id: str | None = None
    """Only threads of this graph (the `graph_id` the server keeps in thread metadata)."""
    metadata: Mapping[str, Any] = field(default_factory=dict)
    """Only threads whose metadata contains this (JSON containment, as the server does)."""
    status: str | None = "interrupted"
    """`interrupted` (waiting for a human), `idle`, `error`, `busy`, or None for all."""
    sort: str = "oldest"
    """`oldest` (longest waiting first) or `newest`."""
    page_size: int = 25

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"sort must be one of {sorted(SORTS)}, not {self.sort!r}")
        if self.page_size < 1:
            raise ValueError(f"page_size must be at least 1, not {self.page_size}")

    def with_(self, **changes: Any) -> InboxQuery:
        """A copy with some fields changed."""
        return replace(self, **changes)

    @property
    def metadata_filter(self) -> dict[str, Any] | None:
        """The `metadata=` filter sent to `threads.search` / `threads.count`."""
        wanted = dict(self.metadata)
        if self.graph_id:
            wanted["graph_id"] = self.graph_id
        return wanted or None


def _one_line(value: Any) -> str:
    if isinstance(value, str):
        text = value
    elif isinstance(value, Mapping) and isinstance(value.get("action_requests"), list):
        # LangChain HumanInTheLoopMiddleware: the tool calls awaiting a decision.
        text = "; ".join(f"{a.get('name', '?')}({json.dumps(a.get('args'), default=str)})"
                         for a in value["action_requests"] if isinstance(a, Mapping))
    elif (isinstance(value, list) and value and isinstance(value[0], Mapping)
          and isinstance(value[0].get("action_request"), Mapping)):
        # Agent Inbox HumanInterrupt: the action and its description.
        first = value[0]
        text = f"{first['action_request'].get('action', '?')}: {first.get('description') or ''}"
    elif isinstance(value, Mapping):
        text = ", ".join(f"{k}: {v if isinstance(v, str) else json.dumps(v, default=str)}"
                         for k, v in value.items())
    else:
        text = json.dumps(value, default=str)
    text = " ".join(text.split())
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


def _interrupts(thread: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    groups = thread.get("interrupts") or {}
    if not isinstance(groups, Mapping):
        return []
    return [i for items in groups.values() for i in items or () if isinstance(i, Mapping)]


def interrupt_summary(thread: Mapping[str, Any]) -> str:
    """One line saying what the thread asks (plain text: escape it before HTML)."""
    asked = _interrupts(thread)
    if not asked:
        return ""
    more = f" (+{len(asked) - 1} more)" if len(asked) > 1 else ""
    return _one_line(asked[0].get("value")) + more


def _age_seconds(stamp: Any, now: datetime) -> float | None:
    if not isinstance(stamp, str):
        return None
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (now - when).total_seconds())


def thread_row(thread: Mapping[str, Any], now: datetime | None = None) -> dict[str, Any]:
    """The inbox row of one thread: id, graph, status, age, metadata, interrupt summary."""
    metadata = dict(thread.get("metadata") or {})
    asked = _interrupts(thread)
    return {
        "thread_id": str(thread["thread_id"]),
        "graph_id": metadata.get("graph_id"),
        "status": thread.get("status"),
        "updated_at": thread.get("updated_at"),
        "age_s": _age_seconds(thread.get("updated_at"), now or datetime.now(UTC)),
        "metadata": {k: v for k, v in metadata.items() if not k.startswith("hitl_")},
        "summary": interrupt_summary(thread),
        "interrupts": [dict(i) for i in asked],
    }


def age_text(seconds: float | None) -> str:
    """`42 s`, `5 min`, `3 h`, `2 d`."""
    if seconds is None:
        return "?"
    for limit, unit, size in ((120, "s", 1), (7200, "min", 60), (172800, "h", 3600)):
        if seconds < limit:
            return f"{int(seconds // size)} {unit}"
    return f"{int(seconds // 86400)} d"


def row_label(row: Mapping[str, Any]) -> str:
    """One line per row (a `Select` option: plain text, so nothing in it is markup)."""
    meta = ", ".join(f"{k}={v}" for k, v in list(row["metadata"].items())[:3]
                     if k not in ("graph_id", "assistant_id"))
    parts = [age_text(row["age_s"]).rjust(6), str(row["graph_id"] or "?"), row["summary"]]
    if meta:
        parts.append(f"[{meta}]")
    if row["status"] != "interrupted":
        parts.insert(1, str(row["status"]))
    return " · ".join(parts)


def parse_metadata_filter(text: str) -> dict[str, Any] | str:
    """The metadata filter typed by a person, or what is wrong with it (HTML, escaped)."""
    import html

    text = text.strip()
    try:
        metadata = json.loads(text) if text else {}
    except json.JSONDecodeError as exc:
        return f"<b>Metadata filter is not JSON:</b> {html.escape(str(exc))}"
    if not isinstance(metadata, dict):
        return "<b>Metadata filter must be a JSON object</b>, like {\"k\": 1}"
    return metadata


def counts_html(counts: Mapping[str, int]) -> str:
    """The counts line: pending · answered · failed."""
    return (f"<b>{counts.get('pending', 0)}</b> pending · "
            f"<b>{counts.get('answered', 0)}</b> answered · "
            f"<b>{counts.get('failed', 0)}</b> failed")


class InboxSource:
    """Pages and counts of threads through one client."""

    def __init__(self, client: Any) -> None:
        self.client = client

    async def page(self, query: InboxQuery, offset: int) -> list[dict[str, Any]]:
        """The rows of the page starting at `offset`."""
        order_by, order = SORTS[query.sort]
        kwargs: dict[str, Any] = {"limit": query.page_size, "offset": offset,
                                  "sort_by": order_by, "sort_order": order, "select": SELECT}
        if query.status:
            kwargs["status"] = query.status
        if query.metadata_filter:
            kwargs["metadata"] = query.metadata_filter
        threads = await self.client.threads.search(**kwargs)
        now = datetime.now(UTC)
        return [thread_row(t, now) for t in threads]

    async def count(self, query: InboxQuery) -> int:
        """How many threads the query lists."""
        kwargs: dict[str, Any] = {}
        if query.status:
            kwargs["status"] = query.status
        if query.metadata_filter:
            kwargs["metadata"] = query.metadata_filter
        return int(await self.client.threads.count(**kwargs))

    async def counts(self, query: InboxQuery) -> dict[str, int]:
        """Pending / answered / failed among the threads the query's other filters keep."""
        labels = list(COUNTED)
        found = await asyncio.gather(*(self.count(query.with_(status=COUNTED[label]))
                                       for label in labels))
        return dict(zip(labels, found, strict=True))
