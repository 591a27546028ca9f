"""Security and bad requests over HTTP (issue 9, item 4): the token, bodies, routes, errors.

Every request needs the server's token; without it nothing runs (checked by looking at the
thread afterwards). Malformed JSON, wrong types, oversized bodies and unknown routes get
their 4xx with ``{"detail": ...}``; no answer carries a Python traceback.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from hitl_widgets import serve
from tests.graphs.scenarios import SCENARIOS, seed
from tests.http.sockets import listening_addresses


def call(server: Any, method: str, path: str, key: str | None = "", **kwargs: Any) -> Any:
    """One raw HTTP request; ``key=""`` sends the server's token, ``None`` none at all."""
    headers = dict(kwargs.pop("headers", {}))
    if key is not None:
        headers["x-api-key"] = key or server.token
    response = httpx.request(method, server.url + path, headers=headers, timeout=30, **kwargs)
    assert "Traceback" not in response.text
    return response


def new_thread(server: Any) -> str:
    response = call(server, "POST", "/threads", json={})
    assert response.status_code == 200
    return str(response.json()["thread_id"])


def runs_of(server: Any, thread_id: str) -> list[Any]:
    response = call(server, "GET", f"/threads/{thread_id}/runs")
    assert response.status_code == 200
    return list(response.json())


SEED_RUN = {"assistant_id": "agent", "input": {"some_text": "original text"}}


def test_binds_to_localhost_by_default(served: Any) -> None:
    """The listening socket itself is bound to 127.0.0.1 (the kernel's table, not the URL)."""
    port = urlsplit(served.url).port
    assert port is not None
    assert listening_addresses(port) == {"127.0.0.1"}


def test_binds_where_host_says() -> None:
    """The same check sees another address when asked for one, so it reads the socket."""
    server = serve({"agent": seed}, host="::1")
    try:
        port = urlsplit(server.url).port
        assert port is not None
        assert listening_addresses(port) == {"::1"}
    finally:
        server.stop()


def test_without_key_401_and_nothing_runs(served: Any) -> None:
    thread_id = new_thread(served)
    response = call(served, "POST", f"/threads/{thread_id}/runs/wait", key=None, json=SEED_RUN)
    assert response.status_code == 401
    assert "x-api-key" in response.json()["detail"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert runs_of(served, thread_id) == []


def test_wrong_key_403_and_nothing_runs(served: Any) -> None:
    thread_id = new_thread(served)
    response = call(served, "POST", f"/threads/{thread_id}/runs/wait", key="nope", json=SEED_RUN)
    assert response.status_code == 403
    assert response.json() == {"detail": "wrong API key for this server"}
    assert runs_of(served, thread_id) == []


def test_without_key_no_thread_is_created(served: Any) -> None:
    before = call(served, "POST", "/threads/count", json={}).json()
    assert call(served, "POST", "/threads", key=None, json={}).status_code == 401
    assert call(served, "POST", "/threads/count", json={}).json() == before


def test_bearer_token_is_accepted(served: Any) -> None:
    headers = {"Authorization": f"Bearer {served.token}"}
    response = call(served, "GET", "/assistants/agent", key=None, headers=headers)
    assert response.status_code == 200
    assert response.json()["graph_id"] == "agent"


def test_unknown_route_under_auth_is_404(served: Any) -> None:
    response = call(served, "GET", "/no/such/route")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found: no route GET /no/such/route"}


def test_unknown_route_without_key_is_401(served: Any) -> None:
    assert call(served, "GET", "/no/such/route", key=None).status_code == 401


def test_wrong_method_is_405(served: Any) -> None:
    response = call(served, "DELETE", "/threads/search")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST"


def test_malformed_json_is_422_and_nothing_runs(served: Any) -> None:
    thread_id = new_thread(served)
    response = call(
        served, "POST", f"/threads/{thread_id}/runs/wait", content=b'{"assistant_id": "agent",'
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("Invalid JSON in request body")
    assert runs_of(served, thread_id) == []


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/runs/wait", {"assistant_id": 7}, "assistant_id"),
        ("/runs/wait", {"assistant_id": "agent", "multitask_strategy": "later"}, "multitask"),
        ("/runs/stream", {"assistant_id": "agent", "stream_mode": 5}, "stream_mode"),
        ("/runs", {"assistant_id": "agent", "config": ["not", "a", "dict"]}, "config"),
        ("/threads/search", {"limit": "3"}, "limit"),
        ("/threads", {"metadata": "x"}, "metadata"),
        ("/assistants/search", {"graph_id": 1}, "graph_id"),
    ],
)
def test_wrong_types_are_422_naming_the_field(
    served: Any, path: str, body: dict[str, Any], field: str
) -> None:
    response = call(served, "POST", path, json=body)
    assert response.status_code == 422
    answer = response.json()
    assert field in answer["detail"]
    assert any(field in ".".join(map(str, e["loc"])) for e in answer["errors"])


