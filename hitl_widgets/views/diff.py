"""What changed between two thread states, key by key, and its HTML.

The view shows this after every resume, so the reviewer sees the effect of their answer
without comparing two dumps by eye. Lists that only grew (the usual `messages` reducer)
show just the new items.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from hitl_widgets.views.render import esc, render_value

__all__ = ["Change", "diff_values", "render_diff"]

ChangeKind = Literal["added", "removed", "changed", "appended"]


@dataclass(frozen=True)
class Change:
    """One top-level state key that differs between two states."""

    key: str
    """The state key."""
    kind: ChangeKind
    """`added`, `removed`, `changed`, or `appended` (a list that only grew)."""
    before: Any
    """The old value (`None` when added)."""
    after: Any
    """The new value; for `appended`, only the new items."""
    start: int = 0
    """For lists: the index where `before` and `after` begin (the shared head is left out,
    so a long conversation whose last message changed shows one message, not all)."""


def diff_values(before: Mapping[str, Any] | None,
                after: Mapping[str, Any] | None) -> list[Change]:
    """The changes from `before` to `after`, in the order of `after`'s keys, then removals."""
    old = dict(before or {})
    new = dict(after or {})
    changes: list[Change] = []
    for key, value in new.items():
        if key not in old:
            changes.append(Change(str(key), "added", None, value))
            continue
        previous = old[key]
        if previous == value:
            continue
        if isinstance(previous, list) and isinstance(value, list):
            head = _shared_head(previous, value)
            if head == len(previous):
                changes.append(Change(str(key), "appended", previous, value[head:], head))
            else:
                changes.append(Change(str(key), "changed", previous[head:], value[head:], head))
        else:
            changes.append(Change(str(key), "changed", previous, value))
    for key, value in old.items():
        if key not in new:
            changes.append(Change(str(key), "removed", value, None))
    return changes


def _shared_head(before: list[Any], after: list[Any]) -> int:
    """How many leading items two lists share."""
    count = 0
    for old, new in zip(before, after, strict=False):
        if old != new:
            break
        count += 1
    return count


def render_diff(changes: list[Change]) -> str:
    """The changes as an HTML table (empty string when nothing changed)."""
    if not changes:
        return ""
    rows = []
    for change in changes:
        key = esc(change.key)
        if change.kind == "added":
            cell = f'<div class="hw-add">+ {render_value(change.after, 1)}</div>'
        elif change.kind == "removed":
            cell = f'<div class="hw-del">− {render_value(change.before, 1)}</div>'
        elif change.kind == "appended":
            count = len(change.after)
            noun = "item" if count == 1 else "items"
            cell = (f'<div class="hw-add">+ {count} new {noun}: '
                    f"{render_value(change.after, 1)}</div>")
        else:
            where = (f'<div class="hw-muted">from item {change.start} on</div>'
                     if change.start else "")
            cell = (f'{where}<div class="hw-del">− {render_value(change.before, 1)}</div>'
                    f'<div class="hw-add">+ {render_value(change.after, 1)}</div>')
        rows.append(f'<tr><td class="hw-key">{key}</td><td>{cell}</td></tr>')
    return f'<table class="hw-kv">{"".join(rows)}</table>'
