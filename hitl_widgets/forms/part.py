"""One interrupt's section of a form: its field tree, validation, errors and changes."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import jsonschema

from hitl_widgets.forms import _html
from hitl_widgets.forms.changes import diff
from hitl_widgets.forms.fields.base import Field, FormContext, Loc
from hitl_widgets.forms.fields.json_editor import JsonField
from hitl_widgets.forms.schema.validate import find_field, schema_errors
from hitl_widgets.forms.types import Change, FieldError


class InterruptPart:
    """The form for one interrupt; `InterruptForm.parts` holds one per interrupt.

    `value` is this interrupt's answer. The "Edit as JSON" switch swaps the typed fields for
    a JSON editor holding the same answer, and back (refused while the JSON does not parse
    or does not fit the fields).
    """

    def __init__(self, interrupt: dict[str, Any], field: Field, ctx: FormContext, *,
                 renderer: str, label: str | None = None,
                 validator: jsonschema.protocols.Validator | None = None,
                 context: list[W.Widget] | None = None,
                 changes: Callable[[Any, Any, str], list[Change]] | None = None) -> None:
        self.interrupt = interrupt
        """The interrupt dict this part answers (`value`, `id`, `response_schema`)."""
        self.interrupt_id: str = str(interrupt.get("id", ""))
        """The interrupt's id: the key of this answer in `InterruptForm.resume`."""
        self.renderer = renderer
        """Which renderer built the part ("schema", "hitl_request", "custom", ...)."""
        self.label = label
        """The section heading: the node name given in `labels=`, else "Question i of n"
        when the form has several parts, else None."""
        self.field = field
        """The root of the typed field tree."""
        self.ctx = ctx
        self.validator = validator
        self._diff = changes or (lambda before, after, iid: diff(before, after, iid))
        self.proposal: Any = copy.deepcopy(field.get())
        """The answer the part gave when built: what `changes()` compares against."""
        self.json_field: JsonField | None = None
        self._shown: list[Field] = []
        self._part_errors = W.HTML(layout=ctx.full)
        self.json_toggle = W.Checkbox(value=False, description="Edit as JSON", indent=False,
                                      layout=ctx.plain)
        self.json_toggle.add_class("hitl-json-toggle")
        ctx.control(self.json_toggle)
        self.json_toggle.observe(self._on_json_toggle, "value")
        self._body = W.VBox([field.widget], layout=ctx.full)
        head: list[W.Widget] = []
        if label:
            head.append(W.HTML(_html.heading_html(label), layout=ctx.full))
        self.widget = W.VBox([*head, *(context or []), self.json_toggle, self._body,
                              self._part_errors], layout=ctx.row)
        """The section's widget (heading, context, fields, messages)."""
        self.widget.add_class("hitl-part")

    # -- the answer ---------------------------------------------------------------------
    @property
    def value(self) -> Any:
        """This interrupt's answer, as it stands now."""
        if self.json_field is not None:
            return self.json_field.get()
        return self.field.get()

    @value.setter
    def value(self, answer: Any) -> None:
        if self.json_field is not None:
            self.json_field.set(answer)
        else:
            self.field.set(answer)

    def reset(self) -> None:
        """Back to the proposal (leaving JSON mode)."""
        self.json_mode = False
        if self.json_field is not None:  # the JSON did not fit the fields: drop it anyway
            self.ctx.forget(self.json_field.owned_widgets())
            self.json_field = None
            self._body.children = (self.field.widget,)
            self.json_toggle.value = False
        self.field.set(copy.deepcopy(self.proposal))
        self.show_errors([])

    def changes(self) -> list[Change]:
        """What the answer changes against the proposal."""
        return self._diff(self.proposal, self.value, self.interrupt_id)

    # -- JSON mode ----------------------------------------------------------------------
    @property
    def json_mode(self) -> bool:
        """True while the answer is edited as raw JSON."""
        return self.json_field is not None

    @json_mode.setter
    def json_mode(self, on: bool) -> None:
        self.json_toggle.value = on

    def _on_json_toggle(self, change: dict[str, Any]) -> None:
        if change["new"] and self.json_field is None:
            self.json_field = JsonField(self.ctx, (), title="Answer (JSON)",
                                        default=self.field.get())
            self._body.children = (self.json_field.widget,)
        elif not change["new"] and self.json_field is not None:
            problem = self.json_field.local_errors()
            if not problem:
                try:
                    self.field.set(self.json_field.get())
                except (TypeError, ValueError) as exc:
                    problem = [((), f"This JSON does not fit the form: {exc}")]
            if problem:
                # Stay in JSON mode: leaving would silently drop what was typed.
                self.json_field.show_errors([m for _, m in problem])
                self.json_toggle.value = True
                return
            self.ctx.forget(self.json_field.owned_widgets())
            self.json_field = None
            self._body.children = (self.field.widget,)

    # -- errors -------------------------------------------------------------------------
    def errors(self) -> list[FieldError]:
        """Local problems (unparsable input) and schema errors, without showing them."""
        root: Field = self.json_field if self.json_field is not None else self.field
        found = root.local_errors()
        if not found and self.validator is not None:
            found = schema_errors(self.validator, self.value, root)
        return [FieldError(interrupt_id=self.interrupt_id, loc=loc, msg=msg)
                for loc, msg in found]

    def show_errors(self, errors: list[tuple[Loc, str]]) -> None:
        """Place messages on their fields, replacing earlier ones ([] clears them).

        A `loc` that goes past the deepest field (a key the form does not show) lands on
        that field, prefixed with the rest of the path.
        """
        for f in self._shown:
            f.show_errors([])
        self._shown = []
        root: Field = self.json_field if self.json_field is not None else self.field
        grouped: dict[int, tuple[Field, list[str]]] = {}
        for loc, msg in errors:
            field, rest = find_field(root, loc)
            if rest:
                msg = ".".join(str(p) for p in rest) + ": " + msg
            grouped.setdefault(id(field), (field, []))[1].append(msg)
        leftovers: list[str] = []
        for field, messages in grouped.values():
            if field.visible:
                field.show_errors(messages)
                self._shown.append(field)
            else:
                leftovers.extend(messages)
        self._part_errors.value = _html.errors_html(leftovers) if leftovers else ""
