"""Data shapes the forms layer hands to its callers (the view, tests, notebooks)."""

from __future__ import annotations

from typing import Any, Literal, TypedDict


class FormFallbackWarning(UserWarning):
    """A typed form could not be built for an interrupt; it is answered with the JSON editor.

    The form still works (and says why in place); the warning is there so that a renderer
    bug or an unsupported schema does not go unnoticed in tests and logs.
    """


class FieldError(TypedDict):
    """One problem with an answer, placed on the field it is about."""

    interrupt_id: str
    """The interrupt whose answer has the problem."""

    loc: tuple[str | int, ...]
    """Where in that answer: keys and indexes, as in pydantic's `loc` (`()` is the whole answer)."""

    msg: str
    """What to tell the reviewer."""


class Change(TypedDict):
    """One difference between what the interrupt proposed and what the reviewer will send."""

    interrupt_id: str
    """The interrupt this change belongs to."""

    loc: tuple[str | int, ...]
    """Where in the answer (keys and indexes)."""

    kind: Literal["changed", "added", "removed"]
    """`added`: not in the proposal; `removed`: in the proposal, not in the answer."""

    before: Any
    """The proposed value (None when `kind` is `added`)."""

    after: Any
    """The value that will be sent (None when `kind` is `removed`)."""

    diff: str | None
    """For long or multi-line strings: a unified diff of the text; otherwise None."""
