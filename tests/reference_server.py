"""A real LangGraph Server (`langgraph dev`) serving the scenario graphs, as a pytest plugin.

Registered from `tests/conftest.py` with `pytest_plugins = ["tests.reference_server"]`.

Fixtures:
    reference_url      session: base URL of one `langgraph dev` started for the whole session
    reference_client   function: the official async `langgraph_sdk` client on that URL
    reference_sync_client  function: its sync twin (`langgraph_sdk.get_sync_client`)

The server is the reference our in-kernel runtime is compared with (tests/runtime/
test_differential.py), so it runs exactly as a user would run it: the CLI, a `langgraph.json`
naming every graph in `tests/graphs/scenarios.py`, offline (no analytics, version check or
tracing), in a temp folder because it keeps its state in `./.langgraph_api`. Startup takes
several seconds, so one server serves the whole session; tests isolate themselves by creating
their own threads. Tests using it are marked `@pytest.mark.server`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.ci import missing
from tests.processes import free_port, stop_group, tail

SCENARIOS_FILE = Path(__file__).parent / "graphs" / "scenarios.py"
STARTUP_TIMEOUT = 90.0  # seconds; a cold start on a loaded 2-core machine takes ~10 s
OFFLINE_ENV = {
    "LANGGRAPH_CLI_NO_ANALYTICS": "1",
    "LANGGRAPH_NO_VERSION_CHECK": "true",
    "LANGSMITH_TRACING": "false",
}

#: Wall-clock seconds the last `langgraph dev` took from spawn to answering `/ok`.
startup_seconds: float | None = None


def scenario_names() -> list[str]:
    """The graph ids the reference server serves (every entry of `scenarios.SCENARIOS`)."""
    from tests.graphs.scenarios import SCENARIOS

    return list(SCENARIOS)


def write_config(folder: Path, graphs: dict[str, str] | None = None) -> Path:
    """Write a `langgraph.json` mapping graph ids to `file:attribute` (default: every
    scenario to its graph by absolute file path)."""
    if graphs is None:
        graphs = {name: f"{SCENARIOS_FILE}:{name}" for name in scenario_names()}
    config = folder / "langgraph.json"
    config.write_text(json.dumps({"dependencies": ["."], "graphs": graphs}, indent=2))
    return config


def _listen_inodes(port: int) -> set[str]:
    """Socket inodes listening on 127.0.0.1:`port` (Linux /proc; empty elsewhere)."""
    inodes: set[str] = set()
    try:
        lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    except OSError:
        return inodes
    for line in lines:
        fields = line.split()
        local, state, inode = fields[1], fields[3], fields[9]
        if state == "0A" and int(local.split(":")[1], 16) == port:  # 0A = LISTEN
            inodes.add(inode)
    return inodes


def _owns_listener(pid: int, port: int) -> bool | None:
    """Whether process `pid` holds the socket listening on `port`; None if we cannot tell."""
    inodes = _listen_inodes(port)
    fd_dir = Path(f"/proc/{pid}/fd")
    if not fd_dir.is_dir():
        return None
    held = set()
    for fd in fd_dir.iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            held.add(target[len("socket:[") : -1])
    return bool(inodes & held)


def _wait_ready(proc: subprocess.Popen[bytes], url: str, port: int, log: Path) -> None:
    """Poll `/ok` until the server answers; fail at once if it dies or moved ports."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"langgraph dev exited with code {proc.returncode} before answering on "
                f"{url}; last lines of {log}:\n{tail(log)}"
            )
        if "already in use" in log.read_text(errors="replace"):
            # The CLI silently falls back to another port; we would be testing nothing.
            raise RuntimeError(f"port {port} was taken, langgraph dev moved:\n{tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/ok", timeout=2) as response:
                if response.status == 200:
                    break
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(
                f"langgraph dev did not answer {url}/ok within {STARTUP_TIMEOUT:.0f} s; "
                f"last lines of {log}:\n{tail(log)}"
            )
        time.sleep(0.2)
    if _owns_listener(proc.pid, port) is False:
        raise RuntimeError(f"something else answers on port {port}, not our langgraph dev")


def start_server(
    folder: Path, port: int | None = None, graphs: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str, Path]:
    """Start `langgraph dev` in `folder` on `port` (default: a free one), serving `graphs`
    (`write_config`'s argument; default: every scenario).

    Returns (process, base URL, log file) once it answers; raises RuntimeError with the log's
    tail if it dies, does not answer in time, or does not listen on `port` itself.
    """
    global startup_seconds
    write_config(folder, graphs)
    port = port or free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "langgraph-dev.log"
    cli = Path(sys.executable).with_name("langgraph")
    if not cli.exists() and importlib.util.find_spec("langgraph_cli") is None:
        missing("`langgraph dev`", "pip install -e '.[test]' (it holds langgraph-cli[inmem])")
    command = [str(cli)] if cli.exists() else [sys.executable, "-m", "langgraph_cli"]
    command += ["dev", "--no-browser", "--no-reload", "--host", "127.0.0.1", "--port", str(port)]
    env = {**os.environ, **OFFLINE_ENV}
    started = time.monotonic()
    with log.open("wb") as out:
        proc = subprocess.Popen(
            command,
            cwd=folder,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group, so teardown kills workers too
        )
    try:
        _wait_ready(proc, url, port, log)
    except BaseException:
        stop_group(proc)
        raise
    startup_seconds = time.monotonic() - started
    return proc, url, log


@pytest.fixture(scope="session")
def reference_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL of a `langgraph dev` serving every scenario graph, shared by the session."""
    proc, url, log = start_server(tmp_path_factory.mktemp("langgraph_dev"))
    print(f"\nlanggraph dev ready on {url} in {startup_seconds:.1f} s (log: {log})")
    try:
        yield url
    finally:
        stop_group(proc)


@pytest.fixture
async def reference_client(reference_url: str) -> AsyncIterator[Any]:
    """The official async `langgraph_sdk` client talking to the reference server."""
    from langgraph_sdk import get_client

    client = get_client(url=reference_url)
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
def reference_sync_client(reference_url: str) -> Iterator[Any]:
    """The official sync `langgraph_sdk` client talking to the reference server."""
    from langgraph_sdk import get_sync_client

    client = get_sync_client(url=reference_url)
    try:
        yield client
    finally:
        client.close()
