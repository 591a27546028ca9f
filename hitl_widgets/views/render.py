"""Thread state values → readable, escaped HTML (no widgets, no client).

Nested structures become `<details>` blocks, so they fold and unfold in every front end
(JupyterLab, Notebook 7, Voila, nbconvert, GitHub) without any JavaScript. Long strings are
folded behind their first characters. Chat `messages` are drawn as a conversation by
`hitl_widgets.views.messages`. Every piece of graph or user text goes through `html.escape`
before it becomes markup: interrupt payloads and model output are untrusted.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping
from typing import Any

from hitl_widgets.views.messages import is_message_list, render_conversation

__all__ = ["STYLE", "esc", "render_json", "render_state", "render_value"]

#: Strings longer than this are folded behind their beginning.
FOLD_CHARS = 240
#: How many characters of a folded string stay visible.
PREVIEW_CHARS = 120
#: Nested blocks deeper than this start closed.
OPEN_DEPTH = 2

#: One stylesheet for every view piece; classes are prefixed `hw-` so that nothing leaks
#: into the notebook's own styles (an HTML widget's `<style>` applies page-wide).
STYLE = """<style>
.hw-root{font-family:var(--jp-ui-font-family,sans-serif);font-size:13px;line-height:1.4;
color:var(--jp-ui-font-color1,inherit)}
.hw-root table.hw-kv{border-collapse:collapse;margin:2px 0}
.hw-root table.hw-kv td{vertical-align:top;padding:1px 6px;
border-bottom:1px solid var(--jp-border-color2,#eee)}
.hw-root td.hw-key{font-weight:600;white-space:nowrap;color:var(--jp-ui-font-color1,#444)}
.hw-root details>summary{cursor:pointer;color:var(--jp-ui-font-color2,#555)}
.hw-root .hw-str{white-space:pre-wrap;word-break:break-word}
.hw-root .hw-num{color:var(--jp-mirror-editor-number-color,#1a5fb4)}
.hw-root .hw-bool{color:var(--jp-mirror-editor-keyword-color,#a51d2d)}
.hw-root .hw-null{color:var(--jp-ui-font-color3,#888)}
.hw-root .hw-muted{color:var(--jp-ui-font-color3,#888);font-style:italic}
.hw-root pre.hw-json{margin:0;max-height:480px;overflow:auto;padding:6px;
background:var(--jp-layout-color2,#f7f7f7);color:var(--jp-content-font-color1,inherit)}
.hw-root .hw-msg{border-left:3px solid var(--jp-border-color1,#ccc);margin:3px 0;
padding:2px 8px;background:var(--jp-layout-color2,#fafafa)}
.hw-root .hw-msg-human{border-color:#3584e4}.hw-root .hw-msg-ai{border-color:#2ec27e}
.hw-root .hw-msg-tool{border-color:#e5a50a}.hw-root .hw-msg-system{border-color:#9141ac}
.hw-root .hw-role{font-weight:600;font-size:11px;color:var(--jp-ui-font-color2,#555);
text-transform:uppercase}
.hw-root .hw-tool-call{margin:2px 0 2px 12px;padding:1px 6px;background:rgba(229,165,10,.15)}
.hw-root .hw-add{background:rgba(46,194,126,.18)}.hw-root .hw-del{background:rgba(224,27,36,.14)}
.hw-root .hw-err{border:1px solid #e01b24;background:rgba(224,27,36,.10);padding:4px 8px;
margin:3px 0}
</style>"""


def esc(text: object) -> str:
    """Escape any value's text for HTML (quotes included, for use inside attributes)."""
    return html.escape(text if isinstance(text, str) else str(text), quote=True)


def render_value(value: Any, depth: int = 0) -> str:
    """Render one JSON-shaped value as HTML; `depth` decides which blocks start open."""
    if value is None:
        return '<span class="hw-null">null</span>'
    if isinstance(value, bool):
        return f'<span class="hw-bool">{"true" if value else "false"}</span>'
    if isinstance(value, (int, float)):
        return f'<span class="hw-num">{esc(repr(value))}</span>'
    if isinstance(value, str):
        return render_string(value)
    if isinstance(value, Mapping):
        return _render_mapping(value, depth)
    if isinstance(value, (list, tuple)):
        if is_message_list(value):
            noun = "message" if len(value) == 1 else "messages"
            return (
                f"<details open><summary>conversation · {len(value)} {noun}</summary>"
                f"{render_conversation(value, render_value)}</details>"
            )
        return _render_list(value, depth)
    # Not JSON-shaped (a client may hand us a datetime or a model object): show its text.
    return render_string(str(value))


def render_string(text: str) -> str:
    """A string, folded behind its first characters when it is long."""
    if len(text) <= FOLD_CHARS:
        return f'<span class="hw-str">{esc(text)}</span>'
    preview = esc(text[:PREVIEW_CHARS])
    return (
        f'<details><summary><span class="hw-str">{preview}</span>… '
        f'<span class="hw-muted">({len(text):,} characters)</span></summary>'
        f'<div class="hw-str">{esc(text)}</div></details>'
    )


def _open(depth: int) -> str:
    return " open" if depth < OPEN_DEPTH else ""


def _render_mapping(value: Mapping[Any, Any], depth: int) -> str:
    if not value:
        return '<span class="hw-muted">{}</span>'
    rows = "".join(
        f'<tr><td class="hw-key">{esc(key)}</td><td>{render_value(item, depth + 1)}</td></tr>'
        for key, item in value.items()
    )
    table = f'<table class="hw-kv">{rows}</table>'
    if depth == 0:
        return table
    noun = "key" if len(value) == 1 else "keys"
    return f"<details{_open(depth)}><summary>{len(value)} {noun}</summary>{table}</details>"


def _render_list(value: list[Any] | tuple[Any, ...], depth: int) -> str:
    if not value:
        return '<span class="hw-muted">[]</span>'
    if all(v is None or isinstance(v, (bool, int, float)) for v in value) and len(value) <= 20:
        # Short lists of scalars read best inline.
        return "[" + ", ".join(render_value(v, depth + 1) for v in value) + "]"
    rows = "".join(  # numbered as a person counts, from 1
        f'<tr><td class="hw-key">{i}</td><td>{render_value(item, depth + 1)}</td></tr>'
        for i, item in enumerate(value, start=1)
    )
    noun = "item" if len(value) == 1 else "items"
    return (
        f"<details{_open(depth)}><summary>list · {len(value)} {noun}</summary>"
        f'<table class="hw-kv">{rows}</table></details>'
    )


def render_state(values: Mapping[str, Any] | None) -> str:
    """A thread's `values` as a key/value table, every key visible, nested values folded."""
    if values is None:
        return '<span class="hw-muted">(no state yet)</span>'
    if not isinstance(values, Mapping):
        # Graphs whose state is not a dict (e.g. a single channel) still show.
        return render_value(values, 1)
    if not values:
        return '<span class="hw-muted">(empty state)</span>'
    rows = "".join(
        f'<tr><td class="hw-key">{esc(key)}</td><td>{render_value(item, 1)}</td></tr>'
        for key, item in values.items()
    )
    return f'<table class="hw-kv">{rows}</table>'


def render_json(value: Any) -> str:
    """The raw JSON text of a value, escaped, in a scrollable block."""
    text = json.dumps(value, indent=2, ensure_ascii=False, default=str)
    return f'<pre class="hw-json">{esc(text)}</pre>'
