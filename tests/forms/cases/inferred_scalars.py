"""A bare number value: an integer field; the answer stays an int."""

CASE = {
    "interrupt": {"value": 42, "id": "i-int", "response_schema": None},
    "renderer": "inferred",
    "kinds": {(): "integer"},
    "untouched": 42,
    "valid": [0, -7, 2**40],
    "invalid": [],
}
