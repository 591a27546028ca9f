"""Fixtures for the view tests: an in-kernel client over the scenario graphs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from hitl_widgets import get_client
from tests.graphs.scenarios import SCENARIOS


@pytest.fixture
async def client() -> AsyncIterator[Any]:
    """The in-kernel async client serving every scenario graph, in memory."""
    c = get_client(graphs=SCENARIOS)
    try:
        yield c
    finally:
        await c.aclose()
