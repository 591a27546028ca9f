"""Agent Inbox `HumanInterrupt` given alone (not in a list): still answered with a list."""

CASE = {
    "interrupt": {"value": {"action_request": {"action": "ping", "args": {"n": 1}},
                            "config": {"allow_accept": True, "allow_ignore": True,
                                       "allow_edit": False, "allow_respond": False},
                            "description": None},
                  "id": "i-inbox-bare", "response_schema": None},
    "renderer": "human_interrupt",
    "kinds": {(0,): "decision"},
    # Nothing pre-selected: nobody said what "ping" does, so the reviewer chooses (a
    # described, harmless action such as human_interrupt.py's write_file is accepted).
    "untouched": [{"type": "", "args": None}],
    "valid_untouched": False,
    "valid": [[{"type": "accept", "args": None}], [{"type": "ignore", "args": None}]],
    "refused": [([{"type": "edit", "args": {"action": "ping", "args": {"n": 2}}}], (0,),
                 "not allowed", ValueError)],
}
