"""``serve()``: the in-kernel runtime as a LangGraph Server on a local port.

The HTTP server runs on the runtime's runner loop (the thread where every runtime operation
already runs), so the kernel stays free and a request reaches the runtime without crossing
threads. ``serve()`` returns at once with a ``LocalServer`` (``.url``, ``.token``,
``.stop()``).
"""

from __future__ import annotations

import secrets
import socket
from collections.abc import Iterable, Mapping
from typing import Any

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.web import Application, RequestHandler

from hitl_widgets.http.cors import cors_from_config
from hitl_widgets.http.handler import ApiSettings, log
from hitl_widgets.http.routes import handlers
from hitl_widgets.runtime.checkpointers import CheckpointerSpec
from hitl_widgets.runtime.graphs import GraphSpec
from hitl_widgets.runtime.runtime import Runtime

__all__ = ["DEFAULT_MAX_BODY_BYTES", "LocalServer", "make_app", "runtime_of", "serve"]

DEFAULT_MAX_BODY_BYTES = 10 * 2**20
"""Request bodies above this many bytes are refused with 413 (``max_body_bytes=``)."""


def runtime_of(graphs_or_client: Any, checkpointer: CheckpointerSpec = None) -> Runtime:
    """The runtime behind a graphs mapping, an in-kernel client (async or sync) or a runtime."""
    if isinstance(graphs_or_client, Runtime):
        return graphs_or_client
    runtime = getattr(graphs_or_client, "runtime", None)
    if isinstance(runtime, Runtime):
        if checkpointer is not None:
            raise ValueError(
                "serve(client, checkpointer=...): the client already has its checkpointer; "
                "pass graphs instead to choose one"
            )
        return runtime
    if isinstance(graphs_or_client, Mapping):
        return Runtime(graphs_or_client, checkpointer)
    raise TypeError(
        f"serve() takes graphs ({{'agent': graph}}) or an in-kernel client from "
        f"hitl_widgets.get_client(graphs=...), not {type(graphs_or_client).__name__}; "
        "a client for a URL already has a server"
    )


def make_app(settings: ApiSettings, prefix: str = "") -> Application:
    """A tornado ``Application`` serving the API under ``prefix``."""
    return Application(handlers(settings, prefix), log_function=_log_request)


def _log_request(handler: RequestHandler) -> None:
    """One debug line per request on ``hitl_widgets.http`` (tornado warns on every 4xx)."""
    log.debug(
        "%d %s %s %.2fms",
        handler.get_status(),
        handler.request.method,
        handler.request.path,
        1000 * handler.request.request_time(),
    )


class LocalServer:
    """A running HTTP server for one runtime; ``stop()`` closes it."""

    def __init__(
        self, runtime: Runtime, url: str, token: str, http: HTTPServer, *, owns_runtime: bool
    ) -> None:
        self.runtime = runtime
        self.url = url
        """Base URL to give ``langgraph_sdk.get_client(url=...)``, curl or the JS SDK."""
        self.token = token
        """The API key every request must carry (``x-api-key`` or ``Authorization: Bearer``)."""
        self._http = http
        self._owns_runtime = owns_runtime
        self._stopped = False

    def stop(self) -> None:
        """Stop listening and close open connections (idempotent); a runtime ``serve()``
        made from graphs lets go of its storage too (a client's runtime stays open)."""
        if self._stopped:
            return
        self._stopped = True
        self.runtime.runner.call(self._close())
        if self._owns_runtime:
            self.runtime.close()

    async def _close(self) -> None:
        self._http.stop()
        await self._http.close_all_connections()

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = "stopped" if self._stopped else "serving"
        return f"<LocalServer {state} {self.url}>"


def serve(
    graphs_or_client: Mapping[str, GraphSpec] | Any,
    host: str = "127.0.0.1",
    port: int = 0,
    token: str | None = None,
    checkpointer: CheckpointerSpec = None,
    *,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    cors_origins: Iterable[str] | None = None,
    cors: Mapping[str, Any] | None = None,
) -> LocalServer:
    """Serve graphs (or an in-kernel client's runtime) over the LangGraph Server API.

    Returns at once, also inside a running Jupyter kernel: the server runs on the runtime's
    own loop. ``port=0`` picks a free port; ``token`` (generated when not given) must come
    with every request, as ``x-api-key`` (``get_client(url=server.url,
    api_key=server.token)``) or ``Authorization: Bearer``. Bound to 127.0.0.1 unless
    ``host`` says otherwise.

    Browser pages on other origins may call it as they call the LangGraph Server: any
    origin by default, or only ``cors_origins`` (``["http://localhost:3000"]``); ``cors``
    takes ``langgraph.json``'s ``http.cors`` mapping (``allow_origins``,
    ``allow_origin_regex``, ``allow_headers``, ``expose_headers``, ``max_age`` ...). The token
    is required from every page all the same.
    """
    policy = cors_from_config(cors, cors_origins)  # a bad setting fails before anything opens
    runtime = runtime_of(graphs_or_client, checkpointer)
    runtime.pin_to_runner()  # requests must not wait for a busy kernel loop
    owns_runtime = runtime is not graphs_or_client and runtime is not getattr(
        graphs_or_client, "runtime", None
    )
    token = token or secrets.token_urlsafe(24)
    settings = ApiSettings(runtime, token, max_body_bytes, policy)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets = bind_sockets(port, host, family=family)

    async def start() -> HTTPServer:
        # Created on the runner loop, so tornado's IOLoop there serves the connections.
        http = HTTPServer(
            make_app(settings),
            max_body_size=max(max_body_bytes * 2, 2**20),
            idle_connection_timeout=300,
        )
        http.add_sockets(sockets)
        return http

    http = runtime.runner.call(start())
    bound = sockets[0].getsockname()
    shown = f"[{bound[0]}]" if ":" in bound[0] else bound[0]
    return LocalServer(
        runtime, f"http://{shown}:{bound[1]}", token, http, owns_runtime=owns_runtime
    )
