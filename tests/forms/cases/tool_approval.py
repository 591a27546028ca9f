"""LangChain per-call `ToolApprovalRequest`, with the union `response_schema` it carries
(as `HumanInTheLoopMiddleware(interrupt_mode="per_call")` produces it)."""

SCHEMA = {
    "$defs": {
        "ApproveDecision": {"properties": {"type": {"const": "approve", "type": "string"}},
                            "required": ["type"], "title": "ApproveDecision",
                            "type": "object"},
        "EditDecision": {"properties": {"type": {"const": "edit", "type": "string"},
                                        "edited_action": {"$ref": "#/$defs/EditedAction"}},
                         "required": ["type", "edited_action"], "title": "EditDecision",
                         "type": "object"},
        "EditedAction": {"properties": {"name": {"const": "send_email", "type": "string"},
                                        "args": {"$ref": "#/$defs/send_email"}},
                         "required": ["name", "args"], "type": "object"},
        "RejectDecision": {"properties": {"type": {"const": "reject", "type": "string"},
                                          "message": {"type": "string"}},
                           "required": ["type"], "type": "object"},
        "send_email": {"properties": {"to": {"type": "string"},
                                      "copies": {"default": 1, "type": "integer",
                                                 "minimum": 1}},
                       "required": ["to"], "type": "object"},
    },
    "discriminator": {"propertyName": "type", "mapping": {
        "approve": "#/$defs/ApproveDecision", "edit": "#/$defs/EditDecision",
        "reject": "#/$defs/RejectDecision"}},
    "oneOf": [{"$ref": "#/$defs/ApproveDecision"}, {"$ref": "#/$defs/EditDecision"},
              {"$ref": "#/$defs/RejectDecision"}],
}

VALUE = {"type": "tool_approval", "tool_call_id": "c1", "name": "send_email",
         "args": {"to": "a@b.c", "copies": 2}, "description": "Send it?"}

CASE = {
    "interrupt": {"value": VALUE, "id": "i-call", "response_schema": SCHEMA},
    "renderer": "tool_approval",
    # The batched form's decision field: the same choices, labels and pre-selection.
    "kinds": {(): "decision"},
    "untouched": {"type": "approve"},
    "valid": [
        {"type": "edit", "edited_action": {"name": "send_email",
                                           "args": {"to": "z@y.x", "copies": 5}}},
        {"type": "reject", "message": "not now"},
        {"type": "reject"},
    ],
    "invalid": [
        ({"type": "edit", "edited_action": {"name": "send_email", "args": {"to": "z@y.x",
                                                                           "copies": 0}}},
         ("edited_action", "args", "copies"), "at least 1"),
    ],
}
