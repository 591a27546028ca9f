"""An item's question rendered for a person: the tool call as the header, text as text.

LangChain ``HITLRequest``: one block per tool call, ``Tool call: <name>``, its description as
text, its arguments as a table. Per-call ``tool_approval`` and Agent Inbox ``HumanInterrupt``
the same for their one action. A string is shown as text; anything else as the readable
nested table of ``views.render`` (never raw JSON). Everything is escaped.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from hitl_widgets.views.render import STYLE, esc, render_value

__all__ = ["context_html", "heading_of"]


def _call(name: Any, description: Any, args: Any) -> str:
    text = (f'<div class="hw-str" style="margin:2px 0 4px">{esc(description)}</div>'
            if description else "")
    return (f'<div style="margin:4px 0"><b style="font-size:14px">Tool call: {esc(name)}</b>'
            f"{text}{render_value(args)}</div>")


def heading_of(value: Any) -> str:
    """A one-line header for an item: its tool call(s), or "Question"."""
    if isinstance(value, Mapping) and isinstance(value.get("action_requests"), list):
        names = [str(a.get("name")) for a in value["action_requests"] if isinstance(a, Mapping)]
        return "Tool call: " + ", ".join(names)
    if isinstance(value, Mapping) and value.get("type") == "tool_approval":
        return f"Tool call: {value.get('name')}"
    if (isinstance(value, list) and value and isinstance(value[0], Mapping)
            and isinstance(value[0].get("action_request"), Mapping)):
        return f"Action: {value[0]['action_request'].get('action')}"
    return "Question"


def context_html(value: Any) -> str:
    """The question's value for people (escaped HTML, in the package's style)."""
    if isinstance(value, Mapping) and isinstance(value.get("action_requests"), list):
        body = "".join(_call(a.get("name"), a.get("description"), a.get("args"))
                       for a in value["action_requests"] if isinstance(a, Mapping))
    elif isinstance(value, Mapping) and value.get("type") == "tool_approval":
        body = _call(value.get("name"), value.get("description"), value.get("args"))
    elif (isinstance(value, list) and value and isinstance(value[0], Mapping)
          and isinstance(value[0].get("action_request"), Mapping)):
        action = value[0]["action_request"]
        body = _call(action.get("action"), value[0].get("description"), action.get("args"))
    elif isinstance(value, str):
        body = f'<div class="hw-str">{esc(value)}</div>'
    else:
        body = render_value(value)
    return f'{STYLE}<div class="hw-root">{body}</div>'
