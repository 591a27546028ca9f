"""Fields that choose: nullable / optional toggles, and `anyOf` / `oneOf` variant selectors.

Both build their inner fields lazily, on first use. That is what keeps a recursive model
(`children: list[Node] | None`) from building forever: a level is built only when the
reviewer (or a value) asks for it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any, Literal

import ipywidgets as W

from hitl_widgets.forms.fields.base import MISSING, Field, FormContext, Loc


class ToggleField(Field):
    """`mode="nullable"`: a "None" checkbox over the field (`anyOf [T, null]`).
    `mode="optional"`: an "Include" checkbox; left out, the key is absent from the answer.
    """

    kind = "nullable"

    def __init__(self, ctx: FormContext, loc: Loc, *, mode: Literal["nullable", "optional"],
                 build: Callable[[Loc], Field], default: Any = MISSING, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        self.mode = mode
        self.kind = mode
        self._build = build
        self.inner: Field | None = None
        if mode == "nullable":
            on = default is not None and default is not MISSING
            self.toggle = W.Checkbox(value=not on, description="None", indent=False,
                                     layout=ctx.plain)
        else:
            on = default is not MISSING
            self.toggle = W.Checkbox(value=on, description="Include", indent=False,
                                     layout=ctx.plain)
        self.leaf(self.toggle, self._apply)
        self._slot = W.VBox(layout=ctx.full)
        if on:
            # A default of the wrong type is ignored: the inner field keeps its own start.
            with contextlib.suppress(TypeError, ValueError):
                self._ensure_inner().set(default)
        self._sync()
        self.toggle.observe(lambda _c: self._sync(), "value")

    @property
    def on(self) -> bool:
        """True when the field holds a value (not None / not left out)."""
        return bool(self.toggle.value) != (self.mode == "nullable")

    def _ensure_inner(self) -> Field:
        if self.inner is None:
            self.inner = self._build(self.loc)
            if self.ctx.disabled:
                for w in self.inner.owned_widgets():
                    if hasattr(w, "disabled"):
                        w.disabled = True
        return self.inner

    def _sync(self) -> None:
        self._slot.children = (self._ensure_inner().widget,) if self.on else ()

    def control_widget(self) -> W.Widget:
        return W.VBox([self.toggle, self._slot], layout=self.ctx.full)

    def children(self) -> list[Field]:
        return [self.inner] if self.on and self.inner is not None else []

    def child(self, key: str | int) -> Field | None:
        return self.inner.child(key) if self.on and self.inner is not None else None

    def get(self) -> Any:
        if not self.on:
            return None if self.mode == "nullable" else MISSING
        return self._ensure_inner().get()

    def set(self, value: Any) -> None:
        off = value is None if self.mode == "nullable" else value is MISSING
        if not off:
            self._ensure_inner().set(value)
        self.toggle.value = off if self.mode == "nullable" else not off

    def _apply(self, dom: dict[str, Any]) -> None:
        if "checked" in dom:
            self.toggle.value = bool(dom["checked"])


Variant = tuple[str, dict[str, Any], Any]
"""One branch: its label, its (top-level resolved) schema, and its tag (or MISSING)."""


class UnionField(Field):
    """`anyOf` / `oneOf`: a variant selector, and the selected variant's field under it.

    With a `discriminator`, the variant of a value is the one its tag names (as pydantic
    picks it); otherwise the first variant the value is valid against.
    """

    kind = "union"

    def __init__(self, ctx: FormContext, loc: Loc, *, variants: list[Variant],
                 build: Callable[[dict[str, Any], Loc, Any], Field],
                 matches: Callable[[dict[str, Any], Any], bool],
                 tag_key: str | None = None, default: Any = MISSING, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        self.variants = variants
        self.tag_key = tag_key
        self._build = build
        self._matches = matches
        self.built: dict[int, Field] = {}
        self.seeds: dict[int, Any] = {}
        """Per variant, the value it starts from when first built (default: its schema's)."""
        self.selector = W.Dropdown(options=[(label, i) for i, (label, _, _) in
                                            enumerate(variants)], value=0, layout=ctx.full)
        self.leaf(self.selector, self._apply)
        self._slot = W.VBox(layout=ctx.full)
        start = 0
        if default is not MISSING:
            try:
                start = self.variant_for(default)
            except ValueError:
                default = MISSING  # a default that fits no variant: start from the first
        self.selector.value = start
        self._ensure(start, default)
        self._sync()
        self.selector.observe(lambda _c: self._sync(), "value")

    def variant_for(self, value: Any) -> int:
        """The index of the variant that `value` belongs to."""
        if self.tag_key is not None and isinstance(value, dict) and self.tag_key in value:
            for i, (_, _, tag) in enumerate(self.variants):
                if tag is not MISSING and tag == value[self.tag_key]:
                    return i
        for i, (_, schema, _) in enumerate(self.variants):
            if self._matches(schema, value):
                return i
        raise ValueError(f"{'.'.join(map(str, self.loc)) or 'the answer'}: {value!r:.80} "
                         f"fits none of {[v[0] for v in self.variants]}")

    def _ensure(self, index: int, value: Any = MISSING, *, strict: bool = False) -> Field:
        f = self.built.get(index)
        if f is None:
            _, schema, _ = self.variants[index]
            start = self.seeds.get(index, MISSING) if value is MISSING else value
            f = self.built[index] = self._build(schema, self.loc, start)
            if strict and value is not MISSING:
                f.set(value)
            if self.ctx.disabled:
                for w in f.owned_widgets():
                    if hasattr(w, "disabled"):
                        w.disabled = True
        elif value is not MISSING:
            f.set(value)
        return f

    @property
    def active(self) -> Field:
        """The selected variant's field."""
        return self._ensure(int(self.selector.value))

    def _sync(self) -> None:
        self._slot.children = (self.active.widget,)

    def selected_variant(self) -> int:
        return int(self.selector.value)

    def control_widget(self) -> W.Widget:
        return W.VBox([self.selector, self._slot], layout=self.ctx.full)

    def children(self) -> list[Field]:
        return [self.active]

    def child(self, key: str | int) -> Field | None:
        found = self.active.child(key)
        if found is not None:
            return found
        # pydantic puts the branch in the loc (the tag, or the variant's name): skip it.
        label, _, tag = self.variants[self.selected_variant()]
        if key in (label, tag) or (isinstance(key, str) and key.lower() == label.lower()):
            return self.active
        return None

    def get(self) -> Any:
        return self.active.get()

    def set(self, value: Any) -> None:
        index = self.variant_for(value)
        self._ensure(index, value, strict=True)
        self.selector.value = index

    def _apply(self, dom: dict[str, Any]) -> None:
        index = dom.get("index")
        if isinstance(index, int) and 0 <= index < len(self.variants):
            self.selector.value = index
