"""The quickstart runs unattended in a real kernel and leaves a record readable without one."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "quickstart.ipynb"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _html_outputs(cell: nbformat.NotebookNode) -> list[str]:
    return [o["data"]["text/html"] for o in cell.get("outputs", [])
            if "data" in o and "text/html" in o["data"]]


@pytest.fixture(scope="module")
def executed() -> nbformat.NotebookNode:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=120, store_widget_state=True,
                   resources={"metadata": {"path": str(NOTEBOOK.parent)}}).execute()
    return nb


def test_stored_without_outputs_and_with_a_kernelspec() -> None:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in nb.cells if c.cell_type == "code")


def test_the_seed_prints_what_the_server_prints(executed: nbformat.NotebookNode) -> None:
    seed = next(c for c in executed.cells if "Command(resume=" in c.source)
    text = "".join(o.get("text", "") for o in seed.outputs)
    assert "[{'value': {'text_to_revise': 'original text'}, 'id': '" in text
    assert "{'some_text': 'Edited text'}" in text


def test_views_leave_a_static_record_next_to_the_widget(
        executed: nbformat.NotebookNode) -> None:
    waiting = next(c for c in executed.cells if c.source.startswith("from hitl_widgets.views"))
    auto = next(c for c in executed.cells if c.source.startswith("auto = review("))
    assert any(WIDGET_MIME in o.get("data", {}) for o in waiting.outputs)
    # The waiting view's record is there (nbclient keeps only the updates sent while their
    # own cell runs; JupyterLab applies later ones too: see tests/e2e).
    [record] = _html_outputs(waiting)
    assert "Review record" in record
    [answered] = _html_outputs(auto)
    assert "Edited text" in answered and "edited" in answered and "idle" in answered
    assert "<script" not in answered
    assert executed.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]
