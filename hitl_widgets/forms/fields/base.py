"""The `Field` contract and the per-form build context.

A `Field` is one node of a form: it owns a few stock ipywidgets, reads its answer (`get`),
fills itself from an answer (`set`), and shows messages under its input. Containers
(objects, arrays, unions) hold child fields; `child(key)` walks one step of an error's
`loc`, which is how both JSON Schema errors and server (pydantic) errors land on the right
input.

Every input widget that the browser edits is registered with the `FormContext`, which gives
it the CSS class `hitl-field-<n>` (n unique within one form). The Submit button reads the
DOM value under each of those classes and sends them with the click, so the answer is the
one on screen (see `hitl_widgets.forms.submit`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar, Protocol, TypeVar

import ipywidgets as W

from hitl_widgets.forms import _html
from hitl_widgets.forms.hints import constraint_hint

WidgetT = TypeVar("WidgetT", bound=W.Widget)

Loc = tuple[str | int, ...]
"""Where a field sits in the answer: keys and indexes, as in pydantic's `loc`."""


class Missing:
    """Marker for "no value given" (distinct from `None`, which is a value)."""

    _instance: ClassVar[Missing | None] = None

    def __new__(cls) -> Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Any = Missing()


class ChildBuilder(Protocol):
    """Builds the field for a sub-schema; containers get one so they need not know schemas."""

    def __call__(self, schema: dict[str, Any], loc: Loc, *, title: str,
                 required: bool = False, default: Any = MISSING) -> Field: ...


class FormContext:
    """What every field of one form shares: ids for DOM classes, and shared layouts.

    Layout objects are ipywidgets of their own; building a fresh one for every input roughly
    triples the cost of a 200-field form. Fields therefore share the read-only layouts in
    this context, and a field that changes its own layout (to hide itself) makes its own.
    """

    def __init__(self) -> None:
        self._next_id = 0
        self.leaves: dict[int, W.Widget] = {}
        """Input widgets by DOM id: what the Submit button's snapshot is applied to."""
        self.appliers: dict[int, Callable[[dict[str, Any]], None]] = {}
        """Per DOM id, how a field takes the browser's value (see `submit.apply_snapshot`)."""
        self.disabled = False
        self.full = W.Layout(width="auto")
        self.row = W.Layout(width="auto", margin="0 0 6px 0")
        self.plain = W.Layout()
        self.fieldset = W.Layout(
            width="auto", border="1px solid var(--jp-border-color2,#e0e0e0)",
            padding="4px 8px", margin="0 0 6px 0",
        )
        self.button = W.Layout(width="auto", align_self="flex-start")
        self.grow = W.Layout(flex="1 1 auto")
        self._styles: dict[type, W.Widget] = {}
        self.controls: list[W.Widget] = []
        """Every widget that `disabled` must reach (inputs and buttons)."""

    def make(self, cls: type[WidgetT], **kwargs: Any) -> WidgetT:
        """`cls(**kwargs)` with this form's shared style object (and full-width layout).

        Each stock input creates its own style widget otherwise; sharing one per style class
        halves the cost of a large form. Never change a shared style for one field.
        """
        trait = cls.class_traits().get("style")
        if trait is not None and "style" not in kwargs:
            klass = trait.klass
            if klass not in self._styles:
                self._styles[klass] = klass()
            kwargs["style"] = self._styles[klass]
        kwargs.setdefault("layout", self.full)
        widget: WidgetT = cls(**kwargs)
        return widget

    def shared_widgets(self) -> list[W.Widget]:
        """The layouts and styles this context shares among fields."""
        return [self.full, self.row, self.plain, self.fieldset, self.button, self.grow,
                *self._styles.values()]

    def register(self, widget: W.Widget,
                 apply: Callable[[dict[str, Any]], None] | None = None) -> int:
        """Give an input its `hitl-field-<n>` class and remember it for DOM snapshots.

        `apply` takes the browser's reading of the input (`{"value": str}`,
        `{"checked": bool}` or `{"index": int}`); None means the stock rule for the widget.
        """
        n = self._next_id
        self._next_id += 1
        widget.add_class(f"hitl-field-{n}")
        self.leaves[n] = widget
        if apply is not None:
            self.appliers[n] = apply
        self.control(widget)
        return n

    def control(self, widget: W.Widget) -> W.Widget:
        """Track a widget that the form's `disabled` switch must reach."""
        self.controls.append(widget)
        if self.disabled and hasattr(widget, "disabled"):
            widget.disabled = True
        return widget

    def forget(self, widgets: list[W.Widget]) -> None:
        """Drop widgets of a removed field (an array item that was deleted)."""
        gone = {id(w) for w in widgets}
        dropped = [n for n, w in self.leaves.items() if id(w) in gone]
        for n in dropped:
            del self.leaves[n]
            self.appliers.pop(n, None)
        self.controls = [w for w in self.controls if id(w) not in gone]

    def set_disabled(self, flag: bool) -> None:
        """Enable or disable every input and button of the form."""
        self.disabled = flag
        for widget in self.controls:
            if hasattr(widget, "disabled"):
                widget.disabled = flag


