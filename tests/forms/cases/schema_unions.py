"""A pydantic discriminated union, an untagged `anyOf`, a nullable ref, and a const."""

SCHEMA = {
    "$defs": {
        "Cat": {"type": "object", "title": "Cat", "properties": {
            "kind": {"const": "cat", "default": "cat", "type": "string"},
            "lives": {"type": "integer", "default": 9, "maximum": 9}}},
        "Dog": {"type": "object", "title": "Dog", "properties": {
            "kind": {"const": "dog", "default": "dog", "type": "string"},
            "good": {"type": "boolean", "default": True}}},
        "Address": {"type": "object", "properties": {"street": {"type": "string"}},
                    "required": ["street"]},
    },
    "type": "object",
    "properties": {
        "pet": {"oneOf": [{"$ref": "#/$defs/Cat"}, {"$ref": "#/$defs/Dog"}],
                "discriminator": {"propertyName": "kind",
                                  "mapping": {"cat": "#/$defs/Cat", "dog": "#/$defs/Dog"}}},
        "id": {"anyOf": [{"type": "integer"}, {"type": "string"}], "default": 1},
        "address": {"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}], "default": None},
        "note": {"type": ["string", "null"], "default": None},
        "version": {"const": 2},
        "mode": {"enum": ["fast", "slow", 3, None], "default": "fast"},
    },
    "required": ["pet", "version"],
}

CASE = {
    "interrupt": {"value": None, "id": "i-unions", "response_schema": SCHEMA},
    "renderer": "schema",
    "kinds": {("pet",): "union", ("pet", "kind"): "const", ("id",): "union",
              ("address",): "nullable", ("note",): "nullable", ("version",): "const",
              ("mode",): "choice"},
    "untouched": {"pet": {"kind": "cat", "lives": 9}, "id": 1, "address": None, "note": None,
                  "version": 2, "mode": "fast"},
    "valid": [
        {"pet": {"kind": "dog", "good": False}, "id": "abc", "address": {"street": "Main"},
         "note": "hi", "version": 2, "mode": 3},
        {"pet": {"kind": "cat", "lives": 3}, "id": 7, "address": None, "note": None,
         "version": 2, "mode": None},
    ],
    "invalid": [
        ({"pet": {"kind": "cat", "lives": 10}, "id": 1, "address": None, "note": None,
          "version": 2, "mode": "fast"}, ("pet", "lives"), "at most 9"),
    ],
}
