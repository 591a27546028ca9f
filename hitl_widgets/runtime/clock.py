"""Timestamps in the server's format (ISO 8601, UTC, with offset)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

__all__ = ["now"]

_second: tuple[int, str] = (0, "")
"""The last whole second formatted, and its text: a run stamps its records several times
within one second, and formatting a datetime each time was a visible part of its cost."""


def now() -> str:
    """The current time as the server writes it: ``2026-11-26T09:08:24.123456+00:00``.

    Always with six digits of microseconds (``datetime.isoformat`` drops them when they are
    zero), so the text sorts as the time does.
    """
    global _second
    t = time.time()
    whole = int(t)
    if whole != _second[0]:
        _second = (whole, datetime.fromtimestamp(whole, UTC).strftime("%Y-%m-%dT%H:%M:%S"))
    return f"{_second[1]}.{int((t - whole) * 1_000_000):06d}+00:00"
