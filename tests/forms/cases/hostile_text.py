"""Titles, descriptions and values with HTML and markdown: shown as text, never as markup."""

EVIL = "<script>alert(1)</script><img src=x onerror=alert(2)> **bold** [link](javascript:x)"

SCHEMA = {
    "type": "object",
    "title": EVIL,
    "description": EVIL,
    "properties": {"answer": {"type": "string", "title": EVIL, "description": EVIL,
                              "enum": [EVIL, "ok"]}},
    "required": ["answer"],
}

CASE = {
    "interrupt": {"value": {"question": EVIL, "n": 1}, "id": "i-evil", "response_schema": SCHEMA},
    "renderer": "schema",
    "kinds": {("answer",): "choice"},
    "valid": [{"answer": "ok"}],
    "invalid": [],
    "hostile": EVIL,
}