def test_body_not_an_object_is_422(served: Any) -> None:
    response = call(served, "POST", "/runs/wait", json=["agent"])
    assert response.status_code == 422
    assert response.json() == {"detail": "a run request must be a JSON object"}


def test_bad_query_argument_is_422(served: Any) -> None:
    thread_id = new_thread(served)
    response = call(served, "GET", f"/threads/{thread_id}/runs?limit=many")
    assert response.status_code == 422
    assert "limit" in response.json()["detail"]


@pytest.fixture(scope="module")
def small() -> Iterator[Any]:
    """A server refusing bodies over 1,000 bytes."""
    server = serve({"agent": seed}, max_body_bytes=1000)
    try:
        yield server
    finally:
        server.stop()


def test_oversized_body_is_413_and_nothing_runs(small: Any) -> None:
    thread_id = new_thread(small)
    body = {**SEED_RUN, "input": {"some_text": "x" * 5000}}
    response = call(small, "POST", f"/threads/{thread_id}/runs/wait", json=body)
    assert response.status_code == 413
    assert response.json() == {"detail": "Request body too large (limit: 1000 bytes)"}
    assert runs_of(small, thread_id) == []


def test_oversized_chunked_body_is_413(small: Any) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"assistant_id": "agent", "input": {"some_text": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}}'

    response = call(small, "POST", "/runs/wait", content=chunks())
    assert response.status_code == 413


def test_body_at_the_limit_is_served(small: Any) -> None:
    body = json.dumps({**SEED_RUN, "input": {"some_text": "x" * 900}}).encode()
    assert len(body) <= 1000
    response = call(small, "POST", "/runs/wait", content=body)
    assert response.status_code == 200


def test_unknown_thread_is_404_with_detail(served: Any) -> None:
    response = call(served, "POST", "/threads/nope/runs/wait", json=SEED_RUN)
    assert response.status_code == 404
    assert response.json()["detail"].startswith("thread nope not found")


def test_unknown_assistant_is_404(served: Any) -> None:
    response = call(served, "POST", "/runs/wait", json={"assistant_id": "ghost"})
    assert response.status_code == 404
    assert "ghost" in response.json()["detail"]


BOOM = {"error": "ValueError", "message": "boom: the reviewer's answer made the node fail"}
"""The server's error body for the flaky graph's failure: the class and message, no more."""


def test_graph_error_is_the_servers_error_body_without_traceback(served: Any) -> None:
    thread_id = new_thread(served)
    first = call(served, "POST", f"/threads/{thread_id}/runs/wait",
                 json={"assistant_id": "flaky", "input": {"some_text": "x"}})  # fmt: skip
    assert "__interrupt__" in first.json()
    response = call(served, "POST", f"/threads/{thread_id}/runs/wait",
                    json={"assistant_id": "flaky", "command": {"resume": "boom"}})  # fmt: skip
    assert response.status_code == 200
    assert response.json() == {"__error__": BOOM}


def test_stream_error_event_has_no_traceback(served: Any) -> None:
    thread_id = new_thread(served)
    call(served, "POST", f"/threads/{thread_id}/runs/wait",
         json={"assistant_id": "flaky", "input": {"some_text": "x"}})  # fmt: skip
    response = call(served, "POST", f"/threads/{thread_id}/runs/stream",
                    json={"assistant_id": "flaky", "command": {"resume": "boom"}})  # fmt: skip
    assert response.headers["Content-Type"].startswith("text/event-stream")
    events = [line for line in response.text.splitlines() if line.startswith("event: ")]
    assert events[0] == "event: metadata" and events[-1] == "event: error"
    error = json.loads(response.text.split("event: error\r\ndata: ")[1].split("\r\n")[0])
    assert error == BOOM


def test_refused_stream_is_an_http_error_not_a_stream(served: Any) -> None:
    response = call(served, "POST", "/threads/nope/runs/stream", json=SEED_RUN)
    assert response.status_code == 404
    assert response.headers["Content-Type"] == "application/json"


def test_stale_resume_is_409_before_anything_runs(served: Any) -> None:
    thread_id = new_thread(served)
    response = call(served, "POST", f"/threads/{thread_id}/runs/wait",
                    json={"assistant_id": "agent", "command": {"resume": "x"}})  # fmt: skip
    assert response.status_code == 409
    assert thread_id in response.json()["detail"]
    assert runs_of(served, thread_id) == []


assert "flaky" in SCENARIOS  # the graph that raises when answered "boom"
