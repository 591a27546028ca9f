"""The built wheel holds every file the package needs (hatchling skips missing ones silently).

The wheel is built offline: no build isolation (which would download the build backend) and
no package index, with the backend pyproject.toml names already in this venv. tests/run.sh
installs it there; without it the tests skip, or fail under CI (tests/ci.py).
"""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.ci import require_module

ROOT = Path(__file__).resolve().parents[2]


def build_wheel(folder: Path) -> Path:
    """Build the project's wheel into `folder` offline; its path."""
    require_module("hatchling", "pip install 'hatchling>=1.25' into this venv "
                   "(tests/run.sh installs pyproject.toml's build-system requires)")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--no-index", "-q", "-w", str(folder), str(ROOT)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [wheel] = folder.glob("hitl_widgets-*.whl")
    return wheel


@pytest.mark.slow
def test_wheel_contains_every_package_file(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        str(p.relative_to(ROOT)) for p in (ROOT / "hitl_widgets").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    }
    assert expected - names == set()
    assert "hitl_widgets/forms/submit.js" in names  # the Submit button's front end


SHARED_DATA = {
    "jupyter-config/jupyter_server_config.d/hitl_widgets.json":
        "etc/jupyter/jupyter_server_config.d/hitl_widgets.json",
}
"""What pyproject.toml maps with hatchling's shared-data (checked to be the same below)."""


def test_shared_data_mapping_is_the_one_tested() -> None:
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    mapped = config["tool"]["hatch"]["build"]["targets"]["wheel"]["shared-data"]
    assert mapped == SHARED_DATA
    for source in mapped:
        assert (ROOT / source).is_file(), f"{source} is mapped but missing (hatchling skips it)"


@pytest.mark.slow
def test_pip_install_enables_the_server_extension(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    for target in SHARED_DATA.values():
        assert f"hitl_widgets-0.1.0.data/data/{target}" in names
    prefix = tmp_path / "prefix"
    # --ignore-installed: with --prefix alone pip first uninstalls the copy this venv runs
    # (the editable install), and every later test that starts a kernel loses the package.
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--ignore-installed", "--no-index",
         "-q", "--prefix", str(prefix), str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert installed.returncode == 0, installed.stderr
    config = prefix / "etc" / "jupyter" / "jupyter_server_config.d" / "hitl_widgets.json"
    assert json.loads(config.read_text()) == {
        "ServerApp": {"jpserver_extensions": {"hitl_widgets": True}}
    }
    # The venv running the tests still has its own install.
    still = subprocess.run(
        [sys.executable, "-m", "pip", "show", "-q", "hitl_widgets"],
        capture_output=True, text=True, timeout=60,
    )
    assert still.returncode == 0, "the test's pip install removed the venv's hitl_widgets"
