"""An untyped nested dict: fields matching each value's type; the value is the default."""

VALUE = {
    "count": 3,
    "ratio": 0.25,
    "enabled": True,
    "name": "report",
    "tags": ["a", "b"],
    "scores": [1, 2, 3],
    "nothing": None,
    "mixed": [1, "two", None],
    "nested": {"depth": 2, "label": "inner"},
    "rows": [{"x": 1, "y": "a"}, {"x": 2, "y": "b"}],
}

CASE = {
    "interrupt": {"value": VALUE, "id": "i-nested", "response_schema": None},
    "renderer": "inferred",
    "kinds": {(): "object", ("count",): "integer", ("ratio",): "number",
              ("enabled",): "boolean", ("name",): "text", ("tags",): "array",
              ("tags", 0): "text", ("scores", 0): "integer", ("nothing",): "json",
              ("mixed",): "array", ("nested",): "object", ("nested", "depth"): "integer",
              ("rows", 1, "y"): "text"},
    "untouched": VALUE,
    "valid": [{**VALUE, "count": 4, "tags": ["c"], "nothing": {"any": [1]},
               "rows": [{"x": 9, "y": "z"}]}],
    "invalid": [],
}
