"""One answer to "is this CI?", and what a test does when a part it needs is missing.

On a laptop a missing browser, database, Node or `langgraph dev` skips the tests that need
it; under CI it fails them, so CI can never go green with those tests not run. `tests/run.sh`
(which `.ci/run` calls) exports `CI=true`; any true-ish value counts, as CI services spell it
differently (`true`, `1`, `yes`, `on`, in any case).
"""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Mapping
from types import ModuleType
from typing import NoReturn

import pytest

__all__ = ["TRUE_VALUES", "in_ci", "missing", "require_executable", "require_module"]

TRUE_VALUES = frozenset({"1", "true", "yes", "on"})
"""Values of `CI` (after trimming, in lower case) that mean "this is CI"."""


def in_ci(environ: Mapping[str, str] | None = None) -> bool:
    """Whether `CI` in `environ` (default: this process's) holds a true-ish value."""
    value = (os.environ if environ is None else environ).get("CI", "")
    return value.strip().lower() in TRUE_VALUES


def missing(what: str, how: str) -> NoReturn:
    """Skip the test because `what` is missing, or fail it under CI; `how` says how to
    install it."""
    message = f"{what} is missing; install it with: {how}"
    if in_ci():
        pytest.fail(f"{message} (CI is set, so a missing part fails instead of skipping)")
    pytest.skip(message)


def require_executable(name: str, how: str) -> str:
    """The path of executable `name` on PATH, or `missing(...)`."""
    found = shutil.which(name)
    if found is None:
        missing(f"the `{name}` executable", how)
    return found


def require_module(name: str, how: str) -> ModuleType:
    """Python module `name`, imported, or `missing(...)`."""
    try:
        return importlib.import_module(name)
    except ImportError:
        missing(f"the Python module `{name}`", how)
