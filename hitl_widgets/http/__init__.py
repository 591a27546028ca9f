"""The LangGraph Server REST API over the in-kernel runtime (tornado handlers).

- ``serve(graphs_or_client)``: from inside a kernel, a local server (``.url``, ``.token``,
  ``.stop()``) that the official SDKs, curl and web pages reach;
- ``python -m hitl_widgets serve langgraph.json``: the same from a terminal;
- the Jupyter server extension (``hitl_widgets.http.extension``): the same API under
  ``/hitl/`` of a running Jupyter server, behind Jupyter's own authentication.
"""

from hitl_widgets.http.config import load_langgraph_json
from hitl_widgets.http.server import LocalServer, serve

__all__ = ["LocalServer", "load_langgraph_json", "serve"]
