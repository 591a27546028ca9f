"""Cross-origin requests as the LangGraph Server answers them (its Starlette ``CORSMiddleware``).

A browser front end on another origin (Agent Chat UI, Agent Inbox, Studio) first sends a
preflight: ``OPTIONS`` with ``Origin`` and ``Access-Control-Request-Method``. It is answered
before authentication (a browser never sends credentials with a preflight), then every real
request still needs the token. Without configuration any origin is allowed, every method and
header, and ``x-pagination-total``, ``x-pagination-next`` and ``content-location`` are
exposed — the server's defaults. Like ``langgraph dev`` (a server on the loopback address
that Studio's public page calls), a preflight also allows private network access.
``langgraph.json``'s ``http.cors`` (the server's ``CorsConfig``) or
``serve(cors_origins=...)`` narrows the origins; a key it leaves out keeps the default above
(the server would fall back to Starlette's, where only ``GET`` and no custom header pass, so
``x-api-key`` could never be sent).

Beyond the server: a request carrying the ``Origin`` of a page that is neither allowed nor
the server's own is refused with 403 naming the origin and the setting to change, where the
server would run it and leave the browser to hide the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

__all__ = ["ALL_METHODS", "DEFAULT_EXPOSE_HEADERS", "Cors", "cors_from_config", "same_origin"]

ALL_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY")
"""What ``allow_methods=["*"]`` means."""

DEFAULT_EXPOSE_HEADERS = ("x-pagination-total", "x-pagination-next", "content-location")
"""Response headers a page may read, as the server exposes them by default."""

_SAFELISTED_HEADERS = ("accept", "accept-language", "content-language", "content-type")
_VARY_PREFLIGHT = (
    "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, "
    "Access-Control-Request-Private-Network"
)


@dataclass(frozen=True)
class Cors:
    """Which pages on other origins may call the API, and what they may send and read."""

    allow_origins: tuple[str, ...] = ("*",)
    """Origins (``scheme://host[:port]``) allowed; ``"*"`` allows any."""
    allow_origin_regex: str | None = None
    """An origin matching this regular expression (whole) is allowed too."""
    allow_methods: tuple[str, ...] = ("*",)
    """Methods a page may use; ``"*"`` is every method."""
    allow_headers: tuple[str, ...] = ("*",)
    """Request headers a page may send; ``"*"`` allows whatever the preflight asks for."""
    allow_credentials: bool | None = None
    """Whether pages may send cookies; ``None``: only when origins are listed (not ``*``)."""
    expose_headers: tuple[str, ...] = DEFAULT_EXPOSE_HEADERS
    """Response headers a page may read."""
    max_age: int = 600
    """Seconds a browser may keep a preflight's answer."""

    @property
    def any_origin(self) -> bool:
        """Every origin is allowed."""
        return "*" in self.allow_origins

    @property
    def credentials(self) -> bool:
        """Whether ``Access-Control-Allow-Credentials: true`` is sent."""
        if self.allow_credentials is None:
            return not self.any_origin
        return self.allow_credentials

    def methods(self) -> tuple[str, ...]:
        """The allowed methods, upper case, ``*`` spelled out."""
        if "*" in self.allow_methods:
            return ALL_METHODS
        return tuple(m.upper() for m in self.allow_methods)

    def allows(self, origin: str) -> bool:
        """Whether a page on ``origin`` may call the API."""
        if self.any_origin or origin in self.allow_origins:
            return True
        return self.allow_origin_regex is not None and bool(
            re.fullmatch(self.allow_origin_regex, origin)
        )

    def how_to_allow(self, origin: str) -> str:
        """The sentence telling the operator how to let ``origin`` in."""
        return (
            f"origin {origin!r} is not allowed to call this server (allowed: "
            f"{', '.join(self.allow_origins) or 'none'}); add it with "
            "serve(cors_origins=[...]), the CLI's --cors-origin, or langgraph.json's "
            '"http": {"cors": {"allow_origins": [...]}}'
        )

    def preflight(self, headers: Mapping[str, str]) -> tuple[int, dict[str, str], str]:
        """The answer to a preflight: status, headers and a body saying what was refused."""
        origin = headers.get("Origin", "")
        method = headers.get("Access-Control-Request-Method", "")
        asked = headers.get("Access-Control-Request-Headers")
        answer: dict[str, str] = {"Vary": _VARY_PREFLIGHT}
        explicit = not self.any_origin or self.credentials
        if not explicit:
            answer["Access-Control-Allow-Origin"] = "*"
        answer["Access-Control-Allow-Methods"] = ", ".join(self.methods())
        answer["Access-Control-Max-Age"] = str(self.max_age)
        listed = sorted(set(_SAFELISTED_HEADERS) | {h.lower() for h in self.allow_headers})
        if "*" not in self.allow_headers:
            answer["Access-Control-Allow-Headers"] = ", ".join(listed)
        if self.credentials:
            answer["Access-Control-Allow-Credentials"] = "true"
        refused: list[str] = []
        if self.allows(origin):
            if explicit:
                answer["Access-Control-Allow-Origin"] = origin
        else:
            refused.append(self.how_to_allow(origin))
        if method.upper() not in self.methods():
            refused.append(f"method {method!r} is not allowed ({', '.join(self.methods())})")
        if asked is not None and "*" in self.allow_headers:
            answer["Access-Control-Allow-Headers"] = asked
        elif asked is not None:
            extra = [h.strip() for h in asked.lower().split(",") if h.strip() not in listed]
            if extra:
                refused.append(f"request header(s) {extra} are not allowed ({', '.join(listed)})")
        # As ``langgraph dev``: a public page (Studio) may reach this loopback server.
        answer["Access-Control-Allow-Private-Network"] = "true"
        if refused:
            return 400, answer, "Disallowed CORS request: " + "; ".join(refused)
        return 200, answer, "OK"

    def response_headers(self, origin: str) -> dict[str, str]:
        """The ``Access-Control-*`` headers of a real answer to a page on ``origin``."""
        headers: dict[str, str] = {}
        if self.any_origin:
            headers["Access-Control-Allow-Origin"] = "*"
        if self.credentials:
            headers["Access-Control-Allow-Credentials"] = "true"
        if self.expose_headers:
            headers["Access-Control-Expose-Headers"] = ", ".join(self.expose_headers)
        if (self.any_origin and self.credentials) or (not self.any_origin and self.allows(origin)):
            headers["Access-Control-Allow-Origin"] = origin
        headers["Vary"] = "Origin"
        return headers


def same_origin(origin: str, host: str) -> bool:
    """Whether ``origin`` is the server's own (the page was served by it)."""
    return bool(origin) and urlsplit(origin).netloc.lower() == host.lower()


def cors_from_config(
    config: Mapping[str, Any] | None = None, origins: Iterable[str] | None = None
) -> Cors:
    """A ``Cors`` from ``langgraph.json``'s ``http.cors`` (``CorsConfig`` keys) and/or a list
    of origins (``serve(cors_origins=...)``, the CLI), the list winning for origins.

    Raises ``ValueError`` naming a key or value that is not usable.
    """
    config = dict(config or {})
    known = {f for f in Cors.__dataclass_fields__}
    unknown = sorted(set(config) - known)
    if unknown:
        raise ValueError(f"http.cors: unknown key(s) {unknown}; the keys are {sorted(known)}")
    fields: dict[str, Any] = {}
    for key, value in config.items():
        if key in ("allow_origins", "allow_methods", "allow_headers", "expose_headers"):
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise ValueError(f"http.cors.{key} must be a list of strings, not {value!r}")
            fields[key] = tuple(value)
        elif key == "allow_origin_regex":
            try:
                re.compile(value)
            except (re.error, TypeError) as error:
                raise ValueError(f"http.cors.allow_origin_regex {value!r}: {error}") from None
            fields[key] = value
        elif key == "allow_credentials":
            if not isinstance(value, bool):
                raise ValueError(f"http.cors.allow_credentials must be true or false: {value!r}")
            fields[key] = value
        elif key == "max_age":
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"http.cors.max_age must be seconds (>= 0), not {value!r}")
            fields[key] = value
    if origins is not None:
        listed = tuple(origins)
        bad = [o for o in listed if o != "*" and not re.fullmatch(r"https?://[^/\s]+", o)]
        if bad:
            raise ValueError(
                f"CORS origins {bad} must look like 'http://localhost:3000' "
                "(scheme and host, no path), or '*' for any"
            )
        fields["allow_origins"] = listed
    return Cors(**fields)
