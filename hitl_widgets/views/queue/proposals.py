"""The answer that accepts what the agent proposed, built per interrupt (no widgets).

"Accept each as proposed" answers every selected item with its *own* proposal, so a batch
whose proposals differ is never relabelled by one shared answer:

- LangChain ``HITLRequest``: ``{"decisions": [{"type": "approve"}, ...]}``, one per action,
  when every action allows ``approve``;
- per-call ``tool_approval``: ``{"type": "approve"}``;
- Agent Inbox ``HumanInterrupt``: ``[{"type": "accept", "args": None}]`` when it allows
  accept;
- anything else with a proposal (``proposal_of``: ``proposed_<field>`` keys, a text to
  revise): the proposal as the answer, with an approval flag the schema asks for set to
  true and the schema's defaults filled in, checked against ``response_schema``.

An interrupt with nothing to accept (a question, a proposal the schema refuses) gets the
reason instead, and is left for a person.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import jsonschema

from hitl_widgets.runtime.verdicts import proposal_of

__all__ = ["NoProposal", "accept_answer", "proposal_key", "reject_answer"]

_APPROVAL_KEYS = ("approved", "approve", "accept", "accepted", "ok")


class NoProposal(ValueError):
    """An interrupt has no proposal that can be accepted as it is (the message says why)."""


def _hitl_request(value: Mapping[str, Any]) -> Any:
    actions = [a for a in value["action_requests"] if isinstance(a, Mapping)]
    configs = {str(c.get("action_name")): c for c in value.get("review_configs") or ()
               if isinstance(c, Mapping)}
    for action in actions:
        allowed = (configs.get(str(action.get("name"))) or {}).get("allowed_decisions")
        if allowed is not None and "approve" not in allowed:
            raise NoProposal(f"the call {action.get('name')!r} may not be approved as it is")
    return {"decisions": [{"type": "approve"} for _ in actions]}


def _schema_answer(value: Any, schema: Mapping[str, Any] | None) -> Any:
    if isinstance(value, str):
        raise NoProposal("it asks a question and proposes no answer")
    proposal = proposal_of(value, "" if isinstance(value, Mapping) and len(value) == 1
                           else None)
    if proposal is None:
        raise NoProposal("it proposes no answer")
    answer = proposal
    if isinstance(proposal, Mapping) and isinstance(schema, Mapping):
        answer = dict(proposal)
        props = schema.get("properties") or {}
        for key, spec in props.items():
            if key in answer or not isinstance(spec, Mapping):
                continue
            if key in _APPROVAL_KEYS and spec.get("type") == "boolean":
                answer[key] = True
            elif "default" in spec:
                answer[key] = spec["default"]
    if isinstance(schema, Mapping):
        errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(answer))
        if errors:
            raise NoProposal(f"its proposal is not a whole answer: {errors[0].message}")
    return answer


def accept_answer(interrupt: Mapping[str, Any]) -> Any:
    """The answer accepting ``interrupt``'s proposal as it is; ``NoProposal`` if none."""
    value = interrupt.get("value")
    if isinstance(value, Mapping) and isinstance(value.get("action_requests"), list):
        return _hitl_request(value)
    if isinstance(value, Mapping) and value.get("type") == "tool_approval":
        return {"type": "approve"}
    if (isinstance(value, list) and value and isinstance(value[0], Mapping)
            and isinstance(value[0].get("action_request"), Mapping)):
        if (value[0].get("config") or {}).get("allow_accept") is False:
            raise NoProposal("its action may not be accepted as it is")
        return [{"type": "accept", "args": None}]
    schema = interrupt.get("response_schema")
    return _schema_answer(value, schema if isinstance(schema, Mapping) else None)


def proposal_key(interrupt: Mapping[str, Any]) -> str:
    """A key equal for two interrupts whose proposals are the same (sorted JSON)."""
    import json

    return json.dumps(proposal_of(interrupt.get("value")), sort_keys=True, default=str)


REJECTED = "rejected by the reviewer"
"""The message a rejection sends where the payload takes one."""


def reject_answer(interrupt: Mapping[str, Any]) -> Any:
    """The answer rejecting ``interrupt``'s proposal; ``NoProposal`` when the payload has no
    way to say no (then the reviewer answers in the form)."""
    value = interrupt.get("value")
    if isinstance(value, Mapping) and isinstance(value.get("action_requests"), list):
        configs = {str(c.get("action_name")): c for c in value.get("review_configs") or ()
                   if isinstance(c, Mapping)}
        decisions = []
        for action in value["action_requests"]:
            allowed = (configs.get(str(action.get("name"))) or {}).get("allowed_decisions")
            if allowed is not None and "reject" not in allowed:
                raise NoProposal(f"the call {action.get('name')!r} may not be rejected")
            decisions.append({"type": "reject", "message": REJECTED})
        return {"decisions": decisions}
    if isinstance(value, Mapping) and value.get("type") == "tool_approval":
        return {"type": "reject", "message": REJECTED}
    if (isinstance(value, list) and value and isinstance(value[0], Mapping)
            and isinstance(value[0].get("action_request"), Mapping)):
        if not (value[0].get("config") or {}).get("allow_ignore"):
            raise NoProposal("its action may not be ignored")
        return [{"type": "ignore", "args": None}]
    schema = interrupt.get("response_schema")
    props = (schema.get("properties") or {}) if isinstance(schema, Mapping) else {}
    flag = next((k for k in _APPROVAL_KEYS if isinstance(props.get(k), Mapping)
                 and props[k].get("type") == "boolean"), None)
    if flag is not None:
        answer = accept_answer(interrupt)
        return {**answer, flag: False}
    if (isinstance(schema, Mapping) and schema.get("type") == "boolean") or (
            schema is None and isinstance(value, str)):
        return False
    raise NoProposal("it has no way to say no; answer it in the form")
