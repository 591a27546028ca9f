"""``get_client``: in the kernel with ``graphs=``, the official SDK client with ``url=``."""

from __future__ import annotations

import inspect

import pytest
from langgraph_sdk.client import LangGraphClient, RunsClient, SyncLangGraphClient, SyncRunsClient

from hitl_widgets import get_client, get_sync_client
from hitl_widgets.client import LocalClient, SyncLocalClient
from hitl_widgets.client.recording import (
    RecordingRunsClient,
    SyncRecordingRunsClient,
    recording_runs,
)
from tests.graphs.scenarios import seed


def test_url_gives_the_official_clients() -> None:
    assert isinstance(get_client(url="http://127.0.0.1:9"), LangGraphClient)
    assert isinstance(get_sync_client(url="http://127.0.0.1:9"), SyncLangGraphClient)


def test_a_remote_clients_runs_record_and_stay_the_sdks() -> None:
    client = get_client(url="http://127.0.0.1:9", reviewer="ana")
    assert isinstance(client.runs, RecordingRunsClient) and isinstance(client.runs, RunsClient)
    assert client.runs.reviewer == client.hitl_reviewer == "ana"
    assert client.runs.http is client.http  # one connection pool
    sync = get_sync_client(url="http://127.0.0.1:9", reviewer="ana")
    assert isinstance(sync.runs, SyncRecordingRunsClient)
    assert isinstance(sync.runs, SyncRunsClient) and sync.runs.http is sync.http
    # Its overrides show the SDK's signatures (help(), IDEs) and stay async where it is.
    sdk_runs = RunsClient(client.http)
    for name in ("wait", "stream", "create", "join", "list", "cancel"):
        ours, theirs = getattr(client.runs, name), getattr(sdk_runs, name)
        assert inspect.signature(ours) == inspect.signature(theirs), name
        assert inspect.iscoroutinefunction(ours) == inspect.iscoroutinefunction(theirs), name
    # The views resume through a recorder of their own on the same connection (so one
    # answer is recorded once); an in-kernel client keeps its runs (its runtime records).
    view_runs = recording_runs(client)
    assert isinstance(view_runs, RecordingRunsClient) and view_runs is not client.runs
    assert view_runs.http is client.http and view_runs.reviewer == "ana"
    local = get_client(graphs={"agent": seed})
    assert recording_runs(local) is local.runs


def test_graphs_give_the_in_kernel_clients() -> None:
    assert isinstance(get_client(graphs={"agent": seed}), LocalClient)
    assert isinstance(get_sync_client(graphs={"agent": seed}), SyncLocalClient)


def test_neither_says_what_to_pass() -> None:
    with pytest.raises(ValueError, match=r"graphs=\{'agent': graph\}.*or url="):
        get_client()
    with pytest.raises(TypeError, match="checkpointer must be None, 'memory', a SQLite file path"):
        get_client(graphs={"agent": seed}, checkpointer=42)  # type: ignore[arg-type]
