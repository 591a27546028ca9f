"""A recursive model (`Node.children: list[Node]`, `next: Node | None`): bounded build."""

SCHEMA = {
    "$defs": {"Node": {"type": "object", "title": "Node", "properties": {
        "name": {"type": "string"},
        "children": {"type": "array", "items": {"$ref": "#/$defs/Node"}, "default": []},
        "next": {"anyOf": [{"$ref": "#/$defs/Node"}, {"type": "null"}], "default": None}},
        "required": ["name"]}},
    "$ref": "#/$defs/Node",
}

DEEP = {"name": "a", "children": [{"name": "b", "children": [
    {"name": "c", "children": [{"name": "d", "children": [], "next": None}], "next": None}],
    "next": None}], "next": {"name": "n", "children": [], "next": None}}

CASE = {
    "interrupt": {"value": None, "id": "i-tree", "response_schema": SCHEMA},
    "renderer": "schema",
    "kinds": {(): "object", ("name",): "text", ("children",): "array", ("next",): "nullable"},
    "untouched": {"name": "", "children": [], "next": None},
    "valid": [DEEP],
    "refused": [({"name": "a", "children": [{"children": [], "next": None, "name": 5}],
                  "next": None}, ("children", 0, "name"), "expects a string",
                 TypeError)],
}
