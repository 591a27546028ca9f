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


async def until(predicate: Any, timeout: float = 10.0, what: str = "") -> None:
    """Wait (yielding to the loop) until `predicate()` is true; fail after `timeout` seconds."""
    import asyncio

    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        if loop.time() > deadline:
            raise AssertionError(f"still waiting after {timeout} s for {what or predicate}")
        await asyncio.sleep(0.01)
