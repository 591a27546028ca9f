"""The official JavaScript SDK (``@langchain/langgraph-sdk`` from npm) for the JS tab tests.

Installed once, at a pinned version, into ``~/.cache/hitl-widgets-npm`` (or
``$HITL_WIDGETS_NPM_CACHE``); never into the repository. ``tests/run.sh`` runs this module
before the tests (``python -m tests.http.js_sdk``) so CI has it; the ``js_sdk`` fixture calls
the same function.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

__all__ = ["JS_SDK_VERSION", "NPM_CACHE", "ensure_js_sdk"]

JS_SDK_VERSION = "1.15.0"
NPM_CACHE = Path(
    os.environ.get("HITL_WIDGETS_NPM_CACHE", "~/.cache/hitl-widgets-npm")
).expanduser()


def ensure_js_sdk() -> Path:
    """The folder whose ``node_modules`` holds the pinned SDK; installs it when missing.

    Raises ``RuntimeError`` saying what is missing (node, npm, or the install's error).
    """
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise RuntimeError("node and npm are not installed (apt-get install nodejs npm)")
    package = NPM_CACHE / "node_modules" / "@langchain" / "langgraph-sdk" / "package.json"
    if package.exists() and json.loads(package.read_text())["version"] == JS_SDK_VERSION:
        return NPM_CACHE
    NPM_CACHE.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(NPM_CACHE),
         f"@langchain/langgraph-sdk@{JS_SDK_VERSION}"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if result.returncode != 0:
        raise RuntimeError(f"npm install @langchain/langgraph-sdk failed:\n{result.stderr[-2000:]}")
    return NPM_CACHE


if __name__ == "__main__":
    try:
        print(f"@langchain/langgraph-sdk {JS_SDK_VERSION} in {ensure_js_sdk()}")
    except RuntimeError as error:
        sys.exit(str(error))
