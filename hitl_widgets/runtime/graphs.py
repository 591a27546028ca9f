"""Graphs and the assistants the server creates for them.

``graphs`` maps a graph id to a compiled graph, an uncompiled ``StateGraph``, or a
``"module:attribute"`` path as in ``langgraph.json``. Like the server, every graph gets a
default assistant whose id is ``uuid5(NAMESPACE_GRAPH, graph_id)``, and every API that takes
an assistant id also takes the graph id.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, cast
from uuid import UUID, uuid5

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import StateGraph
from langgraph.pregel import Pregel
from pydantic import TypeAdapter, create_model

from hitl_widgets.runtime.errors import not_found
from hitl_widgets.runtime.jsonable import to_json

__all__ = ["NAMESPACE_GRAPH", "GraphSpec", "Graphs", "checkpointer_of", "load_graph"]

NAMESPACE_GRAPH = UUID("6ba7b821-9dad-11d1-80b4-00c04fd430c8")
"""The namespace the LangGraph Server derives default assistant ids from."""

AnyGraph = Pregel[Any, Any, Any, Any]
"""A compiled graph, whatever its state, context, input and output types."""

GraphSpec = Pregel[Any, Any, Any, Any] | StateGraph[Any, Any, Any, Any] | str
"""A compiled graph, a ``StateGraph`` builder, or ``"module:attr"`` / ``"file.py:attr"``."""


def load_graph(spec: GraphSpec) -> AnyGraph:
    """A compiled graph from any accepted spec (without a checkpointer yet)."""
    if isinstance(spec, str):
        spec = _import_path(spec)
    if isinstance(spec, StateGraph):
        return spec.compile()
    if isinstance(spec, Pregel):
        return spec
    if callable(spec):
        # langgraph.json also allows a factory returning a graph.
        return load_graph(spec())
    raise TypeError(
        f"cannot use {type(spec).__name__} as a graph; pass a compiled graph, a StateGraph "
        "or a 'module:attribute' path"
    )


def _import_path(path: str) -> Any:
    module_name, _, attr = path.rpartition(":")
    if not module_name or not attr:
        raise ValueError(
            f"graph path {path!r} must look like 'package.module:graph' or 'file.py:graph'"
        )
    if module_name.endswith(".py"):
        file = Path(module_name).resolve()
        spec = importlib.util.spec_from_file_location(file.stem, file)
        if spec is None or spec.loader is None:
            raise ValueError(f"cannot import graph file {str(file)!r}")
        module = importlib.util.module_from_spec(spec)
        sys.modules.setdefault(file.stem, module)
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(module_name)
    try:
        return getattr(module, attr)
    except AttributeError:
        raise ValueError(
            f"module {module_name!r} has no attribute {attr!r} (from {path!r})"
        ) from None


def checkpointer_of(graphs: Mapping[str, AnyGraph], checkpointer: Any) -> Any:
    """The checkpointer the runtime uses: ``checkpointer=`` if given, else the saver the
    graphs were compiled with; never two different ones silently."""
    own: dict[int, tuple[str, BaseCheckpointSaver[Any]]] = {}
    for graph_id, graph in graphs.items():
        if isinstance(graph.checkpointer, BaseCheckpointSaver):
            own.setdefault(id(graph.checkpointer), (graph_id, graph.checkpointer))
    if checkpointer is None:
        if len(own) > 1:
            names = ", ".join(repr(graph_id) for graph_id, _ in own.values())
            raise ValueError(
                f"graphs {names} were compiled with different checkpointers; compile them "
                "with one, or pass checkpointer=... to get_client for all of them"
            )
        return next(iter(own.values()))[1] if own else None
    for graph_id, saver in own.values():
        if saver is not checkpointer:
            raise ValueError(
                f"graph {graph_id!r} was compiled with its own checkpointer "
                f"({type(saver).__name__}) and get_client was given checkpointer="
                f"{checkpointer!r}; drop one of them (compile the graph without a "
                "checkpointer, or leave checkpointer= out to use the graph's)"
            )
    return checkpointer


class Graphs:
    """The runtime's graphs, each bound to the runtime's checkpointer, and their assistants."""

    def __init__(
        self,
        specs: Mapping[str, GraphSpec],
        checkpointer: BaseCheckpointSaver[Any],
        created_at: str,
    ) -> None:
        self._graphs: dict[str, AnyGraph] = {}
        self.assistants: dict[str, dict[str, Any]] = {}
        self._by_graph: dict[str, str] = {}
        """Graph id → its default assistant's id."""
        for graph_id, spec in specs.items():
            # The runtime's saver is the graph's own or agrees with it (checkpointer_of).
            graph = load_graph(spec)
            update: dict[str, Any] = {"checkpointer": checkpointer}
            if graph.name == "LangGraph":  # unnamed: named after its id, as the server does
                update["name"] = graph_id
            self._graphs[graph_id] = graph.copy(update=update)
            assistant_id = str(uuid5(NAMESPACE_GRAPH, graph_id))
            self._by_graph[graph_id] = assistant_id
            self.assistants[assistant_id] = {
                "assistant_id": assistant_id,
                "graph_id": graph_id,
                "config": {},
                "context": {},
                "created_at": created_at,
                "updated_at": created_at,
                "metadata": {"created_by": "system"},
                "version": 1,
                "name": graph_id,
                "description": None,
            }

    def knows(self, graph_id: str) -> bool:
        """True for a graph id this runtime serves."""
        return graph_id in self._graphs

    def assistant(self, assistant_id: str) -> dict[str, Any]:
        """The assistant for an assistant id or a graph id; 404 names the known ones."""
        try:
            return self.assistants[self._by_graph.get(assistant_id, assistant_id)]
        except KeyError:
            known = ", ".join(sorted(self._graphs)) or "none"
            raise not_found(
                f"assistant {assistant_id!r} not found; pass a graph id given to get_client "
                f"(known: {known}) or one of its assistant ids"
            ) from None

    def graph(self, assistant_id: str) -> AnyGraph:
        """The bound graph behind an assistant id or graph id."""
        return self._graphs[self.assistant(assistant_id)["graph_id"]]

    def graph_json(self, assistant_id: str, xray: int | bool = False) -> dict[str, Any]:
        """The drawable graph, as ``assistants.get_graph`` returns it."""
        drawable: dict[str, Any] = to_json(self.graph(assistant_id).get_graph(xray=xray).to_json())
        for node in drawable.get("nodes", []):
            # The runnable's import path says nothing to a client; the server drops it too.
            if isinstance(node.get("data"), dict):
                node["data"].pop("id", None)
        return drawable

    def schemas(self, assistant_id: str) -> dict[str, Any]:
        """Input, output, state, config and context JSON Schemas of the assistant's graph."""
        assistant = self.assistant(assistant_id)
        return {
            "graph_id": assistant["graph_id"],
            **_graph_schemas(self._graphs[assistant["graph_id"]]),
        }

    def subgraphs(
        self, assistant_id: str, namespace: str | None = None, recurse: bool = False
    ) -> dict[str, Any]:
        """The schemas of each subgraph, by namespace (``assistants.get_subgraphs``)."""
        graph = self.graph(assistant_id)
        return {
            ns: _graph_schemas(cast(AnyGraph, sub))
            for ns, sub in graph.get_subgraphs(namespace=namespace, recurse=recurse)
        }


