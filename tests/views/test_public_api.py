"""The views package's public surface: exactly what `__all__` names, each documented."""

from __future__ import annotations

import inspect

from hitl_widgets import views


def test_all_is_complete_and_documented() -> None:
    public = {name for name, obj in vars(views).items()
              if not name.startswith("_") and not inspect.ismodule(obj)}
    assert set(views.__all__) == public
    for name in views.__all__:
        assert inspect.getdoc(getattr(views, name)), f"{name} has no docstring"


def test_thread_view_api_is_documented() -> None:
    for name in ("submit", "resume", "refresh", "start", "continue_run", "update_state",
                 "fork", "load_history", "show_graph", "wait", "run_until_idle", "form",
                 "forms", "values", "busy", "client", "thread_id", "assistant_id"):
        assert inspect.getdoc(getattr(views.ThreadView, name)), name
