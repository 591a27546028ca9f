"""hitl_widgets: review, edit and approve what a LangGraph agent wants to do, in Jupyter.

``get_client(graphs=...)`` runs the LangGraph Server API inside the kernel;
``get_client(url=...)`` is the official client for a deployed server.
"""

from hitl_widgets.client import get_client, get_sync_client
from hitl_widgets.runtime import GraphRunError, StorageError

__all__ = ["GraphRunError", "StorageError", "get_client", "get_sync_client"]
