"""Clients with the ``langgraph_sdk`` API: in-kernel (``LocalClient``) or remote."""

from hitl_widgets.client.factory import get_client, get_sync_client
from hitl_widgets.client.local import LocalClient
from hitl_widgets.client.sync import SyncLocalClient

__all__ = ["LocalClient", "SyncLocalClient", "get_client", "get_sync_client"]
