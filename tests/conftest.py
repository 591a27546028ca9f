"""Shared fixtures: recorded widget comms (no browser, no kernel)."""

from __future__ import annotations

import gc
import logging
import sys
from collections.abc import Iterator
from typing import Any

# ipykernel.ipkernel replaces the comm factory at import time; import it first so
# that our patch below is the one that stays in place.
import ipykernel.ipkernel  # noqa: F401  (imported for its side effect, see above)
import comm
import pytest
from ipywidgets import Widget

# The real LangGraph Server (`langgraph dev`): reference_url, reference_client; and the
# differential suite's sides: side, side_client, local_client (tests/runtime/differential.py).
# `--dist loadgroup` for pytest 9.2 (tests/xdist_groups.py). Notebook kernels whose start
# failures say why (tests/nbval_kernels.py).
pytest_plugins = [
    "tests.reference_server",
    "tests.runtime.differential",
    "tests.postgres",
    "tests.xdist_groups",
    "tests.nbval_kernels",
]


class RecordingComm(comm.base_comm.BaseComm):
    """A comm that keeps every message a widget sends instead of publishing it."""

    def __init__(self, **kwargs: Any) -> None:
        self.messages: list[dict[str, Any]] = []
        kwargs.setdefault("primary", True)
        super().__init__(**kwargs)

    def publish_msg(self, msg_type: str, data: Any = None, metadata: Any = None,
                    buffers: Any = None, **keys: Any) -> None:
        self.messages.append({"msg_type": msg_type, "data": data, "buffers": buffers})


class _CommManager:
    def register_comm(self, comm: Any) -> str:
        return comm.comm_id

    def unregister_comm(self, comm: Any) -> None:
        return None


@pytest.fixture
def widget_comms(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[RecordingComm]]:
    """Route every widget's comm to a `RecordingComm`; yields the list of comms opened."""
    opened: list[RecordingComm] = []
    manager = _CommManager()

    def create_comm(**kwargs: Any) -> RecordingComm:
        c = RecordingComm(**kwargs)
        opened.append(c)
        return c

    monkeypatch.setattr(comm, "create_comm", create_comm)
    monkeypatch.setattr(comm, "get_comm_manager", lambda: manager)
    yield opened
    Widget.close_all()


@pytest.fixture(autouse=True)
def _close_widgets() -> Iterator[None]:
    yield
    Widget.close_all()


class _LostErrors(logging.Handler):
    """asyncio's reports of a task whose exception nobody retrieved (or of any error its
    loops could not hand to anyone)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.seen: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.seen.append(record.getMessage())


@pytest.fixture(autouse=True)
def _no_lost_errors() -> Iterator[None]:
    """Fail any test during which a background task's exception went unretrieved or an
    exception was unraisable: such an error is one nobody would ever see."""
    lost = _LostErrors()
    unraisable: list[str] = []
    asyncio_log = logging.getLogger("asyncio")
    asyncio_log.addHandler(lost)
    previous_hook = sys.unraisablehook

    def hook(info: Any) -> None:
        unraisable.append(f"{info.exc_type.__name__}: {info.exc_value} ({info.object!r})")

    sys.unraisablehook = hook
    try:
        yield
        gc.collect()  # a dropped task reports its exception when collected
    finally:
        sys.unraisablehook = previous_hook
        asyncio_log.removeHandler(lost)
    problems = lost.seen + unraisable
    assert not problems, "errors nobody retrieved:\n" + "\n".join(problems)


@pytest.fixture
def anyio_backend() -> str:
    """Async tests (``@pytest.mark.anyio``) run on asyncio, as a Jupyter kernel does."""
    return "asyncio"


def pytest_collection_finish(session: pytest.Session) -> None:
    """Move everything that imports and collection made (≈300,000 objects: modules,
    classes, parsers' grammars, the test items) out of the garbage collector's reach.

    `_no_lost_errors` runs a full `gc.collect()` after every test, and a full collection
    walks every tracked object: over that heap it took 0.5–2 s a test, most of the suite's
    time. Those objects live for the whole session (they are never garbage), so freezing
    them changes no verdict: whatever a test creates is still collected and checked."""
    gc.collect()
    gc.freeze()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Browser tests go last: Playwright's sync API keeps an asyncio loop running in the main
    thread for the rest of the session, after which ``asyncio.run`` and anyio's runner
    refuse to start (``cannot be called from a running event loop``).

    Under pytest-xdist (``tests/run.sh``: ``--dist loadgroup``) the browser tests run in a
    worker of their own (tests/xdist_groups.py). A notebook's cells (nbval) run one after the
    other in one kernel: one group per notebook."""
    items.sort(key=lambda item: item.get_closest_marker("e2e") is not None)
    for item in items:
        if item.path.suffix == ".ipynb":
            item.add_marker(pytest.mark.xdist_group(f"notebook-{item.path.name}"))
