"""One event loop, in its own thread, where every runtime operation runs.

A Jupyter kernel already runs an event loop in the main thread, so a sync call cannot
start another one there (``asyncio.run`` refuses) and patching the running loop
(``nest-asyncio``) makes every await re-entrant. Instead, all runtime work — graph runs,
checkpoint reads and writes — is scheduled on this private loop: the sync client blocks on
a ``concurrent.futures.Future``, the async client awaits it with ``asyncio.wrap_future``
and the kernel's loop stays free while a graph runs. One loop for everything also means
one thread touches each SQLite connection, so nothing is ever "attached to a different
loop".
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator
from typing import Any, TypeVar

__all__ = ["Runner", "get_runner"]

T = TypeVar("T")

_DONE = object()

FLUSH_S = 0.01
"""How long streamed items may wait to cross to the caller in one batch (progress updates
at most a hundred times a second; a short run's events arrive in one hand-over)."""


class Runner:
    """A daemon thread running an asyncio loop, with ways in from sync and async code."""

    def __init__(self, name: str = "hitl-widgets-runtime") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._serve, name=name, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    def in_runner(self) -> bool:
        """True when called from the runner's own thread."""
        return threading.current_thread() is self._thread

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        """Schedule ``coro`` on the runner loop."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def call(self, coro: Coroutine[Any, Any, T]) -> T:
        """Run ``coro`` on the runner loop and block until it is done (sync client)."""
        if self.in_runner():
            coro.close()
            raise RuntimeError(
                "a sync hitl_widgets client was called from inside a graph node; "
                "use the async client (get_client) in async nodes"
            )
        return self.submit(coro).result()

    async def acall(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` on the runner loop without blocking the caller's loop.

        One wake-up each way and nothing else: the task is started by a plain callback and
        its outcome handed straight to a future of the caller's loop (no
        ``concurrent.futures.Future`` and its lock in between, as ``run_coroutine_threadsafe``
        and ``wrap_future`` would add).
        """
        if self.in_runner():
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
        """Consume an async iterator on the runner loop, yielding its items to the caller's loop."""
        if self.in_runner():
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
        """Consume an async iterator on the runner loop, yielding its items to sync code."""
        inbox: queue.SimpleQueue[tuple[bool, Any]] = queue.SimpleQueue()
        future = self.submit(_pump(agen, inbox.put))
        try:
            while (item := _unwrap(inbox.get())) is not _DONE:
                yield item
        finally:
            future.cancel()


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
