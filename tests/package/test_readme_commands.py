"""The README's two commands are what they say, and CI runs the second one unchanged."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _commands() -> list[str]:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_exactly_two_commands_and_ci_runs_the_test_one() -> None:
    _open, tests = _commands()
    ci = (ROOT / ".ci" / "run").read_text()
    steps = [line for line in ci.splitlines() if line.strip() and not line.startswith("#")
             and not line.startswith(("set ", "cd "))]
    assert steps == [f"exec {tests}"]


def test_the_first_command_installs_jupyterlab_and_opens_the_quickstart() -> None:
    first, _tests = _commands()
    venv, install, open_lab = first.split(" && ")
    assert venv == "python3 -m venv .venv"
    assert install == ".venv/bin/pip install -e '.[lab]'"
    # The address JupyterLab prints opens the quickstart (a file argument only changes
    # the page a local browser is sent to; the printed address would open the Launcher).
    assert open_lab == (".venv/bin/jupyter lab --allow-root "
                        "--LabApp.default_url=/lab/tree/notebooks/quickstart.ipynb")
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(r.startswith("jupyterlab") for r in project["optional-dependencies"]["lab"])
    assert (ROOT / "notebooks" / "quickstart.ipynb").is_file()
    # tests/e2e/test_hosts.py opens that notebook in JupyterLab and answers it;
    # tests/package/test_lab_extra.py runs this command in a clean venv.


def test_the_quickstart_prints_the_seed_outputs() -> None:
    result = subprocess.run([sys.executable, "-m", "hitl_widgets.quickstart"], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    first, second = result.stdout.splitlines()[:2]
    assert re.fullmatch(r"\[\{'value': \{'text_to_revise': 'original text'\}, 'id': '[0-9a-f]{32}', "
                        r"'response_schema': None\}\]", first)
    assert second == "{'some_text': 'Edited text'}"
