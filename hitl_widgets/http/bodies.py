"""The JSON bodies of the non-run routes, as the server's OpenAPI schema names them.

Each is a ``TypedDict`` checked strictly by :func:`hitl_widgets.runtime.parse_body` (a wrong
type is a 422 naming the field); keys the runtime does not use are accepted and ignored.
Run bodies are ``hitl_widgets.runtime.RunCreate``, shared with the in-kernel client.
"""

from __future__ import annotations

from typing import Any, Literal, Required, TypeVar

from pydantic import TypeAdapter
from typing_extensions import TypedDict  # pydantic needs it on Python < 3.12

from hitl_widgets.runtime.requests import parse_body

__all__ = [
    "AssistantSearch",
    "AssistantVersions",
    "RunsCancel",
    "ThreadCount",
    "ThreadCreate",
    "ThreadHistory",
    "ThreadPatch",
    "ThreadPrune",
    "ThreadSearch",
    "ThreadStateCheckpoint",
    "ThreadStateUpdate",
    "parse",
]

T = TypeVar("T")


class ThreadCreate(TypedDict, total=False):
    """``POST /threads``."""

    metadata: dict[str, Any] | None
    thread_id: str | None
    if_exists: Literal["raise", "do_nothing"] | None
    supersteps: list[dict[str, Any]] | None
    graph_id: str | None
    ttl: int | dict[str, Any] | None


class ThreadPatch(TypedDict, total=False):
    """``PATCH /threads/{thread_id}``."""

    metadata: dict[str, Any] | None
    ttl: int | dict[str, Any] | None


class ThreadPrune(TypedDict, total=False):
    """``POST /threads/prune``."""

    thread_ids: Required[list[str]]
    strategy: Literal["delete", "keep_latest"] | None


class RunsCancel(TypedDict, total=False):
    """``POST /runs/cancel``: ``thread_id`` and ``run_ids``, or ``status``."""

    thread_id: str | None
    run_ids: list[str] | None
    status: str | None


class ThreadSearch(TypedDict, total=False):
    """``POST /threads/search``."""

    metadata: dict[str, Any] | None
    values: dict[str, Any] | None
    ids: list[str] | None
    status: str | None
    limit: int
    offset: int
    sort_by: str | None
    sort_order: str | None
    select: list[str] | None


class ThreadCount(TypedDict, total=False):
    """``POST /threads/count``."""

    metadata: dict[str, Any] | None
    values: dict[str, Any] | None
    status: str | None


class ThreadStateUpdate(TypedDict, total=False):
    """``POST /threads/{thread_id}/state``."""

    values: Any
    as_node: str | None
    checkpoint: dict[str, Any] | None
    checkpoint_id: str | None


class ThreadStateCheckpoint(TypedDict, total=False):
    """``POST /threads/{thread_id}/state/checkpoint``."""

    checkpoint: dict[str, Any]
    subgraphs: bool


class ThreadHistory(TypedDict, total=False):
    """``POST /threads/{thread_id}/history``."""

    limit: int
    before: str | dict[str, Any] | None
    metadata: dict[str, Any] | None
    checkpoint: dict[str, Any] | None
    select: list[str] | None


class AssistantSearch(TypedDict, total=False):
    """``POST /assistants/search``."""

    metadata: dict[str, Any] | None
    graph_id: str | None
    name: str | None
    limit: int
    offset: int


class AssistantVersions(TypedDict, total=False):
    """``POST /assistants/{assistant_id}/versions``."""

    metadata: dict[str, Any] | None
    limit: int
    offset: int


_ADAPTERS: dict[type[Any], TypeAdapter[Any]] = {}


def parse(kind: type[T], body: bytes) -> T:
    """``body`` as a ``kind`` (one of the TypedDicts above), or a 422 naming what is wrong."""
    adapter = _ADAPTERS.get(kind)
    if adapter is None:
        adapter = _ADAPTERS[kind] = TypeAdapter(kind)
    result: T = parse_body(adapter, body, f"{kind.__name__} body")
    return result
