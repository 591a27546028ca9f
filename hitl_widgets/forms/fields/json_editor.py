"""The raw JSON editor: the fallback for any value, and the "edit as JSON" mode."""

from __future__ import annotations

import json
from typing import Any

import ipywidgets as W

from hitl_widgets.forms.fields.base import MISSING, Field, FormContext, Loc


def dump_json(value: Any) -> str:
    """Pretty JSON for the editor (non-ASCII kept readable)."""
    return json.dumps(value, indent=2, ensure_ascii=False)


class JsonField(Field):
    """Any JSON value, typed as text. Parse errors are shown under the box as you type."""

    kind = "json"

    def __init__(self, ctx: FormContext, loc: Loc, *, default: Any = MISSING, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        self._parsed: Any = None if default is MISSING else default
        self._parse_error: str | None = None
        self.input = W.Textarea(value=dump_json(self._parsed), layout=W.Layout(
            width="auto", height="10em"))
        self.input.add_class("hitl-json")
        self.input.observe(self._on_text, "value")
        self.leaf(self.input, self._apply)

    def control_widget(self) -> W.Widget:
        return self.input

    def get(self) -> Any:
        """The last text that parsed; while the text does not parse, `local_errors` says so."""
        return self._parsed

    def set(self, value: Any) -> None:
        text = dump_json(value)  # raises TypeError for what JSON cannot hold, before any change
        self._parsed = value
        self._parse_error = None
        self.input.value = text
        self.show_errors([])

    def _apply(self, dom: dict[str, Any]) -> None:
        if "value" in dom:
            self.input.value = str(dom["value"])

    def _on_text(self, change: dict[str, Any]) -> None:
        try:
            self._parsed = json.loads(change["new"])
        except json.JSONDecodeError as exc:
            self._parse_error = f"Invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            self.show_errors([self._parse_error])
            return
        if self._parse_error is not None:
            self._parse_error = None
            self.show_errors([])

    def local_errors(self) -> list[tuple[Loc, str]]:
        return [(self.loc, self._parse_error)] if self._parse_error else []
