"""`StateEditor`: edit the thread's state as JSON, then continue the run from it.

The recovery path after a failure: when a node failed on the state it was given, the
reviewer fixes the state here (`threads.update_state`) and continues (`runs.stream` with no
input). The view supplies what Apply and Continue do.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets

from hitl_widgets.views.errors import ErrorReporter, guarded
from hitl_widgets.views.render import esc

__all__ = ["StateEditor"]

ApplyHandler = Callable[["Mapping[str, Any]", "str | None"], None]


class StateEditor(widgets.VBox):
    """A JSON text box pre-filled with the state, an optional "as node", Apply and Continue."""

    def __init__(self, **kwargs: Any) -> None:
        self._apply_handlers: list[ApplyHandler] = []
        self._continue_handlers: list[Callable[[], None]] = []
        self.report: ErrorReporter | None = None
        """Where a failure in a button callback goes (the view's error area)."""
        self.text = widgets.Textarea(layout=widgets.Layout(width="100%", height="160px"))
        self.as_node = widgets.Text(
            placeholder="as node (optional)", description="As node",
            layout=widgets.Layout(width="280px"),
        )
        self.apply_button = widgets.Button(
            description="Apply edit",
            tooltip="Write these values into the thread's state (a new checkpoint)",
        )
        self.continue_button = widgets.Button(
            description="Continue",
            tooltip="Run the graph on from its current state (no new input)",
        )
        self.message = widgets.HTML()
        self.apply_button.on_click(
            lambda _button: guarded(self.report, "Apply edit", self.apply)())
        self.continue_button.on_click(
            lambda _button: guarded(self.report, "Continue", self.continue_run)())
        super().__init__(children=[
            self.text, self.as_node,
            widgets.HBox([self.apply_button, self.continue_button, self.message]),
        ], **kwargs)

    def load(self, values: Mapping[str, Any] | None) -> None:
        """Pre-fill the box with `values` (replacing any unsaved text)."""
        self.text.value = json.dumps(values or {}, indent=2, ensure_ascii=False, default=str)
        self.message.value = ""

    def on_apply(self, handler: ApplyHandler) -> None:
        """Register what Apply does: `handler(values, as_node_or_None)`."""
        self._apply_handlers.append(handler)

    def on_continue(self, handler: Callable[[], None]) -> None:
        """Register what Continue does."""
        self._continue_handlers.append(handler)

    def apply(self) -> None:
        """Apply's twin: parse the JSON and hand it over; a parse error shows here."""
        try:
            values = json.loads(self.text.value or "{}")
        except json.JSONDecodeError as exc:
            self.message.value = f"<span style='color:#c01c28'>Not valid JSON: {esc(exc)}</span>"
            return
        if not isinstance(values, Mapping):
            self.message.value = ("<span style='color:#c01c28'>The state must be a JSON object "
                                  "of state keys.</span>")
            return
        self.message.value = ""
        as_node = self.as_node.value.strip() or None
        for handler in self._apply_handlers:
            handler(values, as_node)

    def continue_run(self) -> None:
        """Continue's twin."""
        for handler in self._continue_handlers:
            handler()

    @property
    def disabled(self) -> bool:
        """Whether the buttons are disabled (while a run is going)."""
        return bool(self.apply_button.disabled)

    @disabled.setter
    def disabled(self, value: bool) -> None:
        self.apply_button.disabled = value
        self.continue_button.disabled = value
