"""`notebooks/remote_server.ipynb`'s remote part against the real LangGraph Server.

nbval runs the notebook against the `serve()` it starts itself; here the same notebook runs
with `LANGGRAPH_URL` pointing at a `langgraph dev` that serves the seed as `agent` (as the
notebook asks of a deployed server). Every cell must pass unchanged there too, and the
threads it made must be on that server, so the notebook does not only work against ours.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest
from langgraph_sdk import get_sync_client
from nbclient import NotebookClient

from tests.processes import stop_group
from tests.reference_server import SCENARIOS_FILE, start_server

pytestmark = pytest.mark.server
NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "remote_server.ipynb"


@pytest.fixture(scope="module")
def agent_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A `langgraph dev` serving only the seed graph, under the id `agent`."""
    proc, url, _log = start_server(tmp_path_factory.mktemp("langgraph_dev_agent"),
                                   graphs={"agent": f"{SCENARIOS_FILE}:seed"})
    try:
        yield url
    finally:
        stop_group(proc)


def _text(cell: nbformat.NotebookNode) -> str:
    """What the cell printed (its stream outputs; displays are left out)."""
    return "".join(o.get("text", "") for o in cell.get("outputs", [])
                   if o.get("output_type") == "stream")


def test_the_notebook_runs_against_langgraph_dev(
    agent_server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANGGRAPH_URL", agent_server)
    monkeypatch.delenv("LANGGRAPH_API_KEY", raising=False)  # langgraph dev takes none
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=180,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert _text(code[0]).strip() == f"LangGraph Server API at {agent_server}"
    asked, resumed = _text(code[1]).strip().splitlines()
    assert "'value': {'text_to_revise': 'original text'}" in asked, asked
    assert resumed == "{'some_text': 'Edited text'}"
    thread = json.loads(_text(code[2]))
    assert thread["status"] == "idle" and thread["values"] == {"some_text": "Edited text"}
    assert _text(code[-1]).strip() == "idle {'some_text': 'Edited text'}"

    # The notebook's three threads are on langgraph dev: the tab's, the waiting view's, and
    # the one answered from code.
    server = get_sync_client(url=agent_server)
    try:
        threads = server.threads.search(metadata={"graph_id": "agent"}, limit=100)
    finally:
        server.close()
    assert sorted(t["status"] for t in threads) == ["idle", "idle", "interrupted"]
    assert thread["thread_id"] in {t["thread_id"] for t in threads}
