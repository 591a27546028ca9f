"""The public surface of `hitl_widgets.forms`: complete, typed, documented, shipped."""

from __future__ import annotations

import inspect
import pathlib

import hitl_widgets.forms as forms


def test_all_is_exact() -> None:
    public = {n for n, v in vars(forms).items()
              if not n.startswith("_") and not inspect.ismodule(v)}
    assert set(forms.__all__) == public


def test_every_public_name_has_a_docstring_and_annotations() -> None:
    for name in forms.__all__:
        obj = getattr(forms, name)
        assert inspect.getdoc(obj), name
        if inspect.isfunction(obj):
            hints = inspect.get_annotations(obj)
            assert "return" in hints and len(hints) > 1, name


def test_form_public_methods_are_documented() -> None:
    for name, member in vars(forms.InterruptForm).items():
        if not name.startswith("_"):
            assert inspect.getdoc(member), name


def test_submit_front_end_ships_inside_the_package() -> None:
    # Hatchling packages everything under hitl_widgets/ (pyproject: packages = ["hitl_widgets"]).
    js = pathlib.Path(forms.__file__).parent / "submit.js"
    assert js.is_file() and "export default" in js.read_text()


def test_no_module_is_too_long() -> None:
    root = pathlib.Path(forms.__file__).parent
    for path in root.rglob("*.py"):
        assert len(path.read_text().splitlines()) <= 420, path
