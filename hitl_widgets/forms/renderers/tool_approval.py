"""LangChain per-call `ToolApprovalRequest` (`HumanInTheLoopMiddleware(interrupt_mode="per_call")`).

The value names one tool call; the `response_schema` is the union of the decisions that
tool allows, with the edit branch typed by the tool's own argument schema. The form is the
schema form of that union, opened on "approve" and with the edit branch pre-filled with the
proposed arguments, under a heading that shows which call is being decided.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from hitl_widgets.forms import _html
from hitl_widgets.forms.changes import diff
from hitl_widgets.forms.fields.base import MISSING, FormContext
from hitl_widgets.forms.fields.unions import UnionField
from hitl_widgets.forms.part import InterruptPart
from hitl_widgets.forms.schema.build import SchemaBuilder
from hitl_widgets.forms.types import Change


def is_tool_approval(interrupt: dict[str, Any]) -> bool:
    """Match: a per-call approval request (`value.type == "tool_approval"`)."""
    value = interrupt.get("value")
    return (isinstance(value, dict) and value.get("type") == "tool_approval"
            and isinstance(value.get("name"), str))


def call_widgets(name: str, args: Any, description: str | None,
                 ctx: FormContext) -> list[W.Widget]:
    """Heading, description and proposed arguments of one tool call (all escaped)."""
    html = _html.heading_html(f"Tool call: {name}")
    if description:
        html += _html.text_html(description, css_class="hitl-description")
    html += _html.value_html(args)
    return [W.HTML(html, layout=ctx.full)]


def tool_approval_part(interrupt: dict[str, Any], ctx: FormContext,
                       label: str | None) -> InterruptPart:
    """Build the part for a `ToolApprovalRequest`."""
    value: dict[str, Any] = interrupt["value"]
    schema = interrupt.get("response_schema")
    if not isinstance(schema, dict):
        # An old server that drops the schema: the batched decisions, for one call.
        schema = {"oneOf": [{"type": "object", "properties": {"type": {"const": t}},
                             "required": ["type"]} for t in ("approve", "reject")]}
    builder = SchemaBuilder(schema, ctx)
    edit = {"type": "edit", "edited_action": {"name": value["name"],
                                              "args": value.get("args", {})}}
    approve = {"type": "approve"}
    start = approve if builder.matches(schema, approve) else MISSING
    field = builder.build(schema, (), title="Decision", default=start)
    if isinstance(field, UnionField):
        for i, (_, _, tag) in enumerate(field.variants):
            if tag == "edit":
                # Built when "edit" is first selected: start from what the model proposed.
                field.seeds[i] = edit
    proposed = value.get("args", {})

    def changes(_before: Any, after: Any, interrupt_id: str) -> list[Change]:
        # Against what the model proposed (run the call as is), not against "approve".
        kind = after.get("type") if isinstance(after, dict) else None
        out: list[Change] = []
        if kind != "approve":
            out.append(Change(interrupt_id=interrupt_id, loc=("type",), kind="changed",
                              before="approve", after=kind, diff=None))
        action = after.get("edited_action") if isinstance(after, dict) else None
        if isinstance(action, dict):
            out.extend(diff(proposed, action.get("args"), interrupt_id,
                            ("edited_action", "args")))
        return out

    return InterruptPart(interrupt, field, ctx, renderer="tool_approval", label=label,
                         validator=builder.validator, changes=changes,
                         context=call_widgets(value["name"], value.get("args"),
                                              value.get("description"), ctx))
