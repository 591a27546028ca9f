"""`Progress`: which node is running and for how long, fed by the run's stream parts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets

from hitl_widgets.views.render import esc

__all__ = ["Progress"]

#: At most one redraw per node event within this many seconds (the timer ticks anyway).
REDRAW_SECONDS = 0.1
#: How often the elapsed time is redrawn while a run is active.
TICK_SECONDS = 0.25
#: When a run's progress line is first drawn.
FIRST_DRAW_SECONDS = 0.05


#: How much of the model's latest text the line shows (its tail, as it streams).
TOKENS_SHOWN = 160


def _text(content: Any) -> str:
    """The text of a message's `content` (a string, or a list of content blocks)."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return "".join(b if isinstance(b, str) else str(b.get("text", ""))
                       for b in content if isinstance(b, str | Mapping))
    return ""


def token_tail(text: str, limit: int = TOKENS_SHOWN) -> str:
    """The end of the model's text, at most about `limit` characters, starting at a whole
    word (a reader never sees half a word such as "…d: send_email")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    tail = text[-limit:]
    if not text[-limit - 1].isspace():
        cut = tail.find(" ")
        tail = tail[cut + 1:] if 0 <= cut < len(tail) - 1 else tail
    return "… " + tail


class Progress(widgets.HTML):
    """One line: the action, the node(s) running now, the nodes done, the elapsed time —
    and, for agents, the model's text as its tokens arrive and the tools it calls.

    Fed with `start()`, every stream part (`feed()`), and `finish()`; between them a loop
    timer redraws the elapsed time (`tick()`).
    `running`, `done`, `tokens` and `tool_calls` are readable from Python.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.action = ""
        self.running: dict[str, str] = {}  # task id → node name
        self.done: list[str] = []
        self.asking: list[str] = []
        self.tokens = ""
        """The text of the model message streaming now (or the last one of the run)."""
        self.tool_calls: list[str] = []
        """The tools the model called in this run, by name, in order."""
        self._message_id: str | None = None
        self.started_at: float | None = None
        self.elapsed: float = 0.0
        self._rendered_at = 0.0
        self._timer: asyncio.TimerHandle | None = None

    def start(self, action: str) -> None:
        """A run begins (`action` is e.g. "Resuming")."""
        self.action = action
        self.running = {}
        self.done = []
        self.asking = []
        self.tokens, self.tool_calls, self._message_id = "", [], None
        self.started_at = self._rendered_at = time.perf_counter()
        self.elapsed = 0.0
        # The first redraw waits a moment: most resumes end before it, and then only their
        # final line is drawn (the disabled form already shows that the answer was taken).
        self._arm(FIRST_DRAW_SECONDS)

    def _arm(self, delay: float = TICK_SECONDS) -> None:
        # A loop timer rather than a ticking task: no extra task to schedule and cancel
        # around every run (a resume of a small graph takes about a millisecond).
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        self._timer = loop.call_later(delay, self._on_timer)

    def _on_timer(self) -> None:
        self.tick()
        self._arm()

    def feed(self, event: str, data: Any) -> None:
        """Take one stream part (`event`, `data`) into account."""
        base = event.split("|", 1)[0]  # subgraph events are "updates|ns:..."
        if base == "tasks" and isinstance(data, Mapping) and "name" in data:
            task_id, name = str(data.get("id", data["name"])), str(data["name"])
            if "input" in data and "result" not in data:
                self.running[task_id] = name
            else:
                self.running.pop(task_id, None)
                # A task that ended with interrupts is waiting for a person, not done.
                (self.asking if data.get("interrupts") else self.done).append(name)
        elif base == "updates" and isinstance(data, Mapping):
            # Without the `tasks` mode, updates are the only sign of progress.
            for node in data:
                if not str(node).startswith("__") and node not in self.running.values():
                    self.done.append(str(node))
        elif base == "messages" and isinstance(data, list | tuple) and data:
            self._feed_message(data[0])
        if base in ("tasks", "messages") and self._since_render() >= REDRAW_SECONDS:
            # A node started or ended: worth a redraw, unless one was just made (a fast run
            # would spend more time drawing its progress than running).
            self.tick()

    def _feed_message(self, chunk: Any) -> None:
        """One `messages-tuple` part: a model token (chunk) or a whole message."""
        if not isinstance(chunk, Mapping):
            return
        kind = str(chunk.get("type", ""))
        if kind == "tool" and chunk.get("name"):  # a tool ran and answered
            self.tool_calls.append(str(chunk["name"]))
            return
        if kind not in ("AIMessageChunk", "ai"):
            return
        message_id = str(chunk.get("id")) if chunk.get("id") else None
        if message_id != self._message_id:
            # A new model message: its text replaces the last one's.
            self._message_id, self.tokens = message_id, ""
        text = _text(chunk.get("content"))
        if kind == "ai":  # a whole message, from a model that does not stream
            self.tokens, calls = text, chunk.get("tool_calls") or ()
        else:
            self.tokens, calls = self.tokens + text, chunk.get("tool_call_chunks") or ()
        for call in calls:
            # A streamed call names its tool in its first chunk only.
            name = call.get("name") if isinstance(call, Mapping) else None
            if name:
                self.tool_calls.append(str(name))

    def _since_render(self) -> float:
        return time.perf_counter() - self._rendered_at

    def tick(self) -> None:
        """Refresh the elapsed time (called by the view's timer while a run is active)."""
        if self.started_at is not None:
            self.elapsed = time.perf_counter() - self.started_at
        self._render(active=True)

    def finish(self, outcome: str) -> None:
        """The run ended (`outcome` e.g. "interrupted", "done", "failed")."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if self.started_at is not None:
            self.elapsed = time.perf_counter() - self.started_at
        self.running = {}
        self.action = outcome
        self._render(active=False)

    def _render(self, active: bool) -> None:
        self._rendered_at = time.perf_counter()
        parts = [f"<b>{esc(self.action)}</b>"]
        if active and self.running:
            parts.append("running " + ", ".join(f"<code>{esc(n)}</code>"
                                                for n in dict.fromkeys(self.running.values())))
        if self.done:
            shown = list(dict.fromkeys(self.done))
            parts.append("ran " + " → ".join(f"<code>{esc(n)}</code>" for n in shown))
        if self.asking:
            # Which node asks is the graph's business; the reviewer reads the question.
            parts.append("waiting for your answer")
        if self.tool_calls:
            parts.append("called " + ", ".join(f"<code>{esc(n)}</code>"
                                               for n in dict.fromkeys(self.tool_calls)))
        parts.append(f"{self.elapsed:.1f} s")
        line = " · ".join(parts)
        if self.tokens.strip():
            line += (f'<div class="hw-tokens" style="opacity:.8;white-space:pre-wrap">'
                     f"<i>The model writes:</i> {esc(token_tail(self.tokens))}</div>")
        self.value = line
