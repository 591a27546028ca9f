"""LangChain per-call `ToolApprovalRequest` (`HumanInTheLoopMiddleware(interrupt_mode="per_call")`).

The value names one tool call; the `response_schema` is the union of the decisions that
tool allows, with the edit branch typed by the tool's own argument schema. The form is the
batched form's decision field for that one call — the same choices under the same labels,
the edit pre-filled with the proposed arguments — and the answer is checked against the
`response_schema` itself. The schema's own texts (pydantic docstrings written for
developers) are never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hitl_widgets.forms.changes import diff
from hitl_widgets.forms.fields.base import FormContext
from hitl_widgets.forms.fields.decision import DecisionField
from hitl_widgets.forms.part import InterruptPart
from hitl_widgets.forms.renderers.actions import args_builder, call_widgets
from hitl_widgets.forms.renderers.hitl_request import SPELLING
from hitl_widgets.forms.renderers.tool_text import preselected, purpose
from hitl_widgets.forms.schema.validate import make_validator
from hitl_widgets.forms.types import Change

_KNOWN = ("approve", "edit", "reject", "respond")


def is_tool_approval(interrupt: dict[str, Any]) -> bool:
    """Match: a per-call approval request (`value.type == "tool_approval"`)."""
    value = interrupt.get("value")
    return (isinstance(value, dict) and value.get("type") == "tool_approval"
            and isinstance(value.get("name"), str))


def _resolve(schema: dict[str, Any], node: Any) -> Any:
    """A `#/$defs/<name>` reference's target (one level), else the node itself."""
    ref = node.get("$ref") if isinstance(node, Mapping) else None
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        return (schema.get("$defs") or {}).get(ref.removeprefix("#/$defs/"), node)
    return node


def _branches(schema: dict[str, Any]) -> list[tuple[str, Mapping[str, Any]]]:
    """(decision type, branch schema) of each branch of the union, in order."""
    out = []
    for branch in schema.get("oneOf") or schema.get("anyOf") or ():
        resolved = _resolve(schema, branch)
        if not isinstance(resolved, Mapping):
            continue
        tag = ((resolved.get("properties") or {}).get("type") or {}).get("const")
        if isinstance(tag, str):
            out.append((tag, resolved))
    return out


def _args_schema(schema: dict[str, Any], edit: Mapping[str, Any] | None) -> Any:
    """The tool's argument schema, from the edit branch (`edited_action.args`)."""
    if edit is None:
        return None
    action = _resolve(schema, (edit.get("properties") or {}).get("edited_action"))
    args = _resolve(schema, (action.get("properties") or {}).get("args")) \
        if isinstance(action, Mapping) else None
    # Only a self-contained schema is usable on its own (no references left inside).
    return dict(args) if isinstance(args, Mapping) and "$ref" not in repr(args) else None


def tool_approval_part(interrupt: dict[str, Any], ctx: FormContext,
                       label: str | None) -> InterruptPart:
    """Build the part for a `ToolApprovalRequest`."""
    value: dict[str, Any] = interrupt["value"]
    name, proposed = value["name"], value.get("args", {})
    schema = interrupt.get("response_schema")
    if not isinstance(schema, dict):
        # An old server that drops the schema: the batched decisions, for one call.
        schema = {"oneOf": [{"type": "object", "properties": {"type": {"const": t}},
                             "required": ["type"]} for t in ("approve", "reject")]}
    branches = _branches(schema)
    allowed = [t for t, _ in branches if t in _KNOWN] or ["approve", "reject"]
    args_schema = _args_schema(schema, dict(branches).get("edit"))
    what = purpose(name, value.get("description"), args_schema)
    field = DecisionField(ctx, (), allowed=allowed, spelling=SPELLING, action_name=name,
                          build_args=args_builder(ctx, proposed, args_schema),
                          default=preselected(name, what, "approve"), title="Decision")

    def changes(_before: Any, after: Any, interrupt_id: str) -> list[Change]:
        # Against what the model proposed (run the call as is), not against "approve".
        kind = after.get("type") if isinstance(after, dict) else None
        out: list[Change] = []
        if kind not in ("approve", ""):  # "": nothing chosen yet, nothing changed
            out.append(Change(interrupt_id=interrupt_id, loc=("type",), kind="changed",
                              before="approve", after=kind, diff=None))
        action = after.get("edited_action") if isinstance(after, dict) else None
        if isinstance(action, dict):
            out.extend(diff(proposed, action.get("args"), interrupt_id,
                            ("edited_action", "args")))
        return out

    return InterruptPart(interrupt, field, ctx, renderer="tool_approval", label=label,
                         validator=make_validator(schema), changes=changes,
                         context=call_widgets(name, proposed, what, ctx))
