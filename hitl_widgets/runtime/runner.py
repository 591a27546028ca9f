"""The event loop a runtime runs on, and the doors into it from other threads and loops.

A Jupyter kernel already runs an event loop in the main thread, so a sync call cannot
start another one there (``asyncio.run`` refuses) and patching the running loop
(``nest-asyncio``) makes every await re-entrant. Instead, runtime work — graph runs,
checkpoint reads and writes — is scheduled on the runner: one private loop in its own
thread. The sync client blocks on it, the async client awaits it from its own loop, and
the kernel's loop stays free while a graph runs. One loop for every shared store also
means one thread touches each SQLite connection, so nothing is ever "attached to a
different loop".

A runtime whose storage nobody else shares (memory) may instead run on its async
client's own loop (``Runtime.door_here``): the same ``LoopDoor`` then lets other threads
in, and the client's calls run in place, with no thread hop, as the graph's own
``ainvoke`` would.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, TypeVar

__all__ = ["LoopDoor", "Runner", "get_runner"]

T = TypeVar("T")

_DONE = object()

FLUSH_S = 0.01
"""How long streamed items may wait to cross to the caller in one batch (progress updates
at most a hundred times a second; a short run's events arrive in one hand-over)."""


class LoopDoor:
    """Ways into one event loop: from sync code in other threads, and from other loops.

    A coroutine awaited from the loop itself runs in place, with no hop at all.
    """

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def on_loop(self) -> bool:
        """True when called from code running on this door's loop."""
        try:
            return asyncio.get_running_loop() is self.loop
        except RuntimeError:
            return False

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coro`` on the loop."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the loop and block until it is done (sync client)."""
        if self.on_loop():
            coro.close()
            raise RuntimeError(
                "a sync hitl_widgets call was made from the event loop that runs its runtime "
                "(inside a graph node, or on the async client's loop), so it would wait for "
                "itself; use the async client (get_client) and await it there instead"
            )
        return self.submit(coro).result()

    async def acall(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` on the door's loop without blocking the caller's loop.

        One wake-up each way and nothing else: the task is started by a plain callback and
        its outcome handed straight to a future of the caller's loop (no
        ``concurrent.futures.Future`` and its lock in between, as ``run_coroutine_threadsafe``
        and ``wrap_future`` would add).
        """
        if self.on_loop():
            return await coro
        caller = asyncio.get_running_loop()
        outcome: asyncio.Future[T] = caller.create_future()
        started: list[asyncio.Task[T]] = []

        def hand_over(task: asyncio.Task[T]) -> None:
            caller.call_soon_threadsafe(_settle, outcome, task)

        def start() -> None:
            task = self.loop.create_task(coro)
            task.add_done_callback(hand_over)
            started.append(task)

        self.loop.call_soon_threadsafe(start)
        try:
            return await outcome
        except asyncio.CancelledError:
            # The caller gave up: stop the work too (as run_coroutine_threadsafe's cancel).
            self.loop.call_soon_threadsafe(lambda: [t.cancel() for t in started])
            raise

    async def aiterate(self, agen: AsyncIterator[T]) -> AsyncIterator[T]:
        """Consume an async iterator on the door's loop, yielding its items to the caller's."""
        if self.on_loop():
            async for item in agen:
                yield item
            return
        caller = asyncio.get_running_loop()
        inbox: asyncio.Queue[Any] = asyncio.Queue()
        # Items cross threads in batches (a stream makes many small events, and each wake-up
        # of the caller's loop from this thread costs about as much as a small graph step):
        # a batch leaves FLUSH_S after its first item, or at once when the stream ends.
        batch: list[Any] = []
        lock = threading.Lock()
        timer: list[asyncio.TimerHandle] = []

        def drain() -> None:
            with lock:
                items = batch[:]
                batch.clear()
            for entry in items:
                inbox.put_nowait(entry)

        def flush() -> None:
            if timer:
                timer.pop().cancel()
            caller.call_soon_threadsafe(drain)

        def send(entry: tuple[bool, Any]) -> None:
            with lock:
                batch.append(entry)
                first = len(batch) == 1
            if not entry[0] or entry[1] is _DONE:
                flush()
            elif first:
                timer.append(self.loop.call_later(FLUSH_S, flush))

        future = self.submit(_pump(agen, send))
        try:
            while (item := _unwrap(await inbox.get())) is not _DONE:
                yield item
        finally:
            future.cancel()

    def iterate(self, agen: AsyncIterator[T]) -> Iterator[T]:
        """Consume an async iterator on the door's loop, yielding its items to sync code."""
        inbox: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        future = self.submit(_pump(agen, inbox.put))
        try:
            while (item := _unwrap(inbox.get())) is not _DONE:
                yield item
        finally:
            future.cancel()


class Runner(LoopDoor):
    """A daemon thread running an asyncio loop: the runtime's home unless told otherwise."""

    def __init__(self, name: str = "hitl-widgets-runtime") -> None:
        super().__init__(asyncio.new_event_loop())
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()


async def _pump(agen: AsyncIterator[Any], send: Callable[[tuple[bool, Any]], object]) -> None:
    """Hand every item of ``agen`` to ``send`` as ``(True, item)``, then ``(True, _DONE)``,
    or ``(False, error)`` if it raised: the error belongs to the consumer, not to this task."""
    try:
        async for item in agen:
            send((True, item))
    except BaseException as error:  # noqa: BLE001 - handed to the consumer, not lost
        send((False, error))
    else:
        send((True, _DONE))


def _settle(outcome: asyncio.Future[Any], task: asyncio.Task[Any]) -> None:
    """Give the caller's future what the runner's task ended with (on the caller's loop)."""
    if outcome.cancelled():
        if not task.cancelled():
            task.exception()  # retrieved: the caller no longer wants it
        return
    if task.cancelled():
        outcome.cancel()
    elif task.exception() is not None:
        outcome.set_exception(task.exception())  # type: ignore[arg-type]
    else:
        outcome.set_result(task.result())


def _unwrap(entry: tuple[bool, Any]) -> Any:
    ok, item = entry
    if not ok:
        raise item
    return item


_runner: Runner | None = None
_runner_lock = threading.Lock()


def get_runner() -> Runner:
    """The process's runner, started on first use (never at import)."""
    global _runner
    with _runner_lock:
        if _runner is None:
            _runner = Runner()
        return _runner
