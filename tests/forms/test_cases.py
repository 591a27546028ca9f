"""Every case file in `cases/` expanded into tests (see cases/README.md)."""

from __future__ import annotations

import copy
import importlib
import pathlib
from typing import Any

import pytest

from hitl_widgets.forms import InterruptForm
from hitl_widgets.forms.schema.validate import find_field
from tests.forms.helpers import error_texts, kinds, same

CASES = {p.stem: importlib.import_module(f"tests.forms.cases.{p.stem}").CASE
         for p in sorted((pathlib.Path(__file__).parent / "cases").glob("*.py"))}


def _each(key: str) -> list[Any]:
    return [pytest.param(name, i, id=f"{name}-{i}")
            for name, case in CASES.items() for i in range(len(case.get(key, [])))]


def _form(name: str) -> InterruptForm:
    return InterruptForm(copy.deepcopy(CASES[name]["interrupt"]))


@pytest.mark.parametrize("name", list(CASES))
def test_renderer_and_field_kinds(name: str) -> None:
    case = CASES[name]
    form = _form(name)
    assert form.parts[0].renderer == case["renderer"]
    found = kinds(form)
    for loc, kind in case["kinds"].items():
        assert kind in found.get(loc, set()), f"{loc}: {found.get(loc)}"


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if "untouched" in c])
def test_untouched_form_answers_the_defaults(name: str) -> None:
    form = _form(name)
    assert same(form.value, CASES[name]["untouched"]), form.value
    if CASES[name].get("valid_untouched", True):
        assert form.errors == []
    assert form.changes() == []


@pytest.mark.parametrize(("name", "i"), _each("valid"))
def test_valid_answer_round_trips_and_submits(name: str, i: int) -> None:
    answer = CASES[name]["valid"][i]
    form = _form(name)
    sent: list[Any] = []
    form.on_submit(sent.append)
    form.value = copy.deepcopy(answer)
    assert same(form.value, answer), form.value
    assert form.errors == []
    iid = CASES[name]["interrupt"]["id"]
    assert same(form.submit(), {iid: answer})
    assert len(sent) == 1 and same(sent[0], {iid: answer})


@pytest.mark.parametrize(("name", "i"), _each("invalid"))
def test_invalid_answer_is_refused_on_its_field(name: str, i: int) -> None:
    answer, loc, fragment = CASES[name]["invalid"][i]
    form = _form(name)
    sent: list[Any] = []
    form.on_submit(sent.append)
    form.value = copy.deepcopy(answer)
    errors = form.errors
    assert any(e["loc"] == loc and fragment in e["msg"] for e in errors), errors
    assert form.submit() is None and sent == []
    field, rest = find_field(form.parts[0].field, loc)
    assert rest == ()
    assert fragment in error_texts(field)


@pytest.mark.parametrize(("name", "i"), _each("refused"))
def test_unshowable_answer_is_refused_while_filling(name: str, i: int) -> None:
    # An answer the fields cannot even show (a number where a text goes, an action the
    # reviewer is not offered): setting it raises, naming the place and the problem.
    answer, loc, fragment, error = CASES[name]["refused"][i]
    form = _form(name)
    with pytest.raises(error) as caught:
        form.value = copy.deepcopy(answer)
    assert type(caught.value) is error, caught.value
    assert fragment in str(caught.value)
    assert ".".join(map(str, loc)) in str(caught.value)
