"""Arrays of scalars and of objects, with item-count bounds."""

SCHEMA = {
    "type": "object",
    "properties": {
        "tags": {"type": "array", "items": {"type": "string", "minLength": 1},
                 "minItems": 1, "maxItems": 3, "default": ["x"]},
        "points": {"type": "array", "items": {
            "type": "object", "title": "Point",
            "properties": {"x": {"type": "integer"}, "y": {"type": "integer"}},
            "required": ["x", "y"]}},
        "pair": {"type": "array", "prefixItems": [{"type": "string"}, {"type": "integer"}],
                 "items": False, "default": ["a", 1]},
    },
    "required": ["tags", "points"],
}

CASE = {
    "interrupt": {"value": None, "id": "i-arrays", "response_schema": SCHEMA},
    "renderer": "schema",
    "kinds": {("tags",): "array", ("tags", 0): "text", ("points",): "array",
              ("pair", 0): "text", ("pair", 1): "integer"},
    "untouched": {"tags": ["x"], "points": [], "pair": ["a", 1]},
    "valid": [{"tags": ["a", "b", "c"], "points": [{"x": 1, "y": 2}, {"x": -1, "y": 0}],
               "pair": ["b", 2]}],
    "invalid": [
        ({"tags": [], "points": [], "pair": ["a", 1]}, ("tags",), "at least 1 item"),
        ({"tags": ["a", "b", "c", "d"], "points": [], "pair": ["a", 1]}, ("tags",),
         "at most 3 items"),
        ({"tags": ["a", ""], "points": [], "pair": ["a", 1]}, ("tags", 1), "must not be empty"),
    ],
}
