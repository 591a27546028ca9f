"""Interrupt forms: any LangGraph interrupt as an editable, typed ipywidgets form.

    form = InterruptForm(state["interrupts"], labels={interrupt_id: "node name"})
    form                                  # display it; the reviewer edits and clicks Submit
    form.on_submit(lambda resume: client.runs.wait(..., command={"resume": resume}))
    form.value = {...}; form.submit()     # or answer from code (tests, notebooks in CI)

`InterruptForm` picks a renderer per interrupt (first match wins): user renderers
(`register_renderer`), LangChain per-call tool approvals, `response_schema` (JSON Schema),
LangChain `HITLRequest`, Agent Inbox `HumanInterrupt`, and else fields inferred from the
value, with a raw JSON editor as the fallback and as the "Edit as JSON" switch. Answers keep
their types; they are checked with `jsonschema` before anything is sent; the Submit button
sends the values shown on screen (see `hitl_widgets.forms.form` for the DOM contract).

This layer never touches a graph: it turns an interrupt into widgets, and widgets back
into an answer.
"""

from hitl_widgets.forms.fields.base import Field, FormContext
from hitl_widgets.forms.form import InterruptForm
from hitl_widgets.forms.part import InterruptPart
from hitl_widgets.forms.renderers.registry import register_renderer
from hitl_widgets.forms.submit import SubmitButton
from hitl_widgets.forms.types import Change, FieldError, FormFallbackWarning

__all__ = [
    "Change",
    "Field",
    "FieldError",
    "FormContext",
    "FormFallbackWarning",
    "InterruptForm",
    "InterruptPart",
    "SubmitButton",
    "register_renderer",
]
