"""PostgreSQL storage: LangGraph's ``PostgresSaver`` plus our records in the same database.

``checkpointer="postgresql://user@host:port/db"`` opens one connection per database per
process (autocommit, as ``PostgresSaver`` expects) and creates LangGraph's tables and ours
on first use. Several kernels may share the database: each sees the others' threads.
Needs the ``postgres`` extra (``langgraph-checkpoint-postgres`` and ``psycopg``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

from hitl_widgets.runtime.errors import StorageError
from hitl_widgets.runtime.sql_records import PostgresRecords

__all__ = ["is_postgres_url", "open_postgres", "postgres_records", "redact"]

SETUP_LOCK = 4711041
"""Advisory lock key held while LangGraph's migrations run (two kernels opening a new
database at once would both insert the same migration row)."""


def is_postgres_url(spec: str) -> bool:
    """True for ``postgresql://`` and ``postgres://`` URLs."""
    return spec.startswith(("postgresql://", "postgres://"))


def redact(url: str) -> str:
    """The URL without its password, fit for an error message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def open_postgres(url: str) -> tuple[Any, PostgresRecords]:
    """A set-up ``PostgresSaver`` on a new connection, and the records beside it."""
    where = redact(url)
    try:
        import psycopg
        from psycopg.rows import dict_row

        from hitl_widgets.runtime.postgres_saver import LocalPostgresSaver
    except ImportError as error:
        raise StorageError(
            f"checkpointer={where!r} needs PostgreSQL support: "
            "pip install 'hitl_widgets[postgres]' (langgraph-checkpoint-postgres, psycopg)"
        ) from error
    try:
        conn = psycopg.Connection.connect(
            url, autocommit=True, prepare_threshold=0, row_factory=dict_row
        )
    except psycopg.Error as error:
        raise StorageError(
            f"cannot connect to PostgreSQL database {where}: {error}; check that the server "
            "is running and the URL's host, port, user and database are right"
        ) from error
    try:
        saver = LocalPostgresSaver(conn)
        conn.execute("SELECT pg_advisory_lock(%s)", (SETUP_LOCK,))
        try:
            saver.setup()
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK,))
        records = PostgresRecords(conn, saver.lock, where)
    except psycopg.Error as error:
        conn.close()
        raise StorageError(
            f"cannot set up PostgreSQL database {where}: {error}; the user needs the right "
            "to create tables there"
        ) from error
    return saver, records


def postgres_records(saver: Any, where: str) -> PostgresRecords | None:
    """Records beside a ``PostgresSaver`` someone else opened, on its connection; ``None``
    for any other saver (or one on a connection pool)."""
    try:
        import psycopg
        from langgraph.checkpoint.postgres import PostgresSaver
    except ImportError:
        return None
    if not isinstance(saver, PostgresSaver) or not isinstance(saver.conn, psycopg.Connection):
        return None
    return PostgresRecords(saver.conn, saver.lock, where)
