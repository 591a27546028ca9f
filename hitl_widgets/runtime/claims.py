"""The runtime's side of the decision log: claim a resume before it runs, settle it after.

Three hook calls in ``run_ops`` use this module and nothing else:

- ``refuse_answered`` before the command is checked: an answer to interrupts someone else
  already answered gets the 409 that names them (not a bare "not pending");
- ``claim_resume`` once the command is checked, before the run starts: one decision per
  interrupt answered, written in the same transaction that takes the thread;
- ``settle_run`` when the run ends: the decisions' outcome (``resumed``, ``error``, ...).
"""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from langgraph.types import Interrupt
from langgraph_sdk.errors import APIStatusError

from hitl_widgets.runtime.commands import is_resume_map
from hitl_widgets.runtime.decisions import DecisionLog, new_decision
from hitl_widgets.runtime.jsonable import to_json

if TYPE_CHECKING:
    from hitl_widgets.runtime.runs import RunHandle

__all__ = ["CHANGES_KEY", "claim_resume", "default_reviewer", "refuse_answered", "settle_run"]

CHANGES_KEY = "hitl_changes"
"""Run metadata key under which a form may send what the reviewer changed (a view knows it
better than a diff of question and answer can)."""


def default_reviewer(reviewer: str | None = None) -> str:
    """The reviewer's name: the one given, else the OS user name (``getpass.getuser()``).

    Any text is kept as it is (it is escaped wherever it is shown); only an empty name, or
    one with control characters, is refused."""
    if reviewer is None:
        try:
            reviewer = getpass.getuser()
        except (KeyError, OSError):  # no user name for this uid (some containers)
            reviewer = "unknown"
    if not isinstance(reviewer, str) or not reviewer.strip():
        raise ValueError("reviewer must be a non-empty name, e.g. get_client(..., "
                         "reviewer='ana')")
    if any(ord(c) < 32 or ord(c) == 127 for c in reviewer):
        raise ValueError(f"reviewer {reviewer!r} contains control characters; give a plain name")
    return reviewer.strip()


def _answers(resume: Any, pending: Sequence[Interrupt]) -> dict[str, Any]:
    if is_resume_map(resume):
        return dict(resume)
    return {pending[0].id: resume} if len(pending) == 1 else {}


def _resume_of(handle: RunHandle) -> Any:
    command = handle.command or {}
    return command.get("resume")


def refuse_answered(log: DecisionLog, handle: RunHandle, thread: Mapping[str, Any],
                    fork: bool) -> None:
    """409 naming who answered, when the resume names interrupts already answered."""
    resume = _resume_of(handle)
    if fork or resume is None or not is_resume_map(resume):
        return
    log.refuse_answered(thread, list(resume))


def _question(asked: Interrupt | None, fork: bool) -> Any:
    """The interrupt's value as JSON: a fork's comes from LangGraph's state; otherwise it was
    read from the thread record just now, JSON already and nobody else's."""
    if asked is None:
        return None
    return to_json(asked.value) if fork else asked.value


def claim_resume(log: DecisionLog, handle: RunHandle, pending: Sequence[Interrupt], *,
                 reviewer: str, fork: bool) -> None:
    """Claim the interrupts this run answers (a 409 if another reviewer got there first)."""
    resume = _resume_of(handle)
    if resume is None:
        return
    answers = _answers(resume, pending)
    if not answers:
        return  # a breakpoint's resume: no interrupt is answered
    by_id = {i.id: i for i in pending}
    run = handle.run
    given = (run.get("metadata") or {}).get(CHANGES_KEY)
    stamp = run["created_at"]  # decided when the run was asked for (a queued run claims later)
    rows = []
    for interrupt_id, answer in answers.items():
        asked = by_id.get(interrupt_id)
        changes = None
        if isinstance(given, Mapping) and isinstance(given.get(interrupt_id), list):
            changes = to_json(given[interrupt_id])
        rows.append(new_decision(
            thread_id=str(run["thread_id"]), interrupt_id=interrupt_id, run_id=handle.run_id,
            graph_id=(run.get("metadata") or {}).get("graph_id"), reviewer=reviewer, at=stamp,
            value=_question(asked, fork), answer=to_json(answer),
            changes=changes))
    log.claim(str(run["thread_id"]), rows, check_pending=not fork)


def settle_run(log: DecisionLog, handle: RunHandle) -> None:
    """Record how a run that carried decisions ended."""
    if _resume_of(handle) is None:
        return
    error = handle.error
    if error is None:
        log.settle(handle.run_id, "resumed")
    elif isinstance(error, asyncio.CancelledError):
        log.settle(handle.run_id, "cancelled", "the run was cancelled")
    elif isinstance(error, APIStatusError):
        log.settle(handle.run_id, "refused", str(error))
    else:
        log.settle(handle.run_id, "error", f"{type(error).__name__}: {error}")
