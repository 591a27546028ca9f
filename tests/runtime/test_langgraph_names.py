"""Our copy of LangGraph's private names still matches the installed LangGraph."""

from __future__ import annotations

from importlib.metadata import version

from hitl_widgets.runtime import langgraph_names


def test_the_copied_names_match_the_installed_langgraph() -> None:
    from langgraph._internal import _constants as theirs

    for name in langgraph_names.__all__:
        ours, real = getattr(langgraph_names, name), getattr(theirs, name, None)
        assert ours == real, (
            f"langgraph {version('langgraph')} names {name} {real!r}, hitl_widgets copied "
            f"{ours!r}: update hitl_widgets/runtime/langgraph_names.py to the new value"
        )
