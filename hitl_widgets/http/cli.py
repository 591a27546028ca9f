"""``python -m hitl_widgets serve langgraph.json``: the graphs of a ``langgraph.json`` served
by the in-kernel runtime, from a terminal (Ctrl-C stops it)."""

from __future__ import annotations

import argparse
import os
import signal
import threading
from collections.abc import Sequence

from hitl_widgets.http.config import cors_of_langgraph_json, load_langgraph_json
from hitl_widgets.http.server import serve

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m hitl_widgets",
        description="Serve LangGraph graphs over the LangGraph Server API, from this process.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="serve the graphs of a langgraph.json")
    run.add_argument("config", help="path to langgraph.json (graph paths are relative to it)")
    run.add_argument("--db", help="SQLite file for threads and checkpoints (default: memory)")
    run.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=2024, help="port (default 2024; 0: any free)")
    run.add_argument(
        "--token",
        default=os.environ.get("HITL_WIDGETS_TOKEN"),
        help="API key clients must send (default: $HITL_WIDGETS_TOKEN, else a new one)",
    )
    run.add_argument(
        "--cors-origin",
        action="append",
        dest="cors_origins",
        metavar="ORIGIN",
        help="a browser origin allowed to call the API, e.g. http://localhost:3000 "
        "(repeatable; default: langgraph.json's http.cors, else any origin)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv``, serve until SIGINT/SIGTERM; the exit status."""
    args = _parser().parse_args(argv)
    try:
        graphs = load_langgraph_json(args.config)
        cors = cors_of_langgraph_json(args.config)
        server = serve(
            graphs,
            host=args.host,
            port=args.port,
            token=args.token,
            checkpointer=args.db,
            cors=cors,
            cors_origins=args.cors_origins,
        )
    except ValueError as error:
        print(f"error: {error}", flush=True)
        return 2
    print(
        f"hitl_widgets: serving {', '.join(sorted(graphs))} at {server.url}\n"
        f"API key (x-api-key): {server.token}\n"
        f"threads: {args.db or 'in memory'}",
        flush=True,
    )
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    server.stop()
    return 0
