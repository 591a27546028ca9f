"""`voila notebooks/review_session.ipynb` as the reviewers' page: loading it never answers.

A real Voila server runs the whole notebook in a fresh kernel on each page load (a plain
HTTP GET is enough: the page is sent once every cell ran). Two loads over one shared SQLite
file leave the thirty documents pending and the decision log empty: the notebook's
"answering from code" cell runs only outside Voila.
"""

from __future__ import annotations

import sqlite3
import urllib.request
from contextlib import closing
from pathlib import Path

from tests.e2e.jupyter_servers import REVIEW_DB, Server

VOILA_NOTEBOOK = Path(__file__).parents[2] / "notebooks" / "review_session.ipynb"


def _load(server: Server) -> str:
    with urllib.request.urlopen(f"{server.base_url}/?token={server.token}",
                                timeout=300) as response:
        page: str = response.read().decode("utf-8")
    return page


def test_two_page_loads_answer_nothing(voila_app: Server) -> None:
    pages = [_load(voila_app), _load(voila_app)]
    with closing(sqlite3.connect(f"file:{voila_app.root_dir / REVIEW_DB}?mode=ro",
                                 uri=True)) as conn:
        decided = conn.execute("SELECT count(*) FROM hitl_decisions").fetchone()[0]
        trail = conn.execute("SELECT count(*) FROM hitl_audit").fetchone()[0]
        pending = conn.execute(
            "SELECT count(*) FROM hitl_threads WHERE status = 'interrupted'").fetchone()[0]
    assert (decided, trail, pending) == (0, 0, 30)
    for page in pages:
        assert "Served by Voila: nothing is answered from code on this page." in page
        assert "Traceback" not in page, page[-3000:]
