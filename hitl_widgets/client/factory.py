"""``get_client`` / ``get_sync_client``: in the kernel, or the official SDK for a URL."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hitl_widgets.client.local import LocalClient
from hitl_widgets.client.recording import with_recording
from hitl_widgets.client.sync import SyncLocalClient
from hitl_widgets.runtime.checkpointers import CheckpointerSpec
from hitl_widgets.runtime.claims import default_reviewer
from hitl_widgets.runtime.graphs import GraphSpec
from hitl_widgets.runtime.leases import LEASE_SECONDS
from hitl_widgets.runtime.runtime import Runtime

__all__ = ["get_client", "get_sync_client"]


def _runtime(
    graphs: Mapping[str, GraphSpec] | None,
    checkpointer: CheckpointerSpec,
    reviewer: str | None,
    lease_seconds: float,
) -> Runtime:
    if not graphs:
        raise ValueError(
            "get_client needs graphs={'agent': graph} to run in the kernel, or url=... for a "
            "deployed LangGraph Server"
        )
    return Runtime(graphs, checkpointer, reviewer=reviewer, lease_seconds=lease_seconds)


def _named(client: Any, reviewer: str | None) -> Any:
    """A remote client that carries its reviewer's name (the SDK has no place for it) and
    records each answer its ``runs`` sends in the thread's metadata."""
    return with_recording(client, default_reviewer(reviewer))


def get_client(
    *,
    graphs: Mapping[str, GraphSpec] | None = None,
    checkpointer: CheckpointerSpec = None,
    url: str | None = None,
    reviewer: str | None = None,
    lease_seconds: float = LEASE_SECONDS,
    **remote: Any,
) -> Any:
    """An async client with ``langgraph_sdk``'s API.

    With ``graphs`` (graph id → compiled graph, ``StateGraph`` or ``"module:attr"``) it runs
    them in this kernel; ``checkpointer`` is ``None``/``"memory"``, a SQLite file path or
    ``sqlite:///path``, or any ``BaseCheckpointSaver``. With ``url`` it is the official
    ``langgraph_sdk.get_client(url=..., **remote)``.

    ``reviewer`` names who answers through this client in the decision log (default: the OS
    user name); on a remote client it is kept as ``client.hitl_reviewer``. A remote client's
    ``runs.wait``/``stream``/``create`` with ``command={"resume": ...}`` record each answer
    in the thread's metadata (``client.runs`` is a ``RecordingRunsClient``, a subclass of
    the SDK's ``RunsClient``); everything else is the SDK's own.

    ``lease_seconds`` (in the kernel, on a shared file or database): how long this kernel's
    runs stay its own without a heartbeat. Another kernel releases the interrupts a stopped
    kernel was answering once its lease has run out (within this plus a third of it).
    """
    if url is not None:
        from langgraph_sdk import get_client as remote_client

        return _named(remote_client(url=url, **remote), reviewer)
    return LocalClient(_runtime(graphs, checkpointer, reviewer, lease_seconds))


def get_sync_client(
    *,
    graphs: Mapping[str, GraphSpec] | None = None,
    checkpointer: CheckpointerSpec = None,
    url: str | None = None,
    reviewer: str | None = None,
    lease_seconds: float = LEASE_SECONDS,
    **remote: Any,
) -> Any:
    """The sync twin of :func:`get_client` (works inside a running Jupyter cell)."""
    if url is not None:
        from langgraph_sdk import get_sync_client as remote_sync_client

        return _named(remote_sync_client(url=url, **remote), reviewer)
    return SyncLocalClient(_runtime(graphs, checkpointer, reviewer, lease_seconds))
