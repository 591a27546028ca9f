"""Errors raised by the runtime, shaped like the LangGraph Server's HTTP errors.

The in-kernel client raises the very classes that ``langgraph_sdk`` raises for a remote
server, so one ``except`` clause serves both::

    langgraph_sdk.errors.APIStatusError
     ├── BadRequestError           400  malformed request (unknown stream mode, ...)
     ├── NotFoundError             404  unknown thread, run or assistant
     ├── ConflictError             409  busy thread, nothing pending, stale interrupt
     └── UnprocessableEntityError  422  an answer that fails the interrupt's response_schema

    StorageError (RuntimeError)          a checkpoint file that cannot be used

Each message names the ids involved and says what to do next.
"""

from __future__ import annotations

from typing import Any

import httpx
from langgraph_sdk.errors import (
    APIStatusError,
    BadRequestError,
    ConflictError,
    NotFoundError,
    UnprocessableEntityError,
)

__all__ = [
    "StorageError",
    "bad_request",
    "conflict",
    "not_found",
    "unprocessable",
]

# The SDK's errors carry the HTTP exchange they came from; ours carry a stand-in that says
# the request never left the kernel.
_LOCAL = httpx.Request("POST", "http://in-kernel.invalid/")


class StorageError(RuntimeError):
    """A checkpoint file that cannot be opened or written; the message names the path."""


def _make(cls: type[APIStatusError], status: int, message: str, **extra: Any) -> APIStatusError:
    body = {"detail": message, **extra}
    response = httpx.Response(status, json=body, request=_LOCAL)
    return cls(message, response=response, body=body)


def bad_request(message: str, **extra: Any) -> APIStatusError:
    """A 400 ``BadRequestError``."""
    return _make(BadRequestError, 400, message, **extra)


def not_found(message: str, **extra: Any) -> APIStatusError:
    """A 404 ``NotFoundError``."""
    return _make(NotFoundError, 404, message, **extra)


def conflict(message: str, **extra: Any) -> APIStatusError:
    """A 409 ``ConflictError``."""
    return _make(ConflictError, 409, message, **extra)


def unprocessable(message: str, **extra: Any) -> APIStatusError:
    """A 422 ``UnprocessableEntityError``; ``extra['errors']`` lists field errors."""
    return _make(UnprocessableEntityError, 422, message, **extra)
