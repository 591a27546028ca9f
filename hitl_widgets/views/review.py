"""`review()`: one call in a cell that starts (or opens) a thread and shows its live view."""

from __future__ import annotations

from typing import Any

from hitl_widgets.views.notebook_display import mark_displayed
from hitl_widgets.views.thread_view import ThreadView

__all__ = ["review"]


def _is_client(obj: Any) -> bool:
    """A `langgraph_sdk`-shaped client has `threads`, `runs` and `assistants`."""
    return all(hasattr(obj, name) for name in ("threads", "runs", "assistants"))


def review(graph_or_client: Any, *, assistant_id: str = "agent", input: Any = None,
           thread_id: str | None = None, checkpointer: Any = None, display: bool = True,
           **view_kwargs: Any) -> ThreadView:
    """Show a live `ThreadView` of one thread and return it.

    `graph_or_client` is a graph (compiled, a `StateGraph`, or `"module:attr"`), run in this
    kernel through `hitl_widgets.get_client(graphs={assistant_id: graph},
    checkpointer=checkpointer)`, or a client (in-kernel or `langgraph_sdk.get_client(
    url=...)`). With `input`, a run starts (on a new thread unless `thread_id` is given);
    without it, the existing thread `thread_id` is opened. The call returns at once: the
    run goes on in the background, and `await view.wait()` waits for it.
    """
    if _is_client(graph_or_client):
        if checkpointer is not None:
            raise ValueError("checkpointer= applies to a graph run in the kernel; a client "
                             "already has its own storage")
        client = graph_or_client
    else:
        from hitl_widgets.client import get_client  # views use it only here

        client = get_client(graphs={assistant_id: graph_or_client}, checkpointer=checkpointer)
    if thread_id is None and input is None:
        raise ValueError("review() needs input=... to start a run, or thread_id=... to open "
                         "an existing thread")
    view = ThreadView(client, thread_id, assistant_id, load=input is None, **view_kwargs)
    if input is not None:
        view.start(input)
    if display:
        from IPython.display import display as show  # only when displaying

        show(view)
        mark_displayed(view)
    return view
