"""Fresh ids in the server's format: random (version 4) UUIDs, as text."""

from __future__ import annotations

import os

__all__ = ["new_id"]


def new_id() -> str:
    """A random UUID (RFC 4122 version 4) as ``8-4-4-4-12`` hex text.

    The same ids as ``str(uuid.uuid4())`` from the same source (``os.urandom``), made in a
    third of the time: a run makes several, and ``UUID.__str__`` formats in Python.
    """
    raw = bytearray(os.urandom(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC 4122 variant
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"
