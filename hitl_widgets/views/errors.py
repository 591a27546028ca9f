"""Errors shown in the view instead of lost: graph failures, client errors, callback bugs.

ipywidgets hides an exception raised in a widget callback (JupyterLab logs it to a console
nobody opens), and an exception in a background task is only logged when the task is
garbage-collected. The view routes both here, so the person reviewing sees what failed,
where, and what the thread's status is.
"""

from __future__ import annotations

import traceback as tb
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import ipywidgets as widgets

from hitl_widgets.views.render import STYLE, esc

__all__ = [
    "ErrorArea", "ErrorInfo", "ErrorReporter", "error_from_event", "error_from_exception",
    "guarded", "render_error",
]

#: Where a failure goes: `report(exception, what_was_being_done)`.
ErrorReporter = Callable[[BaseException, str], None]


@dataclass(frozen=True)
class ErrorInfo:
    """One failure, in the words the view shows it."""

    title: str
    """What was being done (`Resume failed`, `Graph error in node 'x'`, ...)."""
    error_type: str
    """The exception's class name (`ValueError`, `ConflictError`, ...)."""
    message: str
    """The exception's message."""
    node: str | None = None
    """The graph node that raised, when known."""
    traceback: str | None = None
    """The formatted traceback, when one is available (in-kernel errors)."""
    status: str | None = None
    """The thread's status after the failure, when known."""
    hint: str | None = None
    """What the reviewer can do next."""
    extra: Mapping[str, Any] = field(default_factory=dict)
    """Anything else the client reported (e.g. the raw error event)."""


def error_from_exception(exc: BaseException, *, title: str, node: str | None = None,
                         hint: str | None = None) -> ErrorInfo:
    """An `ErrorInfo` for an exception raised in the kernel (client call or callback)."""
    message = getattr(exc, "message", None) or str(exc)
    body = getattr(exc, "body", None)
    if isinstance(body, Mapping) and body.get("detail") and str(body["detail"]) not in message:
        message = f"{message}\n{body['detail']}"
    return ErrorInfo(
        title=title,
        error_type=type(exc).__name__,
        message=str(message),
        node=node,
        traceback="".join(tb.format_exception(exc)),
        hint=hint,
    )


def error_from_event(data: Any, *, node: str | None = None,
                     hint: str | None = None) -> ErrorInfo:
    """An `ErrorInfo` for a stream `error` event (`{"error": type, "message": text}`)."""
    if isinstance(data, Mapping):
        error_type = str(data.get("error") or "Error")
        message = str(data.get("message") or "")
        trace = data.get("traceback")
        node = node or (str(data["node"]) if data.get("node") else None)
        extra: Mapping[str, Any] = dict(data)
    else:
        error_type, message, trace, extra = "Error", str(data), None, {}
    where = f" in node '{node}'" if node else ""
    return ErrorInfo(
        title=f"Graph error{where}",
        error_type=error_type,
        message=message,
        node=node,
        traceback=str(trace) if trace else None,
        hint=hint,
        extra=extra,
    )


def render_error(info: ErrorInfo) -> str:
    """One error as an escaped HTML block with its traceback folded."""
    lines = [f"<b>{esc(info.title)}</b>: <code>{esc(info.error_type)}</code>"]
    if info.message:
        lines.append(f'<div class="hw-str">{esc(info.message)}</div>')
    facts = []
    if info.node:
        facts.append(f"node <code>{esc(info.node)}</code>")
    if info.status:
        facts.append(f"thread status <b>{esc(info.status)}</b>")
    if facts:
        lines.append(f"<div>{' · '.join(facts)}</div>")
    if info.hint:
        lines.append(f"<div><i>{esc(info.hint)}</i></div>")
    if info.traceback:
        lines.append(f"<details><summary>Traceback</summary><pre>{esc(info.traceback)}"
                     "</pre></details>")
    return f'<div class="hw-err">{"".join(lines)}</div>'


def guarded(report: ErrorReporter | None, title: str,
            fn: Callable[..., Any]) -> Callable[..., None]:
    """`fn` wrapped for use as a widget callback: an exception goes to `report` (when set)
    instead of ipywidgets' default handler, which hides it from the notebook's user."""

    def call(*args: Any, **kwargs: Any) -> None:
        try:
            fn(*args, **kwargs)
        except Exception as exc:  # shown to the user, never swallowed
            if report is None:
                raise
            report(exc, title)

    return call


class ErrorArea(widgets.VBox):
    """The view's list of errors, newest last, with a button to dismiss them."""

    def __init__(self, **kwargs: Any) -> None:
        self.errors: list[ErrorInfo] = []
        self.html = widgets.HTML()
        self.dismiss = widgets.Button(description="Dismiss", icon="times",
                                      layout=widgets.Layout(width="auto"))
        self.dismiss.on_click(lambda _button: self.clear())
        super().__init__(children=[], **kwargs)

    def show(self, info: ErrorInfo) -> None:
        """Add an error to the list and display it."""
        self.errors.append(info)
        self._render()

    def clear(self) -> None:
        """Remove every error shown."""
        self.errors = []
        self._render()

    def _render(self) -> None:
        shown: tuple[widgets.Widget, ...] = ()
        if self.errors:
            blocks = "".join(render_error(info) for info in self.errors)
            self.html.value = f'{STYLE}<div class="hw-root">{blocks}</div>'
            shown = (self.html, self.dismiss)
        else:
            self.html.value = ""
        self.children = shown
