"""Thread operations: records plus LangGraph's state, history and updates."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, cast

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import CheckpointMetadata
from langgraph.errors import EmptyChannelError, InvalidUpdateError
from langgraph.types import StateSnapshot, StateUpdate

from hitl_widgets.runtime.backend import Backend
from hitl_widgets.runtime.clock import now
from hitl_widgets.runtime.errors import StorageError, bad_request, conflict, not_found
from hitl_widgets.runtime.graphs import AnyGraph, Graphs
from hitl_widgets.runtime.ids import new_id
from hitl_widgets.runtime.jsonable import to_json
from hitl_widgets.runtime.state import (
    checkpoint_of,
    interrupts_by_task,
    snapshot_json,
    thread_status,
)

if TYPE_CHECKING:
    from hitl_widgets.runtime.upkeep import Upkeep

__all__ = ["EMPTY_STATE", "ThreadOps", "run_end_fields", "stamp_run_end", "thread_config"]

EMPTY_STATE: dict[str, Any] = {
    "values": {},
    "next": [],
    "tasks": [],
    "metadata": {},
    "created_at": None,
    "checkpoint": None,
    "parent_checkpoint": None,
    "interrupts": [],
    "checkpoint_id": None,
    "parent_checkpoint_id": None,
}
"""``get_state`` of a thread no run has touched yet (as the server answers it)."""


def thread_config(
    thread_id: str, checkpoint: Mapping[str, Any] | None = None, checkpoint_id: str | None = None
) -> RunnableConfig:
    """The runnable config that addresses a thread (optionally one of its checkpoints)."""
    # checkpoint_ns "" names the root graph; LangGraph's savers need it beside a checkpoint id.
    configurable: dict[str, Any] = {"thread_id": thread_id, "checkpoint_ns": ""}
    if checkpoint:
        configurable.update({k: v for k, v in checkpoint.items() if v is not None})
        configurable["thread_id"] = thread_id
    if checkpoint_id:
        configurable["checkpoint_id"] = checkpoint_id
    return {"configurable": configurable}


def run_end_fields(error: Any = None, stamp: str | None = None) -> dict[str, Any]:
    """The keys a thread record gains once a run has touched it (as on the server)."""
    stamp = stamp or now()
    return {"error": error, "updated_at": stamp, "state_updated_at": stamp,
            "config": {"configurable": {}}}


def stamp_run_end(thread: dict[str, Any], error: Any = None) -> dict[str, Any]:
    """``thread`` with :func:`run_end_fields` set (and ``interrupts``, if it had none)."""
    thread.setdefault("interrupts", {})
    thread.update(run_end_fields(error))
    return thread


class ThreadOps:
    """``client.threads`` in the kernel. Needs ``self.graphs`` and ``self.backend``."""

    graphs: Graphs
    backend: Backend
    upkeep: Upkeep

    # -- records -------------------------------------------------------------------------

    def _thread(self, thread_id: str, *, values: bool = True) -> dict[str, Any]:
        """The thread's record (a 404 if it has none); ``values=False`` leaves its values
        out, for a caller that reads only status, metadata or interrupts."""
        records = self.backend.records
        thread = (records.get_thread(str(thread_id)) if values
                  else records.get_thread_without_values(str(thread_id)))
        if thread is None:
            raise not_found(
                f"thread {thread_id} not found; create it with threads.create(), or pass "
                "if_not_exists='create' to the run",
                thread_id=str(thread_id),
            )
        if str(thread_id) in self.backend.unsaved_errors:
            # Healing writes the record back: it needs all of it.
            return self._heal(thread if values else records.get_thread(str(thread_id)) or thread)
        return thread

    def _patch_thread(
        self, thread_id: str, fields: Mapping[str, Any], runs: Sequence[dict[str, Any]] = ()
    ) -> None:
        """Set ``fields`` on the thread's record and write ``runs``, in one go (a 404 if the
        thread is gone)."""
        if not self.backend.records.patch_thread(thread_id, fields, runs=runs):
            raise not_found(f"thread {thread_id} not found (deleted while a run was on it?)",
                            thread_id=thread_id)

    def _heal(self, thread: dict[str, Any]) -> dict[str, Any]:
        """A thread whose last run ended while the storage refused to record it: ``error``
        with that run's failure, written back as soon as the storage takes it."""
        runs = self.backend.live.get(thread["thread_id"])
        if runs is not None and runs.active is not None:
            return thread  # a newer run is on it; its end will write the record
        error = self.backend.unsaved_errors[thread["thread_id"]]
        thread = stamp_run_end({**thread, "status": "error"}, error)
        try:
            self.backend.records.put_thread(thread)
        except StorageError:
            return thread
        self.backend.unsaved_errors.pop(thread["thread_id"], None)
        return thread

    def _graph_of(self, thread: Mapping[str, Any]) -> AnyGraph | None:
        graph_id = (thread.get("metadata") or {}).get("graph_id")
        if graph_id is None:
            return None
        return self.graphs.graph(graph_id)

    async def refresh_thread(
        self,
        thread_id: str,
        *,
        status: str | None = None,
        error: Any = None,
        runs: Sequence[dict[str, Any]] = (),
        reopen: bool = False,
    ) -> dict[str, Any]:
        """Recompute a thread's values, interrupts and status from its checkpoints (and
        write ``runs`` with it, in one go). ``reopen``: a thread whose questions are still
        pending is ``interrupted`` whatever the error says (a run that never applied its
        answer leaves the question open)."""
        thread = self._thread(thread_id)
        graph = self._graph_of(thread)
        state = await graph.aget_state(thread_config(thread_id)) if graph is not None else None
        if state is not None and state.created_at is not None:
            thread["values"] = to_json(state.values)
            thread["interrupts"] = interrupts_by_task(state)
        errored = error is not None and not (reopen and state is not None and state.interrupts)
        thread["status"] = status or thread_status(state, errored=errored)
        self.backend.records.put(thread=stamp_run_end(thread, error), runs=runs)
        return thread

    async def threads_create(
        self,
        *,
        metadata: Mapping[str, Any] | None = None,
        thread_id: str | None = None,
        if_exists: str | None = None,
        supersteps: Sequence[Mapping[str, Any]] | None = None,
        graph_id: str | None = None,
        ttl: Any = None,
    ) -> dict[str, Any]:
        self.backend.check_writable()
        thread_id = str(thread_id or new_id())
        existing = self.backend.records.get_thread(thread_id)
        if existing is not None:
            if if_exists == "do_nothing":
                return existing
            raise conflict(
                f"thread {thread_id} already exists; pass if_exists='do_nothing' to reuse it",
                thread_id=thread_id,
            )
        stamp = now()
        meta = dict(metadata or {})
        if graph_id is not None:
            self.graphs.assistant(graph_id)  # 404 for an unknown graph, before anything is written
            meta["graph_id"] = graph_id
        # The server's shape for a new thread: no interrupts or error keys until a run.
        thread = {
            "thread_id": thread_id,
            "created_at": stamp,
            "updated_at": stamp,
            "state_updated_at": stamp,
            "metadata": meta,
            "status": "idle",
            "config": {},
            "values": None,
        }
        self.backend.records.put_thread(thread)
        if supersteps:
            await self._apply_supersteps(thread, supersteps)
            thread = await self.refresh_thread(thread_id)
        return thread

    async def _apply_supersteps(
        self, thread: dict[str, Any], supersteps: Sequence[Mapping[str, Any]]
    ) -> None:
        graph = self._graph_of(thread)
        if graph is None:
            raise bad_request("supersteps need graph_id=... to know which graph's state to build")
        steps = [
            [
                StateUpdate(u.get("values"), u.get("as_node"), u.get("task_id"))
                for u in step["updates"]
            ]
            for step in supersteps
        ]
        await graph.abulk_update_state(thread_config(thread["thread_id"]), steps)

    async def threads_get(
        self, thread_id: str, include: Sequence[str] | None = None
    ) -> dict[str, Any]:
        thread = self._thread(thread_id)
        if thread["status"] == "busy" and not self.backend.live.get(str(thread_id)):
            # Busy with no run of this process on it: another kernel's, maybe a dead one.
            await self.upkeep.release_dead_runs_on(str(thread_id))
            thread = self._thread(thread_id)
        return thread

    async def threads_update(
        self,
        thread_id: str,
        *,
        metadata: Mapping[str, Any],
        ttl: Any = None,
        return_minimal: bool = False,
    ) -> dict[str, Any] | None:
        thread = self._thread(thread_id)
        thread["metadata"] = {**thread["metadata"], **metadata}
        thread["updated_at"] = now()
        self.backend.records.put_thread(thread)
        return None if return_minimal else thread

    async def threads_delete(self, thread_id: str) -> None:
        self._thread(thread_id)
        runs = self.backend.live.get(str(thread_id))
        if runs is not None and runs.active is not None:
            raise conflict(
                f"thread {thread_id} is busy with run {runs.active.run_id}; cancel it "
                "(runs.cancel) before deleting the thread",
                thread_id=str(thread_id),
            )
        await self.backend.saver.adelete_thread(str(thread_id))
        self.backend.records.delete_thread(str(thread_id))
        self.backend.live.pop(str(thread_id), None)

    async def threads_search(self, **filters: Any) -> list[dict[str, Any]]:
        select = filters.pop("select", None)
        threads = self.backend.records.search_threads(**filters)
        if select:
            threads = [{k: v for k, v in t.items() if k in select} for t in threads]
        return threads

    async def threads_count(self, **filters: Any) -> int:
        return self.backend.records.count_threads(**filters)

    async def threads_copy(self, thread_id: str) -> dict[str, Any]:
        source = self._thread(thread_id)
        copy = await self.threads_create(metadata=source["metadata"])
        # What the server answers: the new thread as first written, without values.
        created = {k: v for k, v in copy.items() if k != "values"}
        saver = self.backend.saver
        # Oldest first, so every checkpoint's parent already exists in the copy.
        tuples = [t async for t in saver.alist({"configurable": {"thread_id": str(thread_id)}})]
        for item in reversed(tuples):
            # Put each checkpoint under the copy, as the child of its (already copied) parent.
            configurable = dict(item.config["configurable"], thread_id=copy["thread_id"])
            configurable.pop("checkpoint_id", None)
            if item.parent_config:
                configurable["checkpoint_id"] = item.parent_config["configurable"]["checkpoint_id"]
            metadata = cast(CheckpointMetadata, {**item.metadata, "thread_id": copy["thread_id"]})
            stored = await saver.aput(
                {"configurable": configurable},
                item.checkpoint,
                metadata,
                item.checkpoint["channel_versions"],
            )
            by_task: dict[str, list[tuple[str, Any]]] = {}
            for task_id, channel, value in item.pending_writes or []:
                by_task.setdefault(task_id, []).append((channel, value))
            for task_id, writes in by_task.items():
                await saver.aput_writes(stored, writes, task_id)
        await self.refresh_thread(copy["thread_id"], status=source["status"])
        return created

    # -- state ---------------------------------------------------------------------------

    async def _snapshot(
        self,
        thread_id: str,
        checkpoint: Mapping[str, Any] | None = None,
        checkpoint_id: str | None = None,
        subgraphs: bool = False,
    ) -> StateSnapshot | None:
        graph = self._graph_of(self._thread(thread_id, values=False))
        if graph is None:
            return None
        config = thread_config(str(thread_id), checkpoint, checkpoint_id)
        try:
            state = await graph.aget_state(config, subgraphs=subgraphs)
        except (InvalidUpdateError, EmptyChannelError, ValueError, TypeError) as error:
            # The checkpoint's pending writes cannot be applied (the server answers 400 too).
            raise bad_request(
                f"cannot read the state of thread {thread_id}: {type(error).__name__}: "
                f"{error}. Its last run left writes that conflict; run it again with new "
                "input, or resume with a corrected command",
                thread_id=str(thread_id),
            ) from error
        if (checkpoint or checkpoint_id) and state.created_at is None:
            raise not_found(
                f"checkpoint {checkpoint_id or dict(checkpoint or {}).get('checkpoint_id')} "
                "not found "
                f"in thread {thread_id}; list them with threads.get_history({thread_id!r})",
                thread_id=str(thread_id),
            )
        return state

    async def threads_get_state(
        self,
        thread_id: str,
        checkpoint: Mapping[str, Any] | None = None,
        checkpoint_id: str | None = None,
        *,
        subgraphs: bool = False,
        select: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        state = await self._snapshot(thread_id, checkpoint, checkpoint_id, subgraphs)
        if state is None or state.created_at is None:
            return dict(EMPTY_STATE)
        shaped = snapshot_json(state)
        return {k: v for k, v in shaped.items() if k in select} if select else shaped

    async def threads_update_state(
        self,
        thread_id: str,
        values: Any,
        *,
        as_node: str | None = None,
        checkpoint: Mapping[str, Any] | None = None,
        checkpoint_id: str | None = None,
    ) -> dict[str, Any]:
        thread = self._thread(thread_id)
        graph = self._graph_of(thread)
        if graph is None:
            raise conflict(
                f"thread {thread_id} has no graph yet; run it once (runs.wait) or create it "
                "with graph_id=... before updating its state",
                thread_id=str(thread_id),
            )
        runs = self.backend.live.get(str(thread_id))
        if runs is not None and runs.active is not None:
            raise conflict(
                f"thread {thread_id} is busy with run {runs.active.run_id}; wait for it "
                "(runs.join) before updating its state",
                thread_id=str(thread_id),
            )
        config = thread_config(str(thread_id), checkpoint, checkpoint_id)
        config["metadata"] = {"graph_id": thread["metadata"]["graph_id"]}
        try:
            new_config = await graph.aupdate_state(config, values, as_node=as_node)
        except (InvalidUpdateError, EmptyChannelError, ValueError, TypeError, KeyError) as error:
            # What LangGraph says of the update it was given: the caller's input. Storage
            # failures and our own bugs surface as themselves.
            raise bad_request(
                f"cannot update thread {thread_id}: {type(error).__name__}: {error}"
            ) from error
        await self.refresh_thread(str(thread_id))
        checkpoint = checkpoint_of(new_config)
        return {
            "checkpoint": checkpoint,
            "checkpoint_id": checkpoint["checkpoint_id"] if checkpoint else None,
            "configurable": dict(new_config["configurable"]),
        }

    async def threads_get_history(
        self,
        thread_id: str,
        *,
        limit: int = 10,
        before: str | Mapping[str, Any] | None = None,
        metadata: Mapping[str, Any] | None = None,
        checkpoint: Mapping[str, Any] | None = None,
        select: Sequence[str] | None = None,
    ) -> list[dict[str, Any]]:
        graph = self._graph_of(self._thread(thread_id, values=False))
        if graph is None:
            return []
        if isinstance(before, str):
            before = {"checkpoint_id": before}
        history = graph.aget_state_history(
            thread_config(str(thread_id), checkpoint),
            filter=dict(metadata) if metadata else None,
            before=thread_config(str(thread_id), before) if before else None,
            limit=limit,
        )
        states = [snapshot_json(s) async for s in history]
        if select:
            states = [{k: v for k, v in s.items() if k in select} for s in states]
        return states
