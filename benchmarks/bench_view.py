"""Benchmark: the review view's overhead over the client it drives.

    .venv/bin/python benchmarks/bench_view.py [--runs 200]

1. Seed graph, in-kernel client (memory): the client's own resume
   (`runs.wait(command=...)`) against the view's Submit → new state rendered
   (`view.submit()` then `await view.wait()`: pre-check, streamed resume, state reload,
   diff, render, record). Target: at most 1.5× the client's resume.
2. The same for the `chatty` graph with 1,000 messages already in its state (where the
   view's fixed costs matter less and rendering the conversation and its diff more).
3. Re-rendering a state of 1,000 chat messages (readable view, with the diff against
   the previous state) and the JSON toggle. Target: under 200 ms.

Widgets are created without a front end (no comm traffic leaves the process), so the
figures are the kernel-side cost. The view streams its resume (`updates`, `tasks`, `values`)
to show progress, so the table also gives the client's own streamed resume: the difference
between that line and the view's is the view's own work (one loop hop for the background
task, the widget updates). The memory runtime runs on the view's own loop (no thread hop);
on a busy machine medians wander, and the "best" columns show the uncontended cost.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from hitl_widgets import get_client
from hitl_widgets.views import StateView, ThreadView
from hitl_widgets.views.session import STREAM_MODES
from tests.graphs.scenarios import chatty, seed


def chat(n: int) -> list[dict[str, Any]]:
    """`n` chat messages: human, AI with a tool call, tool result, in turn."""
    out: list[dict[str, Any]] = []
    for i in range(n):
        kind = ("human", "ai", "tool")[i % 3]
        message: dict[str, Any] = {"type": kind, "content": f"message {i} " * 12, "id": str(i)}
        if kind == "ai":
            message["tool_calls"] = [{"name": "search", "args": {"q": f"q{i}"}, "id": f"c{i}"}]
        if kind == "tool":
            message["tool_call_id"] = f"c{i - 1}"
        out.append(message)
    return out


async def interrupted_thread(client: Any) -> tuple[str, str]:
    thread = await client.threads.create()
    result = await client.runs.wait(thread["thread_id"], "agent",
                                    input={"some_text": "original text"})
    return thread["thread_id"], result["__interrupt__"][0]["id"]


async def bench_resume(runs: int, batch: int = 20) -> tuple[list[float], list[float],
                                                           list[float]]:
    """Resumes timed in batches: threads (and views) are prepared first, then resumed back to
    back, so that no measure carries the cost of building what it needs (building widgets
    right before a run slows that run by a few tenths of a millisecond, views or not)."""
    client = get_client(graphs={"agent": seed})
    for _ in range(10):  # warm-up: imports, graph compilation caches, first widgets
        tid, iid = await interrupted_thread(client)
        await client.runs.wait(tid, "agent", command={"resume": {iid: "warm"}})
    raw: list[float] = []
    streamed: list[float] = []
    viewed: list[float] = []
    while len(viewed) < runs:
        ready = [await interrupted_thread(client) for _ in range(batch)]
        for tid, iid in ready:
            started = time.perf_counter()
            await client.runs.wait(tid, "agent", command={"resume": {iid: "Edited text"}})
            raw.append(time.perf_counter() - started)

        ready = [await interrupted_thread(client) for _ in range(batch)]
        for tid, iid in ready:
            started = time.perf_counter()
            async for _part in client.runs.stream(tid, "agent",
                                                  command={"resume": {iid: "Edited text"}},
                                                  stream_mode=list(STREAM_MODES),
                                                  multitask_strategy="reject"):
                pass
            streamed.append(time.perf_counter() - started)

        views = []
        for tid, _ in [await interrupted_thread(client) for _ in range(batch)]:
            view = ThreadView(client, tid, "agent")
            await view.wait()
            view.form.value = "Edited text"
            views.append(view)
        for view in views:
            started = time.perf_counter()
            view.submit()
            await view.wait()
            viewed.append(time.perf_counter() - started)
            assert view.values == {"some_text": "Edited text"}, view.errors.errors
        for view in views:
            view.close()
    await client.aclose()
    return raw, streamed, viewed


async def bench_chat_resume(runs: int) -> tuple[list[float], list[float]]:
    """The `chatty` graph resumed with 1,000 messages already in its state."""
    from langchain_core.messages import AIMessage, HumanMessage

    history = [HumanMessage(content=f"question {i} " * 10, id=f"h{i}") if i % 2 == 0
               else AIMessage(content=f"answer {i} " * 30, id=f"a{i}") for i in range(1000)]
    client = get_client(graphs={"agent": chatty})

    async def asked() -> tuple[str, str]:
        thread = await client.threads.create()
        result = await client.runs.wait(thread["thread_id"], "agent",
                                        input={"messages": history})
        return thread["thread_id"], result["__interrupt__"][0]["id"]

    raw: list[float] = []
    viewed: list[float] = []
    for _ in range(runs):
        tid, iid = await asked()
        started = time.perf_counter()
        await client.runs.wait(tid, "agent", command={"resume": {iid: "topic"}})
        raw.append(time.perf_counter() - started)
        tid, _ = await asked()
        view = ThreadView(client, tid, "agent")
        await view.wait()
        view.form.value = "topic"
        started = time.perf_counter()
        view.submit()
        await view.wait()
        viewed.append(time.perf_counter() - started)
        assert view.status == "idle", view.errors.errors
        view.close()
    await client.aclose()
    return raw, viewed


def bench_render(repeats: int) -> tuple[list[float], list[float]]:
    messages = chat(1000)
    view = StateView()
    view.show({"messages": messages[:-1]})
    readable: list[float] = []
    as_json: list[float] = []
    for _ in range(repeats):
        started = time.perf_counter()
        view.show({"messages": messages}, previous={"messages": messages[:-1]})
        readable.append(time.perf_counter() - started)
        started = time.perf_counter()
        view.as_json = not view.as_json
        as_json.append(time.perf_counter() - started)
    return readable, as_json


def ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:8.2f} {min(values) * 1000:8.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200, help="resumes measured (default 200)")
    args = parser.parse_args()
    raw, streamed, viewed = asyncio.run(bench_resume(args.runs))
    readable, as_json = bench_render(20)
    chat_raw, chat_viewed = asyncio.run(bench_chat_resume(20))

    def ratios(values: list[float]) -> str:
        # Median against median, and best against best: on a busy machine the medians
        # carry the waits for a core.
        med = statistics.median(values) / statistics.median(raw)
        return f"{med:7.2f} {min(values) / min(raw):7.2f}"

    print(f"in-kernel client (memory): seed graph, {args.runs} resumes; chat graph, 20 "
          "resumes; 1,000-message state, 20 renders\n")
    print(f"{'measure':46} {'median':>8} {'best':>8} {'ratio':>7} {'best':>7} {'target':>8}")
    print(f"{'client resume: runs.wait(command=resume)':46} {ms(raw)} {ratios(raw)}")
    print(f"{'client resume streamed, same modes as the view':46} {ms(streamed)} "
          f"{ratios(streamed)}")
    print(f"{'view: Submit -> new state rendered':46} {ms(viewed)} {ratios(viewed)} "
          f"{'<= 1.5x':>8}")
    chat_ratio = statistics.median(chat_viewed) / statistics.median(chat_raw)
    chat_best = min(chat_viewed) / min(chat_raw)
    print(f"{'chat graph, 1,000 messages: runs.wait resume':46} {ms(chat_raw)} "
          f"{'1.00':>7} {'1.00':>7}")
    print(f"{'chat graph, 1,000 messages: view Submit -> new':46} {ms(chat_viewed)} "
          f"{chat_ratio:7.2f} {chat_best:7.2f} {'<= 1.5x':>8}")
    print(f"{'re-render 1,000 messages (readable + diff)':46} {ms(readable)} {'':>15} "
          f"{'< 200 ms':>8}")
    print(f"{'JSON toggle on 1,000 messages':46} {ms(as_json)} {'':>15} {'< 200 ms':>8}")


if __name__ == "__main__":
    main()
