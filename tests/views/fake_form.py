"""A stand-in for `InterruptForm` with the contract's surface, to test the view alone.

The view must work with any form that keeps the contract in docs/CONTRACTS.md; this one
answers every interrupt with a `Text` field pre-filled from the interrupt's value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets


class FakeForm(widgets.VBox):
    """`InterruptForm(interrupts, labels=...)` reduced to text fields."""

    def __init__(self, interrupts: list[dict[str, Any]], labels: Mapping[str, str] | None = None):
        self.interrupts = interrupts
        self.labels = dict(labels or {})
        self.fields = {i["id"]: widgets.Text(value=self._default(i["value"])) for i in interrupts}
        self.shown_errors: list[Any] = []
        self._callbacks: list[Callable[[dict[str, Any]], None]] = []
        self._disabled = False
        super().__init__(children=list(self.fields.values()))

    @staticmethod
    def _default(value: Any) -> str:
        if isinstance(value, Mapping) and len(value) == 1:
            value = next(iter(value.values()))
        return value if isinstance(value, str) else str(value)

    @property
    def resume(self) -> dict[str, Any]:
        return {iid: field.value for iid, field in self.fields.items()}

    @property
    def value(self) -> Any:
        return self.resume if len(self.fields) > 1 else next(iter(self.resume.values()))

    @value.setter
    def value(self, answer: Any) -> None:
        if len(self.fields) == 1:
            answer = {next(iter(self.fields)): answer}
        for iid, text in answer.items():
            self.fields[iid].value = text

    @property
    def errors(self) -> list[str]:
        return []

    @property
    def disabled(self) -> bool:
        return self._disabled

    @disabled.setter
    def disabled(self, flag: bool) -> None:
        self._disabled = flag

    def on_submit(self, callback: Callable[[dict[str, Any]], None]) -> None:
        self._callbacks.append(callback)

    def submit(self) -> None:
        if self._disabled:
            return
        for callback in self._callbacks:
            callback(self.resume)

    def show_errors(self, errors: Any) -> None:
        self.shown_errors.append(errors)

    def changes(self) -> list[Any]:
        return []
