"""`additionalProperties`: a key/value editor (`dict[str, int]`), alone and beside properties."""

SCHEMA = {
    "type": "object",
    "properties": {
        "limits": {"type": "object", "additionalProperties": {"type": "integer", "minimum": 0},
                   "default": {"cpu": 2}},
        "labels": {"type": "object", "properties": {"team": {"type": "string"}},
                   "required": ["team"],
                   "additionalProperties": {"type": "string"}},
    },
    "required": ["limits", "labels"],
}

CASE = {
    "interrupt": {"value": None, "id": "i-mapping", "response_schema": SCHEMA},
    "renderer": "schema",
    "kinds": {("limits",): "mapping", ("limits", "cpu"): "integer", ("labels",): "object",
              ("labels", "team"): "text"},
    "untouched": {"limits": {"cpu": 2}, "labels": {"team": ""}},
    "valid": [{"limits": {"cpu": 4, "memory": 512}, "labels": {"team": "a", "env": "prod"}}],
    "invalid": [({"limits": {"cpu": -1}, "labels": {"team": "a"}}, ("limits", "cpu"),
                 "at least 0")],
}
