"""A page on another origin drives ``serve()`` from a real browser (chromium, Playwright).

The page is served by a second server on another port and host name (``localhost`` against
the API's ``127.0.0.1``), so every call is cross-origin: the browser sends its preflights
and enforces the answers. It calls the API with ``fetch()`` as the official JS SDK does
(``x-api-key`` and ``Content-Type: application/json`` headers; streams read as
server-sent events from the response body): create a thread, stream a run to its
interrupt, resume it as Agent Inbox does (``streamMode: "events"``), read the state.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Page

from hitl_widgets import serve
from tests.graphs.scenarios import SCENARIOS, seed

pytestmark = pytest.mark.e2e

PAGE_SCRIPT = """
window.api = async (base, key, method, path, body) => {
  const headers = {"Content-Type": "application/json"};
  if (key !== null) headers["x-api-key"] = key;
  const response = await fetch(base + path, {
    method, headers, body: body == null ? undefined : JSON.stringify(body)});
  const text = await response.text();
  return {status: response.status, body: text ? JSON.parse(text) : null,
          location: response.headers.get("content-location")};
};
window.stream = async (base, key, path, body, lastEventId) => {
  const headers = {"Content-Type": "application/json", "x-api-key": key};
  if (lastEventId) headers["Last-Event-ID"] = lastEventId;
  const response = await fetch(base + path, body === null ? {headers} :
    {method: "POST", body: JSON.stringify(body), headers});
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  const events = [];
  for (;;) {
    const {value, done} = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\\r\\n\\r\\n")) >= 0) {
      const frame = buffer.slice(0, end);
      buffer = buffer.slice(end + 4);
      let event = null, data = "", id = null;
      for (const line of frame.split("\\r\\n")) {
        if (line.startsWith("event: ")) event = line.slice(7);
        else if (line.startsWith("data: ")) data += line.slice(6);
        else if (line.startsWith("id: ")) id = line.slice(4);
      }
      if (event) events.push([event, JSON.parse(data), id]);
    }
  }
  return {status: response.status, events,
          location: response.headers.get("content-location")};
};
window.tryFetch = async (url, key) => {
  try {
    const r = await fetch(url, {method: "POST", body: "{}",
      headers: {"Content-Type": "application/json", "x-api-key": key}});
    return "status " + r.status;
  } catch (error) {
    return "blocked: " + error.name;
  }
};
"""
PAGE = f"<!doctype html><html><head><title>front end</title><script>{PAGE_SCRIPT}</script></head><body>front end</body></html>"  # noqa: E501


class _Page(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = PAGE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture(scope="module")
def front_end() -> Iterator[str]:
    """The front end's page, on ``http://localhost:<port>`` (another origin than the API)."""
    http = ThreadingHTTPServer(("127.0.0.1", 0), _Page)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{http.server_address[1]}"
    finally:
        http.shutdown()
        http.server_close()


@pytest.fixture(scope="module")
def api() -> Iterator[Any]:
    server = serve({**SCENARIOS, "agent": seed})
    try:
        yield server
    finally:
        server.stop()


def _open(page: Page, url: str) -> None:
    # No page.route() here: with routing on, Playwright answers CORS preflights itself
    # (permissively), and the server's answers would go untested. The page loads nothing
    # from elsewhere.
    page.goto(url)


def test_thread_interrupt_and_resume_from_another_origin(
    page: Page, front_end: str, api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="hitl_widgets.http")  # one line per request
    _open(page, front_end)
    call = "([b, k, m, p, body]) => api(b, k, m, p, body)"
    created = page.evaluate(call, [api.url, api.token, "POST", "/threads", {}])
    assert created["status"] == 200, created
    thread_id = created["body"]["thread_id"]
    first = page.evaluate(
        "([b, k, p, body]) => stream(b, k, p, body)",
        [api.url, api.token, f"/threads/{thread_id}/runs/stream",
         {"assistant_id": "agent", "input": {"some_text": "from the page"},
          "stream_mode": ["values"]}],
    )  # fmt: skip
    assert first["status"] == 200
    interrupts = [d["__interrupt__"] for e, d, _ in first["events"] if "__interrupt__" in d]
    assert interrupts[-1][0]["value"] == {"text_to_revise": "from the page"}
    # Agent Inbox's Accept/Edit/Respond: a stream in "events" mode with the answer.
    resumed = page.evaluate(
        "([b, k, p, body]) => stream(b, k, p, body)",
        [api.url, api.token, f"/threads/{thread_id}/runs/stream",
         {"assistant_id": "agent", "command": {"resume": "answered in the browser"},
          "stream_mode": "events"}],
    )  # fmt: skip
    names = [e for e, _, _ in resumed["events"]]
    assert names[0] == "metadata" and "events" in names and "error" not in names, names
    state = page.evaluate(call, [api.url, api.token, "GET", f"/threads/{thread_id}/state", None])
    assert state["body"]["values"] == {"some_text": "answered in the browser"}
    # The browser asked first (the x-api-key header needs a preflight); the server saw it.
    seen = [r.getMessage().split(" ")[:3] for r in caplog.records]
    assert ["200", "OPTIONS", "/threads"] in seen, seen
    again = {"assistant_id": "agent", "input": {"some_text": "again"}}
    runs = page.evaluate(call, [api.url, api.token, "POST", f"/threads/{thread_id}/runs", again])
    assert runs["location"] == f"/threads/{thread_id}/runs/{runs['body']['run_id']}"


def test_resumable_stream_rejoined_from_the_page(page: Page, front_end: str, api: Any) -> None:
    """As ``useStream`` rejoins a run after a reload: the run from ``Content-Location`` (the
    header a page may read), ``Last-Event-ID: -1`` on its stream (the header needs a
    preflight too), then after a given event."""
    _open(page, front_end)
    call = "([b, k, p, body, last]) => stream(b, k, p, body, last)"
    created = page.evaluate("([b, k]) => api(b, k, 'POST', '/threads', {})", [api.url, api.token])
    path = f"/threads/{created['body']['thread_id']}/runs/stream"
    body = {"assistant_id": "agent", "input": {"some_text": "x"}, "stream_resumable": True}
    first = page.evaluate(call, [api.url, api.token, path, body, None])
    ids = [i for _, _, i in first["events"]]
    run = first["location"]
    assert None not in ids and run.endswith(first["events"][0][1]["run_id"]), first
    again = page.evaluate(call, [api.url, api.token, run + "/stream", None, "-1"])
    assert again["events"] == first["events"]
    rest = page.evaluate(call, [api.url, api.token, run + "/stream", None, ids[0]])
    assert rest["events"] == first["events"][1:]


def test_page_without_the_key_gets_a_readable_401(page: Page, front_end: str, api: Any) -> None:
    _open(page, front_end)
    answer = page.evaluate("([b]) => api(b, null, 'POST', '/threads', {})", [api.url])
    assert answer["status"] == 401
    assert "x-api-key" in answer["body"]["detail"]


def test_disallowed_origin_is_blocked_by_the_browser(page: Page, front_end: str) -> None:
    server = serve({"agent": seed}, cors_origins=["http://localhost:1"])
    try:
        before = server.runtime.runner.call(server.runtime.threads_count())
        _open(page, front_end)
        url = server.url + "/threads"
        result = page.evaluate("([u, k]) => tryFetch(u, k)", [url, server.token])
        assert result == "blocked: TypeError"
        assert server.runtime.runner.call(server.runtime.threads_count()) == before
    finally:
        server.stop()
