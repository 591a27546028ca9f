"""The static record a review leaves in the notebook: decisions made and the final state.

A widget's output only shows while its kernel lives (a saved notebook reopened, nbconvert or
GitHub show "model not found" or nothing). So next to the live view the cell also holds a
plain HTML display of this record, updated in place after every decision through a
display id; it reads without a kernel.

Not every front end applies a display update sent after its cell finished (Voila does not),
so the live view also carries the record as a widget (`to_html(live=True)`), which is updated
in place like any widget; its inline `<style>` hides the static copy of the same record
wherever the live view renders, so a page never shows a stale record beside a fresh one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from hitl_widgets.views.notebook_display import update_record
from hitl_widgets.views.render import esc, render_state

__all__ = ["Decision", "ReviewRecord", "now_iso"]


def now_iso() -> str:
    """The current time, UTC, ISO 8601 to the second (a decision's `at`)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Decision:
    """One answer given through the view."""

    at: str
    """When it was submitted (ISO 8601, UTC)."""
    interrupt_id: str
    """The interrupt it answered."""
    node: str
    """The node that asked."""
    question: Any
    """The interrupt's `value`."""
    answer: Any
    """The answer sent in `Command(resume=...)`."""
    outcome: str = "sent"
    """What came of it: `sent`, `accepted`, `rejected (422)`, `stale`, `failed`."""


def _short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                          default=str)
    return text if len(text) <= limit else text[:limit] + "…"


@dataclass
class ReviewRecord:
    """What happened in one view, renderable as plain HTML and text.

    Once displayed (under `display_id`), `refresh()` rewrites every displayed copy.
    """

    thread_id: str
    assistant_id: str
    status: str = "unknown"
    decisions: list[Decision] = field(default_factory=list)
    values: Mapping[str, Any] | None = None
    error: str | None = None
    display_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    displayed: bool = False

    def decide(self, sent: list[Decision], outcome: str) -> None:
        """Add answers with what came of them (`accepted`, `stale`, ...)."""
        self.decisions.extend(replace(d, outcome=outcome) for d in sent)

    def refresh(self, *, status: str, values: Mapping[str, Any] | None,
                thread_id: str | None) -> None:
        """Take the thread's latest status and values; redraw the displayed copies."""
        self.status, self.values = status, values
        if thread_id:
            self.thread_id = thread_id
        if self.displayed:
            update_record(self, self.display_id)

    def to_html(self, *, live: bool = False) -> str:
        """Plain HTML with inline styles only (no scripts or widget state, and only our
        `hw-` marker classes), so that sanitising renderers (JupyterLab for untrusted
        notebooks, GitHub) keep it.

        `live=True` is the copy inside the live view: it hides the static copy of this same
        record (by its display id), which a front end may have left stale.
        """
        rows = []
        for d in self.decisions or []:
            rows.append(
                f"<tr><td>{esc(d.at[11:19])}</td><td><code>{esc(d.node)}</code></td>"
                f"<td>{esc(_short(d.question))}</td><td><b>{esc(_short(d.answer))}</b></td>"
                f"<td>{esc(d.outcome)}</td></tr>"
            )
        decisions = (
            "<table><tr><th>time (UTC)</th><th>node</th><th>asked</th><th>answer</th>"
            f"<th>outcome</th></tr>{''.join(rows)}</table>" if rows
            else "<p><i>No decision made yet.</i></p>"
        )
        error = f"<p><b>Last error:</b> {esc(self.error)}</p>" if self.error else ""
        marker = (f'<style>.hw-record-{self.display_id}{{display:none!important}}</style>'
                  '<div class="hw-live-record"' if live
                  else f'<div class="hw-static-record hw-record-{self.display_id}"')
        return (
            f'{marker} style="border:1px solid var(--jp-border-color1,#ccc);'
            'padding:4px 8px;font-size:12px">'
            f"<p><b>Review record</b> · thread <code>{esc(self.thread_id)}</code> · "
            f"assistant <code>{esc(self.assistant_id)}</code> · status "
            f"<b>{esc(self.status)}</b></p>{decisions}{error}"
            f"<details><summary>State</summary>{render_state(self.values)}</details></div>"
        )

    def to_text(self) -> str:
        """The same record as plain text (the `text/plain` fallback)."""
        lines = [(f"Review record · thread {self.thread_id} · assistant {self.assistant_id} "
                  f"· status {self.status}")]
        for d in self.decisions or []:
            lines.append(f"  {d.at} {d.node}: {_short(d.answer, 120)} ({d.outcome})")
        if self.error:
            lines.append(f"  last error: {self.error}")
        lines.append("  state: " + _short(self.values, 500))
        return "\n".join(lines)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self.to_html(), "text/plain": self.to_text()}
