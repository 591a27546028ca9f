"""HTML snippets for labels, help text, errors and context.

Every string that reaches HTML here went through `html.escape`: titles, descriptions and
interrupt values come from the graph (and so, often, from a model), so they are untrusted.
Nothing is rendered as markdown; a description with `<img onerror=...>` shows as text.
"""

from __future__ import annotations

import json
from html import escape
from typing import Any

# Long labels wrap instead of being cut (ipywidgets' own `description` truncates).
_LABEL = "font-weight:600;white-space:normal;overflow-wrap:anywhere"
# ipywidgets' HTML sets a 28px line height (one input row); text blocks need their own.
_BLOCK = "line-height:1.4;margin:2px 0"
_HELP = f"color:var(--jp-ui-font-color2,#616161);font-size:90%;white-space:pre-wrap;{_BLOCK}"
_ERROR = "color:var(--jp-error-color1,#d32f2f);white-space:pre-wrap"


def label_html(title: str, help_text: str | None = None, *, required: bool = False,
               hint: str | None = None) -> str:
    """The label, help text and constraint hint shown above one input."""
    mark = ' <span class="hitl-required" title="required">*</span>' if required else ""
    out = f'<div class="hitl-label" style="{_LABEL}">{escape(title)}{mark}</div>'
    if help_text:
        out += f'<div class="hitl-help" style="{_HELP}">{escape(help_text)}</div>'
    if hint:
        out += f'<div class="hitl-hint" style="{_HELP}">{escape(hint)}</div>'
    return out


def errors_html(messages: list[str]) -> str:
    """Field errors, one per line, under the input they are about."""
    lines = "".join(f"<div>{escape(m)}</div>" for m in messages)
    return f'<div class="hitl-error" role="alert" style="{_ERROR}">{lines}</div>'


def text_html(text: str, *, css_class: str = "hitl-text") -> str:
    """Untrusted prose (an action's description), newlines kept."""
    return f'<div class="{css_class}" style="white-space:pre-wrap;{_BLOCK}">{escape(text)}</div>'


def heading_html(text: str) -> str:
    """A section heading (node name, action name)."""
    return f'<div class="hitl-heading" style="{_LABEL};font-size:110%">{escape(text)}</div>'


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"… ({len(text) - limit:,} more characters)"


def _cell(value: Any, limit: int) -> str:
    if isinstance(value, str):
        return _cut(value, limit)
    # JSON for numbers, booleans and nested values (`true`, `null`), never a Python repr.
    return _cut(json.dumps(value, ensure_ascii=False, default=str), limit)


def key_words(key: str) -> str:
    """A key as a reader says it: `proposed_label` → "Proposed label"."""
    return " ".join(key.replace("_", " ").replace("-", " ").split()).capitalize() or key


_CONTEXT = ("margin:2px 0;line-height:1.4;max-height:16em;overflow:auto;"
            "white-space:pre-wrap;overflow-wrap:anywhere")
_TD = "padding:1px 10px 1px 0;vertical-align:top;border-bottom:1px solid " \
      "var(--jp-border-color2,#eee)"


def value_html(value: Any, *, limit: int = 20_000, skip: frozenset[str] = frozenset()) -> str:
    """An interrupt value shown as context: a string as text, a dict as a table of its
    entries (keys read as words; `skip` leaves out those shown elsewhere), anything else
    as JSON text.

    Cut at `limit` characters so that a megabyte payload does not become a megabyte of DOM
    in the context box (the editable field still holds all of it).
    """
    if isinstance(value, dict) and all(isinstance(k, str) for k in value):
        rows = "".join(
            f'<tr><td style="{_TD};font-weight:600;white-space:nowrap">{escape(key_words(k))}'
            f'</td><td style="{_TD};white-space:pre-wrap;overflow-wrap:anywhere">'
            f"{escape(_cell(v, limit))}</td></tr>" for k, v in value.items() if k not in skip)
        if not rows:
            return ""
        return (f'<div class="hitl-context" style="{_CONTEXT}"><table style="border-collapse:'
                f'collapse">{rows}</table></div>')
    shown = _cell(value, limit) if isinstance(value, str) else _cut(
        json.dumps(value, indent=2, ensure_ascii=False, default=str), limit)
    return f'<div class="hitl-context" style="{_CONTEXT}">{escape(shown)}</div>'
