"""A graph shaped like a real agent: ours against the graph's own ``ainvoke`` (run by hand).

    nice -n 10 .venv/bin/python benchmarks/bench_realistic.py [--flows 60] [--messages 200]

Eight nodes in a line, an ``interrupt()`` in the fourth, each node adding one message to a
state that starts with ``--messages`` chat messages. Two kinds of messages:
  dicts      ``{"role", "content"}`` in a list with ``operator.add``
  LangChain  ``HumanMessage``/``AIMessage`` objects with ``add_messages``
One flow is: (ours: create a thread,) run to the interrupt, resume to the end. The graph's
own ``ainvoke`` and the in-kernel async client (``hitl_widgets.get_client``) take turns on
one event loop, each with its own saver of the same class (memory: ``InMemorySaver``;
SQLite: one file each, opened as our runtime opens it: ``SqliteSaver`` in WAL mode with
async entry points), so both see
the same machine load. Medians in ms of wall-clock and of CPU time (all of the process's
threads: on a shared machine the steadier figure), and ours / ainvoke. The seed flow of
``bench_runtime.seed_flows`` is the floor.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import operator
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, TypedDict

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from langchain_core.messages import AIMessage, AnyMessage, HumanMessage
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.constants import END, START
from langgraph.graph import StateGraph
from langgraph.graph.message import add_messages
from langgraph.types import Command, interrupt

from hitl_widgets import get_client
from hitl_widgets.runtime.checkpointers import open_sqlite

WARMUP = 10
NODES = 8
ASKS_AT = 4  # the node (1-based) that calls interrupt()

Flow = Callable[[], Awaitable[None]]


class DictState(TypedDict):
    messages: Annotated[list[dict[str, Any]], operator.add]


class ChatState(TypedDict):
    messages: Annotated[list[AnyMessage], add_messages]


def _dict_node(i: int) -> Callable[[DictState], dict[str, Any]]:
    def node(state: DictState) -> dict[str, Any]:
        if i == ASKS_AT:
            answer = interrupt({"question": "Send this reply?", "last": state["messages"][-1]})
            return {"messages": [{"role": "user", "content": str(answer)}]}
        return {"messages": [{"role": "assistant", "content": f"step {i}: " + "x" * 60}]}

    return node


def _chat_node(i: int) -> Callable[[ChatState], dict[str, Any]]:
    def node(state: ChatState) -> dict[str, Any]:
        if i == ASKS_AT:
            answer = interrupt({"question": "Send this reply?",
                                "last": state["messages"][-1].content})
            return {"messages": [HumanMessage(content=str(answer), id=str(uuid.uuid4()))]}
        return {"messages": [AIMessage(content=f"step {i}: " + "x" * 60, id=str(uuid.uuid4()))]}

    return node


def build(kind: str) -> Any:
    """The eight-node graph for ``kind`` (``dict`` or ``langchain``), not compiled."""
    builder: Any = StateGraph(DictState if kind == "dict" else ChatState)
    make = _dict_node if kind == "dict" else _chat_node
    names = [f"n{i}" for i in range(1, NODES + 1)]
    for i, name in enumerate(names, 1):
        builder.add_node(name, make(i))
    builder.add_edge(START, names[0])
    for a, b in itertools.pairwise(names):
        builder.add_edge(a, b)
    builder.add_edge(names[-1], END)
    return builder


def conversation(kind: str, n: int) -> list[Any]:
    """``n`` chat messages, alternating user and assistant, about 80 characters each."""
    text = "a message of a long conversation, about as long as a chat line usually is: "
    if kind == "dict":
        return [{"role": "user" if i % 2 == 0 else "assistant", "content": f"{text}{i}"}
                for i in range(n)]
    cls: list[type[Any]] = [HumanMessage, AIMessage]
    return [cls[i % 2](content=f"{text}{i}", id=f"m-{i}") for i in range(n)]


def flows(kind: str, saver: str, n_messages: int, folder: Path) -> tuple[Flow, Flow]:
    """The graph's own ``ainvoke`` flow and ours, for one kind of message and saver."""
    builder = build(kind)
    if saver == "memory":
        raw_saver: Any = InMemorySaver()
        spec: Any = None
    else:
        # The file opened as ours is (WAL, synchronous=NORMAL), so only what we add differs.
        raw_saver = open_sqlite(folder / f"raw-{uuid.uuid4()}.sqlite")
        spec = str(folder / f"ours-{uuid.uuid4()}.sqlite")
    raw_graph = builder.compile(checkpointer=raw_saver)
    client = get_client(graphs={"agent": builder.compile()}, checkpointer=spec)
    messages = conversation(kind, n_messages)

    async def raw_flow() -> None:
        cfg = {"configurable": {"thread_id": str(uuid.uuid4())}}
        first = await raw_graph.ainvoke({"messages": messages}, cfg)
        assert "__interrupt__" in first
        await raw_graph.ainvoke(Command(resume="yes, send it"), cfg)

    async def our_flow() -> None:
        tid = (await client.threads.create())["thread_id"]
        first = await client.runs.wait(tid, "agent", input={"messages": messages})
        assert "__interrupt__" in first
        await client.runs.wait(tid, "agent", command={"resume": "yes, send it"})

    return raw_flow, our_flow


