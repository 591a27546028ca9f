"""What the reviewer changed: a field-by-field diff of two answers."""

from __future__ import annotations

import difflib
from typing import Any

from hitl_widgets.forms.fields.base import Loc
from hitl_widgets.forms.types import Change

LONG_TEXT = 80
"""Strings longer than this (or multi-line) get a text diff alongside before/after."""

MAX_DIFF_TEXT = 200_000
"""Above this many characters a text diff is not worth its time; before/after still say it."""


def text_diff(before: str, after: str) -> str | None:
    """A unified diff of two texts, or None when they are short one-liners (or huge)."""
    long = max(len(before), len(after)) > LONG_TEXT or "\n" in before or "\n" in after
    if not long or len(before) + len(after) > MAX_DIFF_TEXT:
        return None
    lines = difflib.unified_diff(before.splitlines(keepends=True),
                                 after.splitlines(keepends=True),
                                 fromfile="proposed", tofile="answer", n=1)
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)


def _same(a: Any, b: Any) -> bool:
    # 1 == True and 1 == 1.0 in Python; for a reviewer an int turned bool is a change.
    return type(a) is type(b) and a == b


def diff(before: Any, after: Any, interrupt_id: str, loc: Loc = ()) -> list[Change]:
    """Every leaf that differs between `before` and `after`, depth first."""
    if isinstance(before, dict) and isinstance(after, dict):
        out: list[Change] = []
        for key in list(before) + [k for k in after if k not in before]:
            if key not in after:
                out.append(Change(interrupt_id=interrupt_id, loc=(*loc, key), kind="removed",
                                  before=before[key], after=None, diff=None))
            elif key not in before:
                out.append(Change(interrupt_id=interrupt_id, loc=(*loc, key), kind="added",
                                  before=None, after=after[key], diff=None))
            else:
                out.extend(diff(before[key], after[key], interrupt_id, (*loc, key)))
        return out
    if isinstance(before, list) and isinstance(after, list):
        out = []
        for i in range(max(len(before), len(after))):
            if i >= len(after):
                out.append(Change(interrupt_id=interrupt_id, loc=(*loc, i), kind="removed",
                                  before=before[i], after=None, diff=None))
            elif i >= len(before):
                out.append(Change(interrupt_id=interrupt_id, loc=(*loc, i), kind="added",
                                  before=None, after=after[i], diff=None))
            else:
                out.extend(diff(before[i], after[i], interrupt_id, (*loc, i)))
        return out
    if _same(before, after):
        return []
    text = text_diff(before, after) if isinstance(before, str) and isinstance(after, str) else None
    return [Change(interrupt_id=interrupt_id, loc=loc, kind="changed", before=before,
                   after=after, diff=text)]
