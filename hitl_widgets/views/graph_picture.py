"""The graph's picture from `assistants.get_graph()` JSON, with the interrupted node and the
path taken highlighted.

Two drawings of the same graph: Mermaid text (rendered natively by JupyterLab ≥ 4.1 and
Notebook 7 Markdown) and a small SVG laid out here, which shows anywhere HTML shows (Voila,
nbconvert, older front ends) with no network and no JavaScript.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Mapping
from typing import Any

import ipywidgets as widgets

from hitl_widgets.views.render import esc

__all__ = ["GraphPicture", "mermaid_source", "svg_drawing"]

START, END = "__start__", "__end__"
_FILL = {"interrupted": "#ffd8a8", "visited": "#d4f5dd", "default": "#f2f0ff"}
_STROKE = {"interrupted": "#e66100", "visited": "#26a269", "default": "#8a86b0"}


def _node_ids(graph: Mapping[str, Any]) -> list[str]:
    return [str(n["id"]) for n in graph.get("nodes", []) if isinstance(n, Mapping) and "id" in n]


def _edges(graph: Mapping[str, Any]) -> list[tuple[str, str, bool]]:
    return [(str(e["source"]), str(e["target"]), bool(e.get("conditional")))
            for e in graph.get("edges", []) if isinstance(e, Mapping)]


def _role(node_id: str, interrupted: Collection[str], visited: Collection[str]) -> str:
    """`interrupted`, `visited` or `default`; an xray id `parent:child` also matches by its
    full path or, for the path taken, by its parent node (the parent ran if the child did)."""
    if node_id in interrupted:
        return "interrupted"
    if node_id in visited or node_id.split(":", 1)[0] in visited:
        return "visited"
    return "default"


def _mermaid_label(text: str) -> str:
    # Mermaid entity codes: keeps quotes and angle brackets from closing the label or
    # becoming markup inside the diagram.
    return (text.replace("&", "#amp;").replace('"', "#quot;")
            .replace("<", "#lt;").replace(">", "#gt;"))


def mermaid_source(graph: Mapping[str, Any], *, interrupted: Collection[str] = (),
                   visited: Collection[str] = ()) -> str:
    """Mermaid flowchart text for a `get_graph()` dict, with the two highlight classes."""
    ids = _node_ids(graph)
    alias = {node: f"n{i}" for i, node in enumerate(ids)}
    lines = ["flowchart TD"]
    for node in ids:
        label = _mermaid_label(node)
        shape = f'(["{label}"])' if node in (START, END) else f'["{label}"]'
        role = _role(node, interrupted, visited)
        suffix = f":::{role}" if role != "default" else ""
        lines.append(f"    {alias[node]}{shape}{suffix}")
    for source, target, conditional in _edges(graph):
        if source in alias and target in alias:
            arrow = "-.->" if conditional else "-->"
            lines.append(f"    {alias[source]} {arrow} {alias[target]}")
    for role in ("interrupted", "visited"):
        lines.append(f"    classDef {role} fill:{_FILL[role]},stroke:{_STROKE[role]},"
                     "stroke-width:2px")
    return "\n".join(lines)


def _layers(ids: list[str], edges: list[tuple[str, str, bool]]) -> dict[str, int]:
    """Breadth-first depth from `__start__` (cycles cannot stretch it); `__end__` last."""
    children: dict[str, list[str]] = {node: [] for node in ids}
    for source, target, _ in edges:
        if source in children and target in children:
            children[source].append(target)
    layer: dict[str, int] = {}
    roots = [START] if START in children else ids[:1]
    queue = deque(roots)
    for root in roots:
        layer[root] = 0
    while queue:
        node = queue.popleft()
        for child in children[node]:
            if child not in layer and child != END:
                layer[child] = layer[node] + 1
                queue.append(child)
    deepest = max(layer.values(), default=0)
    for node in ids:  # unreachable nodes go below the others rather than vanish
        if node not in layer and node != END:
            deepest += 1
            layer[node] = deepest
    if END in children:
        layer[END] = deepest + 1
    return layer


def svg_drawing(graph: Mapping[str, Any], *, interrupted: Collection[str] = (),
                visited: Collection[str] = ()) -> str:
    """A self-contained SVG of the graph: boxes in layers, arrows, highlighted nodes."""
    ids = _node_ids(graph)
    if not ids:
        return '<span class="hw-muted">(empty graph)</span>'
    edges = _edges(graph)
    layer = _layers(ids, edges)
    rows: dict[int, list[str]] = {}
    for node in ids:
        rows.setdefault(layer[node], []).append(node)
    box_w = {node: max(70, 8 * len(node) + 24) for node in ids}
    box_h, gap_x, gap_y = 30, 24, 46
    width = max(sum(box_w[n] for n in row) + gap_x * (len(row) + 1) for row in rows.values())
    pos: dict[str, tuple[float, float]] = {}  # centre of each box
    for depth, row in rows.items():
        used = sum(box_w[n] for n in row) + gap_x * (len(row) - 1)
        x = (width - used) / 2
        for node in row:
            pos[node] = (x + box_w[node] / 2, gap_y / 2 + depth * (box_h + gap_y) + box_h / 2)
            x += box_w[node] + gap_x
    height = (max(rows) + 1) * (box_h + gap_y)
    parts = [
        (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
         f'viewBox="0 0 {width:.0f} {height:.0f}" font-family="sans-serif" font-size="12">'),
        ('<defs><marker id="hw-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
         'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#666"/></marker>'
         "</defs>"),
    ]
    for source, target, conditional in edges:
        if source not in pos or target not in pos:
            continue
        (x1, y1), (x2, y2) = pos[source], pos[target]
        dash = ' stroke-dasharray="5,4"' if conditional else ""
        if layer[target] > layer[source]:
            path = f"M{x1:.0f},{y1 + box_h / 2:.0f} L{x2:.0f},{y2 - box_h / 2:.0f}"
        else:  # an edge going back up: a curve on the right, so it does not cross boxes
            bend = max(x1 + box_w[source] / 2, x2 + box_w[target] / 2) + 30
            path = (f"M{x1 + box_w[source] / 2:.0f},{y1:.0f} C{bend:.0f},{y1:.0f} "
                    f"{bend:.0f},{y2:.0f} {x2 + box_w[target] / 2:.0f},{y2:.0f}")
        parts.append(f'<path d="{path}" fill="none" stroke="#666"{dash} '
                     'marker-end="url(#hw-arrow)"/>')
    for node in ids:
        x, y = pos[node]
        role = _role(node, interrupted, visited)
        radius = box_h / 2 if node in (START, END) else 4
        parts.append(
            f'<g class="hw-node hw-node-{role}"><title>{esc(node)} ({role})</title>'
            f'<rect x="{x - box_w[node] / 2:.0f}" y="{y - box_h / 2:.0f}" '
            f'width="{box_w[node]}" height="{box_h}" rx="{radius:.0f}" fill="{_FILL[role]}" '
            f'stroke="{_STROKE[role]}" stroke-width="{2 if role != "default" else 1}"/>'
            f'<text x="{x:.0f}" y="{y + 4:.0f}" text-anchor="middle">{esc(node)}</text></g>'
        )
    parts.append("</svg>")
    return "".join(parts)


class GraphPicture(widgets.VBox):
    """The graph drawn twice: an SVG (shows everywhere) and Mermaid Markdown (JupyterLab).

    `show(graph, interrupted=..., visited=...)` redraws; `mermaid` and `svg` hold the
    current sources so that tests and notebooks can read them.
    """

    def __init__(self, **kwargs: Any) -> None:
        self.mermaid = ""
        self.svg = ""
        self.mode = widgets.ToggleButtons(
            options=[("Drawing", "svg"), ("Mermaid", "mermaid")], value="svg",
            tooltips=["SVG drawing (shows in every front end)",
                      "Mermaid diagram (JupyterLab ≥ 4.1, Notebook 7)"],
        )
        self.drawing = widgets.HTML()
        self.markdown = widgets.Output()
        self.legend = widgets.HTML(
            f'<span style="background:{_FILL["interrupted"]};padding:0 4px">interrupted</span> '
            f'<span style="background:{_FILL["visited"]};padding:0 4px">path taken</span>'
        )
        super().__init__(children=[self.mode, self.legend, self.drawing], **kwargs)
        self.mode.observe(self._on_mode, names="value")

    def show(self, graph: Mapping[str, Any], *, interrupted: Collection[str] = (),
             visited: Collection[str] = ()) -> None:
        """Draw `graph` (a `get_graph()` dict) with the given nodes highlighted."""
        self.mermaid = mermaid_source(graph, interrupted=interrupted, visited=visited)
        self.svg = svg_drawing(graph, interrupted=interrupted, visited=visited)
        self.drawing.value = self.svg
        # Set the outputs directly rather than `with self.markdown:` – this runs from a
        # background task, after the cell that created the widget has finished.
        fence = f"```mermaid\n{self.mermaid}\n```"
        self.markdown.outputs = ({
            "output_type": "display_data",
            "data": {"text/markdown": fence, "text/plain": self.mermaid},
            "metadata": {},
        },)

    def _on_mode(self, change: dict[str, Any]) -> None:
        shown = self.drawing if change["new"] == "svg" else self.markdown
        self.children = (self.mode, self.legend, shown)
