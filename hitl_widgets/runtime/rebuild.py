"""Thread records rebuilt from a saver's checkpoints, for savers we cannot write beside.

With a saver of unknown kind (Redis, MongoDB, a custom one) the records live in memory,
and the checkpoints outlive the process. When a runtime opens such a saver, every thread
with root checkpoints gets its record back: graph (from the checkpoint metadata our runs
write), created / updated times, values, pending interrupts and status. Run records and
thread metadata given at ``threads.create`` are not in the checkpoints and do not return.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hitl_widgets.runtime.jsonable import to_json
from hitl_widgets.runtime.state import error_json, interrupts_by_task, thread_status
from hitl_widgets.runtime.threads import thread_config

if TYPE_CHECKING:
    from hitl_widgets.runtime.backend import Backend
    from hitl_widgets.runtime.graphs import Graphs

__all__ = ["rebuild_records"]


async def rebuild_records(backend: Backend, graphs: Graphs) -> int:
    """Recreate a record for every thread the saver holds; how many were rebuilt."""
    first: dict[str, Any] = {}
    last: dict[str, Any] = {}
    async for item in backend.saver.alist(None):
        configurable = item.config["configurable"]
        if configurable.get("checkpoint_ns"):
            continue  # a subgraph's checkpoint: its thread is the root's
        thread_id = str(configurable["thread_id"])
        stamp = item.checkpoint["ts"]
        if thread_id not in first or stamp < first[thread_id].checkpoint["ts"]:
            first[thread_id] = item
        if thread_id not in last or stamp > last[thread_id].checkpoint["ts"]:
            last[thread_id] = item
    rebuilt = 0
    for thread_id, head in last.items():
        if backend.records.get_thread(thread_id) is not None:
            continue
        graph_id = head.metadata.get("graph_id")
        if graph_id is None:
            graph_id = first[thread_id].metadata.get("graph_id")
        metadata: dict[str, Any] = {}
        values: Any = None
        interrupts: dict[str, Any] = {}
        status = "idle"
        error = None
        if graph_id is not None:
            metadata = {"graph_id": graph_id}
        if graph_id is not None and graphs.knows(str(graph_id)):
            metadata["assistant_id"] = graphs.assistant(str(graph_id))["assistant_id"]
            try:
                state = await graphs.graph(str(graph_id)).aget_state(thread_config(thread_id))
            except Exception as failure:  # noqa: BLE001 - the thread is listed, in error
                error, status = error_json(failure), "error"
            else:
                values = to_json(state.values)
                interrupts = interrupts_by_task(state)
                status = thread_status(state)
        backend.records.put_thread(
            {
                "thread_id": thread_id,
                "created_at": first[thread_id].checkpoint["ts"],
                "updated_at": head.checkpoint["ts"],
                "state_updated_at": head.checkpoint["ts"],
                "metadata": metadata,
                "status": status,
                "config": {"configurable": {}},
                "values": values,
                "interrupts": interrupts,
                "error": error,
            }
        )
        rebuilt += 1
    return rebuilt
