"""Local validation with `jsonschema`, reported field by field.

Messages are rewritten for people ("Must be at most 100") and never quote the value itself:
jsonschema's own messages repeat the instance, which for a 1 MB text would be 1 MB of error.
For `anyOf`/`oneOf`, the errors reported are those of the variant the form has selected,
not a list of why every other variant failed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime, time
from typing import Any
from urllib.parse import urlsplit

import jsonschema
from jsonschema.exceptions import ValidationError, best_match
from pydantic import TypeAdapter
from pydantic import ValidationError as PydanticValidationError

from hitl_widgets.forms.fields.base import Field, Loc

FORMATS = jsonschema.FormatChecker(formats=())
"""Format checks that do not depend on optional packages being installed."""


def _date(v: object) -> bool:
    return not isinstance(v, str) or (bool(date.fromisoformat(v)) and len(v) == 10)


# `date-time` and `time` accept what the graph's own validator accepts: pydantic emits a naive
# `datetime` as "2026-11-26T10:00:00" and takes it back, so a form must not refuse it.
_DATE_TIME = TypeAdapter(datetime)
_TIME = TypeAdapter(time)


def _pydantic_accepts(adapter: TypeAdapter[Any], v: object) -> bool:
    if not isinstance(v, str):
        return True
    try:
        adapter.validate_python(v)
    except PydanticValidationError as exc:
        raise ValueError(str(exc)) from None
    return True


def _date_time(v: object) -> bool:
    return _pydantic_accepts(_DATE_TIME, v)


def _time(v: object) -> bool:
    return _pydantic_accepts(_TIME, v)


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(v: object) -> bool:
    return not isinstance(v, str) or bool(_EMAIL.match(v))


def _uri(v: object) -> bool:
    if not isinstance(v, str):
        return True
    parts = urlsplit(v)
    return bool(parts.scheme) and bool(parts.netloc or parts.path) and " " not in v


def _uuid(v: object) -> bool:
    return not isinstance(v, str) or (bool(uuid.UUID(v)) and len(v) == 36)


for _name, _check in (("date", _date), ("date-time", _date_time), ("time", _time),
                      ("email", _email), ("uri", _uri), ("uuid", _uuid)):
    FORMATS.checks(_name, raises=ValueError)(_check)


def make_validator(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    """A validator for `schema` (its `$schema` dialect, else 2020-12) with format checks on."""
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    # No `check_schema` here: checking against the meta-schema costs as much as building a
    # 200-field form. A broken schema is reported when validation trips on it.
    return cls(schema, format_checker=FORMATS)


def _plural(n: Any, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


_MESSAGES: dict[str, Callable[[Any, Any], str]] = {
    "minimum": lambda v, _s: f"Must be at least {v}.",
    "maximum": lambda v, _s: f"Must be at most {v}.",
    "exclusiveMinimum": lambda v, _s: f"Must be greater than {v}.",
    "exclusiveMaximum": lambda v, _s: f"Must be less than {v}.",
    "multipleOf": lambda v, _s: f"Must be a multiple of {v}.",
    "minLength": lambda v, _s: ("Required: must not be empty." if v == 1
                                else f"Must be at least {_plural(v, 'character')}."),
    "maxLength": lambda v, _s: f"Must be at most {_plural(v, 'character')}.",
    "pattern": lambda v, _s: f"Must match the pattern {v}.",
    "format": lambda v, _s: f"Not a valid {v}.",
    "enum": lambda v, _s: "Must be one of: " + ", ".join(map(repr, v)) + ".",
    "const": lambda v, _s: f"Must be {v!r}.",
    "minItems": lambda v, _s: f"Needs at least {_plural(v, 'item')}.",
    "maxItems": lambda v, _s: f"Takes at most {_plural(v, 'item')}.",
    "minProperties": lambda v, _s: f"Needs at least {_plural(v, 'entry')}.",
    "maxProperties": lambda v, _s: f"Takes at most {_plural(v, 'entry')}.",
    "uniqueItems": lambda _v, _s: "Items must all be different.",
    "type": lambda v, _s: "Expected " + (" or ".join(v) if isinstance(v, list) else str(v)) + ".",
}


def message(error: ValidationError) -> tuple[Loc, str]:
    """Where an error belongs (its field's loc) and what to tell the reviewer."""
    loc: Loc = tuple(error.absolute_path)
    if error.validator == "required":
        missing = re.match(r"'(.*)' is a required property", error.message)
        return ((*loc, missing.group(1)) if missing else loc), "Required."
    make = _MESSAGES.get(str(error.validator))
    if make is not None:
        return loc, make(error.validator_value, error.schema)
    text = error.message
    return loc, text if len(text) <= 200 else text[:200] + "…"


def find_field(root: Field, loc: Iterable[str | int]) -> tuple[Field, Loc]:
    """The deepest field along `loc`, and the part of `loc` it could not follow."""
    field = root
    rest = list(loc)
    while rest:
        nxt = field.child(rest[0])
        if nxt is None:
            break
        field = nxt
        rest.pop(0)
    return field, tuple(rest)


def _other_branch(errors: list[ValidationError], depth: int) -> bool:
    """True for a branch the value plainly is not: `null`, or another tag (`const` key)."""
    if len(errors) == 1 and errors[0].validator == "type" and errors[0].validator_value == "null":
        return True
    return any(e.validator in ("const", "enum") and len(e.absolute_path) == depth
               for e in errors)


def _flatten(error: ValidationError, root: Field) -> list[ValidationError]:
    """Errors to report for one top-level error, following the selected union variant."""
    if error.validator not in ("anyOf", "oneOf") or not error.context:
        return [error]
    field, rest = find_field(root, error.absolute_path)
    picked = field.selected_variant() if not rest else None
    if picked is None:
        # No selector (a nullable toggle, a value edited as JSON): ignore the `null` branch and
        # branches whose tag differs; if one branch is left, its errors are the ones to show.
        by_branch: dict[Any, list[ValidationError]] = {}
        for e in error.context:
            by_branch.setdefault(e.relative_schema_path[0] if e.relative_schema_path else None,
                                 []).append(e)
        depth = len(error.absolute_path) + 1
        real = {k: v for k, v in by_branch.items() if not _other_branch(v, depth)}
        if len(real) == 1:
            picked = next(iter(real))
        else:
            return _flatten(best_match(error.context), root)
    mine = [e for e in error.context if e.relative_schema_path and
            e.relative_schema_path[0] == picked]
    if not mine:
        # The selected variant is valid but oneOf matched several: say so plainly.
        return [error]
    out: list[ValidationError] = []
    for e in mine:
        out.extend(_flatten(e, root))
    return out


def schema_errors(validator: jsonschema.protocols.Validator, value: Any,
                  root: Field) -> list[tuple[Loc, str]]:
    """Every schema error of `value`, as (loc, message), de-duplicated, in document order."""
    seen: set[tuple[Loc, str]] = set()
    out: list[tuple[Loc, str]] = []
    try:
        tops = list(validator.iter_errors(value))
    except Exception as exc:  # noqa: BLE001  (a malformed schema can fail in many ways)
        why = f"{type(exc).__name__}: {exc}"
        try:
            type(validator).check_schema(validator.schema)  # type: ignore[arg-type]  # a bool schema is valid too
        except jsonschema.SchemaError as bad:
            why = bad.message
        return [((), f"The interrupt's response_schema is not valid JSON Schema ({why:.200}); "
                     "fix the schema in the graph, or answer with 'Edit as JSON'.")]
    for top in tops:
        for e in _flatten(top, root):
            item = message(e)
            if item not in seen:
                seen.add(item)
                out.append(item)
    return out
