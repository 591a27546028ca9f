"""``get_client``: in the kernel with ``graphs=``, the official SDK client with ``url=``."""

from __future__ import annotations

import pytest
from langgraph_sdk.client import LangGraphClient, SyncLangGraphClient

from hitl_widgets import get_client, get_sync_client
from hitl_widgets.client import LocalClient, SyncLocalClient
from tests.graphs.scenarios import seed


def test_url_gives_the_official_clients() -> None:
    assert isinstance(get_client(url="http://127.0.0.1:9"), LangGraphClient)
    assert isinstance(get_sync_client(url="http://127.0.0.1:9"), SyncLangGraphClient)


def test_graphs_give_the_in_kernel_clients() -> None:
    assert isinstance(get_client(graphs={"agent": seed}), LocalClient)
    assert isinstance(get_sync_client(graphs={"agent": seed}), SyncLocalClient)


def test_neither_says_what_to_pass() -> None:
    with pytest.raises(ValueError, match=r"graphs=\{'agent': graph\}.*or url="):
        get_client()
    with pytest.raises(TypeError, match="checkpointer must be None, 'memory', a SQLite file path"):
        get_client(graphs={"agent": seed}, checkpointer=42)  # type: ignore[arg-type]
