"""Answered once across machines: a kernel's runs live by its lease, never by a process id.

Real processes on a real SQLite file and a real PostgreSQL database. Reviewer ana's kernel
(``lease_worker``) answers with a slow action while reviewer bob's client, in this process,
watches the same store. ``unshare --pid --fork`` gives ana's kernel a process id of another
PID namespace, as a kernel on another host has.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk.errors import ConflictError

from hitl_widgets import decisions, get_sync_client
from tests.runtime.lease_graphs import GRAPHS

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgres":
        url: str = request.getfixturevalue("postgres_db")
        return url
    return str(tmp_path / "team.sqlite")


class Kernel:
    """Ana's kernel: a process printing one JSON line per step."""

    def __init__(self, argv: list[str]) -> None:
        self.proc = subprocess.Popen(argv, cwd=ROOT, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)

    def step(self, name: str) -> dict[str, Any]:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            said = json.loads(line)
            if said["step"] == name:
                return dict(said)
        raise AssertionError(f"ana's kernel ended before {name!r}: {self.stderr()}")

    def stderr(self) -> str:
        return self.proc.stderr.read() if self.proc.stderr else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)


@pytest.fixture
def kernels() -> Iterator[list[Kernel]]:
    started: list[Kernel] = []
    yield started
    for kernel in started:
        kernel.stop()


def _ana(kernels: list[Kernel], store: str, log: Path, *, lease: float, pause: float,
         namespace: str | None = None) -> Kernel:
    argv = [sys.executable, "-m", "tests.runtime.lease_worker", store, str(log), str(lease),
            str(pause)]
    if namespace == "foreign-pid":
        argv = ["unshare", "--pid", "--fork", "--kill-child=SIGKILL", *argv, "--foreign-pid"]
    elif namespace == "pid-1":
        argv = ["unshare", "--pid", "--fork", "--kill-child=SIGKILL", *argv]
    kernel = Kernel(argv)
    kernels.append(kernel)
    return kernel


def _claimed_by_ana(bob: Any, tid: str) -> dict[str, Any]:
    """Ana's decision on the thread, once her run has claimed it."""
    for _ in range(600):
        log = decisions(bob, thread_id=tid)
        if log and log[-1]["reviewer"] == "ana":
            return dict(log[-1])
        time.sleep(0.05)
    raise AssertionError(f"ana never claimed thread {tid}")


def _released(bob: Any, tid: str, within: float) -> float:
    """Seconds until ana's decision is released, polling the log only (no thread read, no
    new client): bob's heartbeat must do it."""
    start = time.monotonic()
    while time.monotonic() - start < within:
        if decisions(bob, thread_id=tid)[-1]["outcome"] == "error":
            return time.monotonic() - start
        time.sleep(0.1)
    raise AssertionError(f"ana's claim on {tid} was not released within {within} s")


def test_a_live_kernel_with_a_pid_unknown_here_is_never_declared_dead(
        store: str, tmp_path: Path, kernels: list[Kernel]) -> None:
    log = tmp_path / "actions.log"
    ana = _ana(kernels, store, log, lease=2, pause=6, namespace="foreign-pid")
    asked = ana.step("asked")
    assert not Path(f"/proc/{asked['pid']}").exists()  # no process here has ana's id
    tid = asked["tid"]
    ana.step("resuming")
    with get_sync_client(graphs=GRAPHS, checkpointer=store, reviewer="bob",
                         lease_seconds=2) as bob:
        claim = _claimed_by_ana(bob, tid)
        time.sleep(3)  # longer than ana's lease: only her heartbeat keeps it
        iid = claim["interrupt_id"]
        with pytest.raises(ConflictError, match="already answered by ana") as refused:
            bob.runs.wait(tid, "act", command={"resume": {iid: {"by": "bob"}}})
        assert "Nothing was applied" in str(refused.value)
        ended = ana.step("ended")
        assert ended.get("result") == {"item": "invoice 7", "log": str(log), "verdict": "ana"}
        assert log.read_text().splitlines() == ["ana"]  # the action ran once
        assert [(d["reviewer"], d["outcome"]) for d in decisions(bob, thread_id=tid)] == [
            ("ana", "resumed")]
        assert bob.threads.get_state(tid)["values"]["verdict"] == "ana"


