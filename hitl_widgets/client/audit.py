"""``decisions(client, ...)``: the audit log of who answered what, on any client.

In the kernel the runtime records every decision itself, beside the checkpoints (the same
SQLite file), whichever door the answer came through: a view, the inbox, a bulk answer or
the client's own ``runs.wait(command=...)``. A deployed LangGraph Server keeps no such log,
so the remote client keeps it on the server, in each thread's metadata (one key
``hitl_decision:<decision_id>`` per decision, with ``hitl_reviewed: true`` to find those
threads), where every reviewer sees it; ``client/recording.py`` writes it, whichever door
the answer came through.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from hitl_widgets.runtime.audit_trail import Verification
from hitl_widgets.runtime.claims import CHANGES_KEY, default_reviewer
from hitl_widgets.runtime.decisions import FORKED

__all__ = [
    "CHANGES_KEY",
    "DECISION_PREFIX",
    "REVIEWED_KEY",
    "DecisionTable",
    "audit_trail",
    "decisions",
    "is_local",
    "reviewer_of",
    "stage_review",
    "storage_problem",
    "verify_trail",
]

DECISION_PREFIX = "hitl_decision:"
"""Thread metadata keys holding a remote thread's decisions: one key per decision, the
prefix followed by its ``decision_id`` (the server merges top-level keys on update, so each
write adds its own and never replaces another reviewer's)."""

REVIEWED_KEY = "hitl_reviewed"
"""Thread metadata flag set on remote threads that have decisions (searchable)."""

COLUMNS = ("at", "reviewer", "thread_id", "interrupt_id", "graph_id", "outcome", "value",
           "answer", "changes", "error", "run_id", "decision_id", "verdict", "proposal",
           "edits", "comment", "origin", "reviewer_source", "checkpoint_id", "shown_sha256",
           "shown_matches")
"""The columns of ``to_csv``, ``to_dataframe`` and ``to_parquet``, in order."""

JSON_COLUMNS = ("value", "answer", "changes", "proposal", "edits")
"""Columns whose cells are any JSON (written as JSON text in CSV and Parquet)."""


class DecisionTable(list[dict[str, Any]]):
    """A list of decision dicts (oldest first) that also writes CSV and makes a DataFrame."""

    def to_csv(self, path: str | Path | None = None) -> str:
        """The decisions as CSV (JSON in the value, answer and changes cells); also written
        to ``path`` when given."""
        import json

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(COLUMNS)
        for d in self:
            writer.writerow([
                json.dumps(d.get(c), ensure_ascii=False) if c in JSON_COLUMNS
                else ("" if d.get(c) is None else d.get(c)) for c in COLUMNS
            ])
        text = out.getvalue()
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_dataframe(self) -> Any:
        """A ``pandas.DataFrame`` with one row per decision (needs pandas installed)."""
        try:
            import pandas as pd
        except ImportError as error:
            raise ImportError("to_dataframe() needs pandas: pip install pandas "
                              "(or use to_csv())") from error
        frame = pd.DataFrame([{c: d.get(c) for c in COLUMNS} for d in self],
                             columns=list(COLUMNS))
        frame["at"] = pd.to_datetime(frame["at"], utc=True, format="ISO8601")
        return frame

    def to_jsonl(self, path: str | Path | None = None) -> str:
        """One JSON object per line, every field as recorded; also written to ``path``."""
        import json

        text = "".join(json.dumps(d, ensure_ascii=False, sort_keys=True) + "\n" for d in self)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    def to_parquet(self, path: str | Path) -> None:
        """Write a Parquet file (needs pandas and pyarrow): the ``to_dataframe`` columns, the
        JSON ones as JSON text."""
        import importlib.util

        if importlib.util.find_spec("pyarrow") is None:
            raise ImportError("to_parquet() needs pyarrow: pip install pyarrow (or use "
                              "to_csv() / to_jsonl())")
        import json

        frame = self.to_dataframe()
        for column in JSON_COLUMNS:
            frame[column] = [json.dumps(v, ensure_ascii=False) for v in frame[column]]
        frame.to_parquet(path, index=False)

    def corrected(self) -> list[dict[str, Any]]:
        """The items a reviewer corrected (verdict ``edited``, run not failed), as a data
        set: ``{"thread_id", "interrupt_id", "input", "proposal", "answer", "edits"}``
        where ``input`` is what the agent was asked about (the interrupt's value)."""
        return [{"thread_id": d["thread_id"], "interrupt_id": d["interrupt_id"],
                 "input": d.get("value"), "proposal": d.get("proposal"),
                 "answer": d.get("answer"), "edits": d.get("edits") or []}
                for d in self if d.get("verdict") == "edited"
                and d.get("outcome") in ("resumed", FORKED)]


def is_local(client: Any) -> bool:
    """Whether ``client`` is an in-kernel client (its runtime records decisions itself)."""
    return getattr(client, "runtime", None) is not None and hasattr(client.runtime, "backend")


def storage_problem(client: Any) -> Exception | None:
    """Why an in-kernel client's storage can no longer keep decisions (its SQLite file was
    deleted or moved while open), or None."""
    if not is_local(client):
        return None
    try:
        client.runtime.backend.check_writable()
    except Exception as problem:  # noqa: BLE001 - the problem is the answer
        return problem
    return None


def reviewer_of(client: Any) -> str:
    """The reviewer a client answers as (``get_client(..., reviewer=...)``)."""
    if is_local(client):
        return str(client.runtime.reviewer)
    return default_reviewer(getattr(client, "hitl_reviewer", None))


def _since(since: str | datetime | None) -> str | None:
    if since is None or isinstance(since, str):
        return since
    stamp = since if since.tzinfo else since.replace(tzinfo=UTC)
    return stamp.astimezone(UTC).isoformat()


def _filtered(rows: Sequence[Mapping[str, Any]], thread_id: str | None, reviewer: str | None,
              since: str | None) -> DecisionTable:
    kept = [dict(d) for d in rows
            if (thread_id is None or d.get("thread_id") == thread_id)
            and (reviewer is None or d.get("reviewer") == reviewer)
            and (since is None or str(d.get("at", "")) >= since)]
    kept.sort(key=lambda d: str(d.get("at", "")))
    return DecisionTable(kept)


def _sync_remote(client: Any) -> Any:
    """A sync SDK client on the same server as an async one (for a sync ``decisions()``)."""
    threads = getattr(client, "threads", None)
    if threads is None or not hasattr(client, "http"):
        raise TypeError(f"decisions() needs a hitl_widgets or langgraph_sdk client, not "
                        f"{type(client).__name__}")
    import inspect

    if not inspect.iscoroutinefunction(threads.get):
        return client
    from langgraph_sdk import get_sync_client

    http = client.http.client
    return get_sync_client(url=str(http.base_url), headers=dict(http.headers))


def decisions(client: Any, thread_id: str | None = None, reviewer: str | None = None,
              since: str | datetime | None = None) -> DecisionTable:
    """Every decision recorded through ``client``'s storage, oldest first.

    Each is a dict: ``thread_id``, ``interrupt_id``, ``reviewer``, ``at`` (ISO, UTC),
    ``value`` (what the interrupt asked), ``answer``, ``changes`` (against the proposal),
    ``outcome`` (``resumed``, ``error``, ...), ``error``, ``run_id``, ``graph_id``. Filter by
    thread, reviewer, or ``since`` (a datetime or ISO string, inclusive). The result is a
    list with ``to_csv()`` and ``to_dataframe()``.
    """
    stamp = _since(since)
    if is_local(client):
        log = client.runtime.backend.decision_log
        return DecisionTable(log.search(thread_id=thread_id, reviewer=reviewer, since=stamp))
    sync = _sync_remote(client)
    try:
        if thread_id is not None:
            threads = [sync.threads.get(thread_id)]
        else:
            threads, offset = [], 0
            while True:
                page = sync.threads.search(metadata={REVIEWED_KEY: True}, limit=100,
                                           offset=offset)
                threads.extend(page)
                if len(page) < 100:
                    break
                offset += 100
    finally:
        if sync is not client:
            sync.close()
    rows = [d for t in threads for key, d in (t.get("metadata") or {}).items()
            if key.startswith(DECISION_PREFIX) and isinstance(d, Mapping)]
    return _filtered(rows, thread_id, reviewer, stamp)


def stage_review(client: Any, thread_id: str, interrupt_id: str, answer: Any,
                 context: Mapping[str, Any]) -> bool:
    """Tell an in-kernel client's decision log what a view showed for the answer it is about
    to send (``DecisionLog.stage``: ``shown_sha256``, ``checkpoint_id``, ``comment``,
    ``origin``, ``reviewer`` and ``reviewer_source``). Whether it was kept: a remote client
    keeps no trail of its own, and nothing is staged there."""
    if not is_local(client):
        return False
    client.runtime.backend.decision_log.stage(thread_id, interrupt_id, answer, context)
    return True


def _log(client: Any, what: str) -> Any:
    if not is_local(client):
        raise TypeError(f"{what} reads the audit trail of an in-kernel client's store (its "
                        "SQLite file or PostgreSQL database); a remote server keeps "
                        "decisions in thread metadata: use decisions(client)")
    return client.runtime.backend.decision_log


def audit_trail(client: Any, since_seq: int = 0) -> list[dict[str, Any]]:
    """The audit trail of an in-kernel client's store, oldest first: one ``decision`` row
    per decision and one ``outcome`` row per outcome after it, chained by hash (see
    ``hitl_widgets.runtime.audit_trail``)."""
    rows: list[dict[str, Any]] = _log(client, "audit_trail()").trail(since_seq=since_seq)
    return rows


def verify_trail(client: Any, head: str | None = None) -> Verification:
    """Check the audit trail of an in-kernel client's store: ``{"ok", "rows", "head",
    "problems"}``, each problem naming the row changed, removed or out of order. ``head``:
    a hash kept from an earlier check, which must still be in the trail."""
    found: Verification = _log(client, "verify_trail()").verify(head=head)
    return found
