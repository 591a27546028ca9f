"""`ItemsTable`: the queue's items as a table: checkbox, open, summary, age, state.

A grid as wide as its box, never wider: the summary column takes what is left and cuts its
text with an ellipsis (the whole text in its tooltip). Select all / none and the count
selected sit above it. All text is escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from hitl_widgets.views.inbox_rows import age_text
from hitl_widgets.views.render import esc

__all__ = ["ItemsTable"]

_CELL = ("overflow:hidden;text-overflow:ellipsis;white-space:nowrap;max-width:100%;"
         "line-height:28px")


def _html(text: str, bold: bool) -> str:
    inner = f"<b>{esc(text)}</b>" if bold else esc(text)
    return f'<div style="{_CELL}" title="{esc(text)}">{inner}</div>'


def _cell(text: str, *, bold: bool = False) -> widgets.HTML:
    return widgets.HTML(_html(text, bold), layout=widgets.Layout(min_width="0",
                                                                 overflow="hidden"))


def _set(cell: widgets.HTML, text: str, *, bold: bool = False) -> None:
    """Change a cell's text (nothing is sent when it is the same)."""
    value = _html(text, bold)
    if cell.value != value:
        cell.value = value


class ItemsTable(widgets.VBox):
    """Rows of items (dicts with ``thread_id``, ``summary``, ``age_s``); ``states`` says what
    each is (``pending``, ``reviewing``, ``skipped``, ``accepted``, ...)."""

    def __init__(self, on_open: Callable[[str], None], **kwargs: Any) -> None:
        self._on_open = on_open
        self.rows: list[Mapping[str, Any]] = []
        """The items shown, in order."""
        self.states: dict[str, str] = {}
        """Each item's state as shown."""
        self.checks: dict[str, widgets.Checkbox] = {}
        """Each item's checkbox."""
        self._cells: dict[str, list[widgets.Widget]] = {}
        self._header = [widgets.HTML(""), widgets.HTML(""), _cell("Item", bold=True),
                        _cell("Age", bold=True), _cell("State", bold=True)]
        self.all_button = widgets.Button(description="Select all", icon="check-square",
                                         layout=widgets.Layout(width="auto"))
        self.none_button = widgets.Button(description="Select none", icon="square",
                                          layout=widgets.Layout(width="auto"))
        self.count = widgets.HTML()
        self.grid = widgets.GridBox(layout=widgets.Layout(
            grid_template_columns="2.2em 2.6em minmax(0, 1fr) 4.5em 6.5em",
            grid_gap="0 6px", width="100%", overflow="hidden", align_items="center"))
        self.all_button.on_click(lambda _b: self.select_all())
        self.none_button.on_click(lambda _b: self.select_none())
        super().__init__([widgets.HBox([self.all_button, self.none_button, self.count],
                                       layout=widgets.Layout(flex_flow="row wrap")),
                          self.grid], layout=widgets.Layout(width="100%", overflow="hidden"),
                         **kwargs)
        self.add_class("hw-items")

    @property
    def selected(self) -> list[str]:
        """The items checked, in table order."""
        return [r["thread_id"] for r in self.rows if self.checks[r["thread_id"]].value]

    def show(self, rows: Sequence[Mapping[str, Any]], states: Mapping[str, str]) -> None:
        """Show these rows (checked ones stay checked). A row already shown keeps its
        widgets (only its age and state are updated), so a decision costs the front end
        one row's change, not a new table."""
        self.rows, self.states = list(rows), dict(states)
        shown = {str(r["thread_id"]) for r in self.rows}
        for gone in [t for t in self._cells if t not in shown]:
            for widget in self._cells.pop(gone):
                widget.close()
            self.checks.pop(gone, None)
        cells: list[widgets.Widget] = list(self._header)
        for row in self.rows:
            tid = str(row["thread_id"])
            state = self.states.get(tid, "pending")
            if tid not in self._cells:
                check = widgets.Checkbox(value=False, indent=False,
                                         layout=widgets.Layout(width="2em"))
                check.observe(lambda _c: self._render_count(), names="value")
                self.checks[tid] = check
                opener = widgets.Button(icon="arrow-right", tooltip=f"Review {tid}",
                                        layout=widgets.Layout(width="2.4em"))
                opener.on_click(lambda _b, t=tid: self._on_open(t))
                self._cells[tid] = [check, opener, _cell(str(row.get("summary") or tid)),
                                    _cell(""), _cell("")]
            age, status = self._cells[tid][3], self._cells[tid][4]
            _set(age, age_text(row.get("age_s")))
            _set(status, state, bold=state == "reviewing")
            cells += self._cells[tid]
        if tuple(cells) != self.grid.children:
            self.grid.children = tuple(cells)
        self._render_count()

    def mark(self, thread_id: str, state: str) -> None:
        """Change one item's state (its row is redrawn)."""
        self.states[thread_id] = state
        self.show(self.rows, self.states)

    def select_all(self) -> None:
        """Check every item shown."""
        for check in self.checks.values():
            check.value = True

    def select_none(self) -> None:
        """Uncheck every item."""
        for check in self.checks.values():
            check.value = False

    def _render_count(self) -> None:
        self.count.value = f"<b>{len(self.selected)}</b> of {len(self.rows)} selected"
