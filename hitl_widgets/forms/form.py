"""`InterruptForm`: every pending interrupt of a thread as one editable, typed form.

DOM structure (stable; browser tests and styling may rely on it)::

    .hitl-form                          the form (a VBox)
      .hitl-part                        one per interrupt, in order (`form.parts`)
        .hitl-heading                   the section label (`labels=`, or "Question i of n")
        pre.hitl-context                the interrupt's value, as text (schema / inferred forms)
        .hitl-action                    one proposed tool call (HITL, Agent Inbox, per-call):
          .hitl-heading "Tool call: <name>", .hitl-description, pre.hitl-context (its args)
        .hitl-json-toggle               the "Edit as JSON" checkbox
        .hitl-field-<n>                 every input widget (Text, Textarea, IntText, FloatText,
                                        Checkbox, Dropdown, DatePicker), with its <input> /
                                        <textarea> / <select> inside. n is unique within
                                        one form and stable for the life of the field;
                                        `form.dom_ids()` says which n edits which loc.
        .hitl-label .hitl-required      a field's label ("*" when required)
        .hitl-help / .hitl-hint         its description, its constraints ("≥ 0 · ≤ 10")
        .hitl-error                     messages under the input they are about
        textarea.hitl-json              (inside a .hitl-field-<n>) a raw JSON editor
      .hitl-form-status                 form-level messages ("2 problems to fix ...")
      .hitl-submit-button > button.hitl-submit   the Submit button (anywidget), text "Submit"

Submit sends, with the click, `{"event": "submit", "fields": {n: reading}}` where a reading
is `{"value": input.value}`, `{"checked": bool}` (checkboxes) or `{"index": selectedIndex}`
(selects) of every `.hitl-field-<n>` inside the clicked button's `.hitl-form`; Python applies
them to the fields, validates and submits (see `hitl_widgets.forms.submit`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import ipywidgets as W
from traitlets import Bool

from hitl_widgets.forms import _html
from hitl_widgets.forms.fields.base import FormContext
from hitl_widgets.forms.part import InterruptPart
from hitl_widgets.forms.renderers.select import build_part
from hitl_widgets.forms.server_errors import sort_errors
from hitl_widgets.forms.submit import Snapshot, SubmitButton, apply_snapshot
from hitl_widgets.forms.types import Change, FieldError

SubmitCallback = Callable[[dict[str, Any]], Any]
"""`cb(resume)`: called with `{interrupt_id: answer}` once local validation passed."""


def as_interrupt_dict(interrupt: Any) -> dict[str, Any]:
    """An interrupt as the client returns it; LangGraph `Interrupt` objects are accepted too."""
    if isinstance(interrupt, Mapping):
        return dict(interrupt)
    if hasattr(interrupt, "value") and hasattr(interrupt, "id"):
        schema = getattr(interrupt, "response_schema", None)
        return {"value": interrupt.value, "id": interrupt.id,
                "response_schema": schema if isinstance(schema, dict) else None}
    raise TypeError(f"an interrupt is a dict with 'value' and 'id', got {interrupt!r:.80}")


class InterruptForm(W.VBox):
    """A form answering one interrupt or several (one section each, in order).

    >>> form = InterruptForm(state["interrupts"], labels={iid: "review_node"})
    >>> form.value = {...}; form.submit()   # or let the reviewer click Submit

    `value` is the answer (several interrupts: `{interrupt_id: answer}`); `resume` is always
    `{interrupt_id: answer}`, ready for `Command(resume=...)`. Several interrupts are stacked
    in sections, or laid out in columns with `side_by_side=True`.
    """

    disabled = Bool(False, help="Disable every input and Submit (while a resume runs).")

    def __init__(self, interrupts: Mapping[str, Any] | Any | Sequence[Any], *,
                 labels: Mapping[str, str] | None = None, submit_label: str = "Submit",
                 side_by_side: bool = False, **kwargs: Any) -> None:
        items = [interrupts] if isinstance(interrupts, Mapping) or hasattr(
            interrupts, "id") else list(interrupts)
        if not items:
            raise ValueError("InterruptForm needs at least one interrupt; "
                             "the thread has none pending")
        dicts = [as_interrupt_dict(i) for i in items]
        self._ctx = FormContext()
        names = dict(labels or {})
        count = len(dicts)
        # Several sections need headings to tell them apart; a label names the asking node.
        self.parts: tuple[InterruptPart, ...] = tuple(
            build_part(d, self._ctx, names.get(str(d.get("id")))
                       or (f"Question {i + 1} of {count}" if count > 1 else None))
            for i, d in enumerate(dicts))
        """One `InterruptPart` per interrupt, in the order given."""
        self.submit_button = SubmitButton(description=submit_label)
        """The Submit button (an anywidget; `submit_button.click()` is a browser click)."""
        self.submit_button.on_click(self._browser_submit)
        self._status = W.HTML(layout=self._ctx.full)
        self._status.add_class("hitl-form-status")
        self._callbacks: list[SubmitCallback] = []
        sections: list[W.Widget] = [p.widget for p in self.parts]
        if side_by_side and len(sections) > 1:
            # Columns as wide as the screen allows, wrapping to rows on a narrow one.
            sections = [W.GridBox(sections, layout=W.Layout(
                grid_template_columns="repeat(auto-fit, minmax(320px, 1fr))",
                grid_gap="0 16px", width="auto"))]
        super().__init__([*sections, self._status, self.submit_button], **kwargs)
        self.add_class("hitl-form")
        self.observe(self._on_disabled, "disabled")

    # -- the answer ---------------------------------------------------------------------
    @property
    def value(self) -> Any:
        """One interrupt: its answer. Several: `{interrupt_id: answer}`."""
        if len(self.parts) == 1:
            return self.parts[0].value
        return {p.interrupt_id: p.value for p in self.parts}

    @value.setter
    def value(self, answer: Any) -> None:
        if len(self.parts) == 1:
            self.parts[0].value = answer
            return
        if not isinstance(answer, Mapping):
            raise TypeError("this form answers several interrupts: assign "
                            "{interrupt_id: answer, ...}")
        by_id = {p.interrupt_id: p for p in self.parts}
        unknown = [k for k in answer if k not in by_id]
        if unknown:
            raise KeyError(f"no interrupt {unknown!r} in this form (it has {list(by_id)})")
        for key, v in answer.items():
            by_id[key].value = v

    @property
    def resume(self) -> dict[str, Any]:
        """`{interrupt_id: answer}` for every interrupt: what goes into `Command(resume=...)`."""
        return {p.interrupt_id: p.value for p in self.parts}

    def part(self, interrupt_id: str) -> InterruptPart:
        """The part answering `interrupt_id`."""
        for p in self.parts:
            if p.interrupt_id == interrupt_id:
                return p
        raise KeyError(f"no interrupt {interrupt_id!r} in this form")

    def dom_ids(self) -> dict[tuple[str, tuple[str | int, ...]], list[int]]:
        """`{(interrupt_id, loc): [n, ...]}` for the inputs on screen now: which
        `.hitl-field-<n>` element edits which part of which answer (for browser tests)."""
        out: dict[tuple[str, tuple[str | int, ...]], list[int]] = {}
        for p in self.parts:
            root = p.json_field if p.json_field is not None else p.field
            for f in root.walk():
                live = [n for n in f.dom_ids if n in self._ctx.leaves]
                if live:
                    out.setdefault((p.interrupt_id, tuple(f.loc)), []).extend(live)
        return out

    def reset(self) -> None:
        """Put every answer back to what the form proposed when built; clear messages."""
        for p in self.parts:
            p.reset()
        self.clear_errors()

    def changes(self) -> list[Change]:
        """What the reviewer changed against the proposals, field by field."""
        return [c for p in self.parts for c in p.changes()]

    # -- validation and submit ----------------------------------------------------------
    @property
    def errors(self) -> list[FieldError]:
        """Every problem with the current answers ([] when the form can be submitted)."""
        return [e for p in self.parts for e in p.errors()]

    def validate(self) -> list[FieldError]:
        """Check the answers and show each message on its field; returns `errors`."""
        found = self.errors
        for p in self.parts:
            p.show_errors([(e["loc"], e["msg"]) for e in found
                           if e["interrupt_id"] == p.interrupt_id])
        count = len(found)
        self._set_status(f"{count} problem{'s' if count != 1 else ''} to fix before "
                         "submitting." if count else "")
        return found

    def submit(self) -> dict[str, Any] | None:
        """The Submit button's twin: validate, then call the `on_submit` callbacks.

        Returns the resume map that was submitted, or None when nothing was sent (the form
        is invalid — messages are on the fields — or disabled).
        """
        if self.disabled:
            return None
        if self.validate():
            return None
        resume = self.resume
        for cb in list(self._callbacks):
            cb(resume)
        return resume

    def on_submit(self, callback: SubmitCallback, *, remove: bool = False) -> None:
        """Call `callback(resume)` on every valid submit (`remove=True` unregisters it)."""
        if remove:
            self._callbacks.remove(callback)
        else:
            self._callbacks.append(callback)

    def _browser_submit(self, snapshot: Snapshot) -> None:
        if self.disabled:
            return
        apply_snapshot(self._ctx, snapshot)
        self.submit()

    # -- what the view drives -----------------------------------------------------------
    def _on_disabled(self, change: dict[str, Any]) -> None:
        self._ctx.set_disabled(bool(change["new"]))
        self.submit_button.disabled = bool(change["new"])

    def show_errors(self, errors: Any, *, interrupt_id: str | None = None) -> None:
        """Place errors that came from elsewhere (the server's 422) on the fields.

        `errors` may be a pydantic `ValidationError`, a list of `{"loc": [...], "msg": ...}`
        (pydantic / FastAPI `detail`), a `{"detail": [...]}` body, `{interrupt_id: [...]}`,
        a string or an exception. A `loc` is relative to the answer of `interrupt_id`, or
        starts with an interrupt id; for a one-interrupt form it is that interrupt's.
        Whatever cannot be placed is shown above the Submit button. `[]` clears.
        """
        ids = [p.interrupt_id for p in self.parts]
        placed, general = sort_errors(errors, ids, interrupt_id)
        for p in self.parts:
            p.show_errors(placed.get(p.interrupt_id, []))
        self._set_status("\n".join(general))

    def clear_errors(self) -> None:
        """Remove every message from the form."""
        self.show_errors([])

    def close(self) -> None:
        """Close the form and the widgets it made (their comms too), e.g. once answered."""
        ctx: FormContext | None = getattr(self, "_ctx", None)
        if ctx is None:  # __init__ refused its arguments; ipywidgets still calls close()
            super().close()
            return
        seen: set[int] = set()
        todo: list[Any] = [*self.children, *ctx.controls, *ctx.shared_widgets()]
        for part in getattr(self, "parts", ()):
            todo.extend(w for f in part.field.walk() for w in f.made_widgets())
        while todo:
            w = todo.pop()
            if id(w) in seen or not isinstance(w, W.Widget):
                continue
            seen.add(id(w))
            todo.extend(getattr(w, "children", ()) or ())
            todo.extend(v for v in (getattr(w, "layout", None), getattr(w, "style", None))
                        if isinstance(v, W.Widget))
            w.close()
        super().close()

    def _set_status(self, text: str) -> None:
        self._status.value = _html.errors_html([text]) if text else ""
