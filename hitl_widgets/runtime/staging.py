"""What a view showed, staged for the decision it is about to send (the audit trail's context).

A view cannot put the audit trail's context in the run it sends (the runtime builds the
decision rows itself, in the claim), so it stages it just before: per interrupt, the answer
it will send and what went with it (``CONTEXT_FIELDS``, and a ``reviewer`` with its
``reviewer_source``). The claim of that same answer on that interrupt takes the context into
its row — once; an answer that differs (the view's submit lost, code answered instead) gets
none, and its row says it was made by code.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import orjson

from hitl_widgets.runtime.audit_trail import shown_digest

__all__ = ["CONTEXT_FIELDS", "STAGED_LIMIT", "StagedContexts"]

CONTEXT_FIELDS = ("shown_sha256", "checkpoint_id", "comment", "origin", "reviewer_source")
"""What a view may stage for a decision it is about to send (``DecisionLog.stage``)."""

STAGED_LIMIT = 10_000
"""Staged contexts kept (the oldest go first): a view that staged and never sent."""


def _same_json(a: Any, b: Any) -> bool:
    return bool(orjson.dumps(a, option=orjson.OPT_SORT_KEYS)
                == orjson.dumps(b, option=orjson.OPT_SORT_KEYS))


class StagedContexts:
    """Contexts staged per ``(thread_id, interrupt_id)`` in this process, each used once."""

    def __init__(self) -> None:
        self._staged: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def stage(self, thread_id: str, interrupt_id: str, answer: Any,
              context: Mapping[str, Any]) -> None:
        """Keep ``context`` for ``answer`` to this interrupt (replacing an earlier one)."""
        kept = {k: context[k] for k in (*CONTEXT_FIELDS, "reviewer", "verdict") if k in context}
        with self._lock:
            self._staged.pop((thread_id, interrupt_id), None)
            self._staged[(thread_id, interrupt_id)] = {"answer": answer, **kept}
            while len(self._staged) > STAGED_LIMIT:
                del self._staged[next(iter(self._staged))]

    def apply(self, decision: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of ``decision`` with the context staged for its interrupt and answer
        (taken); ``shown_matches`` says whether what was shown is what was asked."""
        row = dict(decision)
        with self._lock:
            staged = self._staged.pop((row["thread_id"], row["interrupt_id"]), None)
        if staged is None or not _same_json(staged["answer"], row["answer"]):
            return row
        row.update({k: staged[k] for k in CONTEXT_FIELDS if k in staged})
        if staged.get("reviewer") and staged.get("reviewer_source") not in (None, "client"):
            row["client_reviewer"], row["reviewer"] = row["reviewer"], staged["reviewer"]
        if staged.get("verdict") == "defaulted":
            row["verdict"] = "defaulted"
        if row.get("shown_sha256") is not None:
            row["shown_matches"] = row["shown_sha256"] == shown_digest(
                str(row["interrupt_id"]), row["value"])
        return row
