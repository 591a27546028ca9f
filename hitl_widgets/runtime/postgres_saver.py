"""``PostgresSaver`` for the databases we open ourselves: it fences runs that lost their
lease (imported only when PostgreSQL is used: the ``postgres`` extra is optional)."""

from __future__ import annotations

from typing import Any

from langgraph.checkpoint.postgres import PostgresSaver

from hitl_widgets.runtime.checkpointers import Fenced

__all__ = ["LocalPostgresSaver"]


class LocalPostgresSaver(Fenced, PostgresSaver):
    """``PostgresSaver`` that refuses the writes of a run whose owner lost its lease."""

    def __init__(self, conn: Any) -> None:
        super().__init__(conn)
        self.fences = {}
