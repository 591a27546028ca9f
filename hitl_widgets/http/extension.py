"""The Jupyter server extension: the API under ``/hitl/`` of a running Jupyter server.

Enabled by ``jupyter-config/jupyter_server_config.d/hitl_widgets.json`` (installed into
``etc/jupyter/``). It serves the graphs of the ``langgraph.json`` named in Jupyter's config
and keeps threads where ``checkpointer`` says (a SQLite file shared with kernels)::

    jupyter lab --HitlWidgets.langgraph_json=langgraph.json \\
                --HitlWidgets.checkpointer=threads.sqlite

Requests are authenticated by Jupyter itself (its token or login); the SDKs' ``x-api-key``
header is read as Jupyter's token, so ``get_client(url=".../hitl", api_key=JUPYTER_TOKEN)``
works as against a LangGraph Server.
"""

from __future__ import annotations

from typing import Any

from jupyter_server.base.handlers import APIHandler
from jupyter_server.utils import url_path_join
from tornado.web import HTTPError
from traitlets import List, Unicode
from traitlets.config import Configurable

from hitl_widgets.http.handler import ApiHandler, ApiSettings
from hitl_widgets.http.routes import handlers

__all__ = ["PREFIX", "HitlWidgets", "JupyterApiHandler"]

PREFIX = "hitl"
"""Where the API lives under the Jupyter server's base URL."""


class HitlWidgets(Configurable):
    """Settings of the ``hitl_widgets`` server extension (``--HitlWidgets.<name>=...``)."""

    langgraph_json = Unicode(
        "", config=True, help="langgraph.json whose graphs /hitl/ serves (required)"
    )
    checkpointer = Unicode(
        "",
        config=True,
        help="where threads live: a SQLite file path (shared with kernels), "
        "'postgresql://...', or empty for memory",
    )
    cors_origins = List(
        Unicode(),
        default_value=None,
        allow_none=True,
        config=True,
        help="browser origins allowed to call /hitl/ (default: langgraph.json's http.cors, "
        "else any origin; Jupyter's token is required all the same)",
    )


class JupyterApiHandler(ApiHandler, APIHandler):  # type: ignore[misc]  # jupyter_server is untyped
    """An API route behind Jupyter's authentication instead of our own token."""

    async def authenticate(self) -> None:
        """Let Jupyter authenticate; an ``x-api-key`` header counts as its token."""
        key = self.request.headers.get("x-api-key")
        if key and "Authorization" not in self.request.headers:
            self.request.headers["Authorization"] = f"token {key}"
        await APIHandler.prepare(self)
        # Jupyter lets through handlers without an auth rule unless told otherwise
        # (ServerApp.allow_unauthenticated_access defaults to True): every route needs a user.
        if not self.current_user:
            raise HTTPError(403, "not authenticated with this Jupyter server (send its token)")

    def set_cors_headers(self) -> None:
        """The API's ``Access-Control-*`` headers are already set (``set_default_headers``).

        Jupyter's own origin check still applies after ours: a cross-origin request is let
        through when it carries the token, never on the browser's Jupyter cookie alone."""


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Mount the API under ``<base_url>/hitl/`` (called by Jupyter at start-up)."""
    from hitl_widgets.http.config import cors_of_langgraph_json, load_langgraph_json
    from hitl_widgets.http.cors import cors_from_config
    from hitl_widgets.runtime.runtime import Runtime

    config = HitlWidgets(parent=serverapp)
    base = url_path_join(serverapp.web_app.settings["base_url"], PREFIX)
    if not config.langgraph_json:
        # The usual case (notebooks run their graphs in the kernel): information, worded
        # so that nobody reads it as a misconfiguration.
        serverapp.log.info(
            "hitl_widgets: notebooks run their graphs in the kernel; to also serve graphs "
            "over HTTP at %s/, start with --HitlWidgets.langgraph_json=langgraph.json",
            base.rstrip("/"),
        )
        return
    graphs = load_langgraph_json(config.langgraph_json)
    cors = cors_from_config(cors_of_langgraph_json(config.langgraph_json), config.cors_origins)
    runtime = Runtime(graphs, config.checkpointer or None)
    settings = ApiSettings(runtime, token=None, cors=cors)
    specs = handlers(settings, base.rstrip("/"), JupyterApiHandler)
    serverapp.web_app.add_handlers(".*$", specs)
    serverapp.log.info(
        "hitl_widgets: serving %s at %s/ (threads: %s)",
        ", ".join(sorted(graphs)),
        base,
        config.checkpointer or "in memory",
    )
