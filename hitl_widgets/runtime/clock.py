"""Timestamps in the server's format (ISO 8601, UTC, with offset)."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["now"]


def now() -> str:
    """The current time as the server writes it: ``2026-11-26T09:08:24.123456+00:00``."""
    return datetime.now(UTC).isoformat()
