"""`AuditTable`: the decision log as a table a person reads, with the trail's check on top.

One row per decision, newest first: when, who (and where the name came from), the item,
the verdict (accepted / edited / rejected / ...), the edits from the proposal to the answer
("label: invoice → letter"), the comment, how it was made (form, bulk, code) and how its run
ended. Long cells are cut with their whole text in the tooltip; the table scrolls inside
its own box instead of widening the page. Above it, what ``verify()`` says of the trail.
Every piece of text is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from hitl_widgets.client.audit import DecisionTable, decisions, is_local, verify_trail
from hitl_widgets.runtime.audit_trail import Verification
from hitl_widgets.views.render import esc

__all__ = ["AuditTable", "edits_text"]

CELL_CHARS = 60
"""Characters of a cell shown before it is cut (the whole text stays in its tooltip)."""

HEADERS = ("When", "Reviewer", "Item", "Verdict", "Edits", "Comment", "Made by", "Run")

_STYLE = """<style>
.hw-audit{max-width:100%;overflow-x:auto}
.hw-audit table{border-collapse:collapse;table-layout:auto;font-size:12px;width:100%}
.hw-audit th,.hw-audit td{padding:2px 8px;border-bottom:1px solid var(--jp-border-color2,#eee);
text-align:left;vertical-align:top;white-space:nowrap}
.hw-audit td.hw-wrap{white-space:normal;max-width:28em;word-break:break-word}
.hw-audit .hw-v-accepted{color:#26a269}.hw-audit .hw-v-edited{color:#1a5fb4}
.hw-audit .hw-v-rejected{color:#c01c28}.hw-audit .hw-v-defaulted{color:#986a44}
.hw-audit .hw-code{color:var(--jp-ui-font-color3,#888)}
</style>"""


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                           default=str)
    return text


def _cut(text: str) -> str:
    """A cell: at most ``CELL_CHARS`` shown, the whole text in the tooltip (escaped)."""
    shown = text if len(text) <= CELL_CHARS else text[: CELL_CHARS - 1] + "…"
    return f'<span title="{esc(text)}">{esc(shown)}</span>'


def edits_text(edits: Sequence[Mapping[str, Any]]) -> str:
    """The edits from proposal to answer for people: ``label: invoice → letter``."""
    parts = []
    for e in edits:
        where = ".".join(str(p) for p in e.get("loc") or ()) or "answer"
        parts.append(f"{where}: {_short(e.get('before'))} → {_short(e.get('after'))}")
    return "; ".join(parts)


def _row(d: Mapping[str, Any]) -> str:
    when = str(d.get("at") or "")[:19].replace("T", " ")
    source = str(d.get("reviewer_source") or "client")
    verdict = str(d.get("verdict") or "")
    origin = str(d.get("origin") or "code")
    item = f"{str(d.get('thread_id'))[:8]} · {str(d.get('interrupt_id'))[:8]}"
    run = str(d.get("outcome") or "")
    if d.get("error"):
        run += f": {d['error']}"
    cells = [
        esc(when),
        f"{esc(d.get('reviewer'))} <small class=\"hw-code\">({esc(source)})</small>",
        f'<span title="{esc(d.get("thread_id"))} / {esc(d.get("interrupt_id"))}">'
        f"{esc(item)}</span>",
        f'<b class="hw-v-{esc(verdict)}">{esc(verdict)}</b>',
        _cut(edits_text(d.get("edits") or [])) if d.get("edits") else "",
        _cut(str(d.get("comment") or "")),
        f'<span class="{"hw-code" if origin.startswith("code") else ""}">{esc(origin)}</span>',
        _cut(run),
    ]
    wrap = {4, 5}
    return "<tr>" + "".join(f'<td class="hw-wrap">{c}</td>' if i in wrap else f"<td>{c}</td>"
                            for i, c in enumerate(cells)) + "</tr>"


def render_table(rows: Sequence[Mapping[str, Any]]) -> str:
    """The table's HTML (newest first)."""
    if not rows:
        return '<div class="hw-audit"><i>No decision recorded yet.</i></div>'
    head = "".join(f"<th>{h}</th>" for h in HEADERS)
    body = "".join(_row(d) for d in reversed(rows))
    return f'{_STYLE}<div class="hw-audit"><table><tr>{head}</tr>{body}</table></div>'


def verification_text(found: Verification | None) -> str:
    """The trail's check for people."""
    if found is None:
        return ("<i>This server keeps decisions in thread metadata; there is no chained "
                "trail to verify.</i>")
    if found["ok"]:
        return (f"✔ Trail verified: {found['rows']} row(s), each chained to the one before; "
                f"head <code>{esc(found['head'][:16])}…</code>")
    problems = "".join(f"<li>{esc(p)}</li>" for p in found["problems"][:10])
    return f"<b style='color:#c01c28'>✘ The trail was tampered with:</b><ul>{problems}</ul>"


class AuditTable(widgets.VBox):
    """The decisions of ``client`` as a table (``rows``: the ``DecisionTable`` shown,
    ``verification``: what the trail's check said), with Refresh and Verify."""

    def __init__(self, client: Any, *, thread_id: str | None = None,
                 reviewer: str | None = None, load: bool = True, **kwargs: Any) -> None:
        self.client = client
        self.thread_id = thread_id
        self.reviewer = reviewer
        self.rows = DecisionTable()
        """The decisions shown, oldest first (export with ``to_csv()``, ...)."""
        self.verification: Verification | None = None
        """The last check of the trail (None for a remote server)."""
        self.status = widgets.HTML()
        self.table = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self.refresh_button.on_click(lambda _b: self.refresh())
        super().__init__(children=[widgets.HBox([self.refresh_button, self.status]),
                                   self.table],
                         layout=widgets.Layout(width="100%"), **kwargs)
        self.add_class("hw-audit-table")
        if load:
            self.refresh()

    def refresh(self) -> None:
        """Read the decisions and check the trail again."""
        self.rows = decisions(self.client, thread_id=self.thread_id, reviewer=self.reviewer)
        self.verification = verify_trail(self.client) if is_local(self.client) else None
        self.status.value = verification_text(self.verification)
        self.table.value = render_table(self.rows)
