"""The async in-kernel client: ``langgraph_sdk``'s API over a ``Runtime``.

Method names, arguments, defaults and return shapes are the SDK's (a test compares the
signatures), so code written against this client runs unchanged against
``get_client(url=...)``. Arguments that only mean something to a deployed server
(``headers``, ``params``, ``webhook``, ``langsmith_tracing``, ...) are accepted and ignored.
"""

from __future__ import annotations

import builtins
import dataclasses
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping, Sequence
from typing import Any, Self

from langgraph_sdk.schema import (
    Assistant,
    AssistantVersion,
    Checkpoint,
    Command,
    GraphSchema,
    Run,
    StreamPart,
    Thread,
    ThreadState,
    ThreadUpdateStateResponse,
)

from hitl_widgets.runtime.requests import RunCreate
from hitl_widgets.runtime.runtime import Runtime

__all__ = [
    "LocalAssistantsClient",
    "LocalClient",
    "LocalQueuesClient",
    "LocalRunsClient",
    "LocalThreadsClient",
]


class _Sub:
    """What every sub-client shares: the runtime, and the two ways into its loop."""

    def __init__(self, runtime: Runtime) -> None:
        self._rt = runtime

    async def _call(self, call: Coroutine[Any, Any, Any]) -> Any:
        """Await a runtime coroutine on the runtime's loop (in place when it is ours).

        The runtime answers in JSON-shaped dicts; the SDK's TypedDicts in the methods'
        signatures are the contract, checked against a live server by the differential
        tests."""
        try:
            self._rt.check_open()
        except BaseException:
            call.close()
            raise
        return await self._rt.door_here().acall(call)

    async def _iterate(self, events: AsyncIterator[tuple[Any, ...]]) -> AsyncIterator[StreamPart]:
        """A runtime event generator (event, data[, id]) driven on the runtime's loop, as
        ``StreamPart``s."""
        self._rt.check_open()
        async for item in self._rt.door_here().aiterate(events):
            yield StreamPart(*item)


