"""Shared by the action renderers (LangChain HITL, Agent Inbox): one panel per action."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W

from hitl_widgets.forms.changes import diff
from hitl_widgets.forms.fields.base import MISSING, Field, FormContext, Loc
from hitl_widgets.forms.fields.decision import DecisionField, Spelling
from hitl_widgets.forms.renderers.tool_text import args_table_html, tool_heading_html
from hitl_widgets.forms.schema.build import SchemaBuilder
from hitl_widgets.forms.types import Change


def args_builder(ctx: FormContext, args: Any,
                 args_schema: dict[str, Any] | None) -> Callable[[Loc], Field]:
    """Builds the typed argument fields for an edit, pre-filled with the proposed args."""
    schema = args_schema if isinstance(args_schema, dict) else {}

    def build(loc: Loc) -> Field:
        return SchemaBuilder(schema, ctx).build(schema, loc, title="Arguments", default=args)

    return build


def call_widgets(name: str, args: Any, what: str | None, ctx: FormContext) -> list[W.Widget]:
    """The tool's name and purpose, then the proposed arguments as a table (all escaped):
    each said once."""
    return [W.HTML(tool_heading_html(name, what) + args_table_html(args), layout=ctx.full)]


def action_panel(ctx: FormContext, loc: Loc, *, name: str, args: Any, description: str | None,
                 allowed: list[str], spelling: Spelling, default: str | None,
                 args_schema: dict[str, Any] | None = None) -> tuple[DecisionField, W.Widget]:
    """The decision field for one action and the panel that shows it with its context
    (`description`: what the action does, already made readable; `default` None: nothing
    pre-selected)."""
    field = DecisionField(ctx, loc, allowed=allowed, spelling=spelling, action_name=name,
                          build_args=args_builder(ctx, args, args_schema), default=default,
                          title="Decision")
    panel = W.VBox([*call_widgets(name, args, description, ctx), field.widget],
                   layout=ctx.fieldset)
    panel.add_class("hitl-action")
    return field, panel


def decision_schema(spelling: Spelling, allowed: list[str], name: str,
                    args_schema: dict[str, Any] | None, *, tag: str,
                    edit_path: tuple[str, ...], name_key: str,
                    message_key: str) -> dict[str, Any]:
    """JSON Schema for one action's answer: a `oneOf` in the selector's order."""
    branches = []
    for d in allowed:
        props: dict[str, Any] = {tag: {"const": d}}
        required = [tag]
        if d == spelling.edit:
            action = {"type": "object", "required": [name_key, "args"], "properties": {
                name_key: {"type": "string", "minLength": 1},
                "args": args_schema if _plain(args_schema) else {"type": "object"}}}
            props[edit_path[0]] = action
            required.append(edit_path[0])
        if d in spelling.message:
            props[message_key] = {"type": "string",
                                  **({"minLength": 1} if spelling.message[d] else {})}
            if spelling.message[d]:
                required.append(message_key)
        branches.append({"type": "object", "properties": props, "required": required})
    return {"oneOf": branches}


def _plain(schema: Any) -> bool:
    """A schema usable nested (no `$ref` into `$defs` it would leave behind)."""
    return isinstance(schema, dict) and "$ref" not in repr(schema)


def action_changes(actions: list[tuple[str, Any]], spelling: Spelling, *, approve: str,
                   path: tuple[str | int, ...]) -> Callable[[Any, Any, str], list[Change]]:
    """`changes()` for action forms: decisions other than approve, and edited arguments."""

    def changes(_before: Any, after: Any, interrupt_id: str) -> list[Change]:
        answers = after
        for key in path:
            answers = answers[key]
        out: list[Change] = []
        for i, ((name, args), answer) in enumerate(zip(actions, answers, strict=False)):
            kind, new_name, new_args, _ = spelling.decode(answer)
            loc = (*path, i)
            if kind not in (approve, ""):  # "": nothing chosen yet, nothing changed
                out.append(Change(interrupt_id=interrupt_id, loc=(*loc, "type"), kind="changed",
                                  before=approve, after=kind, diff=None))
            if new_args is not MISSING:
                at = (*loc, *spelling.edit_path)
                if new_name not in (None, name):
                    out.append(Change(interrupt_id=interrupt_id, loc=(*at[:-1], "name"),
                                      kind="changed", before=name, after=new_name, diff=None))
                out.extend(diff(args, new_args, interrupt_id, at))
        return out

    return changes
