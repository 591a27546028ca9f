"""JupyterLab and Voila servers for browser tests, isolated from $HOME (BROWSER_TESTS.md §7).

`tests/e2e/conftest.py` makes the fixtures available; a test module names its notebooks in
the module constants `LAB_NOTEBOOK` and `VOILA_NOTEBOOK`.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ci import missing
from tests.processes import free_port, stop_group, tail

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                  "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync"]
STARTUP_TIMEOUT = 90.0
REVIEW_DB = "review.sqlite"
"""`notebooks/review_session.ipynb` keeps its threads in `$HITL_REVIEW_DB`: relative, so in
the notebook's folder (its kernel's working directory), one file per test."""
REVIEWER = "e2e-reviewer"
"""Who answers in the browser tests (`$HITL_REVIEWER`), as the audit log names them."""


@dataclass
class Server:
    """A running Jupyter server: where it answers and how to reach it."""

    base_url: str
    token: str
    root_dir: Path
    proc: subprocess.Popen[bytes]
    log: Path


def _wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}:\n{tail(log, 30)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"server not ready at {url} after {STARTUP_TIMEOUT} s:\n"
                               f"{tail(log, 30)}")
        time.sleep(0.2)


def require(path: Path, how: str) -> None:
    """Skip when `path` (a browser, a server) is missing — but fail under CI
    (`tests.ci.in_ci`), so CI can never go green without the browser tests."""
    if not path.exists():
        missing(str(path), how)


@pytest.fixture(scope="session")
def browser_type_launch_args(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """Debian's chromium with the flags that keep it offline and quiet."""
    require(CHROMIUM, "apt-get install chromium (tests/run.sh does it)")
    xdg = tmp_path_factory.mktemp("xdg")
    env = {**os.environ, "XDG_CONFIG_HOME": str(xdg / "config"),
           "XDG_CACHE_HOME": str(xdg / "cache")}
    return {"executable_path": str(CHROMIUM), "args": CHROMIUM_FLAGS, "env": env}


@pytest.fixture
def browser_context_args() -> dict[str, object]:
    return {"viewport": {"width": 1400, "height": 1000}}


@pytest.fixture(scope="session")
def jupyter_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment whose Jupyter/IPython dirs are temporary, with Lab's pop-ups turned off."""
    base = tmp_path_factory.mktemp("jupyter_home")
    env = {k: v for k, v in os.environ.items() if k != "JUPYTER_TOKEN"}
    dirs = {"JUPYTER_CONFIG_DIR": "config", "JUPYTER_DATA_DIR": "data",
            "JUPYTER_RUNTIME_DIR": "runtime", "JUPYTERLAB_SETTINGS_DIR": "settings",
            "JUPYTERLAB_WORKSPACES_DIR": "workspaces", "IPYTHONDIR": "ipython"}
    for var, name in dirs.items():
        (base / name).mkdir()
        env[var] = str(base / name)
    settings = base / "settings"
    news = settings / "@jupyterlab" / "apputils-extension"
    news.mkdir(parents=True)
    (news / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}))
    tracker = settings / "@jupyterlab" / "notebook-extension"
    tracker.mkdir(parents=True)
    (tracker / "tracker.jupyterlab-settings").write_text(
        json.dumps({"autoStartDefaultKernel": True}))
    env["HITL_REVIEW_DB"], env["HITL_REVIEWER"] = REVIEW_DB, REVIEWER
    # The kernel imports the project and its test graphs from the notebook's folder.
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[2]),
                                         env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return env


@pytest.fixture(scope="session")
def jupyter_lab(jupyter_env: dict[str, str],
                tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One JupyterLab for the session, serving a temporary folder."""
    root = tmp_path_factory.mktemp("lab_root")
    port, token = free_port(), secrets.token_hex(16)
    log = root.parent / f"lab-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.allow_root=True",
             "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
             "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
             f"--ServerApp.root_dir={root}", "--FileContentsManager.delete_to_trash=False",
             # `window.jupyterapp`: tests run Lab commands (the theme) without menus.
             "--LabApp.expose_app_in_browser=True"],
            env=jupyter_env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(proc, f"{base}/api/status?token={token}", log)
        yield Server(base, token, root, proc, log)
    finally:
        stop_group(proc, 15)


@pytest.fixture
def lab_notebook(jupyter_lab: Server, request: pytest.FixtureRequest) -> Iterator[str]:
    """A fresh copy of the test module's `LAB_NOTEBOOK` (its kernel starts clean); yields
    the URL that opens it alone (`?reset`: no restored tabs)."""
    source = Path(request.module.LAB_NOTEBOOK)
    name = f"{source.stem}-{uuid.uuid4().hex[:8]}.ipynb"
    shutil.copy(source, jupyter_lab.root_dir / name)
    yield f"{jupyter_lab.base_url}/lab/tree/{name}?reset&token={jupyter_lab.token}"
    _delete_sessions(jupyter_lab, name)
    (jupyter_lab.root_dir / name).unlink(missing_ok=True)


def _delete_sessions(server: Server, name: str) -> None:
    """Stop the kernels this notebook started (they outlive the page); never hide a result."""
    headers = {"Authorization": f"token {server.token}"}
    try:
        request = urllib.request.Request(f"{server.base_url}/api/sessions", headers=headers)
        with urllib.request.urlopen(request, timeout=5) as response:
            sessions = json.load(response)
        for session in sessions:
            if session.get("path", "").endswith(name):
                urllib.request.urlopen(urllib.request.Request(
                    f"{server.base_url}/api/sessions/{session['id']}", method="DELETE",
                    headers=headers), timeout=5).close()
    except (OSError, ValueError):
        pass


@pytest.fixture(scope="module")
def voila_app(jupyter_env: dict[str, str], request: pytest.FixtureRequest,
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """Voila serving a copy of the test module's `VOILA_NOTEBOOK` (each page load runs it
    in a fresh kernel, so one server serves the module)."""
    source = Path(request.module.VOILA_NOTEBOOK)
    root = tmp_path_factory.mktemp("voila_root")
    shutil.copy(source, root / source.name)
    port, token = free_port(), secrets.token_hex(16)
    log = root.parent / f"voila-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", source.name, "--no-browser", "--Voila.ip=127.0.0.1",
             f"--Voila.port={port}", "--Voila.port_retries=0", f"--Voila.token={token}"],
            cwd=root, env=jupyter_env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(proc, f"{base}/voila/static/voila.js", log)
        yield Server(base, token, root, proc, log)
    finally:
        stop_group(proc, 15)


@pytest.fixture(scope="session")
def voila_tree(jupyter_env: dict[str, str],
               tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One Voila serving a folder (`/voila/render/<name>.ipynb`); tests copy notebooks into
    `root_dir`. Each page load runs its notebook in a fresh kernel."""
    root = tmp_path_factory.mktemp("voila_tree")
    port, token = free_port(), secrets.token_hex(16)
    log = root.parent / f"voila-tree-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "voila", str(root), "--no-browser", "--Voila.ip=127.0.0.1",
             f"--Voila.port={port}", "--Voila.port_retries=0", f"--Voila.token={token}"],
            cwd=root, env=jupyter_env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(proc, f"{base}/voila/static/voila.js", log)
        yield Server(base, token, root, proc, log)
    finally:
        stop_group(proc, 15)
