"""The graph picture (Mermaid + SVG) and the history timeline, from client-shaped dicts."""

from __future__ import annotations

from hitl_widgets.views import GraphPicture, Timeline, mermaid_source, svg_drawing
from hitl_widgets.views.timeline import timeline_rows

GRAPH = {
    "nodes": [{"id": "__start__"}, {"id": "draft"}, {"id": "child:ask"}, {"id": "<b>x</b>"},
              {"id": "__end__"}],
    "edges": [{"source": "__start__", "target": "draft"},
              {"source": "draft", "target": "child:ask", "conditional": True},
              {"source": "child:ask", "target": "draft"},
              {"source": "child:ask", "target": "<b>x</b>"},
              {"source": "<b>x</b>", "target": "__end__"}],
}


def test_mermaid_marks_the_interrupted_node_and_the_path() -> None:
    text = mermaid_source(GRAPH, interrupted={"child:ask"}, visited={"__start__", "draft"})
    assert text.startswith("flowchart TD")
    assert '["draft"]:::visited' in text and '["child:ask"]:::interrupted' in text
    assert "-.->" in text  # the conditional edge
    assert "<b>" not in text and "#lt;b#gt;x" in text


def test_svg_is_self_contained_escaped_and_highlighted() -> None:
    svg = svg_drawing(GRAPH, interrupted={"child:ask"}, visited={"draft"})
    assert svg.startswith("<svg") and "http" not in svg.replace("http://www.w3.org", "")
    assert "hw-node-interrupted" in svg and "hw-node-visited" in svg
    assert "<b>x</b>" not in svg and "&lt;b&gt;x&lt;/b&gt;" in svg
    assert svg.count("<rect") == 5


def test_subgraph_child_counts_as_visited_through_its_parent() -> None:
    svg = svg_drawing({"nodes": [{"id": "child:ask"}], "edges": []}, visited={"child"})
    assert "hw-node-visited" in svg


def test_picture_widget_switches_between_drawing_and_mermaid(widget_comms: list) -> None:
    picture = GraphPicture()
    picture.show(GRAPH, interrupted={"draft"})
    assert picture.drawing.value == picture.svg
    assert picture.markdown.outputs[0]["data"]["text/markdown"].startswith("```mermaid\n")
    picture.mode.value = "mermaid"
    assert picture.markdown in picture.children and picture.drawing not in picture.children


def _state(cid: str, parent: str | None, step: int, nxt: list[str], source: str = "loop",
           values: dict | None = None) -> dict:
    return {"values": values or {}, "next": nxt, "tasks": [],
            "metadata": {"step": step, "source": source},
            "created_at": f"2026-11-26T10:00:0{step + 1}+00:00",
            "checkpoint": {"checkpoint_id": cid},
            "parent_checkpoint": {"checkpoint_id": parent} if parent else None}


HISTORY = [  # newest first, with a fork: c2b branched off c1
    _state("c2b", "c1", 1, [], values={"t": "fork"}),
    _state("c2", "c1", 1, [], values={"t": "first"}),
    _state("c1", "c0", 0, ["human_node"]),
    _state("c0", None, -1, ["__start__"], source="input"),
]


def test_timeline_rows_name_the_node_that_ran_and_the_branch() -> None:
    rows = timeline_rows(HISTORY)
    assert [r.checkpoint_id for r in rows] == ["c2b", "c2", "c1", "c0"]
    assert rows[0].ran == ("human_node",) and rows[3].ran == ("input",)
    assert [r.on_branch for r in rows] == [True, False, True, True]
    # Steps as a person counts them (LangGraph's -1, 0, 1 read 1, 2, 3): never "step -1".
    assert rows[0].label.startswith("● step 3 · human_node (end)")
    assert [r.number for r in rows] == [3, 3, 2, 1]
    assert rows[3].label.startswith("● step 1 · input")


def test_timeline_select_shows_that_state_and_fork_hands_over_edits(widget_comms: list) -> None:
    timeline = Timeline()
    timeline.show(HISTORY)
    forks: list[tuple[str, object]] = []
    timeline.on_fork(lambda cid, values: forks.append((cid, values)))
    timeline.choose("c2")
    assert "first" in timeline.state_view.body.value
    timeline.edit.value = '{"t": "edited"}'
    timeline.fork_button.click()
    timeline.edit.value = "{not json"
    timeline.fork()
    assert forks == [("c2", {"t": "edited"})]
    assert "Not valid JSON" in timeline.message.value
