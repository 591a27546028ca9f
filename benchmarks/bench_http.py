"""The seed flow over HTTP: ours against ``langgraph dev`` and against the in-kernel client.

    .venv/bin/python benchmarks/bench_http.py [--runs 200] [--server-runs 20] [--no-server]

One flow = ``threads.create`` + ``runs.wait`` to the interrupt + ``runs.wait`` resuming it,
through the official async ``langgraph_sdk`` client (same SDK, same calls on every row);
medians over ``--runs`` flows (``--server-runs`` for ``langgraph dev``, whose queue answers
each ``runs.wait`` after about a second), after a warm-up:

  in-kernel        hitl_widgets.get_client(graphs=...) in this process (no HTTP)
  SDK floor        a server in this process that answers each request at once with a
                   fixed body: what the SDK and HTTP cost before any server does any work
  serve()          hitl_widgets.serve() in this process, SDK over HTTP on 127.0.0.1
  CLI              python -m hitl_widgets serve langgraph.json in another process
  langgraph dev    the real server (offline), started here
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from langgraph_sdk import get_client as sdk_client  # noqa: E402
from langgraph_sdk.schema import Command  # noqa: E402
from tornado.httpserver import HTTPServer  # noqa: E402
from tornado.netutil import bind_sockets  # noqa: E402
from tornado.web import Application, RequestHandler  # noqa: E402

from hitl_widgets import get_client, serve  # noqa: E402
from tests.graphs.scenarios import seed  # noqa: E402
from tests.processes import free_port, stop_group  # noqa: E402

WARMUP = 10


async def seed_flow(client: Any, graph: str) -> None:
    thread_id = (await client.threads.create())["thread_id"]
    first = await client.runs.wait(thread_id, graph, input={"some_text": "original text"})
    assert "__interrupt__" in first, first
    done = await client.runs.wait(thread_id, graph, command=Command(resume="Edited text"))
    assert done == {"some_text": "Edited text"}, done


async def median_ms(client: Any, graph: str, runs: int, warmup: int = WARMUP) -> float:
    for _ in range(warmup):
        await seed_flow(client, graph)
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        await seed_flow(client, graph)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples) * 1000


class _Canned(RequestHandler):
    """Answers the seed flow's requests with fixed bodies, doing nothing else."""

    def post(self, thread_id: str | None = None) -> None:
        self.set_header("Content-Type", "application/json")
        if thread_id is None:
            self.write({"thread_id": "00000000-0000-4000-8000-000000000000", "metadata": {}})
        elif json.loads(self.request.body).get("command"):
            self.write({"some_text": "Edited text"})
        else:
            self.write({"some_text": "original text", "__interrupt__": [{"id": "x", "value": 1}]})


def start_canned() -> str:
    """The SDK floor's server, on its own loop thread as ``serve()`` runs ours."""
    sockets = bind_sockets(0, "127.0.0.1")
    app = Application([(r"/threads", _Canned), (r"/threads/([^/]+)/runs/wait", _Canned)])

    def run() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        HTTPServer(app).add_sockets(sockets)
        asyncio.get_event_loop().run_forever()

    threading.Thread(target=run, daemon=True).start()
    return f"http://127.0.0.1:{sockets[0].getsockname()[1]}"


def start_cli(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    (folder / "langgraph.json").write_text(
        '{"graphs": {"agent": "%s:seed"}}' % (ROOT / "tests" / "graphs" / "scenarios.py")
    )
    port = free_port()
    log = folder / "cli.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hitl_widgets", "serve", str(folder / "langgraph.json"),
             "--port", str(port), "--token", "bench"],
            cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    while "API key" not in log.read_text():
        if proc.poll() is not None:
            raise RuntimeError(log.read_text())
        time.sleep(0.05)
    return proc, f"http://127.0.0.1:{port}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--server-runs", type=int, default=20)
    parser.add_argument("--no-server", action="store_true", help="skip langgraph dev")
    args = parser.parse_args()
    rows: list[tuple[str, int, float]] = []

    async def row(name: str, make: Callable[[], Any], graph: str, runs: int,
                  close: Callable[[Any], Awaitable[None]] | None = None) -> None:  # fmt: skip
        client = make()
        try:
            rows.append((name, runs, await median_ms(client, graph, runs)))
        finally:
            if close is not None:
                await close(client)
        print(f"  {name}: {rows[-1][2]:.2f} ms", flush=True)

    async def aclose(client: Any) -> None:
        await client.aclose()

    await row("in-kernel (no HTTP)", lambda: get_client(graphs={"agent": seed}), "agent",
              args.runs)  # fmt: skip
    canned = start_canned()
    await row("SDK floor (answers at once)", lambda: sdk_client(url=canned, api_key="x"),
              "agent", args.runs, aclose)  # fmt: skip
    server = serve({"agent": seed})
    await row("serve() + SDK, same process",
              lambda: sdk_client(url=server.url, api_key=server.token), "agent", args.runs,
              aclose)  # fmt: skip
    server.stop()
    with tempfile.TemporaryDirectory() as tmp:
        proc, url = start_cli(Path(tmp))
        try:
            await row("CLI + SDK, another process",
                      lambda: sdk_client(url=url, api_key="bench"), "agent", args.runs,
                      aclose)  # fmt: skip
        finally:
            stop_group(proc)
    if not args.no_server:
        from tests.reference_server import start_server

        with tempfile.TemporaryDirectory() as tmp:
            proc, url, _ = start_server(Path(tmp))
            try:
                await row("langgraph dev + SDK", lambda: sdk_client(url=url), "seed",
                          args.server_runs, aclose)  # fmt: skip
            finally:
                stop_group(proc)

    kernel = rows[0][2]
    dev = rows[-1][2] if not args.no_server else None
    print("\nseed flow (create + wait to interrupt + resume), median ms")
    print(f"{'host':32} {'flows':>6} {'median ms':>10} {'÷ in-kernel':>12} {'dev ÷ this':>11}")
    for name, runs, ms in rows:
        speedup = f"{dev / ms:10.0f}×" if dev else ""
        print(f"{name:32} {runs:6d} {ms:10.2f} {ms / kernel:11.2f}× {speedup:>11}")


if __name__ == "__main__":
    asyncio.run(main())
