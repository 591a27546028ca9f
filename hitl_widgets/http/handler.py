"""The tornado handler every route shares: CORS, authentication, bodies, errors, JSON and SSE.

A browser's CORS preflight is answered first, before authentication (``cors.py``); a page
on an origin that is not allowed is refused with 403. Then ``ApiHandler`` checks the token
(``x-api-key`` as the SDKs send ``api_key``, or ``Authorization: Bearer``): without it the
answer is 401, with a wrong one 403, and no operation runs. Bodies are read as they arrive
and refused with 413 past the limit. Every error is ``{"detail": "..."}`` with the status
the LangGraph Server uses; a failure we did not foresee is a 500 naming the exception, never
a traceback (that goes to the log).
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from http.client import responses
from typing import Any

from langgraph_sdk.errors import APIStatusError
from tornado.iostream import StreamClosedError
from tornado.web import HTTPError, RequestHandler, stream_request_body

from hitl_widgets.http.api import Call, Events, Operation, Reply
from hitl_widgets.http.cors import Cors, same_origin
from hitl_widgets.runtime.jsonable import dumps
from hitl_widgets.runtime.runtime import Runtime

__all__ = ["ApiHandler", "ApiSettings", "sse"]

log = logging.getLogger("hitl_widgets.http")


@dataclass(frozen=True)
class ApiSettings:
    """What every handler of one server shares."""

    runtime: Runtime
    token: str | None
    """Required on every request; ``None`` leaves authentication to the host (Jupyter)."""
    max_body_bytes: int = 10 * 2**20
    """Larger request bodies are refused with 413."""
    cors: Cors = field(default_factory=Cors)
    """Which pages on other origins may call the API (default: any, as the server)."""


def sse(event: str, data: Any, id: str | None = None) -> bytes:
    """One server-sent event, framed as the LangGraph Server frames it (``id`` last)."""
    name = event.replace("\r", "").replace("\n", "").encode()
    frame = b"event: " + name + b"\r\ndata: " + dumps(data) + b"\r\n"
    if id is not None:
        frame += b"id: " + id.replace("\r", "").replace("\n", "").encode() + b"\r\n"
    return frame + b"\r\n"


@stream_request_body
class ApiHandler(RequestHandler):
    """One route of the API: the operations it runs by HTTP method."""

    settings_: ApiSettings
    operations: Mapping[str, Operation]

    def initialize(self, settings: ApiSettings, operations: Mapping[str, Operation]) -> None:
        """Called by tornado with the route's arguments."""
        self.settings_ = settings
        self.operations = operations
        self.set_default_headers()  # tornado set them before the settings were known
        self._body = bytearray()
        self._too_large = False
        self._refused = False
        self._cancel: Callable[[], Awaitable[None]] | None = None
        self._cancelling: asyncio.Future[None] | None = None

    # -- before the body ----------------------------------------------------------------

    def set_default_headers(self) -> None:
        """The ``Access-Control-*`` headers of an answer to a page on another origin (set
        again after tornado clears the headers for an error)."""
        super().set_default_headers()
        settings: ApiSettings | None = getattr(self, "settings_", None)
        origin = self.request.headers.get("Origin")
        if settings is not None and origin:
            for name, value in settings.cors.response_headers(origin).items():
                self.set_header(name, value)

    async def prepare(self) -> None:
        """Answer a CORS preflight; refuse a page on a disallowed origin; authenticate;
        then refuse a body announced larger than the limit."""
        if self.answer_cors():
            return
        await self.authenticate()
        if self._refused:
            return
        length = self.request.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > self.settings_.max_body_bytes:
            self.refuse(413, self._too_large_message())

    def answer_cors(self) -> bool:
        """Answer a preflight (before any authentication, as the server does), or refuse a
        request from a page whose origin is not allowed; ``True`` when answered."""
        cors = self.settings_.cors
        headers = self.request.headers
        origin = headers.get("Origin")
        if not origin:
            return False
        if self.request.method == "OPTIONS" and "Access-Control-Request-Method" in headers:
            self._refused = True
            status, answer, text = cors.preflight(headers)
            self.clear_header("Access-Control-Expose-Headers")
            self.clear_header("Access-Control-Allow-Credentials")
            self.clear_header("Access-Control-Allow-Origin")
            for name, value in answer.items():
                self.set_header(name, value)
            self.set_status(status)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(text)
            return True
        if not cors.allows(origin) and not same_origin(origin, headers.get("Host", "")):
            self.refuse(403, cors.how_to_allow(origin))
            return True
        return False

    async def authenticate(self) -> None:
        """Refuse the request (401/403) unless it carries the server's token."""
        token = self.settings_.token
        if token is None:
            return
        given = self.request.headers.get("x-api-key")
        if given is None:
            scheme, _, value = self.request.headers.get("Authorization", "").partition(" ")
            if scheme.lower() in ("bearer", "token") and value:
                given = value.strip()
        if given is None:
            self.set_header("WWW-Authenticate", 'Bearer realm="hitl_widgets"')
            self.refuse(
                401,
                "missing API key: send the server's token as the x-api-key header "
                "(langgraph_sdk: get_client(url=..., api_key=TOKEN)) or as "
                "'Authorization: Bearer TOKEN'",
            )
        elif not hmac.compare_digest(given.encode(), token.encode()):
            self.refuse(403, "wrong API key for this server")

    def data_received(self, chunk: bytes) -> None:
        """Collect the body, up to the limit."""
        if self._too_large:
            return
        self._body.extend(chunk)
        if len(self._body) > self.settings_.max_body_bytes:
            self._too_large = True
            self._body.clear()

    def _too_large_message(self) -> str:
        return f"Request body too large (limit: {self.settings_.max_body_bytes} bytes)"

    # -- the methods ----------------------------------------------------------------------

    async def get(self, *args: str) -> None:
        """``GET``."""
        await self._dispatch(args)

    async def post(self, *args: str) -> None:
        """``POST``."""
        await self._dispatch(args)

    async def patch(self, *args: str) -> None:
        """``PATCH``."""
        await self._dispatch(args)

    async def delete(self, *args: str) -> None:
        """``DELETE``."""
        await self._dispatch(args)

    async def put(self, *args: str) -> None:
        """``PUT``."""
        await self._dispatch(args)

    async def options(self, *args: str) -> None:
        """``OPTIONS`` that is not a CORS preflight (those are answered in ``prepare``)."""
        await self._dispatch(args)

    async def _dispatch(self, args: tuple[str, ...]) -> None:
        if self._too_large:
            self.refuse(413, self._too_large_message())
            return
        if not self.operations:
            self.refuse(404, f"Not Found: no route {self.request.method} {self.request.path}")
            return
        operation = self.operations.get(self.request.method or "")
        if operation is None:
            self.set_header("Allow", ", ".join(sorted(self.operations)))
            self.refuse(405, f"Method Not Allowed: {self.request.method} {self.request.path}")
            return
        call = Call(args, self.request.query_arguments, bytes(self._body), self.request.headers)
        try:
            result = await operation(self.settings_.runtime, call)
            if isinstance(result, Events):
                await self._stream(result)
                return
        except Exception as error:  # noqa: BLE001 - every failure becomes a JSON answer
            self._refuse_error(error)
            return
        if isinstance(result, Reply):
            for name, value in result.headers.items():
                self.set_header(name, value)
            self.set_status(result.status)
            if result.body is None or result.status == 204:
                self.finish()
                return
            if result.content_type is not None:
                self.set_header("Content-Type", result.content_type)
                self.finish(result.body)
                return
            result = result.body
        self.set_header("Content-Type", "application/json")
        self.finish(dumps(result))

    # -- answers --------------------------------------------------------------------------

    def refuse(self, status: int, detail: str, **extra: Any) -> None:
        """Answer ``{"detail": ...}`` with ``status`` and finish."""
        self._refused = True
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(dumps({"detail": detail, **extra}))

    def _refuse_error(self, error: Exception) -> None:
        if isinstance(error, APIStatusError):
            body = error.body if isinstance(error.body, dict) else {"detail": str(error)}
            detail = str(body.get("detail", error))
            extra = {k: v for k, v in body.items() if k != "detail"}
            self.refuse(error.status_code, detail, **extra)
            return
        log.error("%s %s failed", self.request.method, self.request.path, exc_info=error)
        self.refuse(500, f"{type(error).__name__}: {error}")

    def compute_etag(self) -> None:
        """No ``ETag`` (the server sends none; API answers are not cached)."""
        return None

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        """Errors raised outside an operation (tornado's, or the host's auth): JSON too."""
        exc = kwargs.get("exc_info", (None, None, None))[1]
        detail = responses.get(status_code, "Unknown error")
        if isinstance(exc, HTTPError) and exc.log_message and not exc.args:
            detail = exc.log_message
        self.set_header("Content-Type", "application/json")
        self.finish(dumps({"detail": detail}))

    async def _stream(self, events: Events) -> None:
        """Send a run's events; the status waits for the first one, so a refused run
        (404, 409, 422 ...) is an HTTP error, as on the server."""
        items = events.items.__aiter__()
        try:
            first: tuple[Any, ...] | None = await items.__anext__()
        except StopAsyncIteration:
            first = None
        except Exception as error:  # noqa: BLE001 - refused before anything ran
            self._refuse_error(error)
            return
        self._cancel = events.cancel
        self.set_header("Content-Type", "text/event-stream; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        for name, value in events.headers().items():
            self.set_header(name, value)
        try:
            if first is not None:
                await self._send(*first)
                async for item in items:
                    await self._send(*item)
        except StreamClosedError:
            await self._cancel_run()
            return
        except Exception as error:
            log.error("stream %s failed", self.request.path, exc_info=error)
            try:
                await self._send("error", {"error": type(error).__name__, "message": str(error)})
            except StreamClosedError:
                return
        finally:
            aclose = getattr(items, "aclose", None)
            if aclose is not None:
                await aclose()
        self.finish()

    def on_connection_close(self) -> None:
        """The client went away mid-stream: cancel its run if it asked for that
        (``on_disconnect="cancel"``); otherwise the run goes on, as on the server."""
        if self._cancel is not None:
            self._cancelling = asyncio.ensure_future(self._cancel_run())

    async def _cancel_run(self) -> None:
        cancel, self._cancel = self._cancel, None
        if cancel is None:
            return
        try:
            await cancel()
        except Exception as error:  # noqa: BLE001 - nobody is left to answer; log it
            log.warning("cancelling the run of a closed stream failed: %s", error)

    async def _send(self, event: str, data: Any, id: str | None = None) -> None:
        if event == "error" and isinstance(data, dict) and "traceback" in data:
            # The kernel's error events carry the graph's traceback; a remote client gets the
            # server's {error, message} only.
            data = {k: v for k, v in data.items() if k != "traceback"}
        self.write(sse(event, data, id))
        await self.flush()
