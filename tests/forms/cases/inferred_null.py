"""A None value: nothing to infer from, so the raw JSON editor."""

CASE = {
    "interrupt": {"value": None, "id": "i-none", "response_schema": None},
    "renderer": "json",
    "kinds": {(): "json"},
    "untouched": None,
    "valid": [{"anything": [1, 2.5, None, True]}, "text", None],
    "invalid": [],
}
