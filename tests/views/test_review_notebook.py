"""The review-session notebook runs unattended in a real kernel (and is stored clean)."""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "review_session.ipynb"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _text(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", ""))
                   for o in cell.get("outputs", []))


def test_stored_without_outputs_and_with_a_kernelspec() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in nb.cells if c.cell_type == "code")


def _printed(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream")


def test_builds_a_batch_shows_the_inbox_and_answers_from_code(tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=180,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "30 documents wait for a human" in _text(code[1])
    assert any(WIDGET_MIME in o.get("data", {}) for o in code[2].outputs)
    assert _printed(code[3]).strip() == "[True, True, True]"
    lines = _printed(code[4]).splitlines()
    assert len(lines) == 4 and all(
        line.endswith("accepted code: bulk accept resumed") for line in lines[:3]), lines
    # Each document kept its own proposed label (document 0 is a letter, 1 and 2 invoices):
    # nothing relabelled by one shared answer.
    assert sorted(line.split("'label': ")[1].split(",")[0] for line in lines[:3]) == [
        "'invoice'", "'invoice'", "'letter'"]
    assert lines[3].startswith("at,reviewer,thread_id")
    assert any(WIDGET_MIME in o.get("data", {}) for o in code[4].outputs)  # the trail table


def test_under_voila_the_notebook_answers_nothing(tmp_path: Path) -> None:
    """A Voila page's kernel (Voila sets ``VOILA_*`` in its environment) runs every cell,
    and the one that answers from code answers nothing there."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    env = {**os.environ, "VOILA_BASE_URL": "/", "VOILA_SERVER_URL": "/"}
    NotebookClient(nb, kernel_name="python3", timeout=180,
                   resources={"metadata": {"path": str(tmp_path)}}).execute(env=env)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert _printed(code[3]).strip() == ("Served by Voila: nothing is answered from code on "
                                         "this page.")
    assert _printed(code[4]).splitlines() == ["at,reviewer,thread_id,interrupt_"]
