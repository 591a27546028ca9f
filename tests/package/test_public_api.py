"""Every package's ``__all__`` is exact, and every public name is documented."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import hitl_widgets

# The public layers (DESIGN.md); their sub-packages are internal.
PACKAGES = ["hitl_widgets", "hitl_widgets.client", "hitl_widgets.forms", "hitl_widgets.http",
            "hitl_widgets.runtime", "hitl_widgets.views"]


def test_every_module_says_what_it_is_for() -> None:
    undocumented = [
        name for _, name, _ in pkgutil.walk_packages(hitl_widgets.__path__, "hitl_widgets.")
        if not importlib.import_module(name).__doc__
        and not (importlib.import_module(name).__file__ or "").endswith("__init__.py")
    ]
    assert undocumented == []


@pytest.mark.parametrize("name", PACKAGES)
def test_all_is_exact_and_documented(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__doc__, f"{name} has no docstring"
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert sorted(exported) == list(exported) or name == "hitl_widgets", f"{name}.__all__ unsorted"
    assert len(set(exported)) == len(exported)
    for attr in exported:
        value = getattr(module, attr)  # listed names exist
        if inspect.isclass(value) or inspect.isfunction(value):
            assert value.__doc__, f"{name}.{attr} has no docstring"
    # Public names defined or re-exported in the package's __init__ are all listed.
    public = {
        k for k, v in vars(module).items()
        if not k.startswith("_") and not inspect.ismodule(v)
        and (inspect.isclass(v) or inspect.isfunction(v))
        and getattr(v, "__module__", "").startswith("hitl_widgets")
    }
    assert public <= set(exported), f"{name}: not in __all__: {sorted(public - set(exported))}"


def test_top_level_names() -> None:
    assert set(hitl_widgets.__all__) == {
        "GraphRunError", "Inbox", "InterruptForm", "ReviewQueue", "StorageError", "ThreadView",
        "decisions",
        "get_client", "get_sync_client", "register_renderer", "review", "serve",
    }


def test_jupyter_finds_the_server_extension() -> None:
    points = hitl_widgets._jupyter_server_extension_points()
    assert points == [{"module": "hitl_widgets.http.extension"}]
    module = importlib.import_module(points[0]["module"])
    assert callable(module._load_jupyter_server_extension)
