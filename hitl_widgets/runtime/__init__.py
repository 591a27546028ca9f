"""The in-kernel LangGraph Server: threads, runs and records over compiled graphs."""

from hitl_widgets.runtime.errors import StorageError
from hitl_widgets.runtime.requests import RunCreate, parse_body, parse_run_create
from hitl_widgets.runtime.runtime import GraphRunError, Runtime

__all__ = [
    "GraphRunError",
    "RunCreate",
    "Runtime",
    "StorageError",
    "parse_body",
    "parse_run_create",
]
