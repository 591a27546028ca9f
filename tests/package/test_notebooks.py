"""Every notebook is stored clean and runs unattended (nbval runs them: see pyproject)."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_stored_without_outputs_and_with_a_kernelspec(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"  # no "Select Kernel" dialog
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in nb.cells if c.cell_type == "code")
    assert nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_ends_by_answering_its_own_interrupts_from_code(path: Path) -> None:
    # The last code cell checks what the answers did: run with nobody clicking, it fails
    # (under nbval) unless the programmatic answers went through.
    last = [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"][-1]
    assert "assert " in last.source
