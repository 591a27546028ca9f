"""CORS over real HTTP: preflights answered before authentication, with the headers the
LangGraph Server sends (compared with ``langgraph dev``), the token still required on every
other request, and a page on a disallowed origin refused with a message saying what to set.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from hitl_widgets import serve
from hitl_widgets.http.config import cors_of_langgraph_json
from hitl_widgets.http.cors import cors_from_config
from tests.graphs.scenarios import SCENARIOS, seed

PAGE = "http://localhost:3000"
SDK_HEADERS = "content-type,x-api-key"
"""What the JS SDK's fetch asks for (``apiKey`` → ``x-api-key``, JSON bodies)."""


def preflight(url: str, path: str, *, origin: str = PAGE, method: str = "POST",
              headers: str | None = SDK_HEADERS) -> httpx.Response:  # fmt: skip
    asked = {"Origin": origin, "Access-Control-Request-Method": method}
    if headers is not None:
        asked["Access-Control-Request-Headers"] = headers
    return httpx.options(url + path, headers=asked, timeout=30)


def access_headers(response: httpx.Response) -> dict[str, str]:
    """The CORS part of an answer (names lower case; the ``Vary`` list as a set)."""
    found = {k.lower(): v for k, v in response.headers.items() if k.lower().startswith("access-")}
    vary = {v.strip() for v in response.headers.get("vary", "").split(",") if v.strip()}
    found["vary"] = ", ".join(sorted(vary))
    return found


PREFLIGHTS = [
    ("/threads", "POST", SDK_HEADERS),
    ("/threads/some-id/runs/stream", "POST", SDK_HEADERS),
    ("/threads/some-id", "DELETE", "x-api-key"),
    ("/assistants/search", "POST", "content-type,x-api-key,x-custom"),
    ("/info", "GET", None),
]


@pytest.mark.parametrize(("path", "method", "headers"), PREFLIGHTS)
def test_preflight_answered_before_authentication(
    served: Any, path: str, method: str, headers: str | None
) -> None:
    response = preflight(served.url, path, method=method, headers=headers)
    assert response.status_code == 200, response.text
    got = access_headers(response)
    assert got["access-control-allow-origin"] == "*"
    assert method in got["access-control-allow-methods"]
    if headers is not None:
        assert got["access-control-allow-headers"] == headers
    assert "access-control-allow-credentials" not in got


@pytest.mark.server
@pytest.mark.parametrize(("path", "method", "headers"), PREFLIGHTS)
def test_preflight_same_as_server(
    served: Any, reference_url: str, path: str, method: str, headers: str | None
) -> None:
    ours = preflight(served.url, path, method=method, headers=headers)
    theirs = preflight(reference_url, path, method=method, headers=headers)
    assert (ours.status_code, access_headers(ours)) == (
        theirs.status_code,
        access_headers(theirs),
    )


@pytest.mark.server
@pytest.mark.parametrize(("method", "path", "body"), [("GET", "/ok", None),
                                                      ("POST", "/threads", {}),
                                                      ("POST", "/threads/search", {})])  # fmt: skip
def test_real_request_headers_same_as_server(
    served: Any, reference_url: str, method: str, path: str, body: Any
) -> None:
    origin = {"Origin": PAGE}
    ours = httpx.request(method, served.url + path, json=body, timeout=30,
                         headers={**origin, "x-api-key": served.token})  # fmt: skip
    theirs = httpx.request(method, reference_url + path, json=body, headers=origin, timeout=30)
    assert (ours.status_code, access_headers(ours)) == (
        theirs.status_code,
        access_headers(theirs),
    )


def test_token_still_required_from_another_origin(served: Any) -> None:
    before = httpx.post(served.url + "/threads/count", json={}, timeout=30,
                        headers={"x-api-key": served.token}).json()  # fmt: skip
    response = httpx.post(served.url + "/threads", json={}, headers={"Origin": PAGE}, timeout=30)
    assert response.status_code == 401
    # The refusal is readable by the page (so a front end can say "wrong key").
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "x-api-key" in response.json()["detail"]
    wrong = httpx.post(served.url + "/threads", json={}, timeout=30,
                       headers={"Origin": PAGE, "x-api-key": "nope"})  # fmt: skip
    assert wrong.status_code == 403
    after = httpx.post(served.url + "/threads/count", json={}, timeout=30,
                       headers={"x-api-key": served.token}).json()  # fmt: skip
    assert after == before


