"""Property: for any schema of the supported kinds and any value valid against it, setting
the value into the form and reading it back gives the same value (types included), and the
form finds nothing wrong with it."""

from __future__ import annotations

import datetime
import os
from typing import Any

import jsonschema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hitl_widgets.forms import InterruptForm
from hitl_widgets.forms.schema.validate import FORMATS
from tests.forms.helpers import same

Pair = tuple[dict[str, Any], st.SearchStrategy[Any]]
"""A schema and a strategy for values valid against it."""

SAFE_INT = 2**53
EXAMPLES = int(os.environ.get("HITL_HYPOTHESIS_EXAMPLES", "150"))
"""Examples per property; raise it for a deeper run (`HITL_HYPOTHESIS_EXAMPLES=2000`)."""
KEYS = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True)
JSON_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-100, 100), st.text(max_size=8))


@st.composite
def integers(draw: st.DrawFn) -> Pair:
    low = draw(st.none() | st.integers(-1000, 1000))
    high = draw(st.none() | st.integers(low if low is not None else -1000, 2000))
    schema: dict[str, Any] = {"type": "integer"}
    if low is not None:
        schema["minimum"] = low
    if high is not None:
        schema["maximum"] = high
    return schema, st.integers(low if low is not None else -SAFE_INT,
                               high if high is not None else SAFE_INT)


@st.composite
def enums(draw: st.DrawFn) -> Pair:
    options = draw(st.lists(JSON_SCALARS, min_size=1, max_size=5,
                            unique_by=lambda v: (type(v).__name__, v)))
    return {"enum": options}, st.sampled_from(options)


SCALARS: st.SearchStrategy[Pair] = st.one_of(
    st.just(({"type": "string"}, st.text(max_size=30))),
    st.just(({"type": "string", "maxLength": 5}, st.text(max_size=5))),
    integers(),
    st.just(({"type": "number"}, st.floats(allow_nan=False, allow_infinity=False)
             | st.integers(-SAFE_INT, SAFE_INT))),
    st.just(({"type": "boolean"}, st.booleans())),
    st.just(({"type": "string", "format": "date"},
             st.dates(min_value=datetime.date(1, 1, 1)).map(lambda d: d.isoformat()))),
    st.just(({"const": "fixed"}, st.just("fixed"))),
    enums(),
)


def _object(children: st.SearchStrategy[Pair]) -> st.SearchStrategy[Pair]:
    @st.composite
    def build(draw: st.DrawFn) -> Pair:
        props = draw(st.dictionaries(KEYS, children, min_size=1, max_size=4))
        required = [k for k in props if draw(st.booleans())]
        schema = {"type": "object", "properties": {k: s for k, (s, _) in props.items()},
                  "required": required}
        values = st.fixed_dictionaries(
            {k: v for k, (_, v) in props.items() if k in required},
            optional={k: v for k, (_, v) in props.items() if k not in required})
        return schema, values

    return build()


def _array(children: st.SearchStrategy[Pair]) -> st.SearchStrategy[Pair]:
    return children.map(lambda p: ({"type": "array", "items": p[0]},
                                   st.lists(p[1], max_size=3)))


def _nullable(children: st.SearchStrategy[Pair]) -> st.SearchStrategy[Pair]:
    return children.map(lambda p: ({"anyOf": [p[0], {"type": "null"}]}, st.none() | p[1]))


def _mapping(children: st.SearchStrategy[Pair]) -> st.SearchStrategy[Pair]:
    return children.map(lambda p: (
        {"type": "object", "additionalProperties": p[0]},
        st.dictionaries(st.text(min_size=1, max_size=5), p[1], max_size=3)))


def _tagged(children: st.SearchStrategy[Pair]) -> st.SearchStrategy[Pair]:
    @st.composite
    def build(draw: st.DrawFn) -> Pair:
        branches = draw(st.lists(children, min_size=2, max_size=3))
        schemas, values = [], []
        for i, (s, v) in enumerate(branches):
            tag = f"t{i}"
            schemas.append({"type": "object", "title": tag,
                            "properties": {"kind": {"const": tag}, "p": s},
                            "required": ["kind", "p"]})
            values.append(st.fixed_dictionaries({"kind": st.just(tag), "p": v}))
        return ({"oneOf": schemas, "discriminator": {"propertyName": "kind"}},
                st.one_of(values))

    return build()


SCHEMAS = st.recursive(
    SCALARS,
    lambda children: st.one_of(_object(children), _array(children), _nullable(children),
                               _mapping(children), _tagged(children)),
    max_leaves=8,
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_value_set_into_the_form_reads_back_identical(data: st.DataObject) -> None:
    schema, values = data.draw(SCHEMAS, label="schema")
    value = data.draw(values, label="value")
    assert jsonschema.Draft202012Validator(schema, format_checker=FORMATS).is_valid(value)
    form = InterruptForm({"value": None, "id": "p", "response_schema": schema})
    form.value = value
    assert same(form.value, value), (form.value, value)
    assert form.errors == []
    form.value = value  # and again over a filled form
    assert same(form.value, value)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-SAFE_INT, SAFE_INT)
    | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=4),
    max_leaves=12,
)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=JSON_VALUES)
def test_untouched_inferred_form_answers_the_value_itself(value: Any) -> None:
    from hypothesis import assume

    from hitl_widgets.forms.renderers.human_interrupt import is_human_interrupt
    from hitl_widgets.forms.renderers.inferred import text_to_revise

    interrupt = {"value": value, "id": "v"}
    # These shapes are read as requests with their own answers (see the case files).
    assume(text_to_revise(value) is None and not is_human_interrupt(interrupt))
    form = InterruptForm(interrupt)
    assert same(form.value, value), (form.value, value)
    assert form.changes() == [] and form.errors == []
