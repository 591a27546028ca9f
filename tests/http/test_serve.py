"""``serve()`` from a kernel (issue 9, item 1): what it takes, what it returns, ``stop()``."""

from __future__ import annotations

import httpx
import pytest
from langgraph_sdk import get_sync_client as sdk_sync_client

from hitl_widgets import get_client, get_sync_client, serve
from tests.graphs.scenarios import seed


def test_serves_an_in_kernel_clients_threads() -> None:
    kernel = get_sync_client(graphs={"agent": seed})
    thread_id = kernel.threads.create()["thread_id"]
    kernel.runs.wait(thread_id, "agent", input={"some_text": "from the kernel"})
    with serve(kernel) as server:
        remote = sdk_sync_client(url=server.url, api_key=server.token)
        assert remote.threads.get(thread_id)["status"] == "interrupted"
        done = remote.runs.wait(thread_id, "agent", command={"resume": "over HTTP"})
    assert done == {"some_text": "over HTTP"}
    assert kernel.threads.get(thread_id)["values"] == {"some_text": "over HTTP"}


def test_the_token_is_generated_unless_given() -> None:
    generated = serve({"agent": seed})
    given = serve({"agent": seed}, token="my-token")
    try:
        assert len(generated.token) >= 32
        assert given.token == "my-token"
    finally:
        generated.stop()
        given.stop()


def test_stop_closes_the_port() -> None:
    server = serve({"agent": seed})
    headers = {"x-api-key": server.token}
    assert httpx.get(f"{server.url}/ok", headers=headers).json() == {"ok": True}
    server.stop()
    server.stop()  # idempotent
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{server.url}/ok", headers=headers)


def test_refuses_a_client_for_a_url() -> None:
    remote = get_client(url="http://127.0.0.1:9")
    with pytest.raises(TypeError, match="a client for a URL already has a server"):
        serve(remote)


def test_refuses_a_checkpointer_beside_a_client() -> None:
    with pytest.raises(ValueError, match="already has its checkpointer"):
        serve(get_client(graphs={"agent": seed}), checkpointer="threads.sqlite")
