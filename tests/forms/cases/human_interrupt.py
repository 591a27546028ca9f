"""Agent Inbox `HumanInterrupt` (wrapped in a one-element list, as Agent Inbox sends it)."""

REQUEST = {
    "action_request": {"action": "write_file", "args": {"path": "a.txt", "lines": 3,
                                                        "append": False}},
    "config": {"allow_accept": True, "allow_edit": True, "allow_respond": True,
               "allow_ignore": False},
    "description": "Write the file?",
}

CASE = {
    "interrupt": {"value": [REQUEST], "id": "i-inbox", "response_schema": None},
    "renderer": "human_interrupt",
    "kinds": {(): "decisions", (0,): "decision"},
    "untouched": [{"type": "accept", "args": None}],
    "valid": [
        [{"type": "edit", "args": {"action": "write_file",
                                   "args": {"path": "b.txt", "lines": 4, "append": True}}}],
        [{"type": "response", "args": "Use b.txt instead"}],
    ],
    "invalid": [
        ([{"type": "response", "args": ""}], (0, "args"), "must not be empty"),
    ],
    "refused": [([{"type": "ignore", "args": None}], (0,), "not allowed", ValueError)],
}
