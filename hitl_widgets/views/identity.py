"""Who is deciding: the reviewer's name and where it came from, for the audit trail.

In order: a name given explicitly (``source="explicit"``); the Jupyter server's
authenticated user, as the browser page reads it from the server's ``api/me`` (JupyterLab,
Notebook 7, Voila served by a Jupyter server: ``source="jupyter-server"``, through
``IdentityProbe``; not the anonymous user a shared token logs in); JupyterHub's user of
this single-user server (``$JUPYTERHUB_USER``, ``source="jupyterhub"``); else the name the
client was opened with (``get_client(..., reviewer=...)``, by default the OS user:
``source="client"``). Every viewer of one Voila page runs as the same OS user, so only the
first three tell viewers apart.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import anywidget
import traitlets

from hitl_widgets.client.audit import reviewer_of

__all__ = ["Identity", "IdentityProbe", "in_voila", "reviewer_identity"]

SOURCES = ("explicit", "jupyter-server", "jupyterhub", "client")
"""Where a reviewer's name can come from, most trusted first."""


def in_voila(environ: Mapping[str, str] | None = None) -> bool:
    """Whether this kernel serves a Voila page (Voila sets these in each page's kernel,
    preheated or not): a notebook's demo code that answers must not run there, where every
    page load would answer again under the viewer's name."""
    env = os.environ if environ is None else environ
    return (any(k in env for k in ("VOILA_BASE_URL", "VOILA_SERVER_URL", "VOILA_REQUEST_URL",
                                   "VOILA_PREHEAT", "VOILA_KERNEL_ID"))
            or str(env.get("SERVER_SOFTWARE", "")).startswith("voila/"))


@dataclass(frozen=True)
class Identity:
    """A reviewer's name and where it came from (one of ``SOURCES``)."""

    name: str
    """The name recorded in the audit trail."""
    source: str
    """Where it came from: ``explicit``, ``jupyter-server``, ``jupyterhub`` or ``client``."""


def _clean(name: Any) -> str | None:
    if not isinstance(name, str) or not name.strip():
        return None
    if any(ord(c) < 32 or ord(c) == 127 for c in name):
        raise ValueError(f"reviewer {name!r} contains control characters; give a plain name")
    return name.strip()


def reviewer_identity(client: Any, explicit: str | None = None,
                      server_user: str | None = None) -> Identity:
    """The reviewer deciding through ``client``: ``explicit`` if given, else the Jupyter
    server's user (``server_user``, from an ``IdentityProbe``), else ``$JUPYTERHUB_USER``,
    else the client's own reviewer."""
    for name, source in ((explicit, "explicit"), (server_user, "jupyter-server"),
                         (os.environ.get("JUPYTERHUB_USER"), "jupyterhub")):
        cleaned = _clean(name)
        if cleaned is not None:
            return Identity(cleaned, source)
    return Identity(reviewer_of(client), "client")


_PROBE_ESM = r"""
function baseUrl() {
  const el = document.getElementById("jupyter-config-data");
  try { return (el && JSON.parse(el.textContent).baseUrl) || "/"; } catch (e) { return "/"; }
}
async function render({ model }) {
  try {
    const base = baseUrl();
    const response = await fetch(base + (base.endsWith("/") ? "" : "/") + "api/me",
                                 { credentials: "same-origin" });
    if (!response.ok) { throw new Error("api/me answered " + response.status); }
    const body = await response.json();
    const who = body.identity || {};
    // A shared token logs in an anonymous user (a random id, "Anonymous <moon>"): that
    // names nobody, so the name the kernel already has is kept.
    const anonymous = /^[0-9a-f]{32}$/.test(String(who.username || ""))
      && String(who.name || "").startsWith("Anonymous ");
    if (anonymous) {
      model.set("problem", "the server's user is anonymous (a shared token names nobody)");
    } else {
      model.set("user", String(who.username || who.name || ""));
      model.set("problem", "");
    }
  } catch (error) {
    model.set("problem", String(error));
  }
  model.save_changes();
}
export default { render };
"""


class IdentityProbe(anywidget.AnyWidget):
    """An invisible leaf that asks the Jupyter server who the page's user is (``api/me``)
    and sets ``user`` (empty until known, and where the server does not say)."""

    _esm = _PROBE_ESM
    user = traitlets.Unicode("", help="The server's authenticated user name.").tag(sync=True)
    problem = traitlets.Unicode("", help="Why the user is not known, if asked and not "
                                "answered.").tag(sync=True)

    def on_user(self, callback: Callable[[str], object]) -> None:
        """Call ``callback(user)`` once the page has said who its user is."""
        self.observe(lambda change: callback(str(change["new"])) if change["new"] else None,
                     names="user")
