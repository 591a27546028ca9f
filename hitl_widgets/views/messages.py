"""Chat `messages` (LangChain messages as JSON dicts) → an escaped HTML conversation.

A client returns messages as the dicts LangChain serialises them to: `type` (`human`, `ai`,
`tool`, `system`, ...), `content` (a string or a list of content blocks), and for AI messages
`tool_calls` (`name`, `args`, `id`). OpenAI-style dicts with `role` are accepted too, since
graphs may keep those in their state.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["is_message", "is_message_list", "render_conversation", "render_message"]

_TYPES = frozenset(
    {"human", "ai", "tool", "system", "function", "chat", "remove", "developer"}
    | {"HumanMessageChunk", "AIMessageChunk", "ToolMessageChunk", "SystemMessageChunk"}
)
_ROLES = {"user": "human", "assistant": "ai", "tool": "tool", "system": "system",
          "developer": "system", "function": "tool"}
#: Message text longer than this is folded (a model's long answer should not push the
#: pending form off screen).
FOLD_CHARS = 1200


def is_message(value: Any) -> bool:
    """Whether a value looks like a serialised chat message."""
    if not isinstance(value, Mapping) or "content" not in value:
        return False
    kind = value.get("type")
    if isinstance(kind, str) and kind in _TYPES:
        return True
    return isinstance(value.get("role"), str) and value["role"] in _ROLES


def is_message_list(value: Sequence[Any]) -> bool:
    """Whether a non-empty list holds only chat messages."""
    return bool(value) and all(is_message(item) for item in value)


def _kind(message: Mapping[str, Any]) -> str:
    kind = message.get("type")
    if isinstance(kind, str) and kind in _TYPES:
        return kind.removesuffix("MessageChunk").lower()
    return _ROLES.get(str(message.get("role")), "chat")


def _text(text: str) -> str:
    escaped = html.escape(text)
    if len(text) <= FOLD_CHARS:
        return f'<div class="hw-str">{escaped}</div>'
    head = html.escape(text[:200])
    return (
        f'<details><summary><span class="hw-str">{head}</span>… '
        f'<span class="hw-muted">({len(text):,} characters)</span></summary>'
        f'<div class="hw-str">{escaped}</div></details>'
    )


def _content(content: Any, render_value: Callable[[Any, int], str]) -> str:
    if isinstance(content, str):
        return _text(content) if content else ""
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(_text(block))
            elif isinstance(block, Mapping) and block.get("type") == "text":
                parts.append(_text(str(block.get("text", ""))))
            else:
                # Images, tool_use blocks, reasoning...: show their data, folded.
                parts.append(render_value(block, 2))
        return "".join(parts)
    return render_value(content, 2)


def _tool_calls(message: Mapping[str, Any], render_value: Callable[[Any, int], str]) -> str:
    calls = message.get("tool_calls") or []
    out = []
    for call in calls:
        if not isinstance(call, Mapping):
            continue
        # OpenAI-style calls nest the name and arguments under "function".
        nested = call.get("function")
        fn: Mapping[str, Any] = nested if isinstance(nested, Mapping) else call
        name = html.escape(str(fn.get("name", "?")))
        args = fn.get("args", fn.get("arguments", {}))
        call_id = html.escape(str(call.get("id") or ""))
        out.append(
            # A text badge, not an emoji: it renders where no emoji font is installed.
            f'<div class="hw-tool-call"><span class="hw-badge" style="font-size:85%;'
            'border:1px solid currentColor;border-radius:3px;padding:0 3px;'
            f'opacity:.75">tool call</span> <b>{name}</b> '
            f'<span class="hw-muted">{call_id}</span>{render_value(args, 2)}</div>'
        )
    return "".join(out)


def render_message(message: Mapping[str, Any],
                   render_value: Callable[[Any, int], str]) -> str:
    """One message as a coloured block: role (and name), text, tool calls or tool result."""
    kind = _kind(message)
    label = kind
    if message.get("name"):
        label += f" · {message['name']}"
    if kind == "tool":
        call_id = message.get("tool_call_id")
        if call_id:
            label += f" · result of {call_id}"
        if message.get("status") == "error":
            label += " · error"
    body = _content(message.get("content"), render_value) + _tool_calls(message, render_value)
    if not body:
        body = '<span class="hw-muted">(empty)</span>'
    css = html.escape(kind)
    return (
        f'<div class="hw-msg hw-msg-{css}"><div class="hw-role">{html.escape(label)}</div>'
        f"{body}</div>"
    )


def render_conversation(messages: Sequence[Mapping[str, Any]],
                        render_value: Callable[[Any, int], str]) -> str:
    """Every message in order (the value renderer draws nested tool arguments)."""
    return "".join(render_message(m, render_value) for m in messages)
