"""Answer interrupts that LangGraph would otherwise answer from memory.

LangGraph stores every answer as a pending write on the checkpoint where the interrupt was
raised (the task's ``__resume__`` list), next to the node's output and, if it failed, its
error. Resuming that checkpoint again replays the stored answer, not the new one. Two
cases need the new one:

- **retry**: a node failed after ``interrupt()`` returned its answer. The real server
  replays the failing answer on every later resume, forever.
- **fork**: resuming from a past checkpoint to answer differently (time travel). The
  stored answer — and the node's stored output — win again.

For a retry we overwrite the failed task's answer list on the same checkpoint (LangGraph's
savers replace a task's ``__resume__`` write; interrupt ids stay the same). For a fork we
copy the checkpoint to a new child without the interrupted tasks' answers and outputs and
write the new answers there. The run then starts without a resume value: each re-run node
finds its answer where ``interrupt()`` looks for it. Only the saver API is used, and the
old checkpoints stay in the history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver, CheckpointMetadata, copy_checkpoint
from langgraph.checkpoint.base.id import uuid6

from hitl_widgets.runtime.graphs import AnyGraph
from hitl_widgets.runtime.langgraph_names import ERROR, NULL_TASK_ID, RESUME

__all__ = ["drop_conflicting_writes", "needs_stored_answers", "store_answers"]



def _saver(graph: AnyGraph) -> BaseCheckpointSaver[Any]:
    assert isinstance(graph.checkpointer, BaseCheckpointSaver)
    return graph.checkpointer


def _root(config: RunnableConfig) -> RunnableConfig:
    return {"configurable": {"checkpoint_ns": "", **config["configurable"]}}


async def needs_stored_answers(graph: AnyGraph, config: RunnableConfig, fork: bool) -> bool:
    """True when a plain resume at ``config`` would replay an answer stored there."""
    tup = await _saver(graph).aget_tuple(_root(config))
    if tup is None:
        return False
    channels = {channel for _, channel, _ in tup.pending_writes or []}
    return ERROR in channels or (fork and RESUME in channels)


async def store_answers(
    graph: AnyGraph, config: RunnableConfig, answers: Mapping[str, Any], fork: bool
) -> RunnableConfig:
    """Write ``answers`` (interrupt id → answer) where the re-run nodes will read them.

    Returns the checkpoint holding them: the same one for a retry; for a fork a new child,
    which is then the thread's newest checkpoint (its head).
    """
    saver = _saver(graph)
    tup = await saver.aget_tuple(_root(config))
    assert tup is not None
    state = await graph.aget_state(tup.config)
    task_of = {i.id: task for task in state.tasks for i in task.interrupts}
    asked = {task_of[i].id for i in answers}
    stored: dict[str, list[Any]] = {
        task_id: list(value)
        for task_id, channel, value in tup.pending_writes or []
        if channel == RESUME and task_id != NULL_TASK_ID
    }
    failed = {task_id for task_id, channel, _ in tup.pending_writes or [] if channel == ERROR}
    target = tup.config
    new_id = {task.id: task.id for task in state.tasks}
    if fork:
        target = await _copy_without(graph, tup, asked)
        by_path = {task.path: task.id for task in (await graph.aget_state(target)).tasks}
        new_id = {task.id: by_path.get(task.path, task.id) for task in state.tasks}
    else:
        # The run's own resume value would be read before our answers: clear it.
        await saver.aput_writes(_root(target), [(RESUME, None)], NULL_TASK_ID)
    for interrupt_id, answer in answers.items():
        task_id = task_of[interrupt_id].id
        # A node that asks several questions keeps the answers before the one being
        # replaced; in a failed task, the last stored answer is the one it failed on.
        earlier = stored.get(task_id, [])
        earlier = earlier[:-1] if task_id in failed and not fork else ([] if fork else earlier)
        await saver.aput_writes(_root(target), [(RESUME, [*earlier, answer])], new_id[task_id])
    return target


async def _copy_without(graph: AnyGraph, tup: Any, asked: set[str]) -> RunnableConfig:
    """A new child of ``tup``'s checkpoint keeping only the un-asked tasks' finished writes."""
    saver = _saver(graph)
    checkpoint = copy_checkpoint(tup.checkpoint)
    checkpoint["id"] = str(uuid6())
    metadata = cast(CheckpointMetadata, {**(tup.metadata or {}), "source": "fork"})
    config = await saver.aput(_root(tup.config), checkpoint, metadata, {})
    # Task ids derive from the checkpoint id: carry writes to the task at the same path.
    old_paths = {t.id: t.path for t in (await graph.aget_state(tup.config)).tasks}
    new_ids = {t.path: t.id for t in (await graph.aget_state(config)).tasks}
    kept: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for task_id, channel, value in tup.pending_writes or []:
        if task_id in asked or task_id == NULL_TASK_ID or channel in (RESUME, ERROR):
            continue
        kept[new_ids.get(old_paths.get(task_id, ()), task_id)].append((channel, value))
    for task_id, writes in kept.items():
        await saver.aput_writes(config, writes, task_id)
    return config


async def drop_conflicting_writes(
    saver: BaseCheckpointSaver[Any], config: RunnableConfig
) -> bool:
    """Make an errored thread runnable again when commands piled conflicting writes on it.

    Commands sent to a paused thread (``update``, ``goto``, a resume) are stored as writes of
    LangGraph's null task on the head checkpoint. Two updates of one channel there make the
    head unreadable ("Can receive only one value per step") and every later run fails the
    same way. This copies the head to a new child keeping, for the null task, only the last
    write of each channel (the later update wins) and no stored answer, and no other task's
    writes: the paused nodes run again and ask again. Returns False when nothing conflicts.
    """
    head = await saver.aget_tuple(_root(config))
    if head is None:
        return False
    last: dict[str, Any] = {}
    conflicting = False
    for task_id, channel, value in head.pending_writes or []:
        if task_id != NULL_TASK_ID or channel == RESUME:
            continue
        conflicting = conflicting or channel in last
        last[channel] = value
    if not conflicting:
        return False
    checkpoint = copy_checkpoint(head.checkpoint)
    checkpoint["id"] = str(uuid6())
    metadata = cast(CheckpointMetadata, {**(head.metadata or {}), "source": "fork"})
    child = await saver.aput(_root(head.config), checkpoint, metadata, {})
    await saver.aput_writes(child, list(last.items()), NULL_TASK_ID)
    return True
