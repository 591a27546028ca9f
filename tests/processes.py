"""Helpers for the servers tests start: a free port, a log's tail, stopping a process group."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

__all__ = ["free_port", "stop_group", "tail"]


def free_port() -> int:
    """A port nobody listens on right now (the OS picks it; we release it for the server)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def tail(log: Path, lines: int = 40) -> str:
    """The last lines of a server's log, for a failure message."""
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "<no log>"


def stop_group(proc: subprocess.Popen[bytes], grace: float = 10) -> None:
    """Stop a process started with ``start_new_session=True`` and everything it spawned:
    SIGTERM to its group, SIGKILL after ``grace`` seconds."""
    if proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    except ProcessLookupError:
        pass
