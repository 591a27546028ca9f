"""A review decision on one proposed action: approve / edit / reject / respond (or Agent
Inbox's accept / edit / response / ignore), with only the allowed choices offered.

The same field serves LangChain's `HumanInTheLoopMiddleware` and Agent Inbox: they differ
only in the names of the decisions and in how an answer is spelled, which the renderer
passes in as a `Spelling`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import ipywidgets as W

from hitl_widgets.forms.fields.base import MISSING, Field, FormContext, Loc
from hitl_widgets.forms.fields.scalars import StringField


@dataclass(frozen=True)
class Spelling:
    """How one payload family writes its decisions."""

    labels: dict[str, str]
    """Decision type → what the reviewer sees in the selector."""

    edit: str
    """The decision type that carries edited arguments."""

    message: dict[str, bool]
    """Decision types that carry a text message → whether the message is required."""

    encode: Callable[[str, str, Any, str], Any]
    """(type, action name, args, message) → the answer for one action."""

    decode: Callable[[Any], tuple[str, str | None, Any, str]]
    """An answer for one action → (type, action name or None, args or MISSING, message)."""

    edit_path: tuple[str, ...]
    """Where an edit's arguments sit in one answer (`("edited_action", "args")`)."""

    message_key: str
    """The key that holds the message in one answer."""


class _Step(Field):
    """A key of the answer's nesting that has no input of its own (`edited_action`): walks
    on towards `target`, and shows messages that stop here on the decision."""

    kind = "step"

    def __init__(self, owner: Field, rest: tuple[str, ...], target: Field) -> None:
        super().__init__(owner.ctx, owner.loc, title="")
        self.owner = owner
        self.rest = rest
        self.target = target

    def child(self, key: str | int) -> Field | None:
        if key != self.rest[0]:
            return None
        return self.target if len(self.rest) == 1 else _Step(self.owner, self.rest[1:],
                                                              self.target)

    def show_errors(self, messages: list[str]) -> None:
        self.owner.show_errors(messages)

    def get(self) -> Any:
        return self.target.get()

    def set(self, value: Any) -> None:
        self.target.set(value)


CHOOSE = "Choose a decision…"
"""The selector's placeholder when no decision is pre-selected."""
NO_DECISION = -1
"""The placeholder's value in the selector."""


