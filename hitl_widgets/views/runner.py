"""Run the view's client calls one after another on the kernel's event loop, never blocking.

In a Jupyter kernel, cells and widget callbacks run on one asyncio loop. A callback that
awaited the resume itself would hold that loop (and the kernel's comm handling) until the
graph finished; one that waited for a click inside a running cell would deadlock it. So
every job (load, resume, fork, ...) is queued here and run as a task on the running loop:
the callback returns at once, the cell finishes, and other widgets stay usable.

Outside a running loop (a plain script or a sync test) nothing starts until `wait()` is
awaited or `run_until_idle()` drives one private loop, the same loop every time, so that a
client's loop-bound resources keep working between calls.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections import deque
from collections.abc import Awaitable, Callable

__all__ = ["JobRunner"]

Job = Callable[[], Awaitable[None]]
ErrorReporter = Callable[[BaseException, str], None]

_local = threading.local()


def _private_loop() -> asyncio.AbstractEventLoop:
    """This thread's loop for driving jobs when no loop is running (created once)."""
    loop: asyncio.AbstractEventLoop | None = getattr(_local, "loop", None)
    if loop is None or loop.is_closed():
        loop = asyncio.new_event_loop()
        _local.loop = loop
        atexit.register(loop.close)
    return loop


class JobRunner:
    """A queue of coroutine jobs run in order by one task on the running loop.

    A job that raises does not stop the queue: the exception goes to `report(exc, title)`
    (the view's error area), never to a log nobody reads.
    """

    def __init__(self, report: ErrorReporter) -> None:
        self._report = report
        self._queue: deque[tuple[str, Job]] = deque()
        self._worker: asyncio.Task[None] | None = None
        self.current: str | None = None
        """Title of the job running now, if any."""

    @property
    def busy(self) -> bool:
        """Whether a job is running or queued."""
        return bool(self._queue) or (self._worker is not None and not self._worker.done())

    def schedule(self, title: str, job: Job) -> None:
        """Queue `job` (a coroutine function); it starts as soon as the loop is free."""
        self._queue.append((title, job))
        self._start()

    def _start(self) -> None:
        if self._worker is not None and not self._worker.done():
            return
        if not self._queue:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop yet: `wait()` or `run_until_idle()` will start the queue
        self._worker = loop.create_task(self._drain())

    async def _drain(self) -> None:
        while self._queue:
            title, job = self._queue.popleft()
            self.current = title
            try:
                await job()
            except asyncio.CancelledError:
                self._queue.clear()
                raise
            except Exception as exc:  # noqa: BLE001 - every failure goes to the view's errors
                self._report(exc, title)
            finally:
                self.current = None

    async def wait(self) -> None:
        """Return once every queued job (and any job they queued) has finished."""
        while self.busy:
            self._start()
            worker = self._worker
            if worker is None:
                return
            await asyncio.wait([worker])

    def run_until_idle(self, timeout: float | None = 60.0) -> None:
        """Drive the queue to the end from synchronous code (scripts, sync tests).

        In a notebook cell or an async test a loop is already running here; use
        `await view.wait()` there instead.
        """
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            pass
        else:
            raise RuntimeError(
                "an event loop is already running in this thread (a notebook cell or an "
                "async test); use `await view.wait()` instead of `run_until_idle()`"
            )
        loop = _private_loop()
        loop.run_until_complete(asyncio.wait_for(self.wait(), timeout))

    def cancel(self) -> None:
        """Cancel the running job and drop the queued ones."""
        self._queue.clear()
        if self._worker is not None and not self._worker.done():
            self._worker.cancel()
