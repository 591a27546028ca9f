"""No live widget keeps a closed one: Voila loads every model of the kernel at once and
waits forever for a child that was closed ("Loading widget..." on the whole page)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import ipywidgets as W
from ipywidgets.widgets.widget import _instances

from hitl_widgets.forms import InterruptForm


def _refs(value: Any) -> Iterator[W.Widget]:
    if isinstance(value, W.Widget):
        yield value
    elif isinstance(value, list | tuple):
        for v in value:
            yield from _refs(v)


def dangling() -> list[str]:
    """`Holder.trait -> Child` for every live widget holding a closed widget."""
    out = []
    for widget in list(_instances.values()):
        for name in widget.keys:
            for child in _refs(getattr(widget, name, None)):
                if child.comm is None or child.model_id not in _instances:
                    out.append(f"{type(widget).__name__}.{name} -> {type(child).__name__}")
    return out


SCHEMA = {"type": "object", "properties": {
    "tags": {"type": "array", "items": {"type": "string"}},
    "extra": {"type": "object", "additionalProperties": {"type": "integer"}}},
    "required": ["tags", "extra"]}


def test_rebuilt_rows_leave_nothing_closed_behind(widget_comms: list) -> None:
    form = InterruptForm({"value": None, "id": "d", "response_schema": SCHEMA})
    form.value = {"tags": ["a", "b", "c"], "extra": {"x": 1, "y": 2}}
    tags = form.parts[0].field.child("tags")
    tags.add()
    tags.move(0, 1)
    tags.remove(1)
    form.parts[0].field.child("extra").remove(0)
    form.value = {"tags": ["z"], "extra": {}}
    assert form.value == {"tags": ["z"], "extra": {}}
    assert dangling() == []
