"""Container fields: objects (fieldsets), arrays (add / remove / reorder), mappings.

Children are built through a `ChildBuilder`, so this module knows boxes, not JSON Schema.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import partial
from typing import Any

import ipywidgets as W

from hitl_widgets.forms import _html
from hitl_widgets.forms.fields.base import MISSING, ChildBuilder, Field, FormContext, Loc
from hitl_widgets.forms.fields.unions import ToggleField
from hitl_widgets.forms.hints import constraint_hint

Property = tuple[str, dict[str, Any], bool, str]
"""One object property: key, sub-schema, required, title."""


def _lazy(build: ChildBuilder, schema: dict[str, Any]) -> Callable[[Loc], Field]:
    """Build `schema` later, at the loc the toggle has then (it may have moved)."""

    def make(loc: Loc) -> Field:
        return build(schema, loc, title="")

    return make


def _where(loc: Loc) -> str:
    return ".".join(str(p) for p in loc) or "the answer"


class _Container(Field):
    """A fieldset: a heading (title, help) over the children's widgets."""

    _row_buttons: list[W.Button]
    _row_boxes: list[W.Box]
    _retired: list[W.Widget]

    def _drop_row_buttons(self) -> None:
        # Rows are rebuilt on every change; their old buttons and boxes must not pile up,
        # and no live box may keep a closed button: a front end that loads every model of
        # the kernel at once (Voila) waits forever for the missing one.
        # Closed by `_close_retired` once the new rows replaced them on screen.
        old, self._row_buttons = self._row_buttons, []
        self._retired = [*self._row_boxes, *old]
        self._row_boxes = []
        self.ctx.forget(old)
        gone = {id(b) for b in old}
        self._owned = [w for w in self._owned if id(w) not in gone]

    def _close_retired(self) -> None:
        retired, self._retired = getattr(self, "_retired", []), []
        for widget in retired:
            widget.close()

    def _row(self, before: list[W.Widget], item: W.Widget, after: list[W.Widget]) -> W.HBox:
        """One row: `before`, the item (growing), `after`; closed at the next rebuild."""
        wrapper = W.VBox([item], layout=self.ctx.grow)
        row = W.HBox([*before, wrapper, *after], layout=self.ctx.full)
        self._row_boxes += [wrapper, row]
        return row

    def _make_frame(self) -> W.VBox:
        parts: list[W.Widget] = []
        hint = constraint_hint(self.schema)
        if self.title or self.help_text or hint:
            parts.append(self.ctx.make(W.HTML, value=_html.label_html(
                self.title, self.help_text, required=self.required, hint=hint)))
        parts.append(self.control_widget())
        layout = self.ctx.fieldset if self.loc else self.ctx.row
        return W.VBox(parts, layout=layout)


