"""LangGraph state snapshots in the server's JSON shapes (``ThreadState``, ``Interrupt``)."""

from __future__ import annotations

from typing import Any, cast

from langgraph.types import Interrupt, StateSnapshot

from hitl_widgets.runtime.jsonable import to_json

__all__ = [
    "checkpoint_of",
    "error_json",
    "interrupt_json",
    "interrupts_by_task",
    "pending_interrupts",
    "snapshot_json",
    "thread_status",
]


def interrupt_json(interrupt: Interrupt) -> dict[str, Any]:
    """``{"id", "value"}`` plus ``response_schema`` when the graph gave one (server shape)."""
    shaped: dict[str, Any] = {"id": interrupt.id, "value": interrupt.value}
    if interrupt.response_schema is not None:
        shaped["response_schema"] = interrupt.response_schema
    return shaped


def error_json(error: BaseException) -> dict[str, Any]:
    """A task or run error as JSON. Unlike the server we keep the message of every error:
    in a kernel, the person reading it is the person who wrote the graph."""
    return {"error": type(error).__name__, "message": str(error)}


def _task_error(error: Any) -> str | None:
    if error is None or isinstance(error, str):
        return error
    return repr(error)


def checkpoint_of(config: Any) -> dict[str, Any] | None:
    """The ``Checkpoint`` dict named by a runnable config, or ``None``."""
    configurable = (config or {}).get("configurable") or {}
    if not configurable.get("thread_id") or not configurable.get("checkpoint_id"):
        return None
    checkpoint = {
        "checkpoint_id": configurable["checkpoint_id"],
        "thread_id": configurable["thread_id"],
        "checkpoint_ns": configurable.get("checkpoint_ns") or "",
    }
    if "checkpoint_map" in configurable:
        checkpoint["checkpoint_map"] = configurable["checkpoint_map"]
    return checkpoint


def snapshot_json(state: StateSnapshot) -> dict[str, Any]:
    """A ``StateSnapshot`` as ``threads.get_state`` returns it."""
    tasks = []
    for task in state.tasks:
        sub = task.state
        tasks.append(
            {
                "id": task.id,
                "name": task.name,
                "path": task.path,
                # The server's (and langgraph_sdk.schema's) task error: the exception's repr.
                "error": _task_error(task.error),
                "interrupts": [interrupt_json(i) for i in task.interrupts],
                "checkpoint": sub["configurable"]
                if sub is not None and not isinstance(sub, StateSnapshot)
                else None,
                "state": snapshot_json(sub) if isinstance(sub, StateSnapshot) else None,
                "result": getattr(task, "result", None),
            }
        )
    config = state.config or {}
    parent = state.parent_config or {}
    return cast(
        dict[str, Any],
        to_json(
            {
                "values": state.values,
                "next": state.next,
                "tasks": tasks,
                "metadata": state.metadata,
                "created_at": state.created_at,
                "checkpoint": checkpoint_of(state.config),
                "parent_checkpoint": checkpoint_of(state.parent_config),
                "interrupts": [interrupt_json(i) for i in state.interrupts],
                "checkpoint_id": config.get("configurable", {}).get("checkpoint_id"),
                "parent_checkpoint_id": parent.get("configurable", {}).get("checkpoint_id"),
            }
        ),
    )


def pending_interrupts(state: StateSnapshot) -> list[Interrupt]:
    """Every interrupt waiting for an answer, subgraphs' included."""
    return list(state.interrupts)


def interrupts_by_task(state: StateSnapshot) -> dict[str, list[dict[str, Any]]]:
    """Pending interrupts keyed by task id, as ``threads.get`` reports them."""
    return cast(
        dict[str, list[dict[str, Any]]],
        to_json(
            {
                task.id: [interrupt_json(i) for i in task.interrupts]
                for task in state.tasks
                if task.interrupts
            }
        ),
    )


def thread_status(state: StateSnapshot | None, errored: bool = False) -> str:
    """The server's thread status for the state a run left behind."""
    if errored:
        return "error"
    if state is not None and (state.interrupts or state.next):
        return "interrupted"
    return "idle"
