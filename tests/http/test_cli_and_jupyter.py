"""The other two hosts (issue 9, items 2 and 5): ``python -m hitl_widgets serve
langgraph.json`` in a terminal, and the Jupyter server extension under ``/hitl/``.

Both serve the graphs of a ``langgraph.json`` whose paths are relative to the file, as
``langgraph dev`` reads it, and run the seed's three tabs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.http.conftest import (
    ROOT,
    SCENARIOS_FILE,
    JupyterServer,
    jupyter_env,
    run_curl_tab,
    run_js_tab,
    run_python_tab,
    write_langgraph_json,
)
from tests.http.seed_tabs import INTERRUPT_PRINTED
from tests.processes import free_port, stop_group, tail

pytestmark = pytest.mark.slow


class Cli:
    """A ``python -m hitl_widgets serve`` process: its URL, token and database."""

    def __init__(self, url: str, token: str, db: Path) -> None:
        self.url, self.token, self.db = url, token, db


@pytest.fixture(scope="module")
def cli(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cli]:
    folder = tmp_path_factory.mktemp("cli")
    config = write_langgraph_json(folder)
    port, db, log = free_port(), folder / "threads.sqlite", folder / "cli.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hitl_widgets", "serve", str(config), "--db", str(db),
             "--port", str(port), "--token", "cli-token"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while "API key" not in log.read_text():
            assert proc.poll() is None, tail(log)
            assert time.monotonic() < deadline, tail(log)
            time.sleep(0.1)
        assert f"serving agent at http://127.0.0.1:{port}" in log.read_text()
        yield Cli(f"http://127.0.0.1:{port}", "cli-token", db)
    finally:
        stop_group(proc)
    assert proc.returncode == 0, tail(log)  # SIGTERM stops it cleanly


@pytest.mark.anyio
async def test_cli_python_tab(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> None:
    first, second = await run_python_tab(cli.url, cli.token, monkeypatch)
    assert re.fullmatch(INTERRUPT_PRINTED, first), first
    assert second == "{'some_text': 'Edited text'}"


def test_cli_curl_tab_and_threads_on_disk(cli: Cli) -> None:
    thread, _, resumed = run_curl_tab(cli.url, cli.token)
    assert resumed == {"some_text": "Edited text"}
    assert cli.db.exists() and cli.db.stat().st_size > 0
    from hitl_widgets import get_sync_client

    # Another process (this one) opening the same file sees the thread the server finished.
    local = get_sync_client(graphs={"agent": f"{SCENARIOS_FILE}:seed"}, checkpointer=str(cli.db))
    assert local.threads.get(thread["thread_id"])["values"] == {"some_text": "Edited text"}


def test_cli_js_tab(cli: Cli, js_sdk: Path, tmp_path: Path) -> None:
    assert "Edited text" in run_js_tab(js_sdk, cli.url, cli.token, tmp_path)


def test_cli_refuses_a_config_without_graphs(tmp_path: Path) -> None:
    config = tmp_path / "langgraph.json"
    config.write_text(json.dumps({"dependencies": ["."]}))
    # Timeouts here only guard against a hang: under four loaded workers a child's imports
    # alone took close to a minute.
    result = subprocess.run(
        [sys.executable, "-m", "hitl_widgets", "serve", str(config), "--port", "0"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2
    assert result.stdout.strip() == f"error: {config} names no graphs; add " + (
        '"graphs": {"agent": "./graph.py:graph"}'
    )


# --- the Jupyter server extension ---------------------------------------------------------


def test_extension_is_enabled_by_the_shipped_config(tmp_path: Path) -> None:
    # A copy of the shipped folder as Jupyter's config dir (Jupyter writes into it): its file
    # alone enables the extension (tests/package/test_wheel.py checks that pip installs it
    # into etc/jupyter).
    shipped_dir = tmp_path / "shipped"
    shutil.copytree(ROOT / "jupyter-config", shipped_dir)
    env = {**jupyter_env(tmp_path), "JUPYTER_CONFIG_DIR": str(shipped_dir)}
    result = subprocess.run(
        [sys.executable, "-m", "jupyter", "server", "extension", "list"],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    listing = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)  # no colours
    shipped = listing.split(f"Config dir: {shipped_dir}")[1].split("Config dir:")[0]
    assert re.search(r"hitl_widgets\s+enabled", shipped), listing
    assert re.search(r"hitl_widgets\s+OK", shipped), listing  # imported and validated


@pytest.mark.anyio
async def test_jupyter_python_tab(
    jupyter_hitl: JupyterServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second = await run_python_tab(jupyter_hitl.url, jupyter_hitl.token, monkeypatch)
    assert re.fullmatch(INTERRUPT_PRINTED, first), first
    assert second == "{'some_text': 'Edited text'}"


def test_jupyter_js_tab(jupyter_hitl: JupyterServer, js_sdk: Path, tmp_path: Path) -> None:
    printed = run_js_tab(js_sdk, jupyter_hitl.url, jupyter_hitl.token, tmp_path)
    assert printed.endswith("{ some_text: 'Edited text' }\n")


def test_jupyter_curl_tab(jupyter_hitl: JupyterServer) -> None:
    _, first, resumed = run_curl_tab(jupyter_hitl.url, jupyter_hitl.token)
    assert first["__interrupt__"][0]["value"] == {"text_to_revise": "original text"}
    assert resumed == {"some_text": "Edited text"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"x-api-key": "wrong"}, {"Authorization": "token wrong"}],
    ids=["no-token", "wrong-key", "wrong-token"],
)
def test_jupyter_refuses_without_its_token(
    jupyter_hitl: JupyterServer, headers: dict[str, str]
) -> None:
    before = _count(jupyter_hitl)
    for method, path in (("GET", "/ok"), ("POST", "/threads")):
        response = httpx.request(method, jupyter_hitl.url + path, headers=headers, json={})
        assert response.status_code == 403, (method, path, response.text)
        assert "detail" in response.json()
    assert _count(jupyter_hitl) == before


def test_jupyter_threads_are_shared_with_a_kernel_on_the_same_file(
    jupyter_hitl: JupyterServer,
) -> None:
    from hitl_widgets import get_sync_client

    kernel = get_sync_client(
        graphs={"agent": f"{SCENARIOS_FILE}:seed"}, checkpointer=str(jupyter_hitl.db)
    )
    thread_id = kernel.threads.create()["thread_id"]
    kernel.runs.wait(thread_id, "agent", input={"some_text": "from a notebook"})
    headers = {"x-api-key": jupyter_hitl.token}
    url = f"{jupyter_hitl.url}/threads/{thread_id}"
    seen = httpx.get(url, headers=headers).json()
    assert seen["status"] == "interrupted"
    resume = {"assistant_id": "agent", "command": {"resume": "from curl"}}
    answer = httpx.post(f"{url}/runs/wait", headers=headers, json=resume)
    assert answer.json() == {"some_text": "from curl"}
    assert kernel.threads.get(thread_id)["values"] == {"some_text": "from curl"}


def _count(server: JupyterServer) -> Any:
    headers = {"Authorization": f"token {server.token}"}
    return httpx.post(f"{server.url}/threads/count", headers=headers, json={}).json()


# --- CORS in both hosts ---------------------------------------------------------------------

PAGE = "http://localhost:3000"
PREFLIGHT = {"Origin": PAGE, "Access-Control-Request-Method": "POST",
             "Access-Control-Request-Headers": "content-type,x-api-key"}  # fmt: skip


def test_jupyter_answers_preflights_before_its_authentication(
    jupyter_hitl: JupyterServer,
) -> None:
    response = httpx.options(jupyter_hitl.url + "/threads", headers=PREFLIGHT)
    assert response.status_code == 200, response.text
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.headers["Access-Control-Allow-Headers"] == PREFLIGHT[
        "Access-Control-Request-Headers"
    ]
    before = _count(jupyter_hitl)
    refused = httpx.post(jupyter_hitl.url + "/threads", headers={"Origin": PAGE}, json={})
    # Without the token, Jupyter's own origin check answers first ("Blocking Cross Origin
    # API request": 404); it lets a cross-origin request through only with the token.
    assert refused.status_code == 404 and _count(jupyter_hitl) == before
    # With the token, the page on another origin gets its answer, readable (our headers).
    allowed = httpx.post(jupyter_hitl.url + "/threads", json={},
                         headers={"Origin": PAGE, "x-api-key": jupyter_hitl.token})  # fmt: skip
    assert allowed.status_code == 200, allowed.text
    assert allowed.headers["Access-Control-Allow-Origin"] == "*"


def test_cli_cors_origin_flag_wins_over_langgraph_json(tmp_path: Path) -> None:
    config = write_langgraph_json(tmp_path)
    settings = json.loads(config.read_text())
    settings["http"] = {"cors": {"allow_origins": ["http://from-config:1"], "max_age": 30}}
    config.write_text(json.dumps(settings))
    port, log = free_port(), tmp_path / "cli.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hitl_widgets", "serve", str(config), "--port", str(port),
             "--token", "t", "--cors-origin", PAGE],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 300  # only guards against a hang (loaded workers)
        while "API key" not in log.read_text():
            assert proc.poll() is None, tail(log)
            assert time.monotonic() < deadline, tail(log)
            time.sleep(0.1)
        url = f"http://127.0.0.1:{port}/threads"
        ours = httpx.options(url, headers=PREFLIGHT)
        assert ours.status_code == 200 and ours.headers["Access-Control-Allow-Origin"] == PAGE
        assert ours.headers["Access-Control-Max-Age"] == "30"  # the rest of http.cors holds
        other = httpx.options(url, headers={**PREFLIGHT, "Origin": "http://from-config:1"})
        assert other.status_code == 400 and "--cors-origin" in other.text
    finally:
        stop_group(proc)


def test_cli_refuses_a_bad_cors_origin(tmp_path: Path) -> None:
    config = write_langgraph_json(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "hitl_widgets", "serve", str(config), "--port", "0",
         "--cors-origin", "localhost:3000"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 2
    assert "must look like 'http://localhost:3000'" in result.stdout
