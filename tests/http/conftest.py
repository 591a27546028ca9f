"""Fixtures for the HTTP tests: our server in this process, the JS SDK from npm, a real
Jupyter server with the extension, and helpers that run the seed's three tabs.

- ``served``: ``hitl_widgets.serve`` over every scenario graph plus the seed as ``agent``;
- ``js_sdk``: a folder whose ``node_modules`` holds ``@langchain/langgraph-sdk`` (see
  ``js_sdk.py``; without node/npm the tests skip, or fail under CI, see ``tests/ci.py``);
- ``jupyter_hitl``: ``jupyter server`` with ``jupyter-config/`` on its config path (so the
  shipped file is what enables the extension) serving a ``langgraph.json`` under ``/hitl/``.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.ci import missing, require_executable
from tests.graphs.scenarios import SCENARIOS, seed
from tests.http import seed_tabs
from tests.http.js_sdk import ensure_js_sdk
from tests.processes import free_port, stop_group, tail

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS_FILE = ROOT / "tests" / "graphs" / "scenarios.py"
STARTUP_TIMEOUT = 90.0


@pytest.fixture(scope="module")
def served() -> Iterator[Any]:
    """``serve()`` over the scenario graphs and the seed as ``agent`` (memory)."""
    from hitl_widgets import serve

    server = serve({**SCENARIOS, "agent": seed})
    try:
        yield server
    finally:
        server.stop()


# --- the three tabs ------------------------------------------------------------------------


async def run_python_tab(url: str, key: str, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Run the Python tab verbatim against ``url``; the lines it printed."""
    import contextlib
    import io

    monkeypatch.setenv("LANGGRAPH_API_KEY", key)
    body = seed_tabs.PYTHON_TAB.replace("<DEPLOYMENT_URL>", repr(url))
    source = "async def _tab():\n" + textwrap.indent(body, "    ")
    namespace: dict[str, Any] = {}
    exec(compile(source, "<seed python tab>", "exec"), namespace)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        await namespace["_tab"]()
    return out.getvalue().strip().splitlines()


def run_js_tab(folder: Path, url: str, key: str, work: Path) -> str:
    """Run the JavaScript tab verbatim with node; what it printed."""
    (work / "node_modules").symlink_to(folder / "node_modules", target_is_directory=True)
    script = work / "seed.mjs"
    script.write_text(seed_tabs.JS_TAB.replace("<DEPLOYMENT_URL>", json.dumps(url)))
    env = {**os.environ, "LANGGRAPH_API_KEY": key}
    result = subprocess.run(
        ["node", str(script)], cwd=work, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def run_curl(command: str, url: str, key: str, thread_id: str = "") -> Any:
    """Run one of the seed's cURL commands with the URL, thread and key filled in."""
    require_executable("curl", "apt-get install curl (tests/run.sh does it)")
    filled = command.replace("<DEPLOYMENT_URL>", url).replace("<THREAD_ID>", thread_id)
    # The key: one more header line after the --url line.
    filled = re.sub(r"(--url \S+ \\\n)", rf"\1--header 'x-api-key: {key}' \\\n", filled)
    result = subprocess.run(
        ["bash", "-c", filled.strip() + " --silent --show-error --fail-with-body"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    print(result.stdout)
    return json.loads(result.stdout)


def run_curl_tab(url: str, key: str) -> tuple[Any, Any, Any]:
    """The cURL tab's three commands in order: (thread, first wait, resumed wait)."""
    thread = run_curl(seed_tabs.CURL_CREATE, url, key)
    first = run_curl(seed_tabs.CURL_RUN, url, key, thread["thread_id"])
    resumed = run_curl(seed_tabs.CURL_RESUME, url, key, thread["thread_id"])
    return thread, first, resumed


# --- the JavaScript SDK ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def js_sdk() -> Path:
    """A folder with ``node_modules/@langchain/langgraph-sdk`` (npm-installed once)."""
    try:
        return ensure_js_sdk()
    except RuntimeError as error:
        missing(f"the JavaScript SDK ({error})",
                "apt-get install nodejs npm; python -m tests.http.js_sdk (tests/run.sh does both)")


# --- a real Jupyter server with the extension --------------------------------------------------


@dataclass
class JupyterServer:
    """A running ``jupyter server``: base URL of the API, Jupyter's token, its database."""

    url: str
    token: str
    db: Path
    base: str
    log: Path


def write_langgraph_json(folder: Path) -> Path:
    """A ``langgraph.json`` serving the seed as ``agent`` (path relative to the file)."""
    shutil.copy(SCENARIOS_FILE, folder / "scenarios.py")
    config = folder / "langgraph.json"
    config.write_text(
        json.dumps({"dependencies": ["."], "graphs": {"agent": "./scenarios.py:seed"}})
    )
    return config


def jupyter_env(home: Path) -> dict[str, str]:
    """An environment whose Jupyter dirs are temporary, with the repository's
    ``jupyter-config/`` as a config directory (as the installed package's ``etc/jupyter``)."""
    env = {k: v for k, v in os.environ.items() if k != "JUPYTER_TOKEN"}
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        path = home / var.lower()
        path.mkdir(exist_ok=True)
        env[var] = str(path)
    env["JUPYTER_CONFIG_PATH"] = str(ROOT / "jupyter-config")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@pytest.fixture(scope="module")
def jupyter_hitl(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JupyterServer]:
    """``jupyter server`` serving ``/hitl/`` from a langgraph.json, threads on SQLite."""
    home = tmp_path_factory.mktemp("jupyter_hitl")
    config = write_langgraph_json(home)
    db = home / "threads.sqlite"
    port, token = free_port(), secrets.token_hex(16)
    log = home / "jupyter.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyter_server", "--no-browser", "--ServerApp.allow_root=True",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
             f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home}",
             f"--HitlWidgets.langgraph_json={config}", f"--HitlWidgets.checkpointer={db}"],
            env=jupyter_env(home), stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ok(proc, f"{base}/hitl/ok", token, log)
        yield JupyterServer(f"{base}/hitl", token, db, base, log)
    finally:
        stop_group(proc, 15)


def _wait_ok(proc: subprocess.Popen[bytes], url: str, token: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter server exited with {proc.returncode}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not answer within {STARTUP_TIMEOUT} s:\n{tail(log)}")
        time.sleep(0.2)