def test_a_killed_kernel_whose_pid_exists_here_is_released_after_its_lease(
        store: str, tmp_path: Path, kernels: list[Kernel]) -> None:
    log = tmp_path / "actions.log"
    ana = _ana(kernels, store, log, lease=2, pause=60, namespace="pid-1")
    asked = ana.step("asked")
    assert asked["pid"] == 1 and Path("/proc/1").exists()  # the host has a process 1
    tid = asked["tid"]
    ana.step("resuming")
    with get_sync_client(graphs=GRAPHS, checkpointer=store, reviewer="bob",
                         lease_seconds=2) as bob:
        iid = _claimed_by_ana(bob, tid)["interrupt_id"]
        ana.proc.send_signal(signal.SIGKILL)  # unshare's child goes with it (--kill-child)
        ana.proc.wait(timeout=30)
        _released(bob, tid, within=30)
        released = decisions(bob, thread_id=tid)[-1]
        assert "released: reviewer ana's kernel on host" in released["error"]
        assert "(pid 1) stopped while running run" in released["error"]
        thread = bob.threads.get(tid)
        assert thread["status"] == "interrupted"
        assert "is open again" in thread["error"]["message"]
        assert bob.runs.wait(tid, "act", command={"resume": {iid: {"by": "bob"}}})[
            "verdict"] == "bob"
        assert log.read_text().splitlines() == ["bob"]


def test_a_sigkilled_holder_frees_its_items_within_30_s_with_nobody_opening_a_client(
        store: str, tmp_path: Path, kernels: list[Kernel]) -> None:
    log = tmp_path / "actions.log"
    ana = _ana(kernels, store, log, lease=15, pause=60)  # the default lease
    tid = ana.step("asked")["tid"]
    ana.step("resuming")
    with get_sync_client(graphs=GRAPHS, checkpointer=store, reviewer="bob") as bob:
        _claimed_by_ana(bob, tid)
        assert [t["thread_id"] for t in bob.threads.search(status="busy")] == [tid]
        os.kill(ana.proc.pid, signal.SIGKILL)
        _released(bob, tid, within=30)
        # Counted as pending again, by the same client that watched it.
        assert [t["thread_id"] for t in bob.threads.search(status="interrupted")] == [tid]
        assert bob.threads.search(status="busy") == []


def test_a_paused_kernel_cannot_commit_after_its_lease_lapsed(
        store: str, tmp_path: Path, kernels: list[Kernel]) -> None:
    log = tmp_path / "actions.log"
    ana = _ana(kernels, store, log, lease=2, pause=4)
    tid = ana.step("asked")["tid"]
    ana.step("resuming")
    with get_sync_client(graphs=GRAPHS, checkpointer=store, reviewer="bob",
                         lease_seconds=2) as bob:
        iid = _claimed_by_ana(bob, tid)["interrupt_id"]
        time.sleep(0.5)  # ana's action is under way (it pauses 4 s)
        os.kill(ana.proc.pid, signal.SIGSTOP)
        try:
            _released(bob, tid, within=30)
            assert bob.runs.wait(tid, "act", command={"resume": {iid: {"by": "bob"}}})[
                "verdict"] == "bob"
        finally:
            os.kill(ana.proc.pid, signal.SIGCONT)
        ended = ana.step("ended")
        assert "ConflictError" in ended["error"] and "lease on the store lapsed" in ended["error"]
        # Ana's action had begun (its side effect happened, as the release said it might),
        # but nothing of her run was committed: the state and its history are bob's.
        assert sorted(log.read_text().splitlines()) == ["ana", "bob"]
        assert bob.threads.get_state(tid)["values"]["verdict"] == "bob"
        history = bob.threads.get_history(tid, limit=20)
        assert all(h["values"].get("verdict") != "ana" for h in history)
        assert [(d["reviewer"], d["outcome"]) for d in decisions(bob, thread_id=tid)] == [
            ("ana", "error"), ("bob", "resumed")]
        assert "a node it was in may have carried out its side effects" in decisions(
            bob, thread_id=tid)[0]["error"]
