"""LangGraph's reserved channel and task names, which LangGraph keeps private.

The runtime reads the interrupts a task wrote and stores answers the way LangGraph would
(``retry.py``, ``checkpointers.py``, ``run_ops.py``), so it needs the names LangGraph writes
them under. They live in ``langgraph._internal._constants``; this module is the one place
that copies them, and ``tests/runtime/test_langgraph_names.py`` fails, naming the installed
LangGraph version, the day an upgrade changes one.
"""

from __future__ import annotations

__all__ = ["ERROR", "INTERRUPT", "NULL_TASK_ID", "RESUME"]

INTERRUPT = "__interrupt__"
"""The channel a task's interrupts are written to."""
RESUME = "__resume__"
"""The channel a task's answers are written to."""
ERROR = "__error__"
"""The channel a failed task's error is written to."""
NULL_TASK_ID = "00000000-0000-0000-0000-000000000000"
"""The task id of writes that belong to no task (a command's resume, an update)."""
