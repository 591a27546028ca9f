"""``python -m hitl_widgets.quickstart``: the seed's human-in-the-loop flow, in this process.

Runs the Python tab of LangGraph's "Human-in-the-loop using Server API" page unchanged but
for the ``get_client`` line — no server to start — and prints what the server would print.
Then points at the notebook, where the same loop runs through the review widget.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from langgraph_sdk.schema import Command

from hitl_widgets.client import get_client
from hitl_widgets.examples import seed_graph

__all__ = ["main", "seed_flow"]


async def seed_flow(checkpointer: str | None = None) -> None:
    """The seed's Python tab against the in-kernel client (``checkpointer``: a SQLite path)."""
    client = get_client(graphs={"agent": seed_graph()}, checkpointer=checkpointer)

    # Using the graph deployed with the name "agent"
    assistant_id = "agent"

    # create a thread
    thread = await client.threads.create()
    thread_id = thread["thread_id"]

    # Run the graph until the interrupt is hit.
    result = await client.runs.wait(
        thread_id,
        assistant_id,
        input={"some_text": "original text"},
    )

    print(result["__interrupt__"])

    # Resume the graph
    print(
        await client.runs.wait(
            thread_id,
            assistant_id,
            command=Command(resume="Edited text"),
        )
    )


def main() -> None:
    """Run the seed flow and say where to go next."""
    checkpointer = sys.argv[1] if len(sys.argv) > 1 else None
    asyncio.run(seed_flow(checkpointer))
    notebook = Path(__file__).resolve().parents[1] / "notebooks" / "quickstart.ipynb"
    print(
        "\nThat was the LangGraph Server API, inside this process. To review the same "
        f"interrupt in a form, open {notebook} in JupyterLab:\n"
        f"  .venv/bin/pip install jupyterlab && .venv/bin/jupyter lab {notebook}"
    )


if __name__ == "__main__":
    main()
