"""Any checkpoint saver, sync or async, behind the runtime's async calls.

The runtime runs graphs with ``astream``, so LangGraph calls a saver's async methods.
``SqliteSaver`` and ``PostgresSaver`` — the savers LangGraph's docs build first — only
implement the sync ones: their ``aget_tuple`` raises ``NotImplementedError`` inside a task
nobody awaits, and the run hangs. ``AsyncOverSync`` answers each async method with the sync
one, called in place on the runner loop (the runner is the only thread using the saver; a
local database answers in well under a millisecond). Async savers pass through unchanged.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    BaseCheckpointSaver,
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
)
from langgraph.checkpoint.sqlite import SqliteSaver

__all__ = ["AsyncOverSync", "SyncAsAsync", "is_sync_only", "usable_async"]


def is_sync_only(saver: BaseCheckpointSaver[Any]) -> bool:
    """True when the saver's async methods are not implemented (the base class's, or a
    stub that raises, as ``SqliteSaver``'s do)."""
    aget_tuple = type(saver).aget_tuple
    return aget_tuple in (BaseCheckpointSaver.aget_tuple, SqliteSaver.aget_tuple)


def usable_async(saver: BaseCheckpointSaver[Any]) -> BaseCheckpointSaver[Any]:
    """The saver itself when it is async, or ``AsyncOverSync`` around a sync-only one."""
    return AsyncOverSync(saver) if is_sync_only(saver) else saver


class SyncAsAsync(BaseCheckpointSaver[Any]):
    """A saver's async methods answered by its own sync ones, in place."""

    async def aget_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return self.get_tuple(config)

    async def alist(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        for item in self.list(config, filter=filter, before=before, limit=limit):
            yield item

    async def aput(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return self.put(config, checkpoint, metadata, new_versions)

    async def aput_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        self.put_writes(config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        self.delete_thread(thread_id)

    async def aget_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, Any]:
        return self.get_delta_channel_history(config=config, channels=channels)


class AsyncOverSync(SyncAsAsync):
    """A sync-only saver whose async methods call its sync ones."""

    def __init__(self, saver: BaseCheckpointSaver[Any]) -> None:
        super().__init__(serde=saver.serde)
        self.saver = saver

    @property
    def config_specs(self) -> list[Any]:
        specs: list[Any] = self.saver.config_specs
        return specs

    def get_next_version(self, current: Any, channel: None) -> Any:
        return self.saver.get_next_version(current, channel)

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        return self.saver.get_tuple(config)

    def list(
        self,
        config: RunnableConfig | None,
        *,
        filter: dict[str, Any] | None = None,
        before: RunnableConfig | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        return self.saver.list(config, filter=filter, before=before, limit=limit)

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        return self.saver.put(config, checkpoint, metadata, new_versions)

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        self.saver.put_writes(config, writes, task_id, task_path)

    def delete_thread(self, thread_id: str) -> None:
        self.saver.delete_thread(thread_id)

    def get_delta_channel_history(
        self, *, config: RunnableConfig, channels: Sequence[str]
    ) -> Mapping[str, Any]:
        return self.saver.get_delta_channel_history(config=config, channels=channels)
