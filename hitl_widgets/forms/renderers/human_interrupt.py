"""Agent Inbox `HumanInterrupt` → a one-element list of `HumanResponse`.

`{"action_request": {"action", "args"}, "config": {"allow_accept", "allow_edit",
"allow_respond", "allow_ignore"}, "description"}`, alone or in a one-element list. Unlike
Agent Inbox, edited arguments keep their types (Agent Inbox turns them all into strings).
"""

from __future__ import annotations

from typing import Any

from hitl_widgets.forms.fields.base import MISSING, FormContext
from hitl_widgets.forms.fields.decision import DecisionListField, Spelling
from hitl_widgets.forms.part import InterruptPart
from hitl_widgets.forms.renderers.actions import action_changes, action_panel, decision_schema
from hitl_widgets.forms.renderers.tool_text import preselected, purpose
from hitl_widgets.forms.schema.validate import make_validator

_ALLOW = {"accept": "allow_accept", "edit": "allow_edit", "response": "allow_respond",
          "ignore": "allow_ignore"}


def _encode(kind: str, name: str, args: Any, message: str) -> dict[str, Any]:
    if kind == "edit":
        return {"type": "edit", "args": {"action": name, "args": args}}
    if kind == "response":
        return {"type": "response", "args": message}
    return {"type": kind, "args": None}


def _decode(answer: Any) -> tuple[str, str | None, Any, str]:
    if not isinstance(answer, dict) or not isinstance(answer.get("type"), str):
        raise ValueError(f"a HumanResponse is a dict with a 'type', got {answer!r:.80}")
    args = answer.get("args")
    if answer["type"] == "edit" and isinstance(args, dict):
        return "edit", args.get("action"), args.get("args", {}), ""
    return answer["type"], None, MISSING, args if isinstance(args, str) else ""


SPELLING = Spelling(
    labels={"accept": "Accept", "edit": "Edit the arguments", "response": "Respond",
            "ignore": "Ignore"},
    edit="edit", message={"response": True}, encode=_encode, decode=_decode,
    edit_path=("args", "args"), message_key="args")


def _request(value: Any) -> dict[str, Any] | None:
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if (isinstance(value, dict) and isinstance(value.get("action_request"), dict)
            and isinstance(value.get("config"), dict)):
        return value
    return None


def is_human_interrupt(interrupt: dict[str, Any]) -> bool:
    """Match: an Agent Inbox `HumanInterrupt`, alone or as a one-element list."""
    return _request(interrupt.get("value")) is not None


def human_interrupt_part(interrupt: dict[str, Any], ctx: FormContext,
                         label: str | None) -> InterruptPart:
    """Build the part for a `HumanInterrupt`."""
    request = _request(interrupt["value"])
    assert request is not None  # guaranteed by is_human_interrupt
    action = request["action_request"]
    name = str(action.get("action", ""))
    args = action.get("args", {})
    config = request["config"]
    allowed = [d for d, key in _ALLOW.items() if config.get(key)] or ["ignore"]
    what = purpose(name, request.get("description"))
    # As for tool calls: accepted in advance only when described and harmless.
    default = preselected(name, what, "accept") if "accept" in allowed else None
    field, panel = action_panel(ctx, (0,), name=name, args=args, description=what,
                                allowed=allowed, spelling=SPELLING, default=default)
    root = DecisionListField(ctx, (), decisions=[field], panels=[panel], wrap_key=None,
                             title="")
    one = decision_schema(SPELLING, allowed, name, None, tag="type", edit_path=("args",),
                          name_key="action", message_key="args")
    schema = {"type": "array", "prefixItems": [one], "items": False, "minItems": 1,
              "maxItems": 1}
    return InterruptPart(interrupt, root, ctx, renderer="human_interrupt", label=label,
                         validator=make_validator(schema),
                         changes=action_changes([(name, args)], SPELLING, approve="accept",
                                                path=()))
