"""README command 1 in a clean venv: the `lab` extra alone runs every notebook, and the
JupyterLab it starts prints an address that opens the quickstart and no line that reads
like an error.

The venv is made with `python3 -m venv` and gets `pip install -e '<this tree>[lab]'` only
(no `test` extra): what a newcomer has after the README's first command. Only the package
registry is reached; the notebooks run on this machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.package.test_readme_commands import _commands
from tests.processes import free_port, stop_group, tail

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

RUN_NOTEBOOK = """
import sys, nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, kernel_name="python3", timeout=300, allow_errors=False,
               resources={"metadata": {"path": sys.argv[2]}}).execute()
print("ran", path)
"""


def _clean_env(home: Path) -> dict[str, str]:
    """No trace of this test's venv or tree: Jupyter's dirs under `home`."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "JUPYTER_TOKEN", "PYTHONHOME")}
    for var in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR",
                "JUPYTERLAB_SETTINGS_DIR", "JUPYTERLAB_WORKSPACES_DIR", "IPYTHONDIR"):
        (home / var.lower()).mkdir(parents=True, exist_ok=True)
        env[var] = str(home / var.lower())
    return env


@pytest.fixture(scope="module")
def lab_venv(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A venv made as README command 1 makes it (`python3 -m venv` + the `lab` extra)."""
    first, _tests = _commands()
    venv_cmd, install, _open = first.split(" && ")
    assert venv_cmd == "python3 -m venv .venv" and install.endswith("'.[lab]'"), first
    base = tmp_path_factory.mktemp("lab_extra")
    env = _clean_env(base / "home")
    venv = base / ".venv"
    subprocess.run(["python3", "-m", "venv", str(venv)], check=True, env=env, timeout=300)
    done = subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", "-e",
         f"{ROOT}[lab]"], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, f"pip install -e '.[lab]' failed:\n{done.stderr[-3000:]}"
    return venv, env


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_every_notebook_runs_with_the_lab_extra_alone(
        lab_venv: tuple[Path, dict[str, str]], notebook: Path, tmp_path: Path) -> None:
    venv, env = lab_venv
    # What a notebook writes beside itself (the review session's database) stays here.
    env = {**env, "HITL_REVIEW_DB": str(tmp_path / "review.sqlite")}
    done = subprocess.run([str(venv / "bin" / "python"), "-c", RUN_NOTEBOOK, str(notebook),
                           str(tmp_path)], env=env, cwd=tmp_path, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, (f"{notebook.name} fails after README command 1 "
                                  f"(lab extra only):\n{done.stderr[-4000:]}")


#: What in a server log reads like a problem to a newcomer.
ALARMING = re.compile(r"^\[[WEC] |Traceback|Error|error|Warning|not served|not found",
                      re.MULTILINE)


def test_command_one_prints_an_address_that_opens_the_quickstart(
        lab_venv: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    venv, env = lab_venv
    first, _tests = _commands()
    _venv, _install, open_lab = first.split(" && ")
    program, *args = open_lab.split()
    assert program == ".venv/bin/jupyter"
    port = free_port()
    log = tmp_path / "lab.log"
    with log.open("wb") as out:
        # The README's arguments as written, plus a port of this test's own and no browser
        # to open. The token is the one Jupyter makes up, printed in full as a newcomer sees.
        proc = subprocess.Popen(
            [str(venv / "bin" / "jupyter"), *args, "--no-browser", f"--port={port}",
             "--ServerApp.port_retries=0"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        printed = re.compile(rf"(http://127\.0\.0\.1:{port}/\S+)")
        while not printed.search(log.read_text(errors="replace")):
            assert proc.poll() is None, f"jupyter lab exited:\n{tail(log)}"
            assert time.monotonic() < deadline, f"no address printed:\n{tail(log)}"
            time.sleep(0.2)
        found = printed.search(log.read_text(errors="replace"))
        assert found
        url = found.group(1)
        assert url.startswith(f"http://127.0.0.1:{port}/lab/tree/notebooks/quickstart.ipynb?"), url
        with urllib.request.urlopen(url, timeout=30) as page:
            body = page.read().decode()
        # The page Lab serves for that address opens that file (its page config names it).
        assert '"treePath": "notebooks/quickstart.ipynb"' in body, body[:2000]
        time.sleep(1)  # extensions that log after the address
    finally:
        stop_group(proc, 15)
    text = log.read_text(errors="replace")
    assert "hitl_widgets: notebooks run their graphs in the kernel" in text, text
    # Jupyter prints its "To access the server" banner at CRITICAL (an empty `[C` line,
    # the addresses below it) so that it shows at any log level; and our own stop, at the end.
    alarming = [line for line in text.splitlines() if ALARMING.search(line)
                and not re.fullmatch(r"\[C [\d :.-]+ServerApp\] *", line)
                and "received signal 15" not in line]
    assert not alarming, "\n".join(alarming)
