"""Helpers shared by the forms tests."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from hitl_widgets.forms import InterruptForm
from hitl_widgets.forms.fields.base import Field


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (1 is not 1.0, not True)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return bool(a == b)


def kinds(form: InterruptForm) -> dict[tuple[Any, ...], set[str]]:
    """loc → the kinds of the fields at that loc (a toggle and its inner field share one)."""
    out: dict[tuple[Any, ...], set[str]] = {}
    for part in form.parts:
        for f in part.field.walk():
            out.setdefault(tuple(f.loc), set()).add(f.kind)
    return out


def html_under(widget: W.Widget) -> str:
    """All HTML/label text under a widget (what the browser would render as markup)."""
    out: list[str] = []

    def visit(w: Any) -> None:
        if isinstance(w, W.HTML | W.HTMLMath):
            out.append(w.value)
        for attr in ("description", "placeholder"):
            if isinstance(getattr(w, attr, None), str):
                out.append(getattr(w, attr))
        for c in getattr(w, "children", ()) or ():
            visit(c)

    visit(widget)
    return "\n".join(out)


def error_texts(field: Field) -> str:
    """The messages shown under one field."""
    box = field._error_box
    return box.value if box is not None else ""