class DecisionField(Field):
    """One action's decision: a selector, and the arguments or message that decision needs."""

    kind = "decision"

    def __init__(self, ctx: FormContext, loc: Loc, *, allowed: list[str], spelling: Spelling,
                 action_name: str, build_args: Callable[[Loc], Field],
                 default: str | None = None, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        self.allowed = allowed
        self.spelling = spelling
        self.action_name = action_name
        self._build_args = build_args
        self.args_field: Field | None = None
        self.message: StringField | None = None
        # No default: the reviewer must choose (a call that deletes, one nobody described).
        # The placeholder stays listed, so the choice can be taken back before Submit.
        options = [(spelling.labels.get(d, d), i) for i, d in enumerate(allowed)]
        if default is None:
            options.insert(0, (CHOOSE, NO_DECISION))
            start = NO_DECISION
        else:
            start = allowed.index(default if default in allowed else allowed[0])
        self.selector = W.Dropdown(options=options, value=start, layout=ctx.full)
        self.leaf(self.selector, self._apply)
        if any(d in spelling.message for d in allowed):
            self.message = StringField(ctx, (*loc, "message"), title="Message", multiline=True)
        self._slot = W.VBox(layout=ctx.full)
        self._sync()
        self.selector.observe(lambda _c: self._sync(), "value")

    @property
    def decision(self) -> str:
        """The selected decision type ("" while none is chosen)."""
        index = int(self.selector.value)
        return "" if index == NO_DECISION else self.allowed[index]

    def local_errors(self) -> list[tuple[Loc, str]]:
        if not self.decision:
            return [(self.loc, f"Choose what to do with {self.action_name}.")]
        return super().local_errors()

    def _args(self) -> Field:
        if self.args_field is None:
            self.args_field = self._build_args((*self.loc, "args"))
        return self.args_field

    def _sync(self) -> None:
        d = self.decision
        shown: list[W.Widget] = []
        if d == self.spelling.edit:
            shown.append(self._args().widget)
        if d in self.spelling.message and self.message is not None:
            shown.append(self.message.widget)
        self._slot.children = shown

    def control_widget(self) -> W.Widget:
        return W.VBox([self.selector, self._slot], layout=self.ctx.full)

    def selected_variant(self) -> int | None:
        index = int(self.selector.value)
        return None if index == NO_DECISION else index

    def children(self) -> list[Field]:
        d = self.decision
        out: list[Field] = []
        if d == self.spelling.edit:
            out.append(self._args())
        if d in self.spelling.message and self.message is not None:
            out.append(self.message)
        return out

    def child(self, key: str | int) -> Field | None:
        d, path = self.decision, self.spelling.edit_path
        if d == self.spelling.edit and key == path[0]:
            return self._args() if len(path) == 1 else _Step(self, path[1:], self._args())
        if d in self.spelling.message and key == self.spelling.message_key:
            return self.message
        return self if key == "type" else None

    def get(self) -> Any:
        d = self.decision
        args = self._args().get() if d == self.spelling.edit else MISSING
        message = self.message.get() if self.message is not None else ""
        return self.spelling.encode(d, self.action_name, args, message)

    def set(self, value: Any) -> None:
        d, name, args, message = self.spelling.decode(value)
        if d not in self.allowed:
            raise ValueError(f"{'.'.join(map(str, self.loc))}: decision {d!r} is not allowed "
                             f"here (allowed: {self.allowed})")
        if name is not None:
            self.action_name = name
        if args is not MISSING:
            self._args().set(args)
        if self.message is not None:
            self.message.set(message)
        self.selector.value = self.allowed.index(d)

    def _apply(self, dom: dict[str, Any]) -> None:
        # The browser sends the option's position; with a placeholder first, position 0
        # is "no decision" and position i is decision i - 1.
        index = dom.get("index")
        options = list(self.selector.options)
        if isinstance(index, int) and 0 <= index < len(options):
            self.selector.value = options[index][1]


class DecisionListField(Field):
    """The decisions for a batch of actions, in order (`{"decisions": [...]}` or a list)."""

    kind = "decisions"

    def __init__(self, ctx: FormContext, loc: Loc, *, decisions: list[DecisionField],
                 panels: list[W.Widget], wrap_key: str | None, **kw: Any) -> None:
        super().__init__(ctx, loc, **kw)
        self.decisions = decisions
        self.wrap_key = wrap_key
        self._box = W.VBox(panels, layout=ctx.full)

    def control_widget(self) -> W.Widget:
        return self._box

    @property
    def widget(self) -> W.Widget:
        return self._box

    def children(self) -> list[Field]:
        return list(self.decisions)

    def child(self, key: str | int) -> Field | None:
        if self.wrap_key is not None and key == self.wrap_key:
            return self
        i = int(key) if isinstance(key, int) or str(key).isdigit() else -1
        return self.decisions[i] if 0 <= i < len(self.decisions) else None

    def get(self) -> Any:
        answers = [d.get() for d in self.decisions]
        return {self.wrap_key: answers} if self.wrap_key else answers

    def set(self, value: Any) -> None:
        answers = value.get(self.wrap_key) if self.wrap_key and isinstance(value, dict) else value
        if not isinstance(answers, list) or len(answers) != len(self.decisions):
            raise ValueError(f"expected {len(self.decisions)} decision(s), one per action, "
                             f"got {value!r:.100}")
        for d, a in zip(self.decisions, answers, strict=True):
            d.set(a)
