"""`SelectionBar`: select all / none over a multiple-choice list, and how many are selected."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets

__all__ = ["SelectionBar"]


class SelectionBar(widgets.HBox):
    """Buttons that select every option of ``picker`` or none, and the count selected."""

    def __init__(self, picker: widgets.SelectMultiple, **kwargs: Any) -> None:
        self.picker = picker
        self.all_button = widgets.Button(description="Select all", icon="check-square",
                                         layout=widgets.Layout(width="auto"))
        self.none_button = widgets.Button(description="Select none", icon="square",
                                          layout=widgets.Layout(width="auto"))
        self.count = widgets.HTML()
        self.all_button.on_click(lambda _b: self.select_all())
        self.none_button.on_click(lambda _b: self.select_none())
        picker.observe(lambda _c: self.render(), names=["value", "options"])
        super().__init__([self.all_button, self.none_button, self.count], **kwargs)
        self.render()

    def select_all(self) -> None:
        """Select every option shown."""
        self.picker.value = tuple(value for _label, value in self.picker.options)

    def select_none(self) -> None:
        """Clear the selection."""
        self.picker.value = ()

    def render(self) -> None:
        """Say how many options are selected, of how many."""
        self.count.value = (f"<b>{len(self.picker.value)}</b> of {len(self.picker.options)} "
                            "selected")