class ObjectField(_Container):
    """An `object` with `properties`: one child field per property, in schema order.

    Optional properties without a default get an "include" toggle, so an untouched form
    leaves them out of the answer. Extra keys go to a key/value editor when the schema has an
    `additionalProperties` schema; with `additionalProperties: false` they are refused.
    """

    kind = "object"

    def __init__(self, ctx: FormContext, loc: Loc, *, properties: list[Property],
                 build: ChildBuilder, extra: dict[str, Any] | bool = True,
                 default: Any = MISSING, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        given = default if isinstance(default, dict) else {}
        self.fields: dict[str, Field] = {}
        for key, sub, required, title in properties:
            sub_default = given.get(key, MISSING)
            if required or "default" in sub or sub_default is not MISSING:
                self.fields[key] = build(sub, (*loc, key), title=title, required=required,
                                         default=sub_default)
            else:
                self.fields[key] = ToggleField(
                    ctx, (*loc, key), mode="optional", title=title, schema=sub,
                    build=_lazy(build, sub),
                    default=sub_default,
                )
        self.extra: MappingField | None = None
        self._passthrough: dict[str, Any] = {}
        self._closed = extra is False
        leftovers = {k: v for k, v in given.items() if k not in self.fields}
        if isinstance(extra, dict) and extra:
            self.extra = MappingField(ctx, loc, value_schema=extra, build=build,
                                      title="Other entries", default=leftovers)
        elif not self._closed:
            self._passthrough = leftovers
        self._box = W.VBox([f.widget for f in self.fields.values() if f.visible]
                           + ([self.extra.widget] if self.extra else []), layout=ctx.full)

    def control_widget(self) -> W.Widget:
        return self._box

    def children(self) -> list[Field]:
        return list(self.fields.values()) + ([self.extra] if self.extra else [])

    def child(self, key: str | int) -> Field | None:
        if key in self.fields:
            return self.fields[str(key)]
        if self.extra is not None:
            return self.extra.child(key)
        return None

    def get(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self._passthrough)
        for key, f in self.fields.items():
            v = f.get()
            if v is not MISSING:
                out[key] = v
        if self.extra is not None:
            out.update(self.extra.get())
        return out

    def set(self, value: Any) -> None:
        if not isinstance(value, dict):
            raise TypeError(f"{_where(self.loc)} expects an object, got {type(value).__name__}")
        unknown = {k: v for k, v in value.items() if k not in self.fields}
        if unknown and self._closed:
            raise ValueError(f"{_where(self.loc)} takes no keys {sorted(unknown)!r}")
        for key, f in self.fields.items():
            if key in value:
                f.set(value[key])
            elif isinstance(f, ToggleField) and f.mode == "optional":
                f.set(MISSING)
            elif "default" in f.schema:
                # Left out of an answer means "the default", as for pydantic.
                f.set(copy.deepcopy(f.schema["default"]))
        if self.extra is not None:
            self.extra.set(unknown)
        else:
            self._passthrough = unknown


class ArrayField(_Container):
    """An `array`: items with ↑ ↓ ✕ buttons and an Add button (`prefixItems` stay fixed)."""

    kind = "array"

    def __init__(self, ctx: FormContext, loc: Loc, *, items: dict[str, Any] | None,
                 build: ChildBuilder, prefix: list[dict[str, Any]] | None = None,
                 default: Any = MISSING, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        self._build = build
        self.items_schema = items
        self.prefix = prefix or []
        self.min_items = int(self.schema.get("minItems", len(self.prefix)))
        self.max_items = self.schema.get("maxItems")
        self.items: list[Field] = []
        self._row_buttons: list[W.Button] = []
        self._row_boxes: list[W.Box] = []
        self._rows = W.VBox(layout=ctx.full)
        self._add = self.button("+ Add", self.add, tooltip="Add an item")
        self._box = W.VBox([self._rows, self._add], layout=ctx.full)
        start = default if isinstance(default, list) else []
        for v in start:
            self._append(v)
        while len(self.items) < max(self.min_items, len(self.prefix)):
            self._append(MISSING)
        self._refresh()

    def control_widget(self) -> W.Widget:
        return self._box

    def children(self) -> list[Field]:
        return list(self.items)

    def child(self, key: str | int) -> Field | None:
        i = int(key) if isinstance(key, int) or str(key).isdigit() else -1
        return self.items[i] if 0 <= i < len(self.items) else None

    def _schema_at(self, i: int) -> dict[str, Any] | None:
        if i < len(self.prefix):
            return self.prefix[i]
        return self.items_schema

    def _append(self, value: Any) -> Field:
        i = len(self.items)
        sub = self._schema_at(i)
        if sub is None:
            raise ValueError(f"{_where(self.loc)} takes at most {len(self.prefix)} items")
        item = self._build(sub, (*self.loc, i), title=f"{sub.get('title') or 'Item'} {i + 1}",
                           default=value)
        self.items.append(item)
        return item

    def add(self) -> None:
        """Append an item with the item schema's defaults (the Add button)."""
        self._append(MISSING)
        self._refresh()

    def remove(self, index: int) -> None:
        """Remove the item at `index` (its ✕ button)."""
        item = self.items.pop(index)
        self.ctx.forget(item.owned_widgets())
        self._reindex()

    def move(self, index: int, offset: int) -> None:
        """Move the item at `index` up (-1) or down (+1) (its ↑ ↓ buttons)."""
        j = index + offset
        if 0 <= j < len(self.items) and index >= len(self.prefix) and j >= len(self.prefix):
            self.items[index], self.items[j] = self.items[j], self.items[index]
            self._reindex()

    def _reindex(self) -> None:
        for i, item in enumerate(self.items):
            item.relocate((*self.loc, i))
        self._refresh()

    def _refresh(self) -> None:
        self._drop_row_buttons()
        rows: list[W.Widget] = []
        fixed = len(self.prefix)
        can_remove = len(self.items) > self.min_items
        for i, item in enumerate(self.items):
            if i < fixed:
                rows.append(item.widget)
                continue
            buttons = [
                self._row_button("↑", f"Move item {i + 1} up", partial(self.move, i, -1),
                                 i > fixed),
                self._row_button("↓", f"Move item {i + 1} down", partial(self.move, i, 1),
                                 i < len(self.items) - 1),
                self._row_button("✕", f"Remove item {i + 1}", partial(self.remove, i),
                                 can_remove),
            ]
            rows.append(self._row([], item.widget, buttons))
        self._rows.children = rows
        self._close_retired()
        full = self.max_items is not None and len(self.items) >= int(self.max_items)
        self._add.disabled = self.ctx.disabled or full or self.items_schema is None

    def _row_button(self, text: str, tip: str, action: Callable[[], None],
                    enabled: bool) -> W.Button:
        b = self.button(text, action, tooltip=tip)
        b.disabled = self.ctx.disabled or not enabled
        self._row_buttons.append(b)
        return b


    def get(self) -> list[Any]:
        return [item.get() for item in self.items]

    def set(self, value: Any) -> None:
        if not isinstance(value, list | tuple):
            raise TypeError(f"{_where(self.loc)} expects a list, got {type(value).__name__}")
        while len(self.items) > len(value):
            gone = self.items.pop()
            self.ctx.forget(gone.owned_widgets())
        for item, v in zip(self.items, value, strict=False):
            item.set(v)
        for v in value[len(self.items):]:
            # Built from the value, then set: `set` is strict where a default is lenient.
            self._append(v).set(v)
        self._refresh()


class MappingField(_Container):
    """`additionalProperties`: a key/value editor (a `dict[str, T]`)."""

    kind = "mapping"

    def __init__(self, ctx: FormContext, loc: Loc, *, value_schema: dict[str, Any],
                 build: ChildBuilder, default: Any = MISSING, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        self._build = build
        self.value_schema = value_schema
        self.entries: list[tuple[W.Text, Field]] = []
        self._row_buttons: list[W.Button] = []
        self._row_boxes: list[W.Box] = []
        self._rows = W.VBox(layout=ctx.full)
        # Column labels for the key and value inputs of every row.
        self._columns = W.HTML('<div class="hitl-label" style="display:flex;font-weight:600">'
                               '<span style="width:30%">Key</span><span>Value</span></div>',
                               layout=ctx.full)
        self._add = self.button("+ Add entry", lambda: self.add(""), tooltip="Add a key")
        self._box = W.VBox([self._rows, self._add], layout=ctx.full)
        for k, v in (default if isinstance(default, dict) else {}).items():
            self._append(k, v)
        self._refresh()

    def control_widget(self) -> W.Widget:
        return self._box

    def children(self) -> list[Field]:
        return [f for _, f in self.entries]

    def child(self, key: str | int) -> Field | None:
        for text, f in self.entries:
            if text.value == str(key):
                return f
        return None

    def _append(self, key: str, value: Any) -> Field:
        key_input = W.Text(value=key, placeholder="key", layout=W.Layout(width="30%"))
        self.leaf(key_input)
        f = self._build(self.value_schema, (*self.loc, key), title="", default=value)
        self.entries.append((key_input, f))
        # The key is part of the value's loc: keep messages addressed to the key shown.
        key_input.observe(lambda change: f.relocate((*self.loc, str(change["new"]))), "value")
        return f

    def add(self, key: str, value: Any = MISSING) -> None:
        """Add an entry (the "Add entry" button adds an empty key)."""
        self._append(key, value)
        self._refresh()

    def remove(self, index: int) -> None:
        """Remove the entry at `index`."""
        key_input, f = self.entries.pop(index)
        self.ctx.forget([key_input, *f.owned_widgets()])
        self._refresh()

    def _refresh(self) -> None:
        self._drop_row_buttons()
        rows = []
        for i, (key_input, f) in enumerate(self.entries):
            rm = self.button("✕", partial(self.remove, i), tooltip=f"Remove entry {i + 1}")
            self._row_buttons.append(rm)
            rows.append(self._row([key_input], f.widget, [rm]))
        self._rows.children = [self._columns, *rows] if rows else []
        self._close_retired()

    def get(self) -> dict[str, Any]:
        out = {}
        for key_input, f in self.entries:
            v = f.get()
            if v is not MISSING:
                out[str(key_input.value)] = v
        return out

    def set(self, value: Any) -> None:
        if not isinstance(value, dict):
            raise TypeError(f"{_where(self.loc)} expects an object, got {type(value).__name__}")
        for key_input, f in self.entries:
            self.ctx.forget([key_input, *f.owned_widgets()])
        self.entries = []
        for k, v in value.items():
            self._append(k, v).set(v)
        self._refresh()

    def local_errors(self) -> list[tuple[Loc, str]]:
        out = super().local_errors()
        seen: set[str] = set()
        for key_input, _ in self.entries:
            k = str(key_input.value)
            if not k:
                out.append((self.loc, "Every entry needs a key."))
            elif k in seen:
                out.append((self.loc, f"The key {k!r} appears twice."))
            seen.add(k)
        return out
