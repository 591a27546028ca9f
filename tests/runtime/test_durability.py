"""One SQLite file survives a killed kernel; unusable files fail clearly, naming the path.

Real subprocesses: a writer is SIGKILLed mid-work, a new process opens the file.
"""

from __future__ import annotations

import json
import math
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from hitl_widgets import StorageError, get_sync_client
from hitl_widgets.runtime import checkpointers
from tests.graphs.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent('''
    import json, sys
    from hitl_widgets import get_sync_client
    from tests.graphs.scenarios import SCENARIOS
    client = get_sync_client(graphs=SCENARIOS, checkpointer=sys.argv[1], lease_seconds=2)
    n = 0
    while True:
        tid = client.threads.create(metadata={"n": n})["thread_id"]
        client.runs.wait(tid, "two_steps", input={"some_text": f"t{n}"})
        print(json.dumps({"tid": tid, "step": "asked"}), flush=True)
        client.runs.wait(tid, "two_steps", command={"resume": f"answer {n}"})
        print(json.dumps({"tid": tid, "step": "answered"}), flush=True)
        if n % 3 == 0:
            busy = client.threads.create()["thread_id"]
            client.runs.create(busy, "slow", input={"delay": 30})  # killed while busy
            print(json.dumps({"tid": busy, "step": "busy"}), flush=True)
        n += 1
''')


def _run_python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.slow
def test_sigkill_loses_nothing_acknowledged(tmp_path: Path) -> None:
    path = tmp_path / "review.sqlite"
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    acknowledged: list[dict[str, str]] = []
    deadline = math.inf  # set once the writer is up: its imports take seconds under load
    assert writer.stdout is not None
    while len(acknowledged) < 12 and time.monotonic() < deadline:
        line = writer.stdout.readline()
        if not line:
            break
        acknowledged.append(json.loads(line))
        deadline = min(deadline, time.monotonic() + 30)
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert len(acknowledged) >= 6, writer.stderr.read() if writer.stderr else ""

    # A new process opens the file: every acknowledged step is there, and work goes on.
    check = textwrap.dedent('''
        import json, sys, time
        from hitl_widgets import get_sync_client
        from tests.graphs.scenarios import SCENARIOS
        client = get_sync_client(graphs=SCENARIOS, checkpointer=sys.argv[1])
        out = {}
        for tid in json.loads(sys.argv[2]):
            thread = client.threads.get(tid)
            for _ in range(100):  # busy until the killed writer's 2 s lease has run out
                if thread["status"] != "busy":
                    break
                time.sleep(0.1)
                thread = client.threads.get(tid)  # reading it releases a dead owner's run
            state = client.threads.get_state(tid)
            out[tid] = {"status": thread["status"], "values": state["values"],
                        "pending": [i["value"] for i in state["interrupts"]],
                        "history": len(client.threads.get_history(tid, limit=100)),
                        "runs": [r["status"] for r in client.runs.list(tid)]}
        print(json.dumps(out))
    ''')
    tids = sorted({a["tid"] for a in acknowledged})
    result = _run_python(check, str(path), json.dumps(tids))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout)
    last_step = {a["tid"]: a["step"] for a in acknowledged}
    for tid, step in last_step.items():
        thread = seen[tid]
        if step == "busy":
            # The dead process's run is marked error, and so is its thread, with the way
            # on: nothing is left "busy" forever.
            assert thread["status"] == "error" and thread["runs"] == ["error"]
            continue
        assert thread["history"] >= 3
        if step == "asked":
            assert thread["pending"] == [{"text_to_revise": thread["values"]["some_text"]}]
        else:
            assert thread["values"]["some_text"].startswith("answer ")
            assert thread["pending"] and "approve" in thread["pending"][0]
        assert thread["status"] == "interrupted"
        assert set(thread["runs"]) == {"success"}

    # And the review goes on where it stopped.
    client = get_sync_client(graphs=SCENARIOS, checkpointer=str(path))
    answered = next(tid for tid, step in last_step.items() if step == "answered")
    assert client.runs.wait(answered, "two_steps", command={"resume": True})["approved"] is True
    busy = next(tid for tid, step in last_step.items() if step == "busy")
    # The advice works (the update only shortens the 30 s sleep the killed run was in).
    assert client.runs.wait(busy, "slow", command={"update": {"delay": 0}})["count"] == 1


def test_reopen_in_process_sees_the_same_threads(tmp_path: Path) -> None:
    path = tmp_path / "same.sqlite"
    code = textwrap.dedent('''
        import sys
        from hitl_widgets import get_sync_client
        from tests.graphs.scenarios import SCENARIOS
        client = get_sync_client(graphs=SCENARIOS, checkpointer="sqlite:///" + sys.argv[1])
        tid = client.threads.create(metadata={"who": "first"})["thread_id"]
        client.runs.wait(tid, "seed", input={"some_text": "kept"})
        print(tid)
    ''')
    result = _run_python(code, str(path))
    assert result.returncode == 0, result.stderr
    tid = result.stdout.strip()
    client = get_sync_client(graphs=SCENARIOS, checkpointer=path)
    [thread] = client.threads.search(metadata={"who": "first"})
    assert thread["thread_id"] == tid and thread["status"] == "interrupted"
    assert client.runs.wait(tid, "seed", command={"resume": "done"}) == {"some_text": "done"}


def test_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "corrupt.sqlite"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StorageError, match=rf"{path}.*not a usable SQLite database.*backup"):
        get_sync_client(graphs=SCENARIOS, checkpointer=str(path))
    assert path.read_bytes().startswith(b"this is not a database")  # untouched


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match=rf"{tmp_path}.*is a directory"):
        get_sync_client(graphs=SCENARIOS, checkpointer=str(tmp_path))


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="folder .* does not exist"):
        get_sync_client(graphs=SCENARIOS, checkpointer=str(tmp_path / "nope" / "x.sqlite"))


def test_read_only_file(tmp_path: Path) -> None:
    path = tmp_path / "ro.sqlite"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    path.chmod(0o444)
    # Checked by mode bits: even root (which CI is) gets the error, not a silent write.
    with pytest.raises(StorageError, match=rf"{path}.*read-only.*chmod u\+w"):
        get_sync_client(graphs=SCENARIOS, checkpointer=str(path))


def test_file_locked_by_another_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checkpointers, "BUSY_TIMEOUT_S", 0.2)
    path = tmp_path / "locked.sqlite"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent('''
            import sqlite3, sys, time
            conn = sqlite3.connect(sys.argv[1], isolation_level=None)
            conn.execute("CREATE TABLE other (x)")
            conn.execute("BEGIN EXCLUSIVE")
            conn.execute("INSERT INTO other VALUES (1)")
            print("locked", flush=True)
            time.sleep(60)
        '''), str(path)],
        stdout=subprocess.PIPE, text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with pytest.raises(StorageError, match=rf"{path}.*locked by another writer.*retry"):
            get_sync_client(graphs=SCENARIOS, checkpointer=str(path))
    finally:
        holder.kill()
        holder.wait()
    # Once the other writer is gone the same file opens and works.
    client = get_sync_client(graphs=SCENARIOS, checkpointer=str(path))
    assert client.threads.create()["status"] == "idle"
    assert sqlite3.connect(path).execute("SELECT count(*) FROM other").fetchone() == (0,)
