"""`FormHost`: the place in the view where the pending interrupts' one form lives.

It builds one form for all pending interrupts (labelled with the nodes that asked), keeps
the same form while the same questions are pending (so a rejected or failed answer stays on
screen to be fixed), disables it while a resume runs, and puts server-side (422) errors on
its fields.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from hitl_widgets.views.errors import ErrorReporter, guarded
from hitl_widgets.views.pending import PendingInterrupt, tool_calls
from hitl_widgets.views.render import esc

__all__ = ["FormFactory", "FormHost", "heading_html", "part_labels"]

#: Parallel questions side by side: the form's parts (`.hitl-part`) wrap in a row, its
#: status line and Submit button take a full row below. CSS only, so a front end that
#: ignores it still shows the parts one under the other.
SIDE_BY_SIDE_CSS = """<style>
.hw-side-by-side .hitl-form{flex-flow:row wrap;column-gap:16px}
.hw-side-by-side .hitl-form>.hitl-part{flex:1 1 320px;min-width:0}
.hw-side-by-side .hitl-form>:not(.hitl-part){flex:1 1 100%}
</style>"""

FormFactory = Callable[..., Any]
"""Builds a form: `factory(interrupts, labels={interrupt_id: heading})` (`InterruptForm`);
each heading says what that interrupt asks (`part_labels`)."""


def _build(factory: FormFactory, interrupts: list[dict[str, Any]],
           labels: dict[str, str]) -> Any:
    try:
        params = list(inspect.signature(factory).parameters.values())
    except (TypeError, ValueError):
        params = []
    if any(p.name == "labels" or p.kind is p.VAR_KEYWORD for p in params):
        return factory(interrupts, labels=labels)
    return factory(interrupts)  # the heading above the form still names the nodes


def heading_html(pending: Sequence[PendingInterrupt]) -> str:
    """"Review 2 tool calls" for a tool-call review (its panels name each tool once),
    "2 questions pending" for several questions; "" for one question, which its own
    heading states (`PendingInterrupt.title`)."""
    calls = [c for p in pending for c in tool_calls(p.interrupt.get("value"))]
    if calls and all(tool_calls(p.interrupt.get("value")) for p in pending):
        n = len(calls)
        return f"<b>Review {n} tool call{'s' if n > 1 else ''}</b>"
    n = len(pending)
    return f"<b>{n} questions pending</b>" if n > 1 else ""


def part_labels(pending: Sequence[PendingInterrupt]) -> dict[str, str]:
    """Each part's heading: what it asks; "Tool call i of n" for per-call reviews side by
    side (each panel names its tool); nothing for one batched review."""
    labels = {p.id: p.title for p in pending}
    if len(pending) > 1:
        for i, p in enumerate(pending):
            labels[p.id] = labels[p.id] or f"Tool call {i + 1} of {len(pending)}"
    return labels


class FormHost(widgets.VBox):
    """Holds the form for the pending interrupts (or a line saying none is pending)."""

    def __init__(self, on_submit: Callable[[dict[str, Any]], None], report: ErrorReporter,
                 factory: FormFactory | None = None, **kwargs: Any) -> None:
        self.form: Any = None
        """The current form, `None` when nothing is pending."""
        self.interrupt_ids: list[str] = []
        """The interrupts the current form answers, in order."""
        self._on_submit = on_submit
        self._report = report
        self._factory = factory
        # Made once and reused: creating a widget costs about a millisecond, as much as
        # the whole resume of a small graph.
        self._idle_note = widgets.HTML()
        self._heading = widgets.HTML()
        self._idle_shown = False
        super().__init__(**kwargs)

    def show(self, pending: Sequence[PendingInterrupt], status: str) -> bool:
        """Show a form for `pending`; returns whether a new form was built."""
        ids = [p.id for p in pending]
        if not ids:
            self.form, self.interrupt_ids = None, []
            self._idle_note.value = f"<i>No interrupt pending (status {esc(status)}).</i>"
            if not self._idle_shown:
                self.children = [self._idle_note]
                self._idle_shown = True
            return False
        if self.form is not None and ids == self.interrupt_ids:
            return False
        factory = self._factory
        if factory is None:
            from hitl_widgets.forms import InterruptForm  # built lazily

            factory = InterruptForm
        # Headed by what is asked, never by the node (`human_node`, or the middleware's
        # `HumanInTheLoopMiddleware.after_model`, say nothing to a reviewer).
        labels = part_labels(pending)
        form = _build(factory, [dict(p.interrupt) for p in pending], labels)
        form.on_submit(guarded(self._report, "Submit", self._on_submit))
        self.form, self.interrupt_ids = form, ids
        self._heading.value = heading_html(pending) + (SIDE_BY_SIDE_CSS if len(ids) > 1
                                                       else "")
        if len(ids) > 1:
            self.add_class("hw-side-by-side")
        else:
            self.remove_class("hw-side-by-side")
        self.children = [self._heading, form]
        self._idle_shown = False
        return True

    def parts(self, pending: Sequence[PendingInterrupt]) -> dict[str, Any]:
        """Each pending interrupt's own part of the form (`form.parts`), by interrupt id;
        the whole form for each id when the form has no parts."""
        if self.form is None:
            return {}
        parts = getattr(self.form, "parts", None)
        if isinstance(parts, Mapping):
            return {str(k): v for k, v in parts.items()}
        if isinstance(parts, (list, tuple)):
            by_id = {str(getattr(p, "interrupt_id", "")): p for p in parts}
            if all(p.id in by_id for p in pending):
                return {p.id: by_id[p.id] for p in pending}
        return {p.id: self.form for p in pending}

    @property
    def disabled(self) -> bool:
        """Whether the form refuses input and submits (while a resume runs)."""
        return bool(self.form is not None and self.form.disabled)

    @disabled.setter
    def disabled(self, value: bool) -> None:
        if self.form is not None:
            self.form.disabled = value

    def show_errors(self, errors: list[Mapping[str, Any]]) -> None:
        """Put server-side validation errors (`{"interrupt_id", "loc", "msg"}`) on the
        form's fields."""
        if self.form is not None and hasattr(self.form, "show_errors"):
            self.form.show_errors(errors)
