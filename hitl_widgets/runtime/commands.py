"""Check a ``Command`` against what the thread is actually waiting for, before running it.

The real server hands a resume straight to LangGraph. When nothing is pending, when a map
names an interrupt that is not pending, or when one scalar answer meets several pending
interrupts, LangGraph either fails deep inside (a bare ``TypeError``, the thread left in
``error``) or quietly applies the answer somewhere else. Here each of those is a 409 that
lists the pending interrupt ids, and an answer that fails its interrupt's
``response_schema`` is a 422 that lists the errors — all before anything is written, so
the thread stays exactly as it was and the same interrupts can be answered again.
"""

from __future__ import annotations

import copy
import datetime
import functools
import re
from collections.abc import Mapping
from typing import Any

import jsonschema
from langgraph.types import Command, Interrupt, Send
from pydantic import TypeAdapter, ValidationError

from hitl_widgets.runtime.errors import bad_request, conflict, unprocessable

__all__ = ["build_command", "is_resume_map", "schema_errors"]

_INTERRUPT_ID = re.compile(r"^[0-9a-f]{32}$")


def is_resume_map(resume: Any) -> bool:
    """True when ``resume`` maps interrupt ids to answers (LangGraph's own test)."""
    return (
        isinstance(resume, Mapping)
        and len(resume) > 0
        and all(isinstance(k, str) and _INTERRUPT_ID.match(k) for k in resume)
    )


def _ids(pending: list[Interrupt]) -> str:
    return ", ".join(i.id for i in pending) or "none"


def _pydantic_format(kind: type[Any]) -> Any:
    """A format check that accepts what pydantic accepts for ``kind`` — the graph validates
    the answer with pydantic, so a naive ``2026-11-26T10:00:00`` is a valid date-time."""
    adapter = TypeAdapter(kind)

    def check(value: object) -> bool:
        if not isinstance(value, str):
            return True  # a format says nothing of other types (JSON Schema's rule)
        try:
            adapter.validate_python(value)
        except ValidationError:
            return False
        return True

    return check


@functools.cache
def _format_checker(validator_cls: Any) -> jsonschema.FormatChecker:
    """The draft's format checker, with date-time and time as pydantic reads them."""
    checker: jsonschema.FormatChecker = copy.deepcopy(validator_cls.FORMAT_CHECKER)
    for name, kind in (("date-time", datetime.datetime), ("time", datetime.time)):
        checker.checkers[name] = (_pydantic_format(kind), ())
    return checker


def schema_errors(answer: Any, schema: Mapping[str, Any]) -> list[dict[str, Any]]:
    """JSON Schema errors for one answer: ``[{"loc": [...], "msg": ...}]``, empty when valid."""
    validator_cls = jsonschema.validators.validator_for(schema)
    validator = validator_cls(schema, format_checker=_format_checker(validator_cls))
    return [
        {"loc": list(error.absolute_path), "msg": error.message, "type": error.validator}
        for error in sorted(validator.iter_errors(answer), key=lambda e: list(e.absolute_path))
    ]


def _check_resume(thread_id: str, resume: Any, pending: list[Interrupt], paused: bool) -> None:
    if not pending and paused and not is_resume_map(resume):
        # Paused before a node (a breakpoint, or a state update after an interrupt): the
        # node runs again and its first interrupt() takes this answer, as in LangGraph.
        return
    if not pending:
        raise conflict(
            f"thread {thread_id} has no pending interrupt to resume; nothing was changed. "
            "Check threads.get_state(thread_id)['interrupts'], or start a new run with input=...",
            thread_id=thread_id,
            pending_interrupt_ids=[],
        )
    by_id = {i.id: i for i in pending}
    if is_resume_map(resume):
        unknown = [k for k in resume if k not in by_id]
        if unknown:
            raise conflict(
                f"thread {thread_id}: interrupt(s) {', '.join(unknown)} are not pending "
                f"(already answered, or from another thread); pending: {_ids(pending)}. "
                "Nothing was applied; refresh the thread state and answer the pending ones.",
                thread_id=thread_id,
                unknown_interrupt_ids=unknown,
                pending_interrupt_ids=list(by_id),
            )
        answers = dict(resume)
    elif len(pending) > 1:
        raise conflict(
            f"thread {thread_id} has {len(pending)} pending interrupts ({_ids(pending)}) and "
            "one answer cannot say which it is for; nothing was applied. Resume with a map: "
            "command={'resume': {interrupt_id: answer, ...}}",
            thread_id=thread_id,
            pending_interrupt_ids=list(by_id),
        )
    else:
        answers = {pending[0].id: resume}

    errors = []
    for interrupt_id, answer in answers.items():
        schema = by_id[interrupt_id].response_schema
        if isinstance(schema, Mapping):
            for error in schema_errors(answer, schema):
                errors.append({"interrupt_id": interrupt_id, **error})
    if errors:
        summary = "; ".join(
            f"{e['interrupt_id']} at {'/'.join(map(str, e['loc'])) or '(root)'}: {e['msg']}"
            for e in errors
        )
        raise unprocessable(
            f"thread {thread_id}: the answer does not match the interrupt's response_schema "
            f"({summary}); nothing was applied, fix the answer and resume again",
            thread_id=thread_id,
            errors=errors,
        )


def _goto(goto: Any) -> Any:
    if isinstance(goto, Mapping):
        return Send(goto["node"], goto.get("input"))
    if isinstance(goto, (list, tuple)):
        return [_goto(g) for g in goto]
    return goto


def build_command(
    thread_id: str, command: Mapping[str, Any], pending: list[Interrupt], paused: bool = False
) -> Command[Any]:
    """A LangGraph ``Command`` from the API's dict, after checking it (400/409/422).

    ``paused``: the thread has nodes to run next even with no interrupt pending.
    """
    unknown = set(command) - {"resume", "update", "goto"}
    if unknown:
        raise bad_request(
            f"command has unknown key(s) {sorted(unknown)}; a command takes resume, update, goto"
        )
    if not any(command.get(k) is not None for k in ("resume", "update", "goto")):
        raise bad_request("command needs at least one of resume, update or goto")
    if "resume" in command and command["resume"] is not None:
        _check_resume(thread_id, command["resume"], pending, paused)
    update = command.get("update")
    if isinstance(update, (list, tuple)):
        update = [tuple(pair) for pair in update]
    return Command(
        resume=command.get("resume"),
        update=update,
        goto=_goto(command["goto"]) if command.get("goto") is not None else (),
    )
