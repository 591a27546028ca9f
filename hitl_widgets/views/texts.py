"""What the view says: its header, hints, and the 422 and error details it reads out.

Pure functions over client-shaped data, so `thread_view` stays about the loop.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from hitl_widgets.client.recording import STALE_ERRORS
from hitl_widgets.views.errors import ErrorInfo
from hitl_widgets.views.render import esc

__all__ = [
    "BUSY_HINT",
    "RETRY_HINT",
    "STALE_ERRORS",
    "STALE_HINT",
    "busy_info",
    "failed_node",
    "header_html",
    "rejected_html",
    "rejection_items",
    "stale_info",
    "with_interrupt_loc",
]

STALE_HINT = ("The question was answered elsewhere (another view, cell or process). The view "
              "now shows the thread as it is; answer what is pending now, if anything.")
BUSY_HINT = ("Another run is going on in this thread. Your answers are kept: press Submit "
             "again when it has ended (Refresh shows the thread's status).")
RETRY_HINT = ("Answer again in the form below, or fix the state in the 'Edit state' tab "
              "and press Continue.")
_STATUS_COLOURS = {"interrupted": "#e66100", "error": "#c01c28", "busy": "#1a5fb4",
                   "idle": "#26a269"}


def header_html(thread_id: str | None, assistant_id: str, status: str, pending: int) -> str:
    """One line: thread, assistant, coloured status, how many questions wait."""
    colour = _STATUS_COLOURS.get(status, "#555")
    waiting = f" · {pending} pending" if pending else ""
    return (f"<b>Thread</b> <code>{esc(thread_id or '(not created yet)')}</code> · "
            f"assistant <code>{esc(assistant_id)}</code> · status "
            f"<b style='color:{colour}'>{esc(status)}</b>{waiting}")


def rejection_items(exc: BaseException, resume: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The field errors of a 422 (`body["errors"]`: `interrupt_id`, `loc`, `msg`); one
    error per answer carrying the message when the body has none."""
    body = getattr(exc, "body", None)
    errors = body.get("errors") if isinstance(body, Mapping) else None
    if not isinstance(errors, list) or not errors:
        message = getattr(exc, "message", None) or str(exc)
        errors = [{"interrupt_id": iid, "loc": [], "msg": message} for iid in resume]
    return [e for e in errors if isinstance(e, Mapping)]


def with_interrupt_loc(items: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The errors as the form places them: each `loc` starting with its interrupt id."""
    return [{**e, "loc": [e["interrupt_id"], *(e.get("loc") or [])]}
            if e.get("interrupt_id") else e for e in items]


def rejected_html(items: Sequence[Mapping[str, Any]]) -> str:
    """The notice shown when the client refused an answer (422)."""
    lines = "".join(
        f"<li>{esc('/'.join(str(x) for x in e.get('loc') or []) or 'answer')}: "
        f"{esc(e.get('msg', ''))}</li>" for e in items)
    return ("<b>The answer was rejected</b>; the thread is unchanged. Fix the fields marked "
            f"in the form and submit again.<ul>{lines}</ul>")


def failed_node(state: Mapping[str, Any] | None, streamed: str | None) -> str | None:
    """The node that failed: as the stream said, else the state's task with an error."""
    if streamed:
        return streamed
    for task in (state or {}).get("tasks") or ():
        if isinstance(task, Mapping) and task.get("error"):
            return str(task.get("name"))
    return None


def _detail(error: BaseException | str) -> str:
    if isinstance(error, BaseException):
        return str(getattr(error, "message", None) or error)
    return str(error)


def stale_info(error: BaseException | str) -> ErrorInfo:
    """The error shown when an answer named questions that are no longer asked."""
    kind = type(error).__name__ if isinstance(error, BaseException) else "StaleAnswer"
    return ErrorInfo(title="This form is stale", error_type=kind, message=_detail(error),
                     hint=STALE_HINT)


def busy_info(error: BaseException) -> ErrorInfo:
    """The error shown when another run holds the thread (the answer is kept)."""
    return ErrorInfo(title="The thread is busy", error_type=type(error).__name__,
                     message=_detail(error), hint=BUSY_HINT)