def test_options_without_preflight_headers_needs_the_token(served: Any) -> None:
    response = httpx.options(served.url + "/threads", headers={"Origin": PAGE}, timeout=30)
    assert response.status_code == 401


@pytest.fixture(scope="module")
def narrow() -> Iterator[Any]:
    """A server that lets only ``PAGE`` (and ``*.example.org``) in."""
    server = serve(
        {"agent": seed},
        cors_origins=[PAGE],
        cors={"allow_origin_regex": r"https://[a-z]+\.example\.org"},
    )
    try:
        yield server
    finally:
        server.stop()


def test_listed_origin_is_echoed_with_credentials(narrow: Any) -> None:
    response = preflight(narrow.url, "/threads")
    assert response.status_code == 200
    got = access_headers(response)
    assert got["access-control-allow-origin"] == PAGE
    assert got["access-control-allow-credentials"] == "true"
    assert "Origin" in got["vary"]
    real = httpx.post(narrow.url + "/threads", json={}, timeout=30,
                      headers={"Origin": PAGE, "x-api-key": narrow.token})  # fmt: skip
    assert real.status_code == 200
    assert real.headers["Access-Control-Allow-Origin"] == PAGE
    assert "content-location" in real.headers["Access-Control-Expose-Headers"]
    by_pattern = preflight(narrow.url, "/threads", origin="https://inbox.example.org")
    assert by_pattern.headers["Access-Control-Allow-Origin"] == "https://inbox.example.org"


def test_disallowed_origin_is_refused_clearly(narrow: Any) -> None:
    evil = "http://evil.test:8080"
    response = preflight(narrow.url, "/threads", origin=evil)
    assert response.status_code == 400
    assert "Access-Control-Allow-Origin" not in response.headers
    assert evil in response.text and "cors_origins" in response.text
    count = {"x-api-key": narrow.token}
    before = httpx.post(narrow.url + "/threads/count", json={}, headers=count).json()
    real = httpx.post(narrow.url + "/threads", json={}, timeout=30,
                      headers={"Origin": evil, "x-api-key": narrow.token})  # fmt: skip
    assert real.status_code == 403
    assert evil in real.json()["detail"] and "--cors-origin" in real.json()["detail"]
    assert httpx.post(narrow.url + "/threads/count", json={}, headers=count).json() == before


def test_same_origin_page_is_not_a_cross_origin_request(narrow: Any) -> None:
    response = httpx.post(narrow.url + "/threads", json={}, timeout=30,
                          headers={"Origin": narrow.url, "x-api-key": narrow.token})  # fmt: skip
    assert response.status_code == 200


def test_langgraph_json_http_cors(tmp_path: Path) -> None:
    config = tmp_path / "langgraph.json"
    config.write_text(json.dumps({
        "graphs": {"agent": "./g.py:graph"},
        "http": {"cors": {"allow_origins": [PAGE], "max_age": 60,
                          "expose_headers": ["content-location"]}},
    }))  # fmt: skip
    cors = cors_from_config(cors_of_langgraph_json(config))
    assert cors.allows(PAGE) and not cors.allows("http://other:1")
    assert cors.max_age == 60 and cors.expose_headers == ("content-location",)
    assert cors.allow_headers == ("*",)  # a key left out keeps the server's default


@pytest.mark.parametrize(
    ("config", "origins", "message"),
    [
        ({"allow_origins": "http://a:1"}, None, "list of strings"),
        ({"allow_origin": ["x"]}, None, "unknown key"),
        ({"allow_origin_regex": "("}, None, "allow_origin_regex"),
        ({"max_age": -1}, None, "max_age"),
        (None, ["localhost:3000"], "http://localhost:3000"),
    ],
)
def test_bad_cors_settings_name_the_fix(config: Any, origins: Any, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        serve(dict(SCENARIOS), cors=config, cors_origins=origins)


def test_private_network_preflight_is_allowed(served: Any) -> None:
    """Studio's page is public and this server is on the loopback address: Chrome asks
    for private network access in the preflight (``langgraph dev`` sends the header, but
    its CORS layer answers such a preflight 400; we answer it 200)."""
    response = httpx.options(served.url + "/threads", timeout=30, headers={
        "Origin": "https://smith.langchain.com", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Private-Network": "true"})  # fmt: skip
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Private-Network"] == "true"
