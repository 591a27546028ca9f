"""Closing a composite widget whole: `Widget.close()` closes only the widget it is called on.

A view is built from boxes of boxes, and keeps some widgets that are not displayed at a
given moment (the Mermaid output while the SVG shows, the "no question" line while a form
shows). Closing the view must close all of them, or their models stay alive in the kernel
and in the browser.
"""

from __future__ import annotations

import ipywidgets as widgets

__all__ = ["close_tree", "descendants"]


def descendants(root: widgets.Widget) -> list[widgets.Widget]:
    """Every widget `root` holds: its children, recursively, and widgets kept in attributes."""
    found: dict[int, widgets.Widget] = {}
    stack = [root]
    while stack:
        widget = stack.pop()
        held = [*getattr(widget, "children", ()),
                *(v for v in vars(widget).values() if isinstance(v, widgets.Widget))]
        for item in held:
            if isinstance(item, widgets.Widget) and id(item) not in found and item is not root:
                found[id(item)] = item
                stack.append(item)
    return list(found.values())


def close_tree(root: widgets.Widget) -> None:
    """Close every widget `root` holds, then `root` itself."""
    for widget in descendants(root):
        widget.close()
    widgets.Widget.close(root)
