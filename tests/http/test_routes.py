"""The route table: every path of the server's OpenAPI spec has its place (a literal is never
taken for an id), the routes added for the front ends answer over HTTP as ``langgraph dev``
does, and what is not offered says so.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest

from hitl_widgets.http.routes import ROUTES, pattern
from tests.runtime.differential import assert_same

SERVER_ROUTES = {
    "/assistants": "POST",
    "/assistants/search": "POST",
    "/assistants/count": "POST",
    "/assistants/{assistant_id}": "DELETE GET PATCH",
    "/assistants/{assistant_id}/graph": "GET",
    "/assistants/{assistant_id}/subgraphs": "GET",
    "/assistants/{assistant_id}/subgraphs/{namespace}": "GET",
    "/assistants/{assistant_id}/schemas": "GET",
    "/assistants/{assistant_id}/versions": "POST",
    "/assistants/{assistant_id}/latest": "POST",
    "/threads": "POST",
    "/threads/search": "POST",
    "/threads/count": "POST",
    "/threads/prune": "POST",
    "/threads/{thread_id}/storage": "GET",
    "/threads/{thread_id}/state": "GET POST",
    "/threads/{thread_id}/state/{checkpoint_id}": "GET",
    "/threads/{thread_id}/state/checkpoint": "POST",
    "/threads/{thread_id}/history": "GET POST",
    "/threads/{thread_id}/copy": "POST",
    "/threads/{thread_id}": "DELETE GET PATCH",
    "/threads/{thread_id}/stream": "GET",
    "/threads/{thread_id}/stream/events": "POST",
    "/threads/{thread_id}/runs": "GET POST",
    "/threads/{thread_id}/runs/crons": "POST",
    "/threads/{thread_id}/runs/stream": "POST",
    "/threads/{thread_id}/runs/wait": "POST",
    "/threads/{thread_id}/runs/{run_id}": "DELETE GET",
    "/threads/{thread_id}/runs/{run_id}/join": "GET",
    "/threads/{thread_id}/runs/{run_id}/stream": "GET",
    "/threads/{thread_id}/runs/{run_id}/cancel": "POST",
    "/threads/{thread_id}/commands": "POST",
    "/runs/crons": "POST",
    "/runs/crons/search": "POST",
    "/runs/crons/count": "POST",
    "/runs/stream": "POST",
    "/runs/cancel": "POST",
    "/runs/wait": "POST",
    "/runs": "POST",
    "/runs/batch": "POST",
    "/runs/crons/{cron_id}": "DELETE GET PATCH",
    "/store/items": "DELETE GET PUT",
    "/store/items/search": "POST",
    "/store/namespaces": "POST",
    "/info": "GET",
    "/metrics": "GET",
    "/docs": "GET",
    "/openapi.json": "GET",
    "/ok": "GET",
}
"""`langgraph dev`'s routes (langgraph-api 0.16.7's /openapi.json, less MCP and A2A)."""


def _filled(path: str) -> str:
    return re.sub(r"\{\w+\}", lambda _: str(uuid.uuid4()), path)


def _first_match(url: str) -> str:
    """The route tornado picks: the first whose pattern matches the whole path."""
    for path, _ in ROUTES:
        if re.fullmatch(pattern(path), url):
            return path.replace(":path}", "}")
    return "<none>"


@pytest.mark.parametrize("path", list(SERVER_ROUTES))
def test_every_server_route_has_its_place(path: str) -> None:
    url = _filled(path)
    assert _first_match(url) == path, f"{url} is taken by {_first_match(url)}"
    [methods] = [ops for p, ops in ROUTES if p.replace(":path}", "}") == path]
    assert set(methods) == set(SERVER_ROUTES[path].split())


def call(server: Any, method: str, path: str, **kwargs: Any) -> httpx.Response:
    headers = {"x-api-key": server.token}
    return httpx.request(method, server.url + path, headers=headers, timeout=30, **kwargs)


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "/threads/{id}/runs/crons"), ("POST", "/runs/crons"), ("GET", "/store/items"),
     ("POST", "/assistants"), ("GET", "/threads/{id}/stream")],
)  # fmt: skip
def test_not_offered_says_so(served: Any, method: str, path: str) -> None:
    response = call(served, method, _filled(path.replace("{id}", "{thread_id}")), json={})
    assert response.status_code == 404
    assert "not offered by this server" in response.json()["detail"]


def test_literals_are_not_ids_over_http(served: Any) -> None:
    assert call(served, "POST", "/threads/prune", json={"thread_ids": []}).json() == {
        "pruned_count": 0
    }
    assert call(served, "POST", "/assistants/count", json={"graph_id": "seed"}).json() == 1
    response = call(served, "POST", "/runs/cancel", json={"status": "nope"})
    assert response.status_code == 422 and "'pending', 'running', or 'all'" in response.text


def _interrupted(url: str, headers: dict[str, str]) -> str:
    thread_id = httpx.post(url + "/threads", json={}, headers=headers).json()["thread_id"]
    body = {"assistant_id": "two_steps", "input": {"some_text": "draft"}}
    httpx.post(url + f"/threads/{thread_id}/runs/wait", json=body, headers=headers, timeout=60)
    body = {"assistant_id": "two_steps", "command": {"resume": "v1"}}
    httpx.post(url + f"/threads/{thread_id}/runs/wait", json=body, headers=headers, timeout=60)
    return str(thread_id)


def _history_get(url: str, headers: dict[str, str]) -> list[Any]:
    thread_id = _interrupted(url, headers)
    path = url + f"/threads/{thread_id}/history"
    every = httpx.get(path, params={"limit": 10}, headers=headers).json()
    two = httpx.get(path, params={"limit": 2}, headers=headers).json()
    one = httpx.get(path, headers=headers).json()
    assert one == httpx.post(path, json={}, headers=headers).json() == every[:1]
    before = httpx.get(
        path, params={"before": every[1]["checkpoint"]["checkpoint_id"]}, headers=headers
    ).json()
    posted = httpx.post(path, json={"limit": 2}, headers=headers).json()
    assert two == posted == every[:2] and before == every[2:]
    return [("all", every), ("limit 2", two), ("before", before), ("default", one)]


def test_history_get(served: Any) -> None:
    assert len(_history_get(served.url, {"x-api-key": served.token})[0][1]) == 3


@pytest.mark.server
def test_history_get_same_as_server(served: Any, reference_url: str) -> None:
    ours = _history_get(served.url, {"x-api-key": served.token})
    assert_same(_history_get(reference_url, {}), ours, what="GET /threads/{id}/history")


@pytest.mark.server
def test_metrics_same_shape_as_server(served: Any, reference_url: str) -> None:
    ours = call(served, "GET", "/metrics", params={"format": "json"}).json()
    theirs = httpx.get(reference_url + "/metrics", params={"format": "json"}).json()
    assert set(ours) >= {"queue", "api"} and set(ours["queue"]) == set(theirs["queue"])
    assert set(ours["workers"]) == set(theirs["workers"])
    text = call(served, "GET", "/metrics")
    assert text.headers["Content-Type"].startswith("text/plain")
    assert re.search(r"^lg_api_num_running_runs \d+$", text.text, re.M)


def test_openapi_lists_every_route(served: Any) -> None:
    spec = call(served, "GET", "/openapi.json").json()
    assert spec["openapi"].startswith("3.")
    for path, methods in SERVER_ROUTES.items():
        assert set(spec["paths"][path]) == {m.lower() for m in methods.split()}, path
    run = spec["paths"]["/threads/{thread_id}/runs/wait"]["post"]["requestBody"]
    ref = {"$ref": "#/components/schemas/RunCreate"}
    assert run["content"]["application/json"]["schema"] == ref
    assert "command" in spec["components"]["schemas"]["RunCreate"]["properties"]
    assert spec["paths"]["/runs/crons"]["post"]["deprecated"] is True
    docs = call(served, "GET", "/docs")
    assert docs.headers["Content-Type"].startswith("text/html")
    assert "/threads/{thread_id}/history" in docs.text and "<script" not in docs.text
    assert httpx.get(served.url + "/openapi.json").status_code == 401  # the token, as anywhere
