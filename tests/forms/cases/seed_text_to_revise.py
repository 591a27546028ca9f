"""The LangGraph docs' example: revise a text, resume with the edited string."""

CASE = {
    "interrupt": {"value": {"text_to_revise": "original text"}, "id": "i-seed",
                  "response_schema": None},
    "renderer": "text_to_revise",
    "kinds": {(): "textarea"},
    "untouched": "original text",
    "valid": ["Edited text", "", "line one\nline two"],
    "invalid": [],
}
