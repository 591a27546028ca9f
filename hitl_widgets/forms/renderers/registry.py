"""Which renderer answers which interrupt: user renderers first, then the built-ins.

A renderer is a `(match, build)` pair. `match(interrupt)` says whether it takes the payload;
`build` makes its part. Built-in order (first match wins):

1. user renderers (`register_renderer`), newest first;
2. `tool_approval`: LangChain per-call `ToolApprovalRequest` (it carries a `response_schema`
   too, but reading it as a decision on a tool call shows more than the bare union does);
3. `schema`: any interrupt with a `response_schema`;
4. `hitl_request`: LangChain `HITLRequest` (`action_requests` + `review_configs`);
5. `human_interrupt`: Agent Inbox `HumanInterrupt` (alone or in a one-element list);
6. `inferred`: anything else, typed from the value (with the JSON editor as the fallback).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as W

from hitl_widgets.forms.fields.base import Field

Matcher = Callable[[dict[str, Any]], bool]
"""`match(interrupt) -> bool`: does this renderer take the interrupt?"""

Builder = Callable[..., "Field | W.Widget"]
"""`build(interrupt)` → an ipywidget with a `value`; `build(interrupt, ctx)` → a `Field`."""

_user_renderers: list[tuple[Matcher, Builder]] = []


def register_renderer(match: Matcher, build: Builder) -> Callable[[], None]:
    """Take over a payload shape: forms built from now on use `build` for every interrupt that
    `match` accepts, before any built-in renderer. Later registrations win over earlier ones.

    `build(interrupt)` returns any ipywidget with a `value` trait (its value is the answer;
    stock inputs also get the on-screen-value Submit). `build(interrupt, ctx)` may instead
    return a `hitl_widgets.forms.Field` built with that `FormContext` (fields from
    `hitl_widgets.forms.fields`, or your own subclass). Returns a function that unregisters it.

        >>> undo = register_renderer(lambda i: i["value"] == "pick a colour",
        ...                          lambda i: ipywidgets.ColorPicker(value="#ff0000"))
    """
    entry = (match, build)
    _user_renderers.insert(0, entry)

    def unregister() -> None:
        if entry in _user_renderers:
            _user_renderers.remove(entry)

    return unregister


def user_renderer_for(interrupt: dict[str, Any]) -> Builder | None:
    """The newest user renderer that takes `interrupt`, if any."""
    for match, build in list(_user_renderers):
        if match(interrupt):
            return build
    return None
