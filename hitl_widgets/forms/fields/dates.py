"""`format: date` strings edited with the browser's date picker; the answer stays a string."""

from __future__ import annotations

import datetime
from typing import Any

import ipywidgets as W

from hitl_widgets.forms.fields.base import MISSING, Field, FormContext, Loc


def _parse(text: str) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


class DateField(Field):
    """A `{"type": "string", "format": "date"}`: a `DatePicker`, answered as "YYYY-MM-DD".

    An empty picker answers "" (which the schema then refuses as "Not a valid date").
    """

    kind = "date"

    def __init__(self, ctx: FormContext, loc: Loc, *, default: Any = MISSING, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        start = _parse(default) if isinstance(default, str) else None
        self.input = ctx.make(W.DatePicker, value=start)
        self.leaf(self.input, self._apply)

    def control_widget(self) -> W.Widget:
        return self.input

    def get(self) -> str:
        value = self.input.value
        return value.isoformat() if isinstance(value, datetime.date) else ""

    def set(self, value: Any) -> None:
        if not isinstance(value, str):
            where = ".".join(str(p) for p in self.loc) or "the answer"
            raise TypeError(f"{where} expects a date string, got {type(value).__name__}")
        parsed = _parse(value)
        if parsed is None and value:
            where = ".".join(str(p) for p in self.loc) or "the answer"
            raise ValueError(f"{where}: {value!r} is Not a valid date (YYYY-MM-DD)")
        self.input.value = parsed

    def _apply(self, dom: dict[str, Any]) -> None:
        # <input type="date"> reads "" while incomplete: that is what the reviewer sees.
        self.input.value = _parse(str(dom.get("value", "")))
