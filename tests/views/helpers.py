"""Helpers shared by the view tests."""

from __future__ import annotations

from typing import Any

from hitl_widgets.views import ThreadView


async def open_view(client: Any, assistant_id: str, input: Any, **kwargs: Any) -> ThreadView:
    """A view on a new thread whose first run has reached its first stop."""
    view = ThreadView(client, None, assistant_id, **kwargs)
    view.start(input)
    await view.wait()
    return view
