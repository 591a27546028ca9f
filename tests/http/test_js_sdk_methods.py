"""Which methods of the official JS SDK (``@langchain/langgraph-sdk``) work against ours and
against ``langgraph dev``: ``js_sdk_methods.mjs`` calls each once and says ``ok`` or why not.

What ours does not offer yet is listed in ``NOT_OFFERED`` (each answers a 404 saying so);
every other method that works on the server must work on ours.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).parent

NOT_OFFERED = frozenset(
    {
        "assistants.create", "assistants.update", "assistants.setLatest", "assistants.delete",
        "threads.joinStream",
        "crons.createForThread", "crons.create", "crons.search", "crons.count",
        "crons.update", "crons.delete",
        "store.putItem", "store.getItem", "store.searchItems", "store.listNamespaces",
        "store.deleteItem",
    }
)  # fmt: skip
"""Methods whose routes answer 404 "not offered by this server" (no assistant records,
thread streams, crons or store yet)."""

FAIL_ON_BOTH = frozenset({"threads.patchState"})
"""The SDK sends ``PATCH /threads/{id}/state``, which the server's spec does not have (405)."""


def probe(js_sdk: Path, tmp_path: Path, url: str, key: str) -> dict[str, str]:
    """Each SDK method's outcome against ``url``."""
    (tmp_path / "node_modules").symlink_to(js_sdk / "node_modules", target_is_directory=True)
    script = tmp_path / "methods.mjs"
    script.write_text((HERE / "js_sdk_methods.mjs").read_text())
    result = subprocess.run(
        ["node", str(script), url, key], cwd=tmp_path, capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    outcome: dict[str, str] = json.loads(result.stdout.strip().splitlines()[-1])
    return outcome


def working(outcome: dict[str, str]) -> set[str]:
    return {name for name, said in outcome.items() if said == "ok"}


def test_js_sdk_methods_on_ours(served: Any, js_sdk: Path, tmp_path: Path) -> None:
    outcome = probe(js_sdk, tmp_path, served.url, served.token)
    assert working(outcome) == set(outcome) - NOT_OFFERED - FAIL_ON_BOTH, outcome
    for name in NOT_OFFERED:
        assert "not offered by this server" in outcome[name], (name, outcome[name])


@pytest.mark.server
def test_what_works_on_the_server_works_on_ours(
    served: Any, reference_url: str, js_sdk: Path, tmp_path: Path
) -> None:
    (tmp_path / "ours").mkdir()
    (tmp_path / "server").mkdir()
    ours = probe(js_sdk, tmp_path / "ours", served.url, served.token)
    theirs = probe(js_sdk, tmp_path / "server", reference_url, "")
    assert working(theirs) - working(ours) == NOT_OFFERED, (theirs, ours)
    # The server also refuses to cancel a run that already ended (404 "No matching runs to
    # cancel"); ours answers that nothing was left to do.
    assert set(theirs) - working(theirs) <= FAIL_ON_BOTH | {"runs.cancel"}