class Field:
    """One node of a form. Subclasses set `kind` and implement `get`/`set`."""

    kind: str = "field"
    """A short name for what the field is ("text", "integer", "object", ...); tests assert on it."""

    def __init__(self, ctx: FormContext, loc: Loc, *, title: str, help_text: str | None = None,
                 required: bool = False, schema: dict[str, Any] | None = None) -> None:
        self.ctx = ctx
        self.loc = loc
        self.title = title
        self.help_text = help_text
        self.required = required
        self.schema: dict[str, Any] = schema or {}
        self.visible = True
        """False for fields that take no space (a `const`)."""
        self._owned: list[W.Widget] = []
        self.dom_ids: list[int] = []
        """The n of this field's own inputs' `hitl-field-<n>` classes (a toggle: its checkbox)."""
        self._frame: W.VBox | None = None
        self._error_box: W.HTML | None = None

    # -- the answer ---------------------------------------------------------------------
    def get(self) -> Any:
        """The answer this field gives now."""
        raise NotImplementedError

    def set(self, value: Any) -> None:
        """Fill the field from an answer."""
        raise NotImplementedError

    @property
    def value(self) -> Any:
        """The answer this field gives now (`get`)."""
        return self.get()

    @value.setter
    def value(self, value: Any) -> None:
        self.set(value)

    # -- the tree -----------------------------------------------------------------------
    def children(self) -> list[Field]:
        """The child fields in use now (the selected variant only, for a union)."""
        return []

    def child(self, key: str | int) -> Field | None:
        """The child that answers `key` of an error's `loc`, if any."""
        return None

    def walk(self) -> Iterator[Field]:
        """This field and every field under it, depth first."""
        yield self
        for c in self.children():
            yield from c.walk()

    def local_errors(self) -> list[tuple[Loc, str]]:
        """Errors the field knows without a schema (unparsable JSON), for this subtree."""
        out: list[tuple[Loc, str]] = []
        for c in self.children():
            out.extend(c.local_errors())
        return out

    def selected_variant(self) -> int | None:
        """For union fields: the index of the `anyOf`/`oneOf` branch in use."""
        return None

    # -- the widgets --------------------------------------------------------------------
    @property
    def widget(self) -> W.Widget:
        """The whole field: label, help, input and messages."""
        if self._frame is None:
            self._frame = self._make_frame()
        return self._frame

    def control_widget(self) -> W.Widget:
        """The input part, without label (containers return their box)."""
        raise NotImplementedError

    def _make_frame(self) -> W.VBox:
        hint = constraint_hint(self.schema)
        if not self.title and not self.help_text and not hint:
            # Inside a toggle or a mapping row the label is already shown by the parent.
            return W.VBox([self.control_widget()], layout=self.ctx.full)
        header = self.ctx.make(W.HTML, value=_html.label_html(
            self.title, self.help_text, required=self.required, hint=hint))
        return W.VBox([header, self.control_widget()], layout=self.ctx.row)

    def show_errors(self, messages: list[str]) -> None:
        """Show `messages` under the input (replacing earlier ones); [] clears."""
        frame = self.widget
        if not isinstance(frame, W.Box):
            return
        if not messages:
            if self._error_box is not None:
                frame.children = tuple(c for c in frame.children if c is not self._error_box)
                self._error_box = None
            return
        html = _html.errors_html(messages)
        if self._error_box is None:
            self._error_box = W.HTML(html, layout=self.ctx.full)
            frame.children = (*frame.children, self._error_box)
        else:
            self._error_box.value = html

    def leaf(self, widget: W.Widget,
             apply: Callable[[dict[str, Any]], None] | None = None) -> W.Widget:
        """Register an input of this field (DOM class, disabled switch, DOM applier)."""
        self.dom_ids.append(self.ctx.register(widget, apply))
        self._owned.append(widget)
        return widget

    def button(self, description: str, on_click: Callable[[], None], *,
               tooltip: str = "") -> W.Button:
        """A small button that belongs to this field (add, remove, move)."""
        b = W.Button(description=description, tooltip=tooltip or description,
                     layout=self.ctx.button)
        b.on_click(lambda _b: on_click())
        self.ctx.control(b)
        self._owned.append(b)
        return b

    def made_widgets(self) -> list[W.Widget]:
        """The widgets this field has built so far (never builds one), for closing."""
        made = [self._frame, self._error_box, *self._owned]
        return [w for w in made if w is not None]

    def relocate(self, loc: Loc) -> None:
        """Move this subtree to `loc` (an array item that was moved or re-indexed)."""
        old = self.loc
        for f in self.walk():
            f.loc = loc + f.loc[len(old):]

    def owned_widgets(self) -> list[W.Widget]:
        """Inputs and buttons of this subtree (to forget them when the field is removed)."""
        out = list(self._owned)
        for c in self.children():
            out.extend(c.owned_widgets())
        return out
