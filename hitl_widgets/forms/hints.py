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


def _range(low: Any, high: Any, unit: str) -> str | None:
    if low is not None and high is not None:
        return f"{low}–{high} {unit}" if low != high else f"exactly {low} {unit}"
    if low is not None:
        return f"at least {low} {unit}"
    if high is not None:
        return f"at most {high} {unit}"
    return None


def constraint_hint(schema: dict[str, Any]) -> str | None:
    """"2–10 characters · pattern ^[A-Z]+$", "≥ 0 · ≤ 130", "1–3 items", or None."""
    parts: list[str] = []
    if (length := _range(schema.get("minLength"), schema.get("maxLength"), "characters")):
        parts.append(length)
    if "pattern" in schema:
        parts.append(f"pattern {schema['pattern']}")
    fmt = schema.get("format")
    if isinstance(fmt, str) and fmt in FORMAT_HINTS:
        parts.append(f"{fmt}, like {FORMAT_HINTS[fmt]}")
    for key, sign in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"),
                      ("exclusiveMaximum", "<")):
        if key in schema and not isinstance(schema[key], bool):
            parts.append(f"{sign} {schema[key]}")
    if "multipleOf" in schema:
        parts.append(f"multiple of {schema['multipleOf']}")
    if (items := _range(schema.get("minItems"), schema.get("maxItems"), "items")):
        parts.append(items)
    return " · ".join(parts) or None
