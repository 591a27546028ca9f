"""Scalars with bounds, lengths, patterns and defaults."""

SCHEMA = {
    "type": "object",
    "title": "Settings",
    "properties": {
        "name": {"type": "string", "title": "Name", "minLength": 2, "maxLength": 10},
        "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
        "age": {"type": "integer", "minimum": 0, "maximum": 130},
        "ratio": {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1,
                  "default": 0.5},
        "step": {"type": "integer", "multipleOf": 5, "default": 10},
        "active": {"type": "boolean", "default": True},
        "note": {"type": "string", "description": "Optional; left out when untouched"},
    },
    "required": ["name", "code", "age"],
}

CASE = {
    "interrupt": {"value": "Fill in the settings", "id": "i-scalars", "response_schema": SCHEMA},
    "renderer": "schema",
    "kinds": {("name",): "text", ("code",): "text", ("age",): "integer",
              ("ratio",): "number", ("step",): "integer", ("active",): "boolean",
              ("note",): "optional"},
    # A required number without a default starts empty (not at 0): left out until filled.
    "untouched": {"name": "", "code": "", "ratio": 0.5, "step": 10, "active": True},
    "valid_untouched": False,  # name, code and age are required and start empty
    "valid": [
        {"name": "Ada", "code": "ABC", "age": 36, "ratio": 0.5, "step": 15, "active": False},
        {"name": "Bob", "code": "XYZ", "age": 0, "ratio": 0.999, "step": 0, "active": True,
         "note": "hello"},
    ],
    "invalid": [
        ({"name": "A", "code": "ABC", "age": 1, "ratio": 0.5, "step": 10, "active": True},
         ("name",), "at least 2 characters"),
        ({"name": "Abcdefghijk", "code": "ABC", "age": 1, "ratio": 0.5, "step": 10,
          "active": True}, ("name",), "at most 10 characters"),
        ({"name": "Ann", "code": "abc", "age": 1, "ratio": 0.5, "step": 10, "active": True},
         ("code",), "pattern ^[A-Z]{3}$"),
        ({"name": "Ann", "code": "ABC", "age": 131, "ratio": 0.5, "step": 10, "active": True},
         ("age",), "at most 130"),
        ({"name": "Ann", "code": "ABC", "age": -1, "ratio": 0.5, "step": 10, "active": True},
         ("age",), "at least 0"),
        ({"name": "Ann", "code": "ABC", "age": 1, "ratio": 1.0, "step": 10, "active": True},
         ("ratio",), "less than 1"),
        ({"name": "Ann", "code": "ABC", "age": 1, "ratio": 0, "step": 10, "active": True},
         ("ratio",), "greater than 0"),
        ({"name": "Ann", "code": "ABC", "age": 1, "ratio": 0.5, "step": 7, "active": True},
         ("step",), "multiple of 5"),
    ],
}
