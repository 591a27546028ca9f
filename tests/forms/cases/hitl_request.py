"""LangChain `HumanInTheLoopMiddleware` (batched): one decision per action, in order."""

VALUE = {
    "action_requests": [
        {"name": "send_email", "args": {"to": "a@b.c", "subject": "hi", "urgent": True,
                                        "copies": 2, "cc": ["x@y.z"]},
         "description": "Tool execution requires approval"},
        {"name": "delete_file", "args": {"path": "/tmp/x"}, "description": "Danger"},
    ],
    "review_configs": [
        {"action_name": "send_email", "allowed_decisions": ["approve", "edit", "reject"]},
        {"action_name": "delete_file", "allowed_decisions": ["approve", "reject", "respond"]},
    ],
}

EDITED = {"type": "edit", "edited_action": {"name": "send_email", "args": {
    "to": "c@d.e", "subject": "hello", "urgent": False, "copies": 3, "cc": []}}}

CASE = {
    "interrupt": {"value": VALUE, "id": "i-hitl", "response_schema": None},
    "renderer": "hitl_request",
    "kinds": {(): "decisions", ("decisions", 0): "decision", ("decisions", 1): "decision"},
    # Nothing pre-selected: send_email's purpose is not given (the middleware's generic
    # text) and delete_file deletes; the reviewer chooses (tests/forms/test_tool_defaults.py).
    "untouched": {"decisions": [{"type": ""}, {"type": ""}]},
    "valid_untouched": False,
    "valid": [
        {"decisions": [EDITED, {"type": "respond", "message": "File kept."}]},
        {"decisions": [{"type": "reject", "message": "no"}, {"type": "reject"}]},
    ],
    "invalid": [
        ({"decisions": [{"type": "approve"}, {"type": "respond", "message": ""}]},
         ("decisions", 1, "message"), "must not be empty"),
    ],
    "refused": [
        ({"decisions": [{"type": "approve"}, {"type": "edit", "edited_action": {
            "name": "delete_file", "args": {}}}]}, ("decisions", 1), "not allowed", ValueError),
        ({"decisions": [{"type": "approve"}]}, (), "2 decision(s)", ValueError),
    ],
}
