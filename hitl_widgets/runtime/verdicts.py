"""What a decision was, read from the question, the agent's proposal and the answer.

``verdict`` is one of ``accepted`` (the proposal as it was), ``edited`` (the proposal
changed), ``rejected``, ``responded`` (an answer in words, or to a question that proposed
nothing), ``ignored`` and ``defaulted`` (decided by a default, never by a person: set by
whoever applied the default, not derived here).

The proposal is what the agent put forward for the reviewer to accept:

- LangChain ``HITLRequest`` (``action_requests``) and per-call ``tool_approval``: the tool
  calls, ``{"name", "args"}``; the answer's decision types say the verdict (``approve``,
  ``edit``, ``respond``, ``reject``);
- Agent Inbox ``HumanInterrupt`` (a list with ``action_request``): the action's ``args``;
  the response ``type`` says it (``accept``, ``edit``, ``response``, ``ignore``);
- any other value: its ``proposal`` / ``proposed`` key, its ``proposed_<field>`` keys (as
  ``<field>``) and the keys it shares with the answer; a plain string is itself the
  proposal (a text to revise), and so is the one text of a one-field value answered by a
  text. An answer that says ``approved: false`` (or ``false``
  alone) is a rejection.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["VERDICTS", "final_of", "judge", "proposal_of"]

VERDICTS = ("accepted", "edited", "rejected", "responded", "ignored", "defaulted")
"""Every verdict a decision can have."""

_BY_TYPE = {"approve": "accepted", "accept": "accepted", "edit": "edited",
            "respond": "responded", "response": "responded", "reject": "rejected",
            "ignore": "ignored"}
_RANK = ("rejected", "edited", "responded", "ignored", "accepted")
"""Of several decisions in one answer, the one that says the most about it wins."""

_APPROVAL_KEYS = ("approved", "approve", "accept", "accepted", "ok")


def _calls(value: Any) -> list[dict[str, Any]] | None:
    if isinstance(value, Mapping) and isinstance(value.get("action_requests"), list):
        return [{"name": a.get("name"), "args": a.get("args")}
                for a in value["action_requests"] if isinstance(a, Mapping)]
    if isinstance(value, Mapping) and value.get("type") == "tool_approval":
        return [{"name": value.get("name"), "args": value.get("args")}]
    return None


def _inbox_action(value: Any) -> Mapping[str, Any] | None:
    if (isinstance(value, list) and value and isinstance(value[0], Mapping)
            and isinstance(value[0].get("action_request"), Mapping)):
        action: Mapping[str, Any] = value[0]["action_request"]
        return action
    return None


def proposal_of(value: Any, answer: Any = None) -> Any:
    """What the agent proposed in ``value`` (the interrupt's value), or ``None``."""
    calls = _calls(value)
    if calls is not None:
        return calls
    action = _inbox_action(value)
    if action is not None:
        return action.get("args")
    if isinstance(value, str):
        return value
    if (isinstance(value, Mapping) and isinstance(answer, str) and len(value) == 1
            and isinstance(next(iter(value.values())), str)):
        return next(iter(value.values()))  # {"text_to_revise": ...} answered by a text
    if not isinstance(value, Mapping):
        return None
    for key in ("proposal", "proposed"):
        if key in value:
            return value[key]
    proposed = {k[len("proposed_"):]: v for k, v in value.items()
                if isinstance(k, str) and k.startswith("proposed_")}
    if isinstance(answer, Mapping):
        proposed.update({k: value[k] for k in answer if k in value and k not in proposed})
    return proposed or None


def _types(answer: Any) -> list[str]:
    items = answer.get("decisions") if isinstance(answer, Mapping) else answer
    if isinstance(items, Mapping):
        items = [items]
    if not isinstance(items, list):
        return []
    return [str(i["type"]) for i in items if isinstance(i, Mapping) and "type" in i]


def _edited_args(answer: Any) -> Any:
    if isinstance(answer, list) and answer and isinstance(answer[0], Mapping):
        args = answer[0].get("args")
        return args.get("args") if isinstance(args, Mapping) and "args" in args else args
    return None


def judge(value: Any, answer: Any, proposal: Any = None) -> str:
    """The verdict of ``answer`` to a question whose value is ``value`` (``proposal``:
    ``proposal_of(value, answer)`` when not given)."""
    if proposal is None:
        proposal = proposal_of(value, answer)
    structured = _calls(value) is not None or _inbox_action(value) is not None
    types = [_BY_TYPE.get(t) for t in _types(answer)] if structured else []
    if types and all(types):
        verdict = min(types, key=lambda t: _RANK.index(str(t)))
        if verdict == "edited" and _inbox_action(value) is not None and (
                _edited_args(answer) == proposal):
            return "accepted"  # "edit" sent with the proposal untouched
        return str(verdict)
    if answer is False:
        return "rejected"
    if answer is True:
        return "accepted"
    if isinstance(answer, Mapping) and any(answer.get(k) is False for k in _APPROVAL_KEYS):
        return "rejected"
    if proposal is None:
        return "responded"
    if isinstance(answer, Mapping) and isinstance(proposal, Mapping):
        same = all(k in answer and _same(answer[k], v) for k, v in proposal.items())
        return "accepted" if same else "edited"
    return "accepted" if _same(answer, proposal) else "edited"


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def final_of(value: Any, answer: Any, proposal: Any) -> Any:
    """The proposal as the answer leaves it (compared with ``proposal`` for the edits):
    the tool calls as edited (a rejected call becomes ``None``), the action's arguments as
    edited, the proposed fields as answered."""
    calls = _calls(value)
    if calls is not None:
        items = answer.get("decisions") if isinstance(answer, Mapping) else answer
        items = [items] if isinstance(items, Mapping) else items
        if not isinstance(items, list) or len(items) != len(calls):
            return answer
        out: list[Any] = []
        for call, item in zip(calls, items, strict=True):
            kind = item.get("type") if isinstance(item, Mapping) else None
            edited = item.get("edited_action") if isinstance(item, Mapping) else None
            out.append(dict(edited) if kind == "edit" and isinstance(edited, Mapping)
                       else None if kind == "reject" else call)
        return out
    if _inbox_action(value) is not None:
        kind = _types(answer)[:1]
        return _edited_args(answer) if kind == ["edit"] else proposal
    if isinstance(proposal, Mapping) and isinstance(answer, Mapping):
        return {k: answer[k] for k in proposal if k in answer}
    return answer
