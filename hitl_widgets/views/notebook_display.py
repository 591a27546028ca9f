"""Putting a view into a notebook cell: the live widget plus its static record.

The live widget needs a kernel; the record (plain HTML) does not. Both go into the cell's
outputs; the record's output has a display id, so every later decision rewrites it in
place (`update_display`), from whichever cell or background task it happens in.
"""

from __future__ import annotations

from typing import Any

__all__ = ["display_view", "mark_displayed", "update_record"]

_SHOWN_BY_REVIEW = "_hw_shown_by_review"
_NEVER = object()


def _shell() -> Any:
    try:
        from IPython import get_ipython  # only inside IPython
    except ImportError:
        return None
    return get_ipython()


def _in_displayhook(shell: Any) -> bool:
    """Whether IPython's displayhook (a cell's last expression) is running now.

    ipykernel's displayhook keeps the message it is building in `msg` between its start
    and its end; outside ipykernel we cannot tell and say no.
    """
    hook = getattr(shell, "displayhook", None)
    return getattr(hook, "msg", None) is not None


def mark_displayed(view: Any) -> None:
    """Note that `review()` displayed `view` itself in this cell, so that the same cell's
    last expression (`review(...)` returning the view) does not show it a second time."""
    setattr(view, _SHOWN_BY_REVIEW, getattr(_shell(), "execution_count", None))


def display_view(view: Any, record: Any, display_id: str) -> None:
    """Display the live widget, then the static record under `display_id`."""
    from IPython.display import display  # only when displaying

    shell = _shell()
    shown_in = getattr(view, _SHOWN_BY_REVIEW, _NEVER)
    if shown_in is not _NEVER and _in_displayhook(shell):
        setattr(view, _SHOWN_BY_REVIEW, _NEVER)
        if shown_in == getattr(shell, "execution_count", None):
            return
    # `raw=True` with the widget's own bundle: calling `display(view)` here would come
    # straight back to `view._ipython_display_`.
    display(view._repr_mimebundle_(), raw=True)
    display(record, display_id=display_id)
    record.displayed = True


def update_record(record: Any, display_id: str | None) -> None:
    """Rewrite every displayed copy of the record (nothing if it was never displayed)."""
    if display_id is None:
        return
    from IPython.display import update_display  # only when displaying

    update_display(record, display_id=display_id)
