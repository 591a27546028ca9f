"""Make an interrupt answerable again: after a failed answer, and when forking the past.

LangGraph keeps every answer as a pending write on the checkpoint where the interrupt was
raised (the task's ``__resume__`` list, and the run's own resume value), next to the
node's output and, if it failed, its error. Resuming that checkpoint again replays the
stored answer instead of the new one. Two cases need the new one:

- **retry**: a node failed after ``interrupt()`` returned; resuming the thread again (the
  real server) fails the same way forever;
- **fork**: resuming from a past checkpoint to answer differently (time travel) replays
  the answer given back then.

In both, the runtime writes a copy of the checkpoint as a new child whose pending writes
are the same minus the answers being replaced (and minus the error), then resumes the copy.
The interrupt is pending again, other tasks' finished work is kept, and the old checkpoint
stays in the history. Only LangGraph's saver API is used.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointTuple, copy_checkpoint
from langgraph.checkpoint.base.id import uuid6

__all__ = ["reopen_for_fork", "reopen_for_retry"]

# LangGraph's reserved channel and task names (langgraph._internal._constants).
RESUME = "__resume__"
ERROR = "__error__"
INTERRUPT = "__interrupt__"
NULL_TASK_ID = "00000000-0000-0000-0000-000000000000"


async def _copy_with(saver: BaseCheckpointSaver, tup: CheckpointTuple,
                     writes: dict[str, list[tuple[str, Any]]]) -> RunnableConfig:
    checkpoint = copy_checkpoint(tup.checkpoint)
    checkpoint["id"] = str(uuid6())
    metadata = {**(tup.metadata or {}), "source": "fork"}
    parent = {"configurable": {"checkpoint_ns": "", **tup.config["configurable"]}}
    config = await saver.aput(parent, checkpoint, metadata, {})
    for task_id, task_writes in writes.items():
        await saver.aput_writes(config, task_writes, task_id)
    return config


async def reopen_for_retry(saver: BaseCheckpointSaver, thread_id: str) -> RunnableConfig | None:
    """If the thread's head holds a failed task, make a new head without the failed answer.

    The last answer in a failed task's list is the one the node failed on; earlier ones (a
    node that asks several questions) stay answered. Returns the new head's config, or
    ``None`` when nothing failed.
    """
    head = await saver.aget_tuple({"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}})
    pending = (head.pending_writes or []) if head is not None else []
    failed = {task for task, channel, _ in pending if channel == ERROR}
    if head is None or not failed:
        return None
    kept: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for task_id, channel, value in pending:
        if channel == ERROR or (task_id == NULL_TASK_ID and channel == RESUME):
            continue
        if channel == RESUME and task_id in failed:
            value = list(value)[:-1]
            if not value:
                continue
        kept[task_id].append((channel, value))
    return await _copy_with(saver, head, kept)


async def reopen_for_fork(saver: BaseCheckpointSaver, config: RunnableConfig) -> RunnableConfig | None:
    """A child of a past checkpoint where its interrupts are pending and unanswered.

    Tasks that raised an interrupt lose their stored answers and outputs (they will run
    again with the new answer); other tasks keep their finished work. Returns ``None`` when
    the checkpoint holds no interrupt.
    """
    tup = await saver.aget_tuple({"configurable": {"checkpoint_ns": "", **config["configurable"]}})
    pending = (tup.pending_writes or []) if tup is not None else []
    asked = {task for task, channel, _ in pending if channel == INTERRUPT}
    if tup is None or not asked:
        return None
    kept: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for task_id, channel, value in pending:
        if channel in (ERROR, RESUME) or task_id == NULL_TASK_ID:
            continue
        if task_id in asked and channel != INTERRUPT:
            continue
        kept[task_id].append((channel, value))
    return await _copy_with(saver, tup, kept)
