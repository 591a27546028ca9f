"""`notebooks/team_review.ipynb`: answers from code outside Voila, nothing under Voila."""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "team_review.ipynb"


def _printed(cell: nbformat.NotebookNode) -> str:
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream")


def _run(tmp_path: Path, **env: str) -> list[nbformat.NotebookNode]:
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=180,
                   resources={"metadata": {"path": str(tmp_path)}}).execute(
        env={**os.environ, "HITL_REVIEW_DB": str(tmp_path / "team.sqlite"), **env})
    return [c for c in nb.cells if c.cell_type == "code"]


def _decided(tmp_path: Path) -> list[tuple[str, str]]:
    with closing(sqlite3.connect(tmp_path / "team.sqlite")) as conn:
        return [tuple(r) for r in conn.execute("SELECT reviewer, outcome FROM hitl_decisions")]


def test_outside_voila_code_answers_two_and_says_so(tmp_path: Path) -> None:
    code = _run(tmp_path, HITL_REVIEWER="ana")
    assert "12 documents wait for a reviewer" in _printed(code[1])
    assert _printed(code[3]).startswith("Rejected ") and "2 of 12" in _printed(code[3])
    assert _decided(tmp_path) == [("ana", "resumed"), ("ana", "resumed")]


def test_under_voila_nothing_is_answered(tmp_path: Path) -> None:
    code = _run(tmp_path, VOILA_BASE_URL="/", VOILA_SERVER_URL="/")
    assert _printed(code[3]).strip() == ("Served by Voila: nothing is answered from code on "
                                         "this page.")
    assert _decided(tmp_path) == []
