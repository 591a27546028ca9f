"""The audit trail: decisions as evidence, one append-only chain of rows linked by hash.

Every decision the log records appends a ``decision`` row (who, when, which interrupt at
which checkpoint, a digest of what was shown, the answer, the proposal, the edits from the
proposal to the answer, the verdict, a comment); every later outcome of that decision (its
run resumed, failed, was cancelled, forked or released) appends an ``outcome`` row. Nothing
is rewritten. Each row carries ``prev``, the previous row's ``hash``, and its own ``hash``:
the SHA-256 of ``prev`` and the row's canonical JSON. ``verify_rows`` walks the rows in
order and names the first one that was changed, removed or put out of order; a head kept
elsewhere (``head()`` written into a ticket, say) also catches rows cut from the end.

A row::

    {"seq": 7, "kind": "decision" | "outcome", "decision_id", "thread_id", "interrupt_id",
     "run_id", "at", "data": {...}, "prev": "<64 hex>", "hash": "<64 hex>"}
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from typing import Any, TypedDict

import orjson

__all__ = ["GENESIS", "Verification", "chain_row", "row_hash", "shown_digest", "verify_rows"]

GENESIS = "0" * 64
"""The ``prev`` of the first row of a trail."""


class Verification(TypedDict):
    """What ``verify()`` found."""

    ok: bool
    """Whether every row is as it was appended, none missing, none out of order."""
    rows: int
    """How many rows were checked."""
    head: str
    """The last row's hash (keep it: a later ``verify(head=...)`` also catches a cut end)."""
    problems: list[str]
    """Each problem found, for people, naming the row's ``seq`` (empty when ``ok``)."""


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)


def row_hash(row: Mapping[str, Any]) -> str:
    """The hash a row must carry: SHA-256 over its ``prev`` and its canonical JSON
    (every field but ``hash``)."""
    body = {k: v for k, v in row.items() if k != "hash"}
    return hashlib.sha256(str(row.get("prev", "")).encode() + _canonical(body)).hexdigest()


def shown_digest(interrupt_id: str, value: Any) -> str:
    """A digest of exactly what a reviewer was shown: the interrupt's id and value."""
    return hashlib.sha256(_canonical({"interrupt_id": interrupt_id, "value": value})).hexdigest()


def chain_row(previous: Mapping[str, Any] | None, *, kind: str, decision: Mapping[str, Any],
              at: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """The next row after ``previous`` (``None`` for the first), hashed."""
    row: dict[str, Any] = {
        "seq": int(previous["seq"]) + 1 if previous is not None else 1,
        "kind": kind,
        "decision_id": decision["decision_id"],
        "thread_id": decision["thread_id"],
        "interrupt_id": decision["interrupt_id"],
        "run_id": decision.get("run_id"),
        "at": at,
        "data": dict(data),
        "prev": str(previous["hash"]) if previous is not None else GENESIS,
    }
    row["hash"] = row_hash(row)
    return row


def verify_rows(rows: Iterable[Mapping[str, Any]], *, head: str | None = None,
                start_prev: str | None = GENESIS) -> Verification:
    """Check a trail, oldest first: each row's hash, its link to the row before and its
    ``seq``. ``head``: a hash kept from an earlier ``verify()``/``head()``, which must still be
    in the trail. ``start_prev=None`` accepts whatever the first row links to (a memory log
    that dropped its oldest rows)."""
    problems: list[str] = []
    count, last_hash, last_seq, seen_head = 0, start_prev, None, head is None
    for row in rows:
        count += 1
        seq = row.get("seq")
        if last_seq is not None and seq != last_seq + 1:
            problems.append(f"row {seq}: follows row {last_seq} (rows {last_seq + 1}..."
                            f"{int(seq or 0) - 1} removed?)" if isinstance(seq, int)
                            and seq > last_seq + 1 else f"row {seq}: out of order after "
                            f"row {last_seq}")
        elif last_seq is None and start_prev == GENESIS and seq != 1:
            problems.append(f"row {seq}: the trail starts there (rows before it removed?)")
        if last_hash is not None and row.get("prev") != last_hash:
            problems.append(f"row {seq}: does not link to the row before it (that row was "
                            "changed or removed)")
        if row_hash(row) != row.get("hash"):
            problems.append(f"row {seq}: its content does not match its hash (changed "
                            "after it was written)")
        last_hash, last_seq = str(row.get("hash")), seq if isinstance(seq, int) else last_seq
        seen_head = seen_head or row.get("hash") == head
    if not seen_head:
        problems.append(f"the head kept earlier ({str(head)[:12]}...) is not in the trail: "
                        "rows were cut from its end")
    return {"ok": not problems, "rows": count, "head": last_hash or GENESIS,
            "problems": problems}