def _graph_schemas(graph: AnyGraph) -> dict[str, Any]:
    schemas: dict[str, Any] = to_json(
        {
            "input_schema": _safe_schema(graph, "get_input_jsonschema"),
            "output_schema": _safe_schema(graph, "get_output_jsonschema"),
            "state_schema": _state_schema(graph),
            "config_schema": _configurable_schema(graph),
            "context_schema": _safe_schema(graph, "get_context_jsonschema"),
        }
    )
    return schemas


def _state_schema(graph: AnyGraph) -> dict[str, Any] | None:
    """The state's JSON Schema from the graph's channels (what each channel accepts), so it
    exists even where pydantic cannot describe the state class itself."""
    fields: dict[str, Any] = {}
    for name in graph.stream_channels_list:
        update_type = getattr(graph.channels[name], "UpdateType", Any)
        try:
            TypeAdapter(update_type).json_schema()
        except Exception:  # noqa: BLE001 - a channel pydantic cannot describe accepts anything
            update_type = Any
        fields[name] = (update_type, None)
    try:
        schema: dict[str, Any] = create_model(graph.get_name("State"), **fields).model_json_schema()
        return schema
    except Exception:  # noqa: BLE001 - a state that cannot be drawn is none, as on the server
        return None


def _configurable_schema(graph: AnyGraph) -> dict[str, Any] | None:
    """Only the ``configurable`` part of the config schema (the rest is LangChain's own
    ``max_concurrency`` and friends), or ``{}``."""
    try:
        with warnings.catch_warnings():
            # Deprecated in LangGraph 1.0 for context schemas, but still where a graph's
            # ``configurable`` keys are described; the server reads it the same way.
            warnings.simplefilter("ignore", DeprecationWarning)
            model = graph.config_schema()
        fields = getattr(model, "model_fields", None) or {}
        if "configurable" in fields:
            annotation: Any = fields["configurable"].annotation
            schema: dict[str, Any] = TypeAdapter(annotation).json_schema()
            return schema
        return {}
    except Exception:  # noqa: BLE001 - none, as for the other schemas
        return None


def _safe_schema(graph: AnyGraph, method: str) -> dict[str, Any] | None:
    try:
        schema: dict[str, Any] | None = getattr(graph, method)()
        return schema
    except Exception:  # noqa: BLE001 - likewise, a schema that cannot be drawn is none
        return None
