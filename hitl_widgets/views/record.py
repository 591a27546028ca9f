"""The static record a review leaves in the notebook: decisions made and the final state.

A widget's output only shows while its kernel lives (a saved notebook reopened, nbconvert or
GitHub show "model not found" or nothing). So next to the live view the cell also holds a
plain HTML display of this record, updated in place after every decision through a
display id; it reads without a kernel.

Not every front end applies a display update sent after its cell finished (Voila does not),
so the live view also carries the record as a widget (`to_html(live=True)`), which is updated
in place like any widget; its inline `<style>` hides the static copy of the same record
wherever the live view renders, so a page never shows a stale record beside a fresh one.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from hitl_widgets.views.notebook_display import update_record
from hitl_widgets.views.render import esc, render_state
from hitl_widgets.views.state_view import for_people

__all__ = ["Decision", "ReviewRecord", "now_iso", "what_happened"]


def now_iso() -> str:
    """The current time, UTC, ISO 8601 to the second (a decision's `at`)."""
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class Decision:
    """One answer given through the view."""

    at: str
    """When it was submitted (ISO 8601, UTC)."""
    interrupt_id: str
    """The interrupt it answered."""
    node: str
    """The node that asked."""
    question: Any
    """The interrupt's `value`."""
    answer: Any
    """The answer sent in `Command(resume=...)`."""
    outcome: str = "sent"
    """What came of it: `sent`, `accepted`, `rejected (422)`, `stale`, `failed`."""
    asked: str = ""
    """What was asked, as the view's heading said it ("" when not known)."""
    proposal: Any = None
    """The answer the form offered before the reviewer touched it (None when not known):
    what `what_happened` compares the answer with."""


def _short(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False,
                                                          default=str)
    return text if len(text) <= limit else text[:limit] + "…"


#: A decision type (LangChain's HITL middleware, Agent Inbox) → what the reviewer did.
_DID = {"approve": "accepted", "accept": "accepted", "edit": "edited", "reject": "rejected",
        "respond": "responded", "response": "responded", "ignore": "ignored"}
#: An answer that was not applied, said for a reviewer.
_NOT_APPLIED = {"stale": "not applied: answered elsewhere",
                "rejected (422)": "not applied: the answer was refused",
                "refused: thread busy": "not applied: the thread was busy"}


def _tool_words(question: Any, answer: Any) -> str | None:
    """"edited send_email, rejected delete_file" for tool-call answers, else None."""
    if isinstance(answer, Mapping) and isinstance(answer.get("decisions"), list):
        requests = (question or {}).get("action_requests") if isinstance(question, Mapping) \
            else None
        names = [str(r.get("name", "?")) for r in requests or () if isinstance(r, Mapping)]
        words = [_DID.get(str(d.get("type")), str(d.get("type"))) if isinstance(d, Mapping)
                 else "?" for d in answer["decisions"]]
        return ", ".join(f"{w} {n}".strip() for w, n in zip(
            words, names + [""] * (len(words) - len(names)), strict=False))
    if isinstance(answer, Mapping) and answer.get("type") in _DID:
        name = question.get("name") if isinstance(question, Mapping) else None
        return f"{_DID[str(answer['type'])]} {name or ''}".strip()
    if (isinstance(answer, list) and len(answer) == 1 and isinstance(answer[0], Mapping)
            and answer[0].get("type") in _DID):
        return _DID[str(answer[0]["type"])]  # Agent Inbox: one HumanResponse
    return None


def _offered_by(question: Any, proposal: Any) -> bool:
    """Whether the form's starting answer came from the question (a draft, a text to
    revise, a proposed field) rather than from the schema's defaults."""
    if proposal is None or proposal == "" or proposal == {}:
        return False
    if proposal == question:
        return True
    values = list(question.values()) if isinstance(question, Mapping) else [question]
    parts = list(proposal.values()) if isinstance(proposal, Mapping) else [proposal]
    return any(p in values for p in parts)


def what_happened(decision: Decision) -> str:
    """The decision named for what the reviewer did: `accepted` (the proposal as it was),
    `edited` (the proposal changed), `rejected`, `responded` (an answer of their own),
    `ignored` — per tool call for tool reviews — or why it was not applied."""
    if decision.outcome != "accepted":
        return _NOT_APPLIED.get(decision.outcome, decision.outcome)
    tools = _tool_words(decision.question, decision.answer)
    if tools:
        return tools
    proposal, answer = decision.proposal, decision.answer
    if not _offered_by(decision.question, proposal):
        return "responded"
    if isinstance(proposal, Mapping) and isinstance(answer, Mapping):
        kept = all(answer.get(k) == v for k, v in proposal.items())
    else:
        kept = answer == proposal
    return "accepted" if kept else "edited"


def _tool_answer(question: Any, answer: Any) -> str | None:
    """Tool decisions for a person: "send_email edited: Body: We ship on Monday. ·
    delete_file rejected: Keep it." (None for other answers)."""
    decisions = answer.get("decisions") if isinstance(answer, Mapping) else None
    if isinstance(answer, Mapping) and answer.get("type") in _DID:
        decisions = [answer]
        requests: Any = [question] if isinstance(question, Mapping) else []
    elif isinstance(decisions, list):
        requests = question.get("action_requests") if isinstance(question, Mapping) else []
    else:
        return None
    names = [str(r.get("name", "")) for r in requests or () if isinstance(r, Mapping)]
    out = []
    for i, d in enumerate(decisions):
        if not isinstance(d, Mapping):
            continue
        name = names[i] if i < len(names) else ""
        said = f"{name} {_DID.get(str(d.get('type')), str(d.get('type')))}".strip()
        action = d.get("edited_action")
        args = action.get("args") if isinstance(action, Mapping) else None
        if isinstance(args, Mapping):
            said += ": " + " · ".join(f"{_html_words(str(k))}: {_short(v, 80)}"
                                      for k, v in args.items())
        elif d.get("message"):
            said += f": {_short(d['message'], 120)}"
        out.append(said)
    return " / ".join(out)


def _readable(value: Any, limit: int = 300, question: Any = None) -> str:
    """A value for a person: text as it is, a dict as "Key: value · Key: value", tool
    decisions as what was done to each call."""
    tools = _tool_answer(question, value)
    if tools is not None:
        text = tools
    elif isinstance(value, Mapping):
        text = " · ".join(f"{_html_words(str(k))}: {_short(v, 120)}" for k, v in value.items())
    else:
        text = _short(value, limit)
    return text if len(text) <= limit else text[:limit] + "…"


def _html_words(key: str) -> str:
    return " ".join(key.replace("_", " ").split()).capitalize() or key


@dataclass
class ReviewRecord:
    """What happened in one view, renderable as plain HTML and text.

    Once displayed (under `display_id`), `refresh()` rewrites every displayed copy.
    """

    thread_id: str
    assistant_id: str
    status: str = "unknown"
    decisions: list[Decision] = field(default_factory=list)
    values: Mapping[str, Any] | None = None
    error: str | None = None
    display_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    displayed: bool = False

    def decide(self, sent: list[Decision], outcome: str) -> None:
        """Add answers with what came of them (`accepted`, `stale`, ...)."""
        self.decisions.extend(replace(d, outcome=outcome) for d in sent)

    def refresh(self, *, status: str, values: Mapping[str, Any] | None,
                thread_id: str | None) -> None:
        """Take the thread's latest status and values; redraw the displayed copies."""
        self.status, self.values = status, values
        if thread_id:
            self.thread_id = thread_id
        if self.displayed:
            update_record(self, self.display_id)

    def to_html(self, *, live: bool = False) -> str:
        """Plain HTML with inline styles only (no scripts or widget state, and only our
        `hw-` marker classes), so that sanitising renderers (JupyterLab for untrusted
        notebooks, GitHub) keep it.

        `live=True` is the copy inside the live view: it hides the static copy of this same
        record (by its display id), which a front end may have left stale.
        """
        rows = []
        cell = 'style="text-align:left;vertical-align:top;padding:1px 8px 1px 0"'
        for d in self.decisions or []:
            asked = d.asked or _readable(d.question)
            rows.append(
                f"<tr><td {cell}>{esc(d.at[11:19])}</td><td {cell}>{esc(asked)}</td>"
                f"<td {cell}><b>{esc(_readable(d.answer, question=d.question))}</b></td>"
                f"<td {cell}>{esc(what_happened(d))}</td></tr>"
            )
        decisions = (
            f"<table><tr><th {cell}>time (UTC)</th><th {cell}>asked</th><th {cell}>answer</th>"
            f"<th {cell}>what happened</th></tr>{''.join(rows)}</table>" if rows
            else "<p><i>No decision made yet.</i></p>"
        )
        error = f"<p><b>Last error:</b> {esc(self.error)}</p>" if self.error else ""
        # The live view shows the state in its State tab: once is enough there. The static
        # copy keeps it, to be read without a kernel.
        state = "" if live else (f"<details><summary>State</summary>"
                                 f"{render_state(for_people(self.values))}</details>")
        marker = (f'<style>.hw-record-{self.display_id}{{display:none!important}}</style>'
                  '<div class="hw-live-record"' if live
                  else f'<div class="hw-static-record hw-record-{self.display_id}"')
        return (
            f'{marker} style="border:1px solid var(--jp-border-color1,#ccc);'
            'padding:4px 8px;font-size:12px">'
            f"<p><b>Review record</b> · thread <code>{esc(self.thread_id)}</code> · "
            f"assistant <code>{esc(self.assistant_id)}</code> · status "
            f"<b>{esc(self.status)}</b></p>{decisions}{error}{state}</div>"
        )

    def to_text(self) -> str:
        """The same record as plain text (the `text/plain` fallback)."""
        lines = [(f"Review record · thread {self.thread_id} · assistant {self.assistant_id} "
                  f"· status {self.status}")]
        for d in self.decisions or []:
            lines.append(f"  {d.at} {d.asked or d.node}: "
                         f"{_readable(d.answer, 120, d.question)} "
                         f"({what_happened(d)})")
        if self.error:
            lines.append(f"  last error: {self.error}")
        lines.append("  state: " + _short(self.values, 500))
        return "\n".join(lines)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": self.to_html(), "text/plain": self.to_text()}
