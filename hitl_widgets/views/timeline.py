"""The thread's checkpoints as a timeline (step, node, time), to look back and fork from.

Rows come from `threads.get_history()` (newest first, every branch of the thread). The node
shown for a checkpoint is the one that produced it: its parent checkpoint's `next`. Rows on
the current branch (the chain of parents from the newest checkpoint) are marked.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import ipywidgets as widgets

from hitl_widgets.views.errors import ErrorReporter, guarded
from hitl_widgets.views.render import esc
from hitl_widgets.views.state_view import StateView

__all__ = ["Timeline", "TimelineRow", "timeline_rows"]


@dataclass(frozen=True)
class TimelineRow:
    """One checkpoint of the thread, as the timeline lists it."""

    checkpoint_id: str
    """The checkpoint's id (what `update_state`/`runs.stream` take as `checkpoint_id`)."""
    step: int | None
    """LangGraph's step counter (`-1` for the input checkpoint)."""
    ran: tuple[str, ...]
    """The node(s) whose writes produced this checkpoint (`("input",)` for the input)."""
    next: tuple[str, ...]
    """The node(s) due to run after it."""
    created_at: str
    """When it was written (ISO 8601, as the client returns it)."""
    on_branch: bool
    """Whether it lies on the thread's current branch."""
    state: Mapping[str, Any]
    """The full `ThreadState` of this checkpoint."""

    @property
    def number(self) -> int | None:
        """The step as a person counts it: the input is step 1 (LangGraph's `-1`), the
        first node's writes step 2, and so on."""
        return None if self.step is None else self.step + 2

    @property
    def label(self) -> str:
        """One line: marker, step (counted from 1), node(s), time."""
        mark = "●" if self.on_branch else "○"
        ran = ", ".join(self.ran) or "–"
        nxt = f" → {', '.join(self.next)}" if self.next else " (end)"
        clock = self.created_at[11:19] if len(self.created_at) >= 19 else self.created_at
        step = "?" if self.number is None else str(self.number)
        return f"{mark} step {step} · {ran}{nxt} · {clock}"


def _checkpoint_id(state: Mapping[str, Any], key: str) -> str | None:
    checkpoint = state.get(key)
    if isinstance(checkpoint, Mapping) and checkpoint.get("checkpoint_id"):
        return str(checkpoint["checkpoint_id"])
    # Older servers return the bare id beside the object.
    bare = state.get(f"{key}_id")
    return str(bare) if bare else None


def timeline_rows(history: Sequence[Mapping[str, Any]]) -> list[TimelineRow]:
    """Timeline rows for a `get_history()` result, newest first."""
    by_id = {_checkpoint_id(s, "checkpoint"): s for s in history}
    branch: set[str] = set()
    cursor = _checkpoint_id(history[0], "checkpoint") if history else None
    while cursor and cursor in by_id and cursor not in branch:
        branch.add(cursor)
        cursor = _checkpoint_id(by_id[cursor], "parent_checkpoint")
    rows = []
    for state in history:
        cid = _checkpoint_id(state, "checkpoint") or ""
        metadata = state.get("metadata") or {}
        parent = by_id.get(_checkpoint_id(state, "parent_checkpoint"))
        if metadata.get("source") == "input":
            ran: tuple[str, ...] = ("input",)
        elif metadata.get("source") == "update":
            ran = ("state edit",)
        elif parent is not None:
            ran = tuple(str(n) for n in parent.get("next") or ())
        else:
            ran = ()
        step = metadata.get("step")
        rows.append(TimelineRow(
            checkpoint_id=cid,
            step=step if isinstance(step, int) else None,
            ran=ran,
            next=tuple(str(n) for n in state.get("next") or ()),
            created_at=str(state.get("created_at") or ""),
            on_branch=cid in branch,
            state=state,
        ))
    return rows


ForkHandler = Callable[[str, "Mapping[str, Any] | None"], None]


class Timeline(widgets.VBox):
    """A list of checkpoints; selecting one shows its state; "Fork from here" edits it.

    The view gives `on_fork(handler)`: `handler(checkpoint_id, values_or_None)` runs a new
    branch from that checkpoint (values are the edits, `None` when the state is kept).
    """

    def __init__(self, **kwargs: Any) -> None:
        self.rows: list[TimelineRow] = []
        self.report: ErrorReporter | None = None
        """Where a failure in a button callback goes (the view's error area)."""
        self._fork_handlers: list[ForkHandler] = []
        self.select = widgets.Select(options=[], rows=8, layout=widgets.Layout(width="100%"))
        self.state_view = StateView(title="State at the selected checkpoint",
                                    empty="Select a checkpoint above to see its state.")
        self.edit = widgets.Textarea(
            placeholder="Edits to apply before continuing, as JSON (empty: keep the state)",
            layout=widgets.Layout(width="100%", height="90px"),
        )
        self.fork_button = widgets.Button(
            # No icon: Font Awesome comes from a CDN in some hosts (Voila) and shows as an
            # empty box offline.
            description="Fork from here", disabled=True,
            tooltip="Apply the edits above to this checkpoint and continue as a new branch",
        )
        self.message = widgets.HTML()
        super().__init__(children=[self.select, self.state_view, self.edit,
                                   widgets.HBox([self.fork_button, self.message])], **kwargs)
        self.add_class("hw-timeline")
        self.select.observe(self._on_select, names="value")
        self.fork_button.on_click(
            lambda _button: guarded(self.report, "Fork from here", self.fork)())

    def show(self, history: Sequence[Mapping[str, Any]]) -> None:
        """List the checkpoints of a `get_history()` result (newest first)."""
        self.rows = timeline_rows(history)
        self.select.options = [(row.label, row.checkpoint_id) for row in self.rows]
        self.fork_button.disabled = self.select.value is None

    @property
    def selected(self) -> TimelineRow | None:
        """The selected row, if any."""
        for row in self.rows:
            if row.checkpoint_id == self.select.value:
                return row
        return None

    def choose(self, checkpoint_id: str) -> None:
        """Select a checkpoint (the list's programmatic twin); shows its state."""
        self.select.value = checkpoint_id

    def _on_select(self, change: dict[str, Any]) -> None:
        row = self.selected
        self.fork_button.disabled = row is None
        if row is None:
            return
        self.state_view.show(row.state.get("values"), title=f"State at {row.label}")
        self.edit.value = ""
        self.message.value = ""

    def on_fork(self, handler: ForkHandler) -> None:
        """Register what "Fork from here" does."""
        self._fork_handlers.append(handler)

    def fork(self, values: Mapping[str, Any] | None = None) -> None:
        """The button's twin: fork from the selected checkpoint with `values` (or the JSON
        typed in the edit box) applied first."""
        row = self.selected
        if row is None:
            raise ValueError("select a checkpoint in the timeline before forking")
        if values is None and self.edit.value.strip():
            try:
                parsed = json.loads(self.edit.value)
            except json.JSONDecodeError as exc:
                self.message.value = (f"<span style='color:#c01c28'>Not valid JSON: "
                                      f"{esc(exc)}</span>")
                return
            if not isinstance(parsed, Mapping):
                self.message.value = ("<span style='color:#c01c28'>The edits must be a JSON "
                                      "object of state keys.</span>")
                return
            values = parsed
        self.message.value = ""
        for handler in self._fork_handlers:
            handler(row.checkpoint_id, values)