def interleaved(raw_flow: Flow, our_flow: Flow, n: int) -> dict[str, float]:
    """Medians in ms of ``n`` flows each, the two taking turns on one loop: wall-clock
    time, and the process's CPU time (every thread's; what the machine's load moves least);
    and the mean time per flow spent in the garbage collector (a full collection walks every
    object the process keeps, and lands on whichever flow allocates at that moment)."""

    collecting = [0.0, 0.0]  # seconds spent in the garbage collector; when the last one began

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collecting[1] = time.perf_counter()
        else:
            collecting[0] += time.perf_counter() - collecting[1]

    async def main() -> dict[str, float]:
        samples: dict[str, list[float]] = {"raw": [], "ours": [], "raw_cpu": [], "ours_cpu": []}
        spent = {"raw_gc": 0.0, "ours_gc": 0.0}
        for i in range(n + WARMUP):
            for flow, name in ((raw_flow, "raw"), (our_flow, "ours")):
                collecting[0] = 0.0
                c0, t0 = time.process_time(), time.perf_counter()
                await flow()
                t1, c1 = time.perf_counter(), time.process_time()
                if i >= WARMUP:
                    samples[name].append(t1 - t0)
                    samples[f"{name}_cpu"].append(c1 - c0)
                    spent[f"{name}_gc"] += collecting[0]
        medians = {name: statistics.median(got) * 1000 for name, got in samples.items()}
        return {**medians, **{name: total / n * 1000 for name, total in spent.items()}}

    gc.callbacks.append(on_gc)
    try:
        return asyncio.run(main())
    finally:
        gc.callbacks.remove(on_gc)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flows", type=int, default=60)
    parser.add_argument("--messages", type=int, default=200)
    parser.add_argument("--only", choices=["dict", "langchain"], default=None)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-realistic-"))
    goals = {"dict": 1.05, "langchain": 1.10, "seed": 1.2}
    rows: list[tuple[str, dict[str, float], float]] = []
    for kind in ("dict", "langchain"):
        if args.only not in (None, kind):
            continue
        for saver in ("memory", "SQLite"):
            got = interleaved(*flows(kind, saver.lower(), args.messages, folder), args.flows)
            label = f"{args.messages} {'dict' if kind == 'dict' else 'LangChain'} messages, {saver}"
            rows.append((label, got, goals[kind]))
    from bench_runtime import seed_flows

    rows.append(("seed flow (the floor), memory", interleaved(*seed_flows(), args.flows * 4),
                 goals["seed"]))

    print(f"\nOne flow = (ours: threads.create) + run to the interrupt + resume; medians over "
          f"{args.flows} flows ({args.flows * 4} for the seed), {NODES} nodes, ainvoke and "
          "ours taking turns on one loop")
    print("| graph, saver | graph.ainvoke | ours (async client) | ratio | CPU: ainvoke | "
          "CPU: ours | CPU ratio | goal | GC per flow (mean): ainvoke / ours |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for label, got, goal in rows:
        ratio, cpu_ratio = got["ours"] / got["raw"], got["ours_cpu"] / got["raw_cpu"]
        print(f"| {label} | {got['raw']:.2f} ms | {got['ours']:.2f} ms | {ratio:.2f}x | "
              f"{got['raw_cpu']:.2f} ms | {got['ours_cpu']:.2f} ms | {cpu_ratio:.2f}x | "
              f"<= {goal:.2f}x | {got['raw_gc']:.2f} / {got['ours_gc']:.2f} ms |")
    load = os.getloadavg()
    print(f"\n(python {sys.version.split()[0]}, {os.cpu_count()} cores, load average "
          f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} at the end)")


if __name__ == "__main__":
    main()
