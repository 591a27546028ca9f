"""LangChain `HumanInTheLoopMiddleware` batched `HITLRequest` → `{"decisions": [...]}`.

One panel per action request, offering only that action's `allowed_decisions`; the answer
holds one decision per action, in order (the middleware matches them by position).
"""

from __future__ import annotations

from typing import Any

from hitl_widgets.forms.fields.base import MISSING, FormContext
from hitl_widgets.forms.fields.decision import DecisionListField, Spelling
from hitl_widgets.forms.part import InterruptPart
from hitl_widgets.forms.renderers.actions import action_changes, action_panel, decision_schema
from hitl_widgets.forms.renderers.tool_text import preselected, purpose
from hitl_widgets.forms.schema.validate import make_validator

_ALL = ["approve", "edit", "reject", "respond"]


def _encode(kind: str, name: str, args: Any, message: str) -> dict[str, Any]:
    if kind == "edit":
        return {"type": "edit", "edited_action": {"name": name, "args": args}}
    if kind == "respond":
        return {"type": "respond", "message": message}
    if kind == "reject" and message:
        return {"type": "reject", "message": message}
    return {"type": kind}


def _decode(answer: Any) -> tuple[str, str | None, Any, str]:
    if not isinstance(answer, dict) or not isinstance(answer.get("type"), str):
        raise ValueError(f"a decision is a dict with a 'type', got {answer!r:.80}")
    action = answer.get("edited_action")
    if isinstance(action, dict):
        return answer["type"], action.get("name"), action.get("args", {}), ""
    return answer["type"], None, MISSING, str(answer.get("message", ""))


SPELLING = Spelling(
    labels={"approve": "Approve", "edit": "Edit the arguments", "reject": "Reject",
            "respond": "Respond instead of running the tool"},
    edit="edit", message={"reject": False, "respond": True}, encode=_encode, decode=_decode,
    edit_path=("edited_action", "args"), message_key="message")


def is_hitl_request(interrupt: dict[str, Any]) -> bool:
    """Match: a batched `HITLRequest` (`action_requests` + `review_configs`)."""
    value = interrupt.get("value")
    return (isinstance(value, dict) and isinstance(value.get("action_requests"), list)
            and isinstance(value.get("review_configs"), list))


def _config_for(index: int, name: str, configs: list[Any], count: int) -> dict[str, Any]:
    # The middleware writes one config per action, in order; older payloads keyed by name.
    found: Any = configs[index] if len(configs) == count else None
    if not isinstance(found, dict):
        found = next((c for c in configs if isinstance(c, dict)
                      and c.get("action_name") == name), {})
    return dict(found)


def hitl_request_part(interrupt: dict[str, Any], ctx: FormContext,
                      label: str | None) -> InterruptPart:
    """Build the part for a `HITLRequest`."""
    value = interrupt["value"]
    requests = [r for r in value["action_requests"] if isinstance(r, dict)]
    fields, panels, schemas, actions = [], [], [], []
    for i, request in enumerate(requests):
        name = str(request.get("name", ""))
        args = request.get("args", {})
        config = _config_for(i, name, value["review_configs"], len(requests))
        allowed = [d for d in config.get("allowed_decisions", _ALL) if d in _ALL] or ["approve"]
        what = purpose(name, request.get("description"), config.get("args_schema"))
        field, panel = action_panel(
            ctx, ("decisions", i), name=name, args=args, description=what, allowed=allowed,
            spelling=SPELLING, default=preselected(name, what, "approve"),
            args_schema=config.get("args_schema"))
        fields.append(field)
        panels.append(panel)
        actions.append((name, args))
        schemas.append(decision_schema(SPELLING, allowed, name, config.get("args_schema"),
                                       tag="type", edit_path=("edited_action",),
                                       name_key="name", message_key="message"))
    root = DecisionListField(ctx, (), decisions=fields, panels=panels, wrap_key="decisions",
                             title="")
    schema = {"type": "object", "required": ["decisions"], "properties": {"decisions": {
        "type": "array", "prefixItems": schemas, "items": False,
        "minItems": len(schemas), "maxItems": len(schemas)}}}
    return InterruptPart(interrupt, root, ctx, renderer="hitl_request", label=label,
                         validator=make_validator(schema),
                         changes=action_changes(actions, SPELLING, approve="approve",
                                                path=("decisions",)))
