"""A bare string value: a text area pre-filled with it."""

CASE = {
    "interrupt": {"value": "Please write the summary", "id": "i-str", "response_schema": None},
    "renderer": "inferred",
    "kinds": {(): "textarea"},
    "untouched": "Please write the summary",
    "valid": ["A summary.", "ünïcødé ✓"],
    "invalid": [],
}
