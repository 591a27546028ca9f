"""Reviewer ana's kernel, as a process of its own: asks, then answers with a slow action.

``python -m tests.runtime.lease_worker STORE LOG LEASE_SECONDS PAUSE [--foreign-pid]``

Prints one JSON line per step (``asked``, ``resuming``, ``ended``). With ``--foreign-pid``
it runs as PID 1 of a fresh PID namespace (``unshare --pid --fork``) and forks until it has
a process id that no process on the host has — as a kernel on another machine would.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any


def _say(**line: Any) -> None:
    print(json.dumps(line), flush=True)


def main(store: str, log: str, lease: str, pause: str) -> None:
    from hitl_widgets import get_sync_client
    from tests.runtime.lease_graphs import GRAPHS

    client = get_sync_client(graphs=GRAPHS, checkpointer=store, reviewer="ana",
                             lease_seconds=float(lease))
    tid = client.threads.create()["thread_id"]
    client.runs.wait(tid, "act", input={"item": "invoice 7", "log": log})
    _say(step="asked", tid=tid, pid=os.getpid())
    _say(step="resuming", tid=tid, pid=os.getpid())
    try:
        result = client.runs.wait(tid, "act", command={"resume": {"by": "ana",
                                                                  "pause": float(pause)}})
    except Exception as error:  # noqa: BLE001 - what ana's kernel was told, for the test
        _say(step="ended", error=f"{type(error).__name__}: {error}")
    else:
        _say(step="ended", result=result)


def with_foreign_pid(args: list[str]) -> None:
    """As PID 1 of a new namespace: fork until the child's id is free on the host (this
    namespace still sees the host's /proc), and let that child be the kernel."""
    while True:
        child = os.fork()
        if child == 0:
            if os.path.exists(f"/proc/{os.getpid()}"):
                os._exit(3)  # a host process has this id: try the next one
            main(*args)
            os._exit(0)
        _, status = os.waitpid(child, 0)
        if os.waitstatus_to_exitcode(status) != 3:
            sys.exit(os.waitstatus_to_exitcode(status))


if __name__ == "__main__":
    if sys.argv[-1] == "--foreign-pid":
        with_foreign_pid(sys.argv[1:-1])
    else:
        main(*sys.argv[1:])
