"""The decision log: every answer recorded once, by whom, with its outcome; answered once
across processes on one SQLite file; kept through a kill.

Real subprocesses: two reviewers race over the same interrupted threads; a reviewer is
SIGKILLed mid-resume and a new process opens the file.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from langgraph_sdk.errors import ConflictError

from hitl_widgets import GraphRunError, decisions, get_sync_client
from tests.ci import require_module
from tests.graphs.scenarios import SCENARIOS
from tests.runtime.review_graphs import GRAPHS

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> str | None:
    """Where the decisions live: memory, a SQLite file or a PostgreSQL database."""
    if request.param == "postgres":
        return str(request.getfixturevalue("postgres_db"))
    return None if request.param == "memory" else str(tmp_path / "decisions.sqlite")


@pytest.fixture
def sync_client(store: str | None) -> Any:
    """A sync in-kernel client over every scenario graph on ``store``."""
    with get_sync_client(graphs=SCENARIOS, checkpointer=store) as client:
        yield client


def _asked(client: Any, tid: str) -> str:
    [items] = client.threads.get(tid)["interrupts"].values()
    return str(items[0]["id"])


def _interrupted(client: Any, graph: str, n: int, **input: Any) -> list[str]:
    ids = []
    for i in range(n):
        tid = client.threads.create(metadata={"n": i})["thread_id"]
        client.runs.wait(tid, graph, input=input or {"some_text": f"text {i}"})
        ids.append(tid)
    return ids


def test_every_resume_is_one_decision_with_its_outcome(sync_client: Any) -> None:
    [a, b] = _interrupted(sync_client, "seed", 2)
    sync_client.runs.wait(a, "seed", command={"resume": "scalar answer"})
    sync_client.runs.wait(b, "seed", command={"resume": {_asked(sync_client, b): {"x": 1}}})
    log = decisions(sync_client)
    assert [(d["thread_id"], d["answer"], d["outcome"]) for d in log] == [
        (a, "scalar answer", "resumed"), (b, {"x": 1}, "resumed")]
    first = log[0]
    assert first["value"] == {"text_to_revise": "text 0"} and first["graph_id"] == "seed"
    assert first["reviewer"] == sync_client.runtime.reviewer and first["run_id"]
    assert first["changes"] == [{"loc": [], "kind": "replaced",
                                 "before": {"text_to_revise": "text 0"},
                                 "after": "scalar answer"}]
    assert decisions(sync_client, thread_id=b) == log[1:]


def test_a_failed_resume_is_recorded_and_releases_the_interrupt(sync_client: Any) -> None:
    [tid] = _interrupted(sync_client, "flaky", 1)
    iid = _asked(sync_client, tid)
    with pytest.raises(GraphRunError):
        sync_client.runs.wait(tid, "flaky", command={"resume": {iid: "boom"}})
    sync_client.runs.wait(tid, "flaky", command={"resume": {iid: "fine"}})
    assert [(d["answer"], d["outcome"]) for d in decisions(sync_client)] == [
        ("boom", "error"), ("fine", "resumed")]
    assert "boom" in str(decisions(sync_client)[0]["error"])


def test_filters_csv_and_dataframe(tmp_path: Path) -> None:
    path = tmp_path / "log.sqlite"
    ana = get_sync_client(graphs=SCENARIOS, checkpointer=path, reviewer="ana")
    bob = get_sync_client(graphs=SCENARIOS, checkpointer=path, reviewer="bob, \"the\" <b>")
    [t1, t2] = _interrupted(ana, "seed", 2)
    ana.runs.wait(t1, "seed", command={"resume": "one"})
    middle = datetime.now(UTC)
    bob.runs.wait(t2, "seed", command={"resume": "two"})
    assert [d["answer"] for d in decisions(ana, reviewer="ana")] == ["one"]
    assert [d["reviewer"] for d in decisions(ana, since=middle)] == ["bob, \"the\" <b>"]
    assert decisions(ana, since=middle + timedelta(minutes=1)) == []
    csv_text = decisions(ana).to_csv(tmp_path / "log.csv")
    assert (tmp_path / "log.csv").read_text(encoding="utf-8") == csv_text
    lines = csv_text.splitlines()
    assert lines[0].startswith("at,reviewer,thread_id,interrupt_id") and len(lines) == 3
    assert '"bob, ""the"" <b>"' in lines[2] and '"""two"""' in lines[2]
    require_module("pandas", "pip install -e '.[test]' (the pandas extra)")
    frame = decisions(ana).to_dataframe()
    assert list(frame["reviewer"]) == ["ana", "bob, \"the\" <b>"]
    assert str(frame["at"].dtype).startswith("datetime64")


def test_reviewer_defaults_to_the_os_user_and_refuses_control_characters() -> None:
    import getpass

    assert get_sync_client(graphs=SCENARIOS).runtime.reviewer == getpass.getuser()
    with pytest.raises(ValueError, match="control characters"):
        get_sync_client(graphs=SCENARIOS, reviewer="ana\x1b[31m")
    with pytest.raises(ValueError, match="non-empty"):
        get_sync_client(graphs=SCENARIOS, reviewer="  ")


RACER = textwrap.dedent('''
    import json, os, sys, time
    from langgraph_sdk.errors import ConflictError
    from hitl_widgets import get_sync_client
    from tests.graphs.scenarios import SCENARIOS
    path, reviewer, pairs_file, go = sys.argv[1:5]
    client = get_sync_client(graphs=SCENARIOS, checkpointer=path, reviewer=reviewer)
    pairs = json.loads(open(pairs_file).read())
    print("ready", flush=True)
    while not os.path.exists(go):
        time.sleep(0.001)
    results = {}
    for tid, iid in pairs:
        try:
            client.runs.wait(tid, "seed", command={"resume": {iid: reviewer}})
            results[tid] = "won"
        except ConflictError as error:
            results[tid] = "lost: " + str(error)
    print(json.dumps(results), flush=True)
''')


@pytest.mark.slow
@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_two_processes_racing_answer_each_interrupt_once(tmp_path: Path, database: str,
                                                         request: pytest.FixtureRequest) -> None:
    path = (str(request.getfixturevalue("postgres_db")) if database == "postgres"
            else str(tmp_path / "race.sqlite"))
    setup = get_sync_client(graphs=SCENARIOS, checkpointer=path, reviewer="lead")
    tids = _interrupted(setup, "seed", 40)
    pairs = [(tid, _asked(setup, tid)) for tid in tids]
    (tmp_path / "pairs.json").write_text(json.dumps(pairs))
    go = tmp_path / "go"
    racers = {
        name: subprocess.Popen(
            [sys.executable, "-c", RACER, path, name, str(tmp_path / "pairs.json"),
             str(go)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for name in ("ana", "bob")
    }
    for proc in racers.values():
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready", (
            proc.stderr.read() if proc.stderr else "")
    go.touch()  # both start at once, over the same threads in the same order
    results = {}
    for name, proc in racers.items():
        out, err = proc.communicate(timeout=240)
        assert proc.returncode == 0, err
        results[name] = json.loads(out.strip().splitlines()[-1])
    winners = {}
    for tid in tids:
        won = [name for name in racers if results[name][tid] == "won"]
        assert len(won) == 1, (tid, results["ana"][tid], results["bob"][tid])
        winners[tid] = won[0]
        [loser] = [name for name in racers if name != won[0]]
        assert f"already answered by {won[0]} at" in results[loser][tid]
        # The stored answer is the winner's, applied once.
        assert setup.threads.get_state(tid)["values"] == {"some_text": won[0]}
        assert len(setup.runs.list(tid)) == 2  # the question's run and one answer
    log = decisions(setup)
    assert Counter((d["thread_id"], d["outcome"]) for d in log) == Counter(
        (tid, "resumed") for tid in tids)
    assert {d["thread_id"]: d["reviewer"] for d in log} == winners
    assert set(winners.values()) == {"ana", "bob"}, "a race where one side never won"


WORKER = textwrap.dedent('''
    import json, sys
    from hitl_widgets import get_sync_client
    from tests.runtime.review_graphs import GRAPHS
    client = get_sync_client(graphs=GRAPHS, checkpointer=sys.argv[1], reviewer="ana",
                             lease_seconds=3)
    tids = []
    for i in range(5):
        tid = client.threads.create()["thread_id"]
        client.runs.wait(tid, "slow_review", input={"item": f"doc {i}"})
        tids.append(tid)
    for tid in tids[:4]:
        [items] = client.threads.get(tid)["interrupts"].values()
        client.runs.wait(tid, "slow_review", command={"resume": {items[0]["id"]: "ok"}})
        print(json.dumps({"tid": tid, "step": "answered"}), flush=True)
    [items] = client.threads.get(tids[4])["interrupts"].values()
    client.runs.create(tids[4], "slow_review",
                       command={"resume": {items[0]["id"]: {"pause": 60}}})
    print(json.dumps({"tid": tids[4], "step": "resuming"}), flush=True)
    import time
    time.sleep(120)
''')


@pytest.mark.slow
def test_the_log_survives_a_kill_and_a_dead_claim_is_released(tmp_path: Path) -> None:
    path = tmp_path / "review.sqlite"
    worker = subprocess.Popen([sys.executable, "-c", WORKER, str(path)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acknowledged: list[dict[str, str]] = []
    deadline = math.inf  # set once the worker is up: its imports take seconds under load
    assert worker.stdout is not None
    while len(acknowledged) < 5 and time.monotonic() < deadline:
        line = worker.stdout.readline()
        if not line:
            break
        acknowledged.append(json.loads(line))
        deadline = min(deadline, time.monotonic() + 60)
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait()
    assert [a["step"] for a in acknowledged] == ["answered"] * 4 + ["resuming"], (
        worker.stderr.read() if worker.stderr else "")

    # A new process (this one had never opened the file) sees every decision. Ana's lease
    # has not run out yet: her claim still holds, whatever her process id says.
    bob = get_sync_client(graphs=GRAPHS, checkpointer=path, reviewer="bob")
    log = decisions(bob)
    assert [(d["thread_id"], d["reviewer"], d["outcome"]) for d in log] == [
        (a["tid"], "ana", "resumed") for a in acknowledged[:4]
    ] + [(acknowledged[4]["tid"], "ana", "claimed")]
    tid = acknowledged[4]["tid"]
    iid = log[-1]["interrupt_id"]
    with pytest.raises(ConflictError, match="already answered by ana"):
        bob.runs.wait(tid, "slow_review", command={"resume": {iid: "too early"}})
    # Once it has, bob's heartbeat releases the claim: nobody opens another client.
    for _ in range(100):
        if decisions(bob, thread_id=tid)[-1]["outcome"] == "error":
            break
        time.sleep(0.2)
    log = decisions(bob)
    assert log[-1]["outcome"] == "error"
    assert "released: reviewer ana's kernel" in str(log[-1]["error"])
    assert bob.threads.get(tid)["status"] == "interrupted"  # the question is open again
    # The dead claim holds nothing: bob answers that interrupt now.
    assert bob.runs.wait(tid, "slow_review", command={"resume": {iid: "bob's"}}) == {
        "item": "doc 4", "verdict": "bob's"}
    assert [d["outcome"] for d in decisions(bob, thread_id=tid)] == ["error", "resumed"]
    with pytest.raises(ConflictError, match="already answered by bob"):
        bob.runs.wait(tid, "slow_review", command={"resume": {iid: "again"}})


def test_a_memory_log_keeps_the_newest_settled_decisions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Memory stays flat however many answers a kernel makes; a claim in flight is kept."""
    from hitl_widgets.runtime import decisions as log_module

    monkeypatch.setattr(log_module, "KEPT_DECISIONS", 3)
    client = get_sync_client(graphs=SCENARIOS, reviewer="ana")
    tids = []
    for n in range(5):
        tid = client.threads.create()["thread_id"]
        client.runs.wait(tid, "seed", input={"some_text": str(n)})
        client.runs.wait(tid, "seed", command={"resume": f"answer {n}"})
        tids.append(tid)
    kept = decisions(client)
    assert [d["thread_id"] for d in kept] == tids[2:]
    assert [d["answer"] for d in kept] == ["answer 2", "answer 3", "answer 4"]
    log = client.runtime.backend.decision_log
    assert set(log._by_thread) == set(tids[2:])  # the indexes forget them too
    assert len(log._by_run) == 3
