"""Strings with `format`: validated locally, with a placeholder showing the expected shape."""

SCHEMA = {
    "type": "object",
    "properties": {
        "day": {"type": "string", "format": "date"},
        "at": {"type": "string", "format": "date-time"},
        "clock": {"type": "string", "format": "time"},
        "mail": {"type": "string", "format": "email"},
        "site": {"type": "string", "format": "uri"},
        "ref": {"type": "string", "format": "uuid"},
    },
    "required": ["day", "at", "clock", "mail", "site", "ref"],
}

GOOD = {"day": "2026-11-26", "at": "2026-11-26T09:30:00+00:00", "clock": "09:30:00",
        "mail": "ada@example.com", "site": "https://example.com/x",
        "ref": "12345678-1234-5678-1234-567812345678"}

CASE = {
    "interrupt": {"value": None, "id": "i-formats", "response_schema": SCHEMA},
    "renderer": "schema",
    "kinds": {("day",): "date", ("at",): "text", ("ref",): "text"},
    # What pydantic (the graph's own validator) accepts: naive or with an offset.
    "valid": [GOOD, {**GOOD, "at": "2026-01-01T00:00:00Z"},
              {**GOOD, "at": "2026-11-26T10:00:00"}, {**GOOD, "at": "2026-11-26 09:30"},
              {**GOOD, "at": "2026-11-26T10:00:00.5-05:00"},
              {**GOOD, "clock": "09:30"}, {**GOOD, "clock": "09:30:00+02:00"},
              {**GOOD, "clock": "09:30:00.123Z"}],
    "invalid": [
        ({**GOOD, "at": "26/11/2026 09:30"}, ("at",), "Not a valid date-time"),
        ({**GOOD, "at": "2026-11-26T10"}, ("at",), "Not a valid date-time"),
        ({**GOOD, "clock": "9h30"}, ("clock",), "Not a valid time"),
        ({**GOOD, "clock": "25:00"}, ("clock",), "Not a valid time"),
        ({**GOOD, "mail": "not-an-email"}, ("mail",), "Not a valid email"),
        ({**GOOD, "site": "no scheme"}, ("site",), "Not a valid uri"),
        ({**GOOD, "ref": "1234"}, ("ref",), "Not a valid uuid"),
    ],
    "refused": [({**GOOD, "day": "26/11/2026"}, ("day",), "Not a valid date", ValueError)],
}
