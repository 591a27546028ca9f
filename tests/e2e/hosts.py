"""Opening a project notebook in a host — JupyterLab, Notebook 7 or Voila — and running it.

Lab and Notebook 7 are the same Jupyter server (`/lab/tree/...`, `/notebooks/...`); Voila
runs the notebook itself on page load. Every test gets its own copy of the notebook, in a
folder of its own: its kernel starts clean, and what the kernel writes beside the notebook
(its working directory: the review session's database) belongs to that test alone. Lab and
Notebook 7 kernels are shut down afterwards (they outlive the page). External hosts are
blocked (BROWSER_TESTS.md, pitfall 13).
"""

from __future__ import annotations

import json
import re
import shutil
import time
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page, Route, expect

from tests.e2e.jupyter_servers import Server, _delete_sessions

NOTEBOOKS = Path(__file__).parents[2] / "notebooks"
HOSTS = ("lab", "notebook7", "voila")
LONG = 90_000  # Lab's JavaScript takes 6-9 s to load on 2 busy cores


def local_only(page: Page) -> None:
    """Abort every request that is not to 127.0.0.1 (Voila asks a CDN for fonts)."""
    def route(r: Route) -> None:
        if re.match(r"https?://127\.0\.0\.1[:/]", r.request.url):
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)


@dataclass
class Opened:
    """A notebook open in a host, its cells run."""

    host: str
    url: str
    name: str
    """The notebook's path under the server's root (`<folder>/<notebook>`)."""
    folder: Path
    """The notebook's own folder: its kernel's working directory."""


def _wait_kernel_idle(page: Page, server: Server, name: str) -> None:
    """Until the notebook's kernel (its session, through the REST API) says idle: a Run All
    sent before the kernel is ready is lost. Waits with the page's clock, never
    `time.sleep`: the route handler of `local_only` runs in this thread."""
    deadline = time.monotonic() + LONG / 1000
    request = urllib.request.Request(f"{server.base_url}/api/sessions",
                                     headers={"Authorization": f"token {server.token}"})
    while True:
        with urllib.request.urlopen(request, timeout=5) as response:
            sessions = json.load(response)
        if any(s.get("path", "").endswith(name)
               and (s.get("kernel") or {}).get("execution_state") == "idle" for s in sessions):
            return
        assert time.monotonic() < deadline, f"no idle kernel for {name}: {sessions}"
        page.wait_for_timeout(250)


def _run_all(page: Page, host: str, server: Server, name: str) -> None:
    if host == "lab":
        expect(page.locator("#jp-main-statusbar")).to_contain_text(
            "Python 3 (ipykernel) | Idle", timeout=LONG)
        menu = page.locator("#jp-menu-panel")
    else:
        menu = page.locator("#menu-panel, #jp-menu-panel").first
    _wait_kernel_idle(page, server, name)
    menu.get_by_role("menuitem", name="Run", exact=True).click()
    page.get_by_role("menuitem", name="Run All Cells", exact=True).click()


def open_notebook(page: Page, host: str, notebook: str, server: Server) -> Iterator[Opened]:
    """Copy `notebooks/<notebook>` into the server, open it in `host`, run it; yields the
    page's notebook, then stops its kernel."""
    local_only(page)
    folder = server.root_dir / uuid.uuid4().hex[:8]
    folder.mkdir()
    name = f"{folder.name}/{notebook}"
    shutil.copy(NOTEBOOKS / notebook, folder / notebook)
    try:
        if host == "voila":
            url = f"{server.base_url}/voila/render/{name}?token={server.token}"
            # Voila streams the page while the notebook runs: it has loaded only once every
            # cell ran (the review session: 11-19 s on 2 busy cores; Playwright's default 30).
            page.goto(url, timeout=LONG)
        else:
            path = "lab/tree" if host == "lab" else "notebooks"
            url = f"{server.base_url}/{path}/{name}?reset&token={server.token}"
            page.goto(url)
            _run_all(page, host, server, name)
        yield Opened(host, url, name, folder)
        assert page.locator(".jp-Dialog").count() == 0
    finally:
        if host != "voila":
            _delete_sessions(server, name)
        shutil.rmtree(folder, ignore_errors=True)
