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


def value_html(value: Any, *, limit: int = 20_000) -> str:
    """An interrupt value shown as context: strings as text, anything else as JSON.

    Cut at `limit` characters so that a megabyte payload does not become a megabyte of DOM
    in the context box (the editable field still holds all of it).
    """
    if isinstance(value, str):
        shown = value
    else:
        shown = json.dumps(value, indent=2, ensure_ascii=False, default=repr)
    if len(shown) > limit:
        shown = shown[:limit] + f"\n… ({len(shown) - limit} more characters)"
    return (
        '<pre class="hitl-context" style="white-space:pre-wrap;margin:2px 0;line-height:1.35;'
        f'font-size:90%;max-height:16em;overflow:auto">{escape(shown)}</pre>'
    )