class LocalAssistantsClient(_Sub):
    """``client.assistants``: one default assistant per graph, as the server creates them."""

    async def get(
        self, assistant_id: str, *, headers: Mapping[str, str] | None = None, params: Any = None
    ) -> Assistant:
        """The assistant for an assistant id or a graph id."""
        return await self._call(self._rt.assistants_get(assistant_id))

    async def search(
        self,
        *,
        metadata: Any = None,
        graph_id: str | None = None,
        name: str | None = None,
        limit: int = 10,
        offset: int = 0,
        sort_by: Any = None,
        sort_order: Any = None,
        select: Any = None,
        response_format: str = "array",
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> list[Assistant]:
        """Assistants filtered by graph id, name and metadata."""
        return await self._call(
            self._rt.assistants_search(
                metadata=metadata, graph_id=graph_id, name=name, limit=limit, offset=offset
            )
        )

    async def get_graph(
        self,
        assistant_id: str,
        *,
        xray: int | bool = False,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> dict[str, list[dict[str, Any]]]:
        """The graph's nodes and edges (LangGraph's ``get_graph().to_json()``)."""
        return await self._call(self._rt.assistants_get_graph(assistant_id, xray))

    async def get_schemas(
        self, assistant_id: str, *, headers: Mapping[str, str] | None = None, params: Any = None
    ) -> GraphSchema:
        """Input, output, state, config and context JSON Schemas."""
        return await self._call(self._rt.assistants_get_schemas(assistant_id))

    async def get_subgraphs(
        self,
        assistant_id: str,
        namespace: str | None = None,
        recurse: bool = False,
        *,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> dict[str, GraphSchema]:
        """Each subgraph's schemas, by namespace."""
        return await self._call(self._rt.assistants_get_subgraphs(assistant_id, namespace, recurse))

    async def count(
        self,
        *,
        metadata: Any = None,
        graph_id: str | None = None,
        name: str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> int:
        """How many assistants match."""
        return await self._call(
            self._rt.assistants_count(metadata=metadata, graph_id=graph_id, name=name)
        )

    async def get_versions(
        self,
        assistant_id: str,
        metadata: Any = None,
        limit: int = 10,
        offset: int = 0,
        *,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> list[AssistantVersion]:
        """The assistant's versions (a graph's default assistant has one)."""
        return await self._call(
            self._rt.assistants_get_versions(assistant_id, metadata, limit, offset)
        )


class LocalThreadsClient(_Sub):
    """``client.threads``: thread records, state, history and updates."""

    async def create(
        self,
        *,
        metadata: Any = None,
        thread_id: str | None = None,
        if_exists: str | None = None,
        supersteps: Sequence[dict[str, Sequence[dict[str, Any]]]] | None = None,
        graph_id: str | None = None,
        ttl: int | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> Thread:
        """Create a thread (``if_exists='do_nothing'`` returns an existing one)."""
        return await self._call(
            self._rt.threads_create(
                metadata=metadata,
                thread_id=thread_id,
                if_exists=if_exists,
                supersteps=supersteps,
                graph_id=graph_id,
                ttl=ttl,
            )
        )

    async def get(
        self,
        thread_id: str,
        *,
        include: Sequence[str] | None = None,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> Thread:
        """The thread: status, metadata, latest values, pending interrupts by task id."""
        return await self._call(self._rt.threads_get(thread_id, include))

    async def update(
        self,
        thread_id: str,
        *,
        metadata: Mapping[str, Any],
        ttl: int | Mapping[str, Any] | None = None,
        return_minimal: bool = False,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> Thread | None:
        """Merge ``metadata`` into the thread's."""
        return await self._call(
            self._rt.threads_update(
                thread_id, metadata=metadata, ttl=ttl, return_minimal=return_minimal
            )
        )

    async def delete(
        self, thread_id: str, *, headers: Mapping[str, str] | None = None, params: Any = None
    ) -> None:
        """Delete the thread, its runs and its checkpoints."""
        return await self._call(self._rt.threads_delete(thread_id))

    async def search(
        self,
        *,
        metadata: Any = None,
        values: Any = None,
        ids: Sequence[str] | None = None,
        status: str | None = None,
        limit: int = 10,
        offset: int = 0,
        sort_by: str | None = None,
        sort_order: str | None = None,
        select: list[str] | None = None,
        extract: dict[str, str] | None = None,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> list[Thread]:
        """Threads by status, metadata and values containment, newest update first."""
        return await self._call(
            self._rt.threads_search(
                metadata=metadata,
                values=values,
                ids=ids,
                status=status,
                limit=limit,
                offset=offset,
                sort_by=sort_by,
                sort_order=sort_order,
                select=select,
            )
        )

    async def count(
        self,
        *,
        metadata: Any = None,
        values: Any = None,
        status: str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> int:
        """How many threads match."""
        return await self._call(
            self._rt.threads_count(metadata=metadata, values=values, status=status)
        )

    async def copy(
        self, thread_id: str, *, headers: Mapping[str, str] | None = None, params: Any = None
    ) -> None:
        """Copy the thread, checkpoints included, to a new thread id; returns the new thread
        (the server does too, though the SDK's annotation says ``None``)."""
        return await self._call(self._rt.threads_copy(thread_id))

    async def get_state(
        self,
        thread_id: str,
        checkpoint: Checkpoint | None = None,
        checkpoint_id: str | None = None,
        *,
        subgraphs: bool = False,
        select: list[str] | None = None,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> ThreadState:
        """The thread's state at its head (or at a checkpoint)."""
        return await self._call(
            self._rt.threads_get_state(
                thread_id, checkpoint, checkpoint_id, subgraphs=subgraphs, select=select
            )
        )

    async def update_state(
        self,
        thread_id: str,
        values: dict[str, Any] | Sequence[dict[str, Any]] | None,
        *,
        as_node: str | None = None,
        checkpoint: Checkpoint | None = None,
        checkpoint_id: str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> ThreadUpdateStateResponse:
        """Write ``values`` as if ``as_node`` had returned them; a past checkpoint forks."""
        return await self._call(
            self._rt.threads_update_state(
                thread_id,
                values,
                as_node=as_node,
                checkpoint=checkpoint,
                checkpoint_id=checkpoint_id,
            )
        )

    async def get_history(
        self,
        thread_id: str,
        *,
        limit: int = 10,
        before: str | Checkpoint | None = None,
        metadata: Mapping[str, Any] | None = None,
        checkpoint: Checkpoint | None = None,
        select: list[str] | None = None,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> list[ThreadState]:
        """The thread's past states, newest first."""
        return await self._call(
            self._rt.threads_get_history(
                thread_id,
                limit=limit,
                before=before,
                metadata=metadata,
                checkpoint=checkpoint,
                select=select,
            )
        )


    async def prune(
        self,
        thread_ids: Sequence[str],
        *,
        strategy: str = "delete",
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> dict[str, Any]:
        """Delete the threads named (unknown ids are skipped): ``{"pruned_count": n}``."""
        count = await self._call(self._rt.threads_prune(thread_ids, strategy))
        return {"pruned_count": count}


class LocalRunsClient(_Sub):
    """``client.runs``: start, stream, wait for, join, list and cancel runs."""

    def stream(
        self,
        thread_id: str | None,
        assistant_id: str,
        *,
        input: Any = None,
        command: Command | None = None,
        stream_mode: Any = "values",
        stream_subgraphs: bool = False,
        stream_resumable: bool = False,
        metadata: Mapping[str, Any] | None = None,
        config: Any = None,
        context: Any = None,
        checkpoint: Checkpoint | None = None,
        checkpoint_id: str | None = None,
        checkpoint_during: bool | None = None,
        interrupt_before: Any = None,
        interrupt_after: Any = None,
        feedback_keys: Sequence[str] | None = None,
        on_disconnect: Any = None,
        on_completion: Any = None,
        webhook: str | None = None,
        multitask_strategy: Any = None,
        if_not_exists: Any = None,
        after_seconds: int | None = None,
        langsmith_tracing: Any = None,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
        on_run_created: Callable[[Any], None] | None = None,
        durability: Any = None,
        strict_resume: bool | None = None,
        version: str = "v1",
    ) -> AsyncIterator[StreamPart]:
        """Start a run and yield its events: ``metadata``, then one per stream mode chunk."""
        request = RunCreate(
            assistant_id=assistant_id,
            input=input,
            command=command,
            config=config,
            context=context,
            metadata=metadata,
            stream_mode=stream_mode,
            stream_subgraphs=stream_subgraphs,
            stream_resumable=stream_resumable,
            checkpoint=checkpoint,
            checkpoint_id=checkpoint_id,
            interrupt_before=interrupt_before,
            interrupt_after=interrupt_after,
            multitask_strategy=multitask_strategy,
            if_not_exists=if_not_exists,
            on_completion=on_completion,
            on_disconnect=on_disconnect,
        )
        return self._iterate(
            self._rt.runs_stream(thread_id, request, on_run_created=on_run_created)
        )

    async def wait(
        self,
        thread_id: str | None,
        assistant_id: str,
        *,
        input: Any = None,
        command: Command | None = None,
        metadata: Mapping[str, Any] | None = None,
        config: Any = None,
        context: Any = None,
        checkpoint: Checkpoint | None = None,
        checkpoint_id: str | None = None,
        checkpoint_during: bool | None = None,
        interrupt_before: Any = None,
        interrupt_after: Any = None,
        webhook: str | None = None,
        on_disconnect: Any = None,
        on_completion: Any = None,
        multitask_strategy: Any = None,
        if_not_exists: Any = None,
        after_seconds: int | None = None,
        langsmith_tracing: Any = None,
        raise_error: bool = True,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
        on_run_created: Callable[[Any], None] | None = None,
        durability: Any = None,
        strict_resume: bool | None = None,
    ) -> list[dict[str, Any]] | dict[str, Any]:
        """Start a run and return its final values (with ``__interrupt__`` if it paused)."""
        request = RunCreate(
            assistant_id=assistant_id,
            input=input,
            command=command,
            config=config,
            context=context,
            metadata=metadata,
            checkpoint=checkpoint,
            checkpoint_id=checkpoint_id,
            interrupt_before=interrupt_before,
            interrupt_after=interrupt_after,
            multitask_strategy=multitask_strategy,
            if_not_exists=if_not_exists,
            on_completion=on_completion,
            on_disconnect=on_disconnect,
        )
        return await self._call(
            self._rt.runs_wait(
                thread_id, request, raise_error=raise_error, on_run_created=on_run_created
            )
        )

    async def create(
        self,
        thread_id: str | None,
        assistant_id: str,
        *,
        input: Any = None,
        command: Command | None = None,
        stream_mode: Any = "values",
        stream_subgraphs: bool = False,
        stream_resumable: bool = False,
        metadata: Mapping[str, Any] | None = None,
        config: Any = None,
        context: Any = None,
        checkpoint: Checkpoint | None = None,
        checkpoint_id: str | None = None,
        checkpoint_during: bool | None = None,
        interrupt_before: Any = None,
        interrupt_after: Any = None,
        webhook: str | None = None,
        multitask_strategy: Any = None,
        if_not_exists: Any = None,
        on_completion: Any = None,
        after_seconds: int | None = None,
        langsmith_tracing: Any = None,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
        on_run_created: Callable[[Any], None] | None = None,
        durability: Any = None,
        strict_resume: bool | None = None,
    ) -> Run:
        """Start a run in the background and return its record at once."""
        request = RunCreate(
            assistant_id=assistant_id,
            input=input,
            command=command,
            config=config,
            context=context,
            metadata=metadata,
            stream_mode=stream_mode,
            stream_subgraphs=stream_subgraphs,
            stream_resumable=stream_resumable,
            checkpoint=checkpoint,
            checkpoint_id=checkpoint_id,
            interrupt_before=interrupt_before,
            interrupt_after=interrupt_after,
            multitask_strategy=multitask_strategy,
            if_not_exists=if_not_exists,
            on_completion=on_completion,
        )
        return await self._call(
            self._rt.runs_create(thread_id, request, on_run_created=on_run_created)
        )

    async def join(
        self,
        thread_id: str,
        run_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> dict[str, Any]:
        """Wait for a run to end; its final values (or ``__interrupt__`` / ``__error__``)."""
        return await self._call(self._rt.runs_join(thread_id, run_id))

    def join_stream(
        self,
        thread_id: str,
        run_id: str,
        *,
        cancel_on_disconnect: bool = False,
        stream_mode: Any = None,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
        last_event_id: str | None = None,
    ) -> AsyncIterator[StreamPart]:
        """A run's events from now until it ends, or, for a run started with
        ``stream_resumable=True``, those after ``last_event_id`` first."""
        return self._iterate(
            self._rt.runs_join_stream(thread_id, run_id, stream_mode, last_event_id)
        )

    async def get(
        self,
        thread_id: str,
        run_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> Run:
        """The run record."""
        return await self._call(self._rt.runs_get(thread_id, run_id))

    async def list(
        self,
        thread_id: str,
        *,
        limit: int = 10,
        offset: int = 0,
        status: str | None = None,
        select: Any = None,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> list[Run]:
        """The thread's runs, newest first."""
        return await self._call(
            self._rt.runs_list(thread_id, limit=limit, offset=offset, status=status)
        )

    async def cancel(
        self,
        thread_id: str,
        run_id: str,
        *,
        wait: bool = False,
        action: str = "interrupt",
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> None:
        """Stop a run (``interrupt`` keeps what it did, ``rollback`` drops its record)."""
        return await self._call(self._rt.runs_cancel(thread_id, run_id, wait=wait, action=action))

    async def delete(
        self,
        thread_id: str,
        run_id: str,
        *,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> None:
        """Delete a finished run's record."""
        return await self._call(self._rt.runs_delete(thread_id, run_id))

    async def cancel_many(
        self,
        *,
        thread_id: str | None = None,
        run_ids: Sequence[str] | None = None,
        status: str | None = None,
        action: str = "interrupt",
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> None:
        """Cancel the runs named (``thread_id`` + ``run_ids``), or every run in ``status``
        (``pending``, ``running`` or ``all``)."""
        return await self._call(
            self._rt.runs_cancel_many(
                thread_id=thread_id, run_ids=run_ids, status=status, action=action
            )
        )

    async def create_batch(
        self,
        payloads: builtins.list[Any],
        *,
        headers: Mapping[str, str] | None = None,
        params: Any = None,
    ) -> builtins.list[Run]:
        """Start one run without a thread per payload (``assistant_id``, ``input`` ...)."""
        requests = [_run_create(payload) for payload in payloads]
        return await self._call(self._rt.runs_create_batch(requests))


def _run_create(payload: Mapping[str, Any]) -> RunCreate:
    """A batch payload (the SDK's ``RunCreate`` dict) as a run request; keys only a deployed
    server uses (``webhook``, ...) are dropped, as the other methods ignore them."""
    known = {f.name for f in dataclasses.fields(RunCreate)}
    return RunCreate(**{k: v for k, v in payload.items() if k in known and v is not None})


class LocalQueuesClient(_Sub):
    """``client.queues``: review queues' holds and votes (not part of the SDK: they live
    beside the checkpoints, in the file or database, under this client's reviewer)."""

    async def take(
        self, queue: str, thread_id: str, seconds: float, *, shared: bool = False
    ) -> dict[str, Any]:
        """Hold ``thread_id`` in ``queue`` for ``seconds``, or renew this reviewer's hold;
        a 409 naming the reviewer who holds it otherwise (``shared``: this reviewer's slot
        of an item several reviewers answer)."""
        return await self._call(self._rt.queues.take(queue, thread_id, seconds, shared=shared))

    async def release(
        self, queue: str, thread_id: str, *, anyone: bool = False, shared: bool = False
    ) -> None:
        """Give the hold up; ``anyone=True`` frees every hold on the item."""
        return await self._call(
            self._rt.queues.release(queue, thread_id, anyone=anyone, shared=shared)
        )

    async def holds(self, queue: str) -> list[dict[str, Any]]:
        """The live holds of ``queue``: thread id, reviewer, seconds left, ``mine``."""
        return await self._call(self._rt.queues.holds(queue))

    async def cast(self, queue: str, thread_id: str, answer: Any) -> list[dict[str, Any]]:
        """Record this reviewer's answer to an item (a 409 the second time); all its votes."""
        return await self._call(self._rt.queues.cast(queue, thread_id, answer))

    async def votes(
        self, queue: str, thread_ids: list[str] | None = None
    ) -> list[dict[str, Any]]:
        """The votes of ``queue`` (on these threads, if given), oldest first."""
        return await self._call(self._rt.queues.votes(queue, thread_ids))

    async def clear(self, queue: str, thread_id: str) -> None:
        """Forget an item's votes."""
        return await self._call(self._rt.queues.clear(queue, thread_id))

    async def set_deadline(
        self, thread_id: str, seconds: float, action: dict[str, Any]
    ) -> dict[str, Any]:
        """Set the thread's deadline ``seconds`` from now: ``{"resume": ...,
        "interrupt_ids": [...]}`` or ``{"escalate_to": ..., "assignee_key": ...,
        "interrupt_ids": [...]}``."""
        return await self._call(self._rt.queues.set_deadline(thread_id, seconds, action))

    async def cancel_deadline(self, thread_id: str) -> None:
        """Drop the thread's deadline."""
        return await self._call(self._rt.queues.cancel_deadline(thread_id))

    async def deadlines(self) -> list[dict[str, Any]]:
        """The deadlines not yet due."""
        return await self._call(self._rt.queues.deadlines())


class LocalClient:
    """An in-kernel ``LangGraphClient``: ``.assistants``, ``.threads``, ``.runs``."""

    refuses_stale_resume = True
    """Resuming an interrupt that is no longer pending is a 409 here, before anything runs
    (a deployed server may accept it silently), so views need no check of their own."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.assistants = LocalAssistantsClient(runtime)
        self.threads = LocalThreadsClient(runtime)
        self.runs = LocalRunsClient(runtime)
        self.queues = LocalQueuesClient(runtime)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Let go of the storage: the last client on a SQLite file or PostgreSQL database
        closes its connection. Runs in flight keep going; later calls raise
        ``StorageError``."""
        self.runtime.close()
