"""`{"question": ...}`: the text is the question (shown as context); the answer starts empty."""

CASE = {
    "interrupt": {"value": {"question": "Which city should we fly to?"}, "id": "i-question",
                  "response_schema": None},
    "renderer": "question",
    "kinds": {(): "textarea"},
    "untouched": "",
    "valid": ["Lisbon", "Lisbon\nor Porto"],
    "invalid": [],
}
