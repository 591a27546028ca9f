"""`StateView`: one thread state shown readably or as JSON, with the last change on top."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets
import traitlets

from hitl_widgets.views.diff import diff_values, render_diff
from hitl_widgets.views.render import STYLE, esc, render_json, render_state

__all__ = ["StateView"]



INTERNAL_KEYS = frozenset({"hitl_edited_tool_calls"})
"""State keys a library keeps for its own bookkeeping (LangChain's HITL middleware records
the calls a reviewer edited there): left out of the readable view, kept in its JSON."""


def for_people(values: Mapping[str, Any] | None) -> Mapping[str, Any] | None:
    """The state without its bookkeeping keys (`INTERNAL_KEYS`, and `_private` ones)."""
    if not isinstance(values, Mapping):
        return values
    return {k: v for k, v in values.items()
            if not (k in INTERNAL_KEYS or (isinstance(k, str) and k.startswith("_")))}

class StateView(widgets.VBox):
    """A thread's `values`, readable (folded nested blocks, chats as conversations) or JSON.

    `show(values, previous=...)` re-renders; when `previous` is given, the keys that changed
    are listed above the state. The "JSON" toggle switches to the raw JSON of the same values.
    """

    as_json = traitlets.Bool(False, help="Show the raw JSON instead of the readable view.")

    def __init__(self, title: str = "State", empty: str = "(no state yet)",
                 **kwargs: Any) -> None:
        self._empty = empty
        self._values: Mapping[str, Any] | None = None
        self._previous: Mapping[str, Any] | None = None
        self.title = widgets.HTML()
        self.json_toggle = widgets.ToggleButton(
            value=False, description="JSON", tooltip="Show the raw JSON of this state",
            layout=widgets.Layout(width="auto"),
        )
        self.changes = widgets.HTML()
        self.body = widgets.HTML()
        self._title_text = title
        super().__init__(
            children=[widgets.HBox([self.title, self.json_toggle]), self.changes, self.body],
            **kwargs,
        )
        self.json_toggle.observe(self._on_toggle, names="value")
        self._render()

    @property
    def values(self) -> Mapping[str, Any] | None:
        """The values shown now."""
        return self._values

    def show(self, values: Mapping[str, Any] | None,
             previous: Mapping[str, Any] | None = None, title: str | None = None) -> None:
        """Display `values`; list what changed since `previous` when it is given."""
        self._values = values
        self._previous = previous
        if title is not None:
            self._title_text = title
        self._render()

    def _on_toggle(self, change: dict[str, Any]) -> None:
        self.as_json = bool(change["new"])

    @traitlets.observe("as_json")
    def _on_as_json(self, change: dict[str, Any]) -> None:
        self.json_toggle.value = bool(change["new"])
        self._render()

    def _render(self) -> None:
        self.title.value = f"<b>{esc(self._title_text)}</b>"
        if self._previous is not None:
            diff = render_diff(diff_values(for_people(self._previous),
                                           for_people(self._values)))
            self.changes.value = (
                f'{STYLE}<div class="hw-root"><b>Changed by the last step</b>{diff}'
                '<hr style="border:0;border-top:1px solid var(--jp-border-color2,#ddd)">'
                '</div>' if diff
                else f'{STYLE}<div class="hw-root hw-muted">No change in the state.</div>'
            )
        else:
            self.changes.value = ""
        if self._values is None:
            inner = f'<span class="hw-muted">{esc(self._empty)}</span>'
        else:
            inner = (render_json(self._values) if self.as_json
                     else render_state(for_people(self._values)))
        self.body.value = f'{STYLE}<div class="hw-root">{inner}</div>'
