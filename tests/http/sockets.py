"""The addresses this process really listens on, read from the kernel (Linux ``/proc``).

A server's URL says where it means to listen; this says where its socket is bound, so a test
of "bound to localhost only" checks the socket, not a string.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

__all__ = ["listening_addresses"]


def _own_socket_inodes() -> set[str]:
    inodes = set()
    for fd in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _address(hex_address: str) -> str:
    """``/proc/net/tcp*``'s hex address (host byte order, 32-bit words) as text."""
    raw = bytes.fromhex(hex_address)
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(words))


def listening_addresses(port: int) -> set[str]:
    """The IP addresses of every socket *this process* holds listening on TCP `port`."""
    mine = _own_socket_inodes()
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            host, port_hex = fields[1].split(":")
            if fields[3] == "0A" and int(port_hex, 16) == port and fields[9] in mine:
                found.add(_address(host))
    return found
