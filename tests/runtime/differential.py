"""Helpers for the differential tests: one scenario, two clients, one comparison.

Also a pytest plugin (registered in `tests/conftest.py`) giving the fixtures `side`
(`server`, `memory`, `sqlite`, `sync`), `side_client` (that side's client, async API) and
`local_client` (ours: in memory, on SQLite, and the sync twin behind `AsyncOverSync`).

A *flow* is an `async def flow(client) -> Transcript` that drives a scenario graph through the
`langgraph_sdk` API and records what it saw. It runs unchanged against the real server
(`reference_client`) and against our in-kernel client (`local_client`); `assert_same` then
compares the two transcripts after `Normaliser` has replaced what legitimately differs between
two runs (ids, timestamps) and `strip_server_only` has dropped what only describes the server's
deployment (versions, auth, request bookkeeping).

Ids are replaced by numbered placeholders in order of first appearance over the whole
transcript, so the *same* id seen in two places (an interrupt id in `runs.wait` and in
`threads.get_state`) gets the same placeholder on both sides, and a mix-up shows as a diff.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.base import EXCLUDED_METADATA_KEYS

from tests.graphs.scenarios import SCENARIOS

# --- what only the server has -------------------------------------------------------------

SERVER_ONLY_KEYS = frozenset(
    {
        # the deployment, not the graph
        "langgraph_version",
        "langgraph_api_version",
        "langgraph_plan",
        "langgraph_host",
        "langgraph_api_url",
        "langsmith_session_name",
        # authentication (there is no user in a kernel)
        "langgraph_auth_user",
        "langgraph_auth_user_id",
        "langgraph_auth_permissions",
        "user_id",
        # per-HTTP-request bookkeeping and the queue's retry counter
        "langgraph_request_id",
        "__request_start_time_ms__",
        "__after_seconds__",
        "__pregel_node_finished",
        "run_attempt",
        "created_by",
    }
)
"""Keys dropped wherever they occur: they describe the server process, not the thread."""


TASK_KEYS_IN_CHECKPOINT_METADATA = frozenset(EXCLUDED_METADATA_KEYS - {"thread_id"})
"""Dropped from *checkpoint* metadata only (a `metadata` dict with `source` and `step`).

