"""The sync client: the async client's twin, method for method.

Each sync method is made from its async twin (same name, signature and docstring) and
blocks on the runtime's loop (the runner thread), so it works inside a Jupyter cell whose
event loop is already running. Making them rather than writing them keeps the two from drifting;
``tests/client/test_parity.py`` checks both against ``langgraph_sdk``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any, Self

from langgraph_sdk.schema import StreamPart

from hitl_widgets.client.local import (
    LocalAssistantsClient,
    LocalQueuesClient,
    LocalRunsClient,
    LocalThreadsClient,
    _Sub,
)
from hitl_widgets.runtime.runtime import Runtime

__all__ = [
    "SyncLocalAssistantsClient",
    "SyncLocalClient",
    "SyncLocalQueuesClient",
    "SyncLocalRunsClient",
    "SyncLocalThreadsClient",
]


def _blocking(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def call(self: _Sub, *args: Any, **kwargs: Any) -> Any:
        return self._rt.door.call(method(self, *args, **kwargs))

    return call


class _SyncSub(_Sub):
    """A sub-client whose streams are plain iterators: the async twin's streaming methods
    run unchanged over this ``_iterate``."""

    def _iterate(self, events: AsyncIterator[tuple[Any, ...]]) -> Iterator[StreamPart]:  # type: ignore[override]
        # No loop of the caller's to yield on: the runtime's generator is driven on its own
        # loop and its items handed across a thread-safe queue.
        self._rt.check_open()
        for item in self._rt.door.iterate(events):
            yield StreamPart(*item)


def _sync_twin(async_cls: type[_Sub], name: str) -> type[_Sub]:
    """The sync class of ``async_cls``: coroutine methods block on the runtime's loop;
    streaming methods (plain functions returning ``self._iterate(...)``) are shared."""
    namespace: dict[str, Any] = {"__doc__": f"Sync twin of ``{async_cls.__name__}``."}
    for attr, member in vars(async_cls).items():
        if attr.startswith("_") or not callable(member):
            continue
        namespace[attr] = _blocking(member) if inspect.iscoroutinefunction(member) else member
    return type(name, (_SyncSub,), namespace)


SyncLocalAssistantsClient = _sync_twin(LocalAssistantsClient, "SyncLocalAssistantsClient")
SyncLocalThreadsClient = _sync_twin(LocalThreadsClient, "SyncLocalThreadsClient")
SyncLocalRunsClient = _sync_twin(LocalRunsClient, "SyncLocalRunsClient")
SyncLocalQueuesClient = _sync_twin(LocalQueuesClient, "SyncLocalQueuesClient")


class SyncLocalClient:
    """An in-kernel ``SyncLangGraphClient``: ``.assistants``, ``.threads``, ``.runs``."""

    refuses_stale_resume = True
    """See ``LocalClient.refuses_stale_resume``."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.assistants = SyncLocalAssistantsClient(runtime)
        self.threads = SyncLocalThreadsClient(runtime)
        self.runs = SyncLocalRunsClient(runtime)
        self.queues = SyncLocalQueuesClient(runtime)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """See ``LocalClient.aclose``."""
        self.runtime.close()
