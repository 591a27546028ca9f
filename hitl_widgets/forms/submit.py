"""The Submit button: an anywidget that sends the on-screen field values with the click.

Why: stock ipywidgets keep one unacknowledged update per model in flight and queue the rest,
while a Button click travels at once on its own model, so a click right after typing can
reach the kernel before the last keystrokes (DESIGN.md, "What you see is what is sent").
This button's click message carries a snapshot of the form's DOM instead:
`{"event": "submit", "fields": {"<n>": {"value": str} | {"checked": bool} | {"index": int}}}`,
where `<n>` is the number in each input's `hitl-field-<n>` class. Python applies the snapshot
to the (stock, Python-readable) field widgets, then validates and submits.
"""

from __future__ import annotations

import pathlib
from collections.abc import Callable
from typing import Any

import anywidget
import ipywidgets as W
import traitlets

from hitl_widgets.forms.fields.base import FormContext

Snapshot = dict[str, dict[str, Any]]
"""DOM id → the browser's reading of that input."""


class SubmitButton(anywidget.AnyWidget):
    """A button that submits its form with the values the browser shows."""

    # The module's text, not its path: for a path anywidget watches the file and ties every
    # instance to that watch with a strong reference, so no form was ever freed.
    _esm = (pathlib.Path(__file__).parent / "submit.js").read_text(encoding="utf-8")
    description = traitlets.Unicode("Submit", help="The button's text.").tag(sync=True)
    disabled = traitlets.Bool(False, help="Refuse clicks (while a resume runs).").tag(sync=True)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._handlers: list[Callable[[Snapshot], None]] = []
        self.add_class("hitl-submit-button")
        self.on_msg(self._on_frontend_msg)

    def on_click(self, handler: Callable[[Snapshot], None]) -> None:
        """Call `handler(snapshot)` when the button is clicked in the browser."""
        self._handlers.append(handler)

    def click(self, snapshot: Snapshot | None = None) -> None:
        """What a browser click does, from Python (tests; `snapshot` as the browser sends it)."""
        if self.disabled:
            return
        for handler in list(self._handlers):
            handler(snapshot or {})

    def _on_frontend_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "submit":
            fields = content.get("fields")
            self.click(fields if isinstance(fields, dict) else {})


def _stock_apply(widget: W.Widget, reading: dict[str, Any]) -> None:
    if isinstance(widget, W.Checkbox) and "checked" in reading:
        widget.value = bool(reading["checked"])
    elif isinstance(widget, W.Dropdown) and isinstance(reading.get("index"), int):
        if 0 <= reading["index"] < len(widget.options):
            widget.index = reading["index"]
    elif isinstance(widget, W.Text | W.Textarea) and "value" in reading:
        widget.value = str(reading["value"])


def apply_snapshot(ctx: FormContext, snapshot: Snapshot) -> None:
    """Set each field widget to what the browser showed (in creation order, so a union's
    selector is set before the fields of the variant it selects)."""
    readings = sorted((int(k), v) for k, v in snapshot.items()
                      if str(k).isdigit() and isinstance(v, dict))
    for n, reading in readings:
        apply = ctx.appliers.get(n)
        if apply is not None:
            apply(reading)
        elif n in ctx.leaves:
            _stock_apply(ctx.leaves[n], reading)
