"""What a reviewer reads about one tool call: its name, its purpose, its arguments.

LangChain's `HumanInTheLoopMiddleware` describes a call it was given no description for as
"Tool execution requires approval\\n\\nTool: NAME\\nArgs: {...}" — a Python repr of the
arguments, which the form already shows as a table. That text is dropped; the tool's own
docstring (its argument schema's `description`) says what it does instead, when known.

A call is pre-selected to approve only when its purpose is known and nothing in its name
or purpose says it destroys something: a reviewer must choose for a call that deletes, or
for one nobody described.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from html import escape
from typing import Any

__all__ = ["args_table_html", "preselected", "purpose", "tool_heading_html"]

GENERIC_PREFIX = "Tool execution requires approval"
"""The middleware's default `description_prefix`."""

_DESTRUCTIVE = re.compile(
    r"\b(delete[sd]?|deleting|remove[sd]?|removing|drop(s|ped)?|destroy(s|ed)?|erase[sd]?|"
    r"wipe[sd]?|purge[sd]?|truncate[sd]?|overwrite[sd]?|kill[sd]?|terminate[sd]?|rm|"
    r"unlink(s|ed)?|revoke[sd]?|for good|permanent(ly)?|irreversibl[ey]|cannot be undone)\b",
    re.IGNORECASE)

_CELL = "padding:1px 8px 1px 0;vertical-align:top;border-bottom:1px solid " \
        "var(--jp-border-color2,#eee)"


def purpose(name: str, description: Any, args_schema: Any = None) -> str | None:
    """What the call does, for a person: the description given for it (without the
    middleware's generated "Tool: …/Args: …" part), else the tool's docstring."""
    text = description.strip() if isinstance(description, str) else ""
    generated = f"\n\nTool: {name}\nArgs: "
    if generated in text:
        text = text.split(generated, 1)[0].strip()
    if text == GENERIC_PREFIX:
        text = ""
    if not text and isinstance(args_schema, Mapping):
        doc = args_schema.get("description")
        text = doc.strip() if isinstance(doc, str) else ""
    return text or None


def is_destructive(name: str, what: str | None) -> bool:
    """Whether the tool's name or purpose says it destroys something."""
    words = " ".join(re.split(r"[_\W]+", name)) + " " + (what or "")
    return bool(_DESTRUCTIVE.search(words))


def preselected(name: str, what: str | None, approve: str) -> str | None:
    """The decision to pre-select: `approve` for a described, harmless call; else none."""
    return approve if what and not is_destructive(name, what) else None


def _cell_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    # JSON, not a Python repr: `true`, `null`, double quotes, as a reviewer reads elsewhere.
    return json.dumps(value, ensure_ascii=False, default=str)


def args_table_html(args: Any) -> str:
    """The proposed arguments as a two-column table (escaped); plain text for non-dicts."""
    if not isinstance(args, Mapping):
        return (f'<div class="hitl-args" style="white-space:pre-wrap">'
                f"{escape(_cell_text(args))}</div>")
    if not args:
        return '<div class="hitl-args" style="opacity:.75"><i>no arguments</i></div>'
    rows = "".join(
        f'<tr><td style="{_CELL};font-weight:600;white-space:nowrap">{escape(str(k))}</td>'
        f'<td style="{_CELL};white-space:pre-wrap;overflow-wrap:anywhere">'
        f"{escape(_cell_text(v))}</td></tr>" for k, v in args.items())
    return f'<table class="hitl-args" style="border-collapse:collapse;margin:2px 0">{rows}</table>'


def tool_heading_html(name: str, what: str | None) -> str:
    """The call's heading: the tool's name, then what it does (or that nobody said)."""
    out = ('<div class="hitl-heading" style="font-weight:600;font-size:110%;'
           f'overflow-wrap:anywhere">{escape(name)}</div>')
    if what:
        out += (f'<div class="hitl-description" style="white-space:pre-wrap;line-height:1.4">'
                f"{escape(what)}</div>")
    else:
        out += ('<div class="hitl-description" style="opacity:.75;line-height:1.4"><i>No '
                "description of this tool was given: read its arguments.</i></div>")
    return out
