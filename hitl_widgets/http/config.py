"""Reading a ``langgraph.json`` the way ``langgraph dev`` reads it.

``graphs`` maps graph ids to ``"./path/file.py:attr"`` or ``"package.module:attr"`` (or
``{"path": ...}``); file paths are relative to the JSON file. Local ``dependencies`` (``"."``,
``"./src"``) go on ``sys.path`` so the graphs' own imports work, and ``env`` (a file or a
mapping) fills environment variables that are not set yet.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

__all__ = ["cors_of_langgraph_json", "load_langgraph_json"]


def load_langgraph_json(path: str | os.PathLike[str]) -> dict[str, str]:
    """The graph specs (``graph_id → "file.py:attr"`` with absolute paths) of a config file.

    Raises ``ValueError`` naming the file and the fix when it is not usable.
    """
    file = Path(path).expanduser().resolve()
    try:
        config = json.loads(file.read_text())
    except OSError as error:
        raise ValueError(f"cannot read {file}: {error.strerror}") from None
    except json.JSONDecodeError as error:
        raise ValueError(f"{file} is not valid JSON: {error}") from None
    graphs = config.get("graphs") if isinstance(config, dict) else None
    if not isinstance(graphs, dict) or not graphs:
        raise ValueError(f'{file} names no graphs; add "graphs": {{"agent": "./graph.py:graph"}}')
    base = file.parent
    for dependency in config.get("dependencies", []):
        if isinstance(dependency, str) and dependency.startswith("."):
            folder = str((base / dependency).resolve())
            if folder not in sys.path:
                sys.path.insert(0, folder)
    _load_env(config.get("env"), base)
    return {str(graph_id): _spec(spec, base, file) for graph_id, spec in graphs.items()}


def cors_of_langgraph_json(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The ``http.cors`` mapping of a config file (the server's ``CorsConfig``), if any.

    Raises ``ValueError`` naming the file when it is there but not a mapping.
    """
    file = Path(path).expanduser().resolve()
    try:
        config = json.loads(file.read_text())
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"cannot read {file}: {error}") from None
    http = config.get("http") if isinstance(config, dict) else None
    cors = http.get("cors") if isinstance(http, dict) else None
    if cors is not None and not isinstance(cors, dict):
        raise ValueError(f'{file}: "http": {{"cors": ...}} must be an object, not {cors!r}')
    return cors


def _spec(spec: Any, base: Path, file: Path) -> str:
    if isinstance(spec, dict):
        spec = spec.get("path")
    if not isinstance(spec, str) or ":" not in spec:
        raise ValueError(f"{file}: graph {spec!r} must look like './graph.py:graph'")
    module, _, attr = spec.rpartition(":")
    if module.endswith(".py") or module.startswith((".", "/")):
        module = str((base / module).resolve())
    return f"{module}:{attr}"


def _load_env(env: Any, base: Path) -> None:
    if isinstance(env, dict):
        pairs = {str(k): str(v) for k, v in env.items()}
    elif isinstance(env, str) and (base / env).is_file():
        pairs = {}
        for line in (base / env).read_text().splitlines():
            key, sep, value = line.strip().partition("=")
            if sep and not key.startswith("#"):
                pairs[key.strip().removeprefix("export ").strip()] = value.strip().strip("'\"")
    else:
        return
    for key, value in pairs.items():
        os.environ.setdefault(key, value)
