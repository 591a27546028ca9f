"""``serve()`` from a kernel (issue 9, item 1): what it takes, what it returns, ``stop()``."""

from __future__ import annotations

import json
import time
from typing import Any

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
    """Each server makes its own token (unless given one) and takes only that one."""
    generated = serve({"agent": seed})
    other = serve({"agent": seed})
    given = serve({"agent": seed}, token="my-token")
    try:
        assert given.token == "my-token"
        assert len({generated.token, other.token, given.token}) == 3
        assert len(generated.token) >= 32
        for server in (generated, other, given):
            ok = httpx.get(f"{server.url}/assistants/agent", headers={"x-api-key": server.token})
            assert ok.status_code == 200, (server.url, ok.text)
        refused = httpx.get(f"{generated.url}/assistants/agent",
                            headers={"x-api-key": other.token})
        assert refused.status_code == 403
        refused = httpx.get(f"{given.url}/assistants/agent", headers={"x-api-key": "my-tokeN"})
        assert refused.status_code == 403
    finally:
        generated.stop()
        other.stop()
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


def _status(server: Any, thread_id: str, run_id: str) -> str:
    headers = {"x-api-key": server.token}
    return str(httpx.get(f"{server.url}/threads/{thread_id}/runs/{run_id}", headers=headers)
               .json()["status"])  # fmt: skip


@pytest.mark.parametrize(
    ("on_disconnect", "status"), [("cancel", "interrupted"), ("continue", "success")]
)
def test_a_dropped_stream_cancels_its_run_only_when_asked(
    served: Any, on_disconnect: str, status: str
) -> None:
    """Cancelled when the client goes away (the 3 s node never finishes: "interrupted"), or
    left to finish ("success")."""
    headers = {"x-api-key": served.token}
    thread_id = httpx.post(f"{served.url}/threads", headers=headers, json={}).json()["thread_id"]
    body = {"assistant_id": "slow", "input": {"delay": 3.0}, "on_disconnect": on_disconnect}
    with httpx.stream("POST", f"{served.url}/threads/{thread_id}/runs/stream",
                      headers=headers, json=body) as response:  # fmt: skip
        lines = response.iter_lines()
        assert next(lines) == "event: metadata"
        run_id = json.loads(next(lines).removeprefix("data: "))["run_id"]
    hang_guard = time.monotonic() + 120  # not a bound on speed: only stops a hung run
    while _status(served, thread_id, run_id) in ("pending", "running"):
        assert time.monotonic() < hang_guard, f"run {run_id} still running after 120 s"
        time.sleep(0.05)
    assert _status(served, thread_id, run_id) == status
    values = httpx.get(f"{served.url}/threads/{thread_id}/state", headers=headers).json()["values"]
    assert values.get("count") == (1 if status == "success" else None), values
