"""The review-session notebook runs unattended in a real kernel (and is stored clean)."""

from __future__ import annotations

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


def test_builds_a_batch_shows_the_inbox_and_answers_from_code(tmp_path: Path) -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=180,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "30 documents wait for a human" in _text(code[1])
    assert any(WIDGET_MIME in o.get("data", {}) for o in code[2].outputs)
    assert _text(code[3]).strip() == "[True, True, True]"
    lines = _text(code[4]).splitlines()
    assert len(lines) == 4 and all(line.endswith("resumed") for line in lines[:3])
    assert "'label': 'invoice'" in lines[0]
    assert lines[3].startswith("at,reviewer,thread_id")
