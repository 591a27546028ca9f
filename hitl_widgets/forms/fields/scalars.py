"""Leaf fields: strings, numbers, booleans, choices and constants.

Inputs never clamp or coerce silently: a `BoundedIntText` would turn 120 into 100 behind the
reviewer's back, so bounds are checked by validation and reported on the field instead.
"""

from __future__ import annotations

import json
import math
from typing import Any

import ipywidgets as W

from hitl_widgets.forms.fields.base import MISSING, Field, FormContext, Loc
from hitl_widgets.forms.hints import FORMAT_HINTS

MULTILINE_AT = 80
"""Strings longer than this (or with a newline) get a text area instead of a one-line input."""


def _type_error(loc: Loc, expected: str, value: Any) -> TypeError:
    where = ".".join(str(p) for p in loc) or "the answer"
    return TypeError(f"{where} expects {expected}, got {type(value).__name__} {value!r:.60}")


class StringField(Field):
    """A string: one-line `Text`, or `Textarea` for long or multi-line text."""

    kind = "text"

    def __init__(self, ctx: FormContext, loc: Loc, *, default: Any = MISSING,
                 multiline: bool | None = None, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        initial = default if isinstance(default, str) else ""
        if multiline is None:
            multiline = self.schema.get("format") == "textarea" or ((
                "\n" in initial or len(initial) > MULTILINE_AT
            ) and self.schema.get("maxLength", MULTILINE_AT + 1) > MULTILINE_AT)
        hint = FORMAT_HINTS.get(str(self.schema.get("format", "")), "")
        cls = W.Textarea if multiline else W.Text
        self.input: W.Text | W.Textarea = ctx.make(cls, value=initial, placeholder=hint)
        if multiline:
            self.kind = "textarea"
        self.leaf(self.input, self._apply)

    def control_widget(self) -> W.Widget:
        return self.input

    def get(self) -> str:
        return str(self.input.value)

    def set(self, value: Any) -> None:
        if not isinstance(value, str):
            raise _type_error(self.loc, "a string", value)
        if ("\n" in value or "\r" in value) and isinstance(self.input, W.Text):
            self._become_textarea()
        self.input.value = value

    def _apply(self, dom: dict[str, Any]) -> None:
        if "value" not in dom:
            return
        shown = str(dom["value"])
        # Browsers normalise line breaks in a <textarea> to "\n": the same text on screen
        # must not turn a proposal's "\r\n" into an edit.
        if shown != _browser_text(self.input.value):
            self.input.value = shown

    def _become_textarea(self) -> None:
        # A one-line <input> drops newlines on screen; what is shown must be what is sent.
        old = self.input
        self.input = self.ctx.make(W.Textarea, value=old.value, placeholder=old.placeholder,
                                   disabled=old.disabled)
        self.kind = "textarea"
        self.ctx.forget([old])
        self._owned.remove(old)
        self.leaf(self.input, self._apply)
        if self._frame is not None:
            self._frame.children = tuple(self.input if c is old else c
                                         for c in self._frame.children)
        old.close()


class IntegerField(Field):
    """An `integer`: `IntText`, always an `int` in the answer."""

    kind = "integer"

    def __init__(self, ctx: FormContext, loc: Loc, *, default: Any = MISSING, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        self.input: W.IntText | W.Text
        if isinstance(default, int) and not isinstance(default, bool):
            self.input = ctx.make(W.IntText, value=default)
        elif self.required:
            # Nothing proposed: the box starts empty (a 0 would look like an answer).
            self.input = ctx.make(W.Text, value="", placeholder="a whole number")
        else:
            self.input = ctx.make(W.IntText, value=_lowest_integer(self.schema))
        self._bad_input: str | None = None
        self.leaf(self.input, self._apply)

    def control_widget(self) -> W.Widget:
        return self.input

    def get(self) -> Any:
        if isinstance(self.input, W.IntText):
            return int(self.input.value)
        return _parse(self.input.value, whole=True)

    def set(self, value: Any) -> None:
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise _type_error(self.loc, "an integer", value)
        self._bad_input = None
        self.input.value = value if isinstance(self.input, W.IntText) else str(value)

    def _apply(self, dom: dict[str, Any]) -> None:
        if not isinstance(self.input, W.IntText):
            if "value" in dom and str(dom["value"]) != self.input.value:
                self.input.value = str(dom["value"])
            return
        text = str(dom.get("value", "")).strip()
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number) or not number.is_integer():
            self._bad_input = f"Enter a whole number (the box shows {text!r})."
            return
        self._bad_input = None
        shown = int(text) if text.lstrip("+-").isdigit() else int(number)
        current = int(self.input.value)  # an IntText here
        # Beyond 2**53 the browser shows the nearest double; that rounding is not an edit.
        if abs(current) > 2**53 and float(shown) == float(current):
            return
        self.input.value = shown

    def local_errors(self) -> list[tuple[Loc, str]]:
        return _text_errors(self.loc, self.input, self._bad_input, whole=True)


class NumberField(Field):
    """A `number`: `FloatText`. An integral value that was given as an int reads back as one."""

    kind = "number"

    def __init__(self, ctx: FormContext, loc: Loc, *, default: Any = MISSING, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        self.input: W.FloatText | W.Text
        if not _is_number(default) and self.required:
            # Nothing proposed: the box starts empty (a 0 would look like an answer).
            self._int_like = False
            self.input = ctx.make(W.Text, value="", placeholder="a number")
        else:
            number = default if _is_number(default) else _lowest_integer(self.schema)
            self._int_like = isinstance(number, int)
            self.input = ctx.make(W.FloatText, value=float(number))
        self._bad_input: str | None = None
        self.leaf(self.input, self._apply)

    def control_widget(self) -> W.Widget:
        return self.input

    def get(self) -> Any:
        if not isinstance(self.input, W.FloatText):
            return _parse(self.input.value, whole=False)
        v = float(self.input.value)
        # `{"type": "number"}` accepts 3; sending back 3.0 for a proposed 3 would be a change.
        return int(v) if self._int_like and v.is_integer() else v

    def set(self, value: Any) -> None:
        if not _is_number(value):
            raise _type_error(self.loc, "a number", value)
        self._bad_input = None
        self._int_like = isinstance(value, int)
        if isinstance(self.input, W.FloatText):
            self.input.value = float(value)
        else:
            self.input.value = str(value)

    def _apply(self, dom: dict[str, Any]) -> None:
        if not isinstance(self.input, W.FloatText):
            if "value" in dom and str(dom["value"]) != self.input.value:
                self.input.value = str(dom["value"])
            return
        text = str(dom.get("value", "")).strip()
        try:
            number = float(text)
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self._bad_input = f"Enter a number (the box shows {text!r})."
            return
        self._bad_input = None
        if number != self.input.value:
            # Typed "4" over a proposed 3 stays an int; "4.0" or "4.5" is a float.
            self._int_like = text.lstrip("+-").isdigit()
            self.input.value = number

    def local_errors(self) -> list[tuple[Loc, str]]:
        return _text_errors(self.loc, self.input, self._bad_input, whole=False)


class BooleanField(Field):
    """A `boolean`: a `Checkbox`."""

    kind = "boolean"

    def __init__(self, ctx: FormContext, loc: Loc, *, default: Any = MISSING, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        self.input = ctx.make(W.Checkbox, value=default is True, indent=False, layout=ctx.plain)
        self.leaf(self.input, self._apply)

    def control_widget(self) -> W.Widget:
        return self.input

    def get(self) -> bool:
        return bool(self.input.value)

    def set(self, value: Any) -> None:
        if not isinstance(value, bool):
            raise _type_error(self.loc, "true or false", value)
        self.input.value = value

    def _apply(self, dom: dict[str, Any]) -> None:
        if "checked" in dom:
            self.input.value = bool(dom["checked"])


class ChoiceField(Field):
    """An `enum` (or `Literal`): a `Dropdown` over the allowed values, of any JSON type."""

    kind = "choice"

    def __init__(self, ctx: FormContext, loc: Loc, *, options: list[Any],
                 default: Any = MISSING, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        self.options = list(options)
        labels = [o if isinstance(o, str) else json.dumps(o) for o in self.options]
        index = self._index(default) if default is not MISSING else None
        if index is None and not self.required:
            index = 0
        # Nothing proposed for a required choice: no option is picked (the first one would
        # look like an answer, and a reviewer who only ticks a box would send it).
        self.input = ctx.make(W.Dropdown, options=list(zip(labels, range(len(labels)),
                                                           strict=True)),
                              value=index)
        self.leaf(self.input, self._apply)

    def _index(self, value: Any) -> int | None:
        # Type-strict: enum [1, true] must not confuse True with 1.
        for i, o in enumerate(self.options):
            if type(o) is type(value) and o == value:
                return i
        return None

    def control_widget(self) -> W.Widget:
        return self.input

    def get(self) -> Any:
        if self.input.value is None:
            return MISSING  # reported as required until an option is picked
        return self.options[int(self.input.value)]

    def set(self, value: Any) -> None:
        index = self._index(value)
        if index is None:
            where = ".".join(str(p) for p in self.loc) or "the answer"
            raise ValueError(f"{where} must be one of {self.options!r}, got {value!r}")
        self.input.value = index

    def _apply(self, dom: dict[str, Any]) -> None:
        index = dom.get("index")
        if isinstance(index, int) and 0 <= index < len(self.options):
            self.input.value = index


class ConstField(Field):
    """A `const`: fixed, not shown (a discriminator tag, a `Literal` of one value)."""

    kind = "const"

    def __init__(self, ctx: FormContext, loc: Loc, *, const: Any, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        self.const = const
        self.visible = False
        self._box = W.Box(layout=W.Layout(display="none"))

    @property
    def widget(self) -> W.Widget:
        return self._box

    def control_widget(self) -> W.Widget:
        return self._box

    def get(self) -> Any:
        return self.const

    def set(self, value: Any) -> None:
        if value != self.const:
            where = ".".join(str(p) for p in self.loc) or "the answer"
            raise ValueError(f"{where} is fixed to {self.const!r}, got {value!r}")


def _browser_text(text: str) -> str:
    """`text` as a browser's text box reports it (line breaks as "\n")."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _parse(text: str, *, whole: bool) -> Any:
    """A number typed in an empty-started box: an int (or float), MISSING while blank or
    not a number (reported by `_text_errors`)."""
    text = text.strip()
    if not text:
        return MISSING
    try:
        number = float(text)
    except ValueError:
        return MISSING
    if not math.isfinite(number):
        return MISSING
    if text.lstrip("+-").isdigit():
        return int(text)
    if whole:
        return int(number) if number.is_integer() else MISSING
    return number


def _text_errors(loc: Loc, box: W.Widget, bad: str | None, *,
                 whole: bool) -> list[tuple[Loc, str]]:
    if bad:
        return [(loc, bad)]
    if isinstance(box, W.Text) and box.value.strip() and _parse(box.value, whole=whole) is MISSING:
        kind = "a whole number" if whole else "a number"
        return [(loc, f"Enter {kind} (the box shows {box.value.strip()!r}).")]
    return []


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and (
        not isinstance(value, float) or math.isfinite(value)
    )


def _lowest_integer(schema: dict[str, Any]) -> int:
    """A starting number that respects a positive lower bound (0 otherwise)."""
    low = schema.get("minimum")
    if isinstance(low, int | float) and not isinstance(low, bool) and 0 < low < math.inf:
        return math.ceil(low)
    low = schema.get("exclusiveMinimum")
    if isinstance(low, int | float) and not isinstance(low, bool) and 0 <= low < math.inf:
        return math.floor(low) + 1
    return 0
