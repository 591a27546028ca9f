"""hitl_widgets: review, edit and approve what a LangGraph agent wants to do, in Jupyter.

- ``get_client(graphs=...)`` / ``get_sync_client(graphs=...)``: the LangGraph Server API
  inside the kernel (``url=...`` gives the official client for a deployed server);
- ``InterruptForm``: any interrupt as an editable, typed form (``register_renderer`` for
  your own payload shapes);
- ``review(...)`` / ``ThreadView``: one thread's live review loop;
- ``serve(graphs)``: the same API over HTTP for the SDKs, curl and web pages (also
  ``python -m hitl_widgets serve langgraph.json`` and the Jupyter server extension).
- ``Inbox``: the threads waiting for a human, bulk answers; ``decisions(client)``: the
  audit log of who answered what; ``ReviewQueue``: pending items handed to several
  reviewers one at a time, each held while they read it.
"""

from typing import Any

from hitl_widgets.client import get_client, get_sync_client
from hitl_widgets.client.audit import decisions
from hitl_widgets.client.queue import ReviewQueue
from hitl_widgets.forms import InterruptForm, register_renderer
from hitl_widgets.http import serve
from hitl_widgets.runtime import GraphRunError, StorageError
from hitl_widgets.views import Inbox, ThreadView, review

__all__ = [
    "GraphRunError",
    "Inbox",
    "InterruptForm",
    "ReviewQueue",
    "StorageError",
    "ThreadView",
    "decisions",
    "get_client",
    "get_sync_client",
    "register_renderer",
    "review",
    "serve",
]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    """Where Jupyter finds the server extension (enabled by ``jupyter-config/``)."""
    return [{"module": "hitl_widgets.http.extension"}]