The server's saver copies the running task's bookkeeping (`langgraph_node`, `langgraph_step`,
`checkpoint_ns`, `checkpoint_map`, ...) into a subgraph's checkpoint metadata. LangGraph's
own savers leave exactly these keys out (`langgraph.checkpoint.base.EXCLUDED_METADATA_KEYS`),
and the same facts are in the checkpoint's `checkpoint_ns`/`checkpoint_map` and the task,
which are compared. In message and task metadata, where they say which node is speaking,
they are kept and compared. (`thread_id` is kept: the server puts it at the root too.)"""


def strip_server_only(value: Any, key: str | None = None) -> Any:
    """`value` without the `SERVER_ONLY_KEYS` at any depth, and without the
    `TASK_KEYS_IN_CHECKPOINT_METADATA` in checkpoint metadata."""
    if isinstance(value, dict):
        dropped = SERVER_ONLY_KEYS
        if key == "metadata" and "source" in value and "step" in value:
            dropped = SERVER_ONLY_KEYS | TASK_KEYS_IN_CHECKPOINT_METADATA
        return {k: strip_server_only(v, k) for k, v in value.items() if k not in dropped}
    if isinstance(value, (list, tuple)):
        return [strip_server_only(v, key) for v in value]
    return value


# --- ids and timestamps -------------------------------------------------------------------

_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
_HEX32 = r"(?<![0-9a-f])[0-9a-f]{32}(?![0-9a-f])"  # interrupt ids (xxh3-128 hex digests)
_TIME = r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
_PATTERN = re.compile(f"(?P<time>{_TIME})|(?P<id>{_UUID}|{_HEX32})")
_ID_KEY = re.compile(f"^(?:{_UUID}|{_HEX32})$")


class Normaliser:
    """Replaces ids by `<role:N>` (same id → same placeholder) and timestamps by `<time>`.

    One instance per transcript: numbering follows first appearance. The role comes from the
    key an id is first seen under (`thread_id` → `<thread:1>`, `run_id` → `<run:1>`; `id`,
    dict keys and ids inside strings → `<id:1>`), and each role counts on its own, so an id
    missing on one side renumbers only its own kind and the diff stays readable. Dicts are
    walked in sorted key order so that key order (an implementation detail) does not
    renumber ids; dicts keyed *by* ids (`threads.get()["interrupts"]`) keep their own order,
    which is the order of the tasks on both sides.
    """

    def __init__(self) -> None:
        self.ids: dict[str, str] = {}
        self.counts: dict[str, int] = {}

    def _placeholder(self, raw: str, role: str) -> str:
        if raw not in self.ids:
            self.counts[role] = self.counts.get(role, 0) + 1
            self.ids[raw] = f"<{role}:{self.counts[role]}>"
        return self.ids[raw]

    def _text(self, text: str, role: str) -> str:
        def swap(match: re.Match[str]) -> str:
            if match.group("time"):
                return "<time>"
            # An id that *is* the whole value takes its key's role; one inside text is an id.
            return self._placeholder(match.group("id"), role if match.group(0) == text else "id")

        return _PATTERN.sub(swap, text)

    def __call__(self, value: Any, key: str | None = None) -> Any:
        if isinstance(value, str):
            return self._text(value, _role(key))
        if isinstance(value, (list, tuple)):
            return [self(v, key) for v in value]
        if isinstance(value, dict):
            keys = list(value)
            if not all(isinstance(k, str) and _ID_KEY.match(k) for k in keys):
                keys = sorted(keys, key=str)
            return {
                self._text(k, "id") if isinstance(k, str) else k: self(value[k], str(k))
                for k in keys
            }
        return value


def _role(key: str | None) -> str:
    """`thread_id` → `thread`, `parent_checkpoint_id` → `checkpoint`; anything else → `id`."""
    if key and key.endswith("_id") and not _ID_KEY.match(key):
        return key.removesuffix("_id").removeprefix("parent_")
    return "id"


def normalise(value: Any) -> Any:
    """`value` with server-only keys dropped and ids/timestamps replaced (fresh numbering)."""
    return Normaliser()(strip_server_only(value))


# --- transcripts and the comparison -------------------------------------------------------


class Transcript(list[tuple[str, Any]]):
    """What a flow saw, step by step: `(label, JSON-shaped value)` pairs."""

    def record(self, label: str, value: Any) -> Any:
        """Keep `value` under `label` and hand it back, so a flow can assert on it too."""
        self.append((label, _jsonable(value)))
        return value


def _jsonable(value: Any) -> Any:
    # StreamPart and other NamedTuples become plain lists; everything must be JSON data.
    return json.loads(json.dumps(value, default=_default))


def _default(value: Any) -> Any:
    if hasattr(value, "_asdict"):
        return value._asdict()
    raise TypeError(f"not JSON data in a transcript: {value!r}")


def render(transcript: Any) -> str:
    """A normalised transcript as stable, diff-friendly text."""
    return json.dumps(normalise(transcript), indent=1, sort_keys=False, ensure_ascii=False)


def assert_same(expected: Any, got: Any, *, what: str = "transcript") -> None:
    """Fail with a unified diff (server → ours) unless both normalise to the same data."""
    left, right = render(expected), render(got)
    if left != right:
        diff = "\n".join(
            difflib.unified_diff(
                left.splitlines(), right.splitlines(), "server", "hitl_widgets", lineterm="", n=4
            )
        )
        raise AssertionError(f"{what} differs from the real server:\n{diff}")


# --- clients ------------------------------------------------------------------------------

Flow = Callable[[Any], Awaitable[Transcript]]


LOCAL_BACKENDS = ("memory", "sqlite", "sync")
"""Ours is compared with the server on both checkpointers and through the sync client."""


def make_local_client(backend: str, folder: Path) -> Any:
    """Our in-kernel client over every scenario graph: `memory`, `sqlite` (a fresh file) or
    `sync` (the sync twin in memory, behind `AsyncOverSync`)."""
    from hitl_widgets import get_client, get_sync_client

    if backend == "sync":
        return AsyncOverSync(get_sync_client(graphs=dict(SCENARIOS)))
    checkpointer = None if backend == "memory" else str(folder / "threads.sqlite")
    return get_client(graphs=dict(SCENARIOS), checkpointer=checkpointer)


class AsyncOverSync:
    """The async client API over our *sync* client, each call in a worker thread.

    Lets every flow check that `get_sync_client` answers exactly what the async client and
    the server answer (the `sync` side), not only that the method names match.
    """

    RESOURCES = frozenset({"assistants", "threads", "runs"})

    def __init__(self, target: Any) -> None:
        self._target = target

    def __getattr__(self, name: str) -> Any:
        attribute = getattr(self._target, name)
        if name in self.RESOURCES:
            return AsyncOverSync(attribute)
        if name in ("stream", "join_stream"):
            return lambda *args, **kwargs: _drain(attribute, *args, **kwargs)

        async def call(*args: Any, **kwargs: Any) -> Any:
            return await asyncio.to_thread(attribute, *args, **kwargs)

        return call

    async def aclose(self) -> None:
        """Close the sync client (in a worker thread), as `close_client` expects."""
        close = getattr(self._target, "close", None)
        if close is not None:
            await asyncio.to_thread(close)


async def _drain(stream: Any, *args: Any, **kwargs: Any) -> AsyncIterator[Any]:
    # The whole stream is read in one worker thread; errors surface where iteration starts.
    for part in await asyncio.to_thread(lambda: list(stream(*args, **kwargs))):
        yield part


async def close_client(client: Any) -> None:
    """Close a client the way `langgraph_sdk` does, if it has anything to close."""
    aclose = getattr(client, "aclose", None)
    if aclose is not None:
        await aclose()


@pytest.fixture(params=LOCAL_BACKENDS)
async def local_client(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Any]:
    """Our in-kernel client, fresh for each test: on each checkpointer, then the sync twin."""
    client = make_local_client(request.param, tmp_path)
    try:
        yield client
    finally:
        await close_client(client)


@pytest.fixture(params=(pytest.param("server", marks=pytest.mark.server), *LOCAL_BACKENDS))
def side(request: pytest.FixtureRequest) -> str:
    """Whose behaviour a test looks at: `server` (the reference), or ours on `memory`,
    `sqlite`, or through the sync client (`sync`)."""
    return str(request.param)


@pytest.fixture
async def side_client(
    side: str, request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[Any]:
    """The client of `side`: `langgraph_sdk` on the reference server, or our in-kernel one."""
    if side == "server":
        # Only the server side starts `langgraph dev` (a sync fixture: safe to request here).
        from langgraph_sdk import get_client

        client = get_client(url=request.getfixturevalue("reference_url"))
    else:
        client = make_local_client(side, tmp_path)
    try:
        yield client
    finally:
        await close_client(client)
