"""Fixtures for the view tests: an in-kernel client over the scenario graphs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from hitl_widgets import get_client
from hitl_widgets.views import ThreadView
from tests.graphs.scenarios import SCENARIOS


@pytest.fixture
async def client() -> AsyncIterator[Any]:
    """The in-kernel async client serving every scenario graph, in memory."""
    c = get_client(graphs=SCENARIOS)
    try:
        yield c
    finally:
        await c.aclose()


async def open_view(client: Any, assistant_id: str, input: Any, **kwargs: Any) -> ThreadView:
    """A view on a new thread whose first run has reached its first stop."""
    view = ThreadView(client, None, assistant_id, **kwargs)
    view.start(input)
    await view.wait()
    return view
