"""The reference-server fixture starts what it says, where it says, or fails loudly."""

from __future__ import annotations

import json
import socket
from pathlib import Path
from typing import Any

import pytest

from tests.graphs.scenarios import SCENARIOS
from tests.reference_server import SCENARIOS_FILE, start_server, write_config


def test_config_names_every_scenario_by_absolute_path(tmp_path: Path) -> None:
    config = json.loads(write_config(tmp_path).read_text())
    assert config["graphs"] == {name: f"{SCENARIOS_FILE}:{name}" for name in SCENARIOS}
    assert SCENARIOS_FILE.is_absolute()


@pytest.mark.server
def test_reference_url_answers(reference_url: str) -> None:
    import urllib.request

    with urllib.request.urlopen(f"{reference_url}/info", timeout=5) as response:
        assert response.status == 200


@pytest.mark.server
def test_sync_client_runs_the_seed(reference_sync_client: Any) -> None:
    thread_id = reference_sync_client.threads.create()["thread_id"]
    result = reference_sync_client.runs.wait(thread_id, "seed", input={"some_text": "t"})
    assert result["__interrupt__"][0]["value"] == {"text_to_revise": "t"}


@pytest.mark.server
@pytest.mark.slow
def test_a_taken_port_fails_at_once_instead_of_moving(tmp_path: Path) -> None:
    # langgraph dev silently moves to another port when its port is taken; the fixture
    # must refuse rather than test whatever else listens there.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(RuntimeError, match=f"port {port}"):
            start_server(tmp_path, port=port)
