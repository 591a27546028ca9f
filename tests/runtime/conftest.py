"""Clients over the scenario graphs, in memory and on a SQLite file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from hitl_widgets import get_client, get_sync_client
from tests.graphs.scenarios import SCENARIOS


@pytest.fixture(params=["memory", "sqlite"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """``None`` (InMemorySaver) or a fresh SQLite file."""
    return None if request.param == "memory" else str(tmp_path / "threads.sqlite")


@pytest.fixture
def client(backend: Any) -> Any:
    """An async in-kernel client over every scenario graph."""
    return get_client(graphs=SCENARIOS, checkpointer=backend)


@pytest.fixture
def sync_client(backend: Any) -> Any:
    """A sync in-kernel client over every scenario graph."""
    return get_sync_client(graphs=SCENARIOS, checkpointer=backend)
