"""One-line hints that say a field's constraints before the reviewer gets them wrong."""

from __future__ import annotations

from typing import Any

FORMAT_HINTS = {
    "date": "YYYY-MM-DD",
    "date-time": "YYYY-MM-DDTHH:MM:SS, +00:00 optional",
    "time": "HH:MM:SS",
    "email": "name@example.com",
    "uri": "https://example.com/…",
    "uuid": "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx",
    "duration": "P1DT2H",
}
"""Placeholder per string `format`, so the expected shape is visible before typing."""

PICKED_FORMATS = frozenset({"date"})
"""Formats edited with a picker that shows the value in the browser's own format."""


def _unit(count: Any, unit: str) -> str:
    """"1 character", "2 characters": the unit agrees with the count it follows."""
    return unit if count == 1 else unit + "s"


def _range(low: Any, high: Any, unit: str) -> str | None:
    if low is not None and high is not None:
        return (f"{low}–{high} {_unit(high, unit)}" if low != high
                else f"exactly {low} {_unit(low, unit)}")
    if low is not None:
        return f"at least {low} {_unit(low, unit)}"
    if high is not None:
        return f"at most {high} {_unit(high, unit)}"
    return None


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _bounds(schema: dict[str, Any]) -> list[str]:
    """"from 1 to 12", "at least 0", "more than 0 and less than 1" — words, not signs."""
    low, high = schema.get("minimum"), schema.get("maximum")
    if _number(low) and _number(high):
        return [f"from {low} to {high}"]
    words = (("minimum", "at least"), ("exclusiveMinimum", "more than"),
             ("maximum", "at most"), ("exclusiveMaximum", "less than"))
    found = [f"{word} {schema[key]}" for key, word in words if _number(schema.get(key))]
    return [" and ".join(found)] if found else []


def constraint_hint(schema: dict[str, Any]) -> str | None:
    """"2–10 characters · pattern ^[A-Z]+$", "from 0 to 130", "1–3 items", or None."""
    parts: list[str] = []
    if (length := _range(schema.get("minLength"), schema.get("maxLength"), "character")):
        parts.append(length)
    if "pattern" in schema:
        parts.append(f"pattern {schema['pattern']}")
    fmt = schema.get("format")
    # A date is picked in the browser's calendar, which shows the reviewer's own date
    # format: a "YYYY-MM-DD" hint beside "12/11/2026" would contradict it.
    if isinstance(fmt, str) and fmt in FORMAT_HINTS and fmt not in PICKED_FORMATS:
        parts.append(f"{fmt}, like {FORMAT_HINTS[fmt]}")
    parts.extend(_bounds(schema))
    if "multipleOf" in schema:
        parts.append(f"a multiple of {schema['multipleOf']}")
    if (items := _range(schema.get("minItems"), schema.get("maxItems"), "item")):
        parts.append(items)
    return " · ".join(parts) or None
