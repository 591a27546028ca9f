"""Our in-kernel client against the real LangGraph Server, scenario by scenario (issue 2, 5-6).

Every test runs the same code through the official `langgraph_sdk` client on a `langgraph dev`
reference server (`tests/reference_server.py`) and through `hitl_widgets.get_client(graphs=...)`.

- `test_flow[<side>-<flow>]` runs a flow of `tests/runtime/flows.py` or `flows_api.py` on one
  side; the flow asserts the sound behaviour (shapes, statuses, ids) that both must have.
- `test_same_as_server[<flow>]` compares the two sides' full transcripts after normalising ids
  and timestamps and dropping server-only keys (`tests/runtime/differential.py`).
- the `test_*` below them pin down where the server answers badly: the `server` side asserts
  the server's actual answer (so we notice if upstream changes it), the `local` side asserts
  ours is better. These are our **intentional differences**:

1. Resume with nothing pending. Server: a fresh thread fails with a bare `TypeError: 'NoneType'
   object is not iterable` and goes to `error`; a finished thread silently returns its final
   values. Ours: `ConflictError` (409) naming the thread and saying nothing is pending; the
   thread keeps its status. Why: a resume that cannot apply is a caller mistake, not a graph
   failure, and must not leave the thread in `error`.
2. Resume map naming an unknown interrupt id. Server: silently ignored, the run "succeeds" and
   the same interrupt is pending again. Ours: 409 listing the pending ids, nothing applied.
   Why: an answer that goes nowhere is lost work the reviewer never hears about.
3. Resume map naming an already-answered interrupt id (two questions in one node). Server:
   the answer is applied to the node's *next* question ("Bob" becomes the age). Ours: 409
   listing the pending ids, nothing applied. Why: a stale form must never answer a question
   its reviewer did not see. Likewise for a parallel branch a partial resume already
   answered: the server ignores the new answer silently and its `threads.get` lists the
   answered interrupt again; ours answers 409 and lists only what is pending.
4. Scalar resume with several interrupts pending. Server: `RuntimeError` and the thread in
   `error` (still listing its interrupts). Ours: 409 listing the pending ids; the thread stays
   `interrupted`. Why: the caller only has to add ids; nothing ran.
5. Resume failing `response_schema` validation. Server: bare `Exception("ValidationError: ...")`,
   thread `error`, `threads.get` shows no interrupts (while `get_state` still does). Ours:
   `UnprocessableEntityError` (422) carrying the validation errors; nothing saved; the thread
   stays `interrupted` and the same interrupt is answerable. Why: a typo in a form is not an
   error of the graph.
6. A batch resume where one answer is invalid. Server: the valid half is applied and saved
   (its task result is in the checkpoint), the thread goes to `error`. Ours: 422, nothing
   applied at all. Why: a batch is one decision; half-applied batches cannot be reviewed.
7. A graph error after a resume, then a retry. Server: every later resume - even a different,
   good answer - replays the saved bad answer and fails again, forever. Ours: the thread is in
   `error` with the interrupt still answerable - and listed by `threads.get`, where the
   server's errored thread lists none - and resuming with a new answer runs the node with
   that answer. Why: the reviewer must be able to correct the answer that broke the node.
8. Resuming from a past checkpoint (`checkpoint_id`, time travel) with a different answer.
   Server: the answer stored at that checkpoint wins, the new one is ignored. Ours: the new
   answer is applied on a fork; the old branch stays in the history. Why: answering a past
   question differently is the point of forking from it.

Where ours must be better, the messages name the thread and interrupt ids, so one `except`
clause and one log line are enough to fix the call.
"""

from __future__ import annotations

from typing import Any

import pytest
from langgraph_sdk.errors import ConflictError, UnprocessableEntityError

from tests.runtime import flows, flows_api, flows_routes
from tests.runtime.differential import Transcript, assert_same

FLOWS = {**flows.FLOWS, **flows_api.FLOWS, **flows_routes.FLOWS}

pytestmark = pytest.mark.anyio  # `server` marks the tests and sides that need langgraph dev

_server_transcripts: dict[str, Transcript] = {}
"""Each flow's transcript on the server, recorded once per test process (a flow takes seconds
on langgraph dev) by whichever test needs it first: `test_flow[server-*]`,
`test_same_as_server` or the HTTP conformance suite (tests/http/test_conformance.py)."""

FLOW_PARAMS = [pytest.param(flow, marks=pytest.mark.xdist_group(f"flow-{flow}")) for flow in FLOWS]
"""The flows as test parameters. Every test of one flow (here and in the HTTP conformance
suite) runs in the same pytest-xdist worker, so the server's transcript is recorded once."""


async def server_transcript(flow: str, reference_client: Any) -> Transcript:
    """`flow` run on the reference server (its own assertions included), once per process."""
    if flow not in _server_transcripts:
        _server_transcripts[flow] = await FLOWS[flow](reference_client)
    return _server_transcripts[flow]


@pytest.mark.parametrize("flow", FLOW_PARAMS)
async def test_flow(flow: str, side: str, side_client: Any) -> None:
    if side == "server":
        await server_transcript(flow, side_client)
    else:
        await FLOWS[flow](side_client)


@pytest.mark.server
@pytest.mark.parametrize("flow", FLOW_PARAMS)
async def test_same_as_server(flow: str, reference_client: Any, local_client: Any) -> None:
    expected = await server_transcript(flow, reference_client)
    assert_same(expected, await FLOWS[flow](local_client), what=f"flow {flow!r}")


# --- where the server answers badly (intentional differences 1-8) ---------------------------


def assert_names(exc: BaseException, thread_id: str, *interrupt_ids: str) -> None:
    """The error message must name the thread and every interrupt id involved."""
    message = str(exc)
    assert thread_id in message, f"thread id missing from: {message}"
    for interrupt_id in interrupt_ids:
        assert interrupt_id in message, f"interrupt id {interrupt_id} missing from: {message}"


async def start(client: Any, graph: str, values: dict[str, Any]) -> tuple[str, list[str]]:
    """A new thread run to its first interrupt(s); returns the thread id and pending ids."""
    thread_id = (await client.threads.create())["thread_id"]
    await client.runs.wait(thread_id, graph, input=values)
    state = await client.threads.get_state(thread_id)
    return thread_id, [i["id"] for i in state["interrupts"]]


async def pending(client: Any, thread_id: str) -> tuple[str, list[str], list[str]]:
    """(status, pending interrupt ids, next) of a thread."""
    thread = await client.threads.get(thread_id)
    state = await client.threads.get_state(thread_id)
    return thread["status"], [i["id"] for i in state["interrupts"]], state["next"]


async def test_resume_fresh_thread(side: str, side_client: Any) -> None:
    """1. Nothing pending on a new thread."""
    thread_id = (await side_client.threads.create())["thread_id"]
    command = {"resume": "x"}
    if side == "server":
        answer = await side_client.runs.wait(thread_id, "seed", command=command, raise_error=False)
        assert answer == {
            "__error__": {"error": "TypeError", "message": "'NoneType' object is not iterable"}
        }
        assert (await side_client.threads.get(thread_id))["status"] == "error"
    else:
        with pytest.raises(ConflictError) as caught:
            await side_client.runs.wait(thread_id, "seed", command=command)
        assert_names(caught.value, thread_id)
        assert "pending" in str(caught.value).lower()
        assert (await side_client.threads.get(thread_id))["status"] == "idle"
    # Either way the thread can still be started with an input.
    result = await side_client.runs.wait(thread_id, "seed", input={"some_text": "a"})
    assert result["__interrupt__"][0]["value"] == {"text_to_revise": "a"}


async def test_resume_finished_thread(side: str, side_client: Any) -> None:
    """1. Nothing pending on a thread that has finished."""
    thread_id, ids = await start(side_client, "seed", {"some_text": "a"})
    await side_client.runs.wait(thread_id, "seed", command={"resume": "b"})
    if side == "server":
        answer = await side_client.runs.wait(thread_id, "seed", command={"resume": "c"})
        assert answer == {"some_text": "b"}, "server: silently a no-op"
    else:
        with pytest.raises(ConflictError) as caught:
            await side_client.runs.wait(thread_id, "seed", command={"resume": "c"})
        assert_names(caught.value, thread_id)
    assert await pending(side_client, thread_id) == ("idle", [], [])
    assert (await side_client.threads.get(thread_id))["values"] == {"some_text": "b"}


async def test_resume_unknown_id(side: str, side_client: Any) -> None:
    """2. A resume map naming an interrupt id that does not exist."""
    thread_id, ids = await start(side_client, "seed", {"some_text": "a"})
    command = {"resume": {"0" * 32: "b"}}
    if side == "server":
        answer = await side_client.runs.wait(thread_id, "seed", command=command)
        assert [i["id"] for i in answer["__interrupt__"]] == ids, "server: silently ignored"
        assert len(await side_client.runs.list(thread_id)) == 2
    else:
        with pytest.raises(ConflictError) as caught:
            await side_client.runs.wait(thread_id, "seed", command=command)
        assert_names(caught.value, thread_id, "0" * 32, *ids)
        assert len(await side_client.runs.list(thread_id)) == 1, "nothing ran"
    assert await pending(side_client, thread_id) == ("interrupted", ids, ["human_node"])


async def test_resume_already_answered_id(side: str, side_client: Any) -> None:
    """3. Answering the first of two questions in one node again."""
    thread_id, (first,) = await start(side_client, "double", {})
    await side_client.runs.wait(thread_id, "double", command={"resume": {first: "Ada"}})
    status, (second,), _ = await pending(side_client, thread_id)
    command = {"resume": {first: "Bob"}}
    if side == "server":
        answer = await side_client.runs.wait(thread_id, "double", command=command)
        assert answer == {"name": "Ada", "age": "Bob"}, "server: applied to the next question"
    else:
        with pytest.raises(ConflictError) as caught:
            await side_client.runs.wait(thread_id, "double", command=command)
        assert_names(caught.value, thread_id, first, second)
        assert await pending(side_client, thread_id) == ("interrupted", [second], ["ask_both"])
        answer = await side_client.runs.wait(thread_id, "double", command={"resume": {second: 36}})
        assert answer == {"name": "Ada", "age": 36}


async def test_resume_already_answered_branch(side: str, side_client: Any) -> None:
    """3. Answering again a parallel branch that a partial resume already answered."""
    thread_id, (left, right) = await start(side_client, "parallel", {"topic": "t"})
    await side_client.runs.wait(thread_id, "parallel", command={"resume": {left: "A"}})
    command = {"resume": {left: "AGAIN"}}
    if side == "server":
        answer = await side_client.runs.wait(thread_id, "parallel", command=command)
        assert [i["id"] for i in answer["__interrupt__"]] == [right], "server: silently ignored"
        listed = [left, right]  # and threads.get lists the answered interrupt again
    else:
        with pytest.raises(ConflictError) as caught:
            await side_client.runs.wait(thread_id, "parallel", command=command)
        assert_names(caught.value, thread_id, left, right)
        listed = [right]
    assert await pending(side_client, thread_id) == ("interrupted", [right], ["right"])
    thread = await side_client.threads.get(thread_id)
    assert [i["id"] for found in thread["interrupts"].values() for i in found] == listed
    answer = await side_client.runs.wait(thread_id, "parallel", command={"resume": {right: "B"}})
    assert answer == {"topic": "t", "answers": ["left:A", "right:B"]}


async def test_scalar_resume_several_pending(side: str, side_client: Any) -> None:
    """4. A scalar answer while two interrupts wait."""
    thread_id, ids = await start(side_client, "parallel", {"topic": "t"})
    if side == "server":
        answer = await side_client.runs.wait(
            thread_id, "parallel", command={"resume": "x"}, raise_error=False
        )
        assert answer["__error__"]["error"] == "RuntimeError"
        assert "multiple pending interrupts" in answer["__error__"]["message"]
        assert await pending(side_client, thread_id) == ("error", ids, ["left", "right"])
    else:
        with pytest.raises(ConflictError) as caught:
            await side_client.runs.wait(thread_id, "parallel", command={"resume": "x"})
        assert_names(caught.value, thread_id, *ids)
        assert await pending(side_client, thread_id) == ("interrupted", ids, ["left", "right"])
    # Both: a map with every id then works.
    answer = await side_client.runs.wait(
        thread_id, "parallel", command={"resume": dict.fromkeys(ids, "m")}
    )
    assert answer == {"topic": "t", "answers": ["left:m", "right:m"]}


async def test_invalid_typed_resume(side: str, side_client: Any) -> None:
    """5. An answer that fails the interrupt's `response_schema`."""
    thread_id, ids = await start(side_client, "typed", {"some_text": "x"})
    bad = {"resume": {"approved": "maybe"}}
    if side == "server":
        answer = await side_client.runs.wait(thread_id, "typed", command=bad, raise_error=False)
        assert answer["__error__"]["error"] == "ValidationError"
        assert "approved" in answer["__error__"]["message"]
        thread = await side_client.threads.get(thread_id)
        assert (thread["status"], thread["interrupts"]) == ("error", {})
        assert await pending(side_client, thread_id) == ("error", ids, ["review"])
    else:
        with pytest.raises(UnprocessableEntityError) as caught:
            await side_client.runs.wait(thread_id, "typed", command=bad)
        assert_names(caught.value, thread_id, *ids)
        assert "approved" in str(caught.value) and "bool" in str(caught.value)
        assert await pending(side_client, thread_id) == ("interrupted", ids, ["review"])
    good = {"resume": {ids[0]: {"approved": True}}}
    answer = await side_client.runs.wait(thread_id, "typed", command=good)
    assert answer == {"some_text": "x", "approved": True, "comment": ""}


async def test_batch_with_one_invalid_answer(side: str, side_client: Any) -> None:
    """6. Two typed answers in one resume, the second invalid."""
    thread_id, (left, right) = await start(side_client, "typed_pair", {"some_text": "t"})
    batch = {"resume": {left: {"approved": True}, right: {"approved": "maybe"}}}
    if side == "server":
        answer = await side_client.runs.wait(
            thread_id, "typed_pair", command=batch, raise_error=False
        )
        assert answer["__error__"]["error"] == "ValidationError"
        assert await pending(side_client, thread_id) == ("error", [right], ["review_right"])
        (state, *_) = await side_client.threads.get_history(thread_id, limit=1)
        saved = {task["name"]: task["result"] for task in state["tasks"]}
        assert saved["review_left"] == {"decisions": ["left:True"]}, "server: half applied"
    else:
        with pytest.raises(UnprocessableEntityError) as caught:
            await side_client.runs.wait(thread_id, "typed_pair", command=batch)
        assert_names(caught.value, thread_id, right)
        expected = ("interrupted", [left, right], ["review_left", "review_right"])
        assert await pending(side_client, thread_id) == expected, "nothing applied"
        batch = {"resume": {left: {"approved": True}, right: {"approved": False}}}
        answer = await side_client.runs.wait(thread_id, "typed_pair", command=batch)
        assert answer == {"some_text": "t", "decisions": ["left:True", "right:False"]}


async def test_retry_after_graph_error(side: str, side_client: Any) -> None:
    """7. The node fails on the answer; the reviewer then gives another answer."""
    thread_id, ids = await start(side_client, "flaky", {"some_text": "a"})
    failed = await side_client.runs.wait(
        thread_id, "flaky", command={"resume": "boom"}, raise_error=False
    )
    assert failed["__error__"]["error"] == "ValueError"  # a graph error is an error on both
    assert await pending(side_client, thread_id) == ("error", ids, ["fragile"])
    listed = (await side_client.threads.get(thread_id))["interrupts"]
    listed_ids = [i["id"] for found in listed.values() for i in found]
    # Server: threads.get lists nothing (get_state still does); ours: what can be answered.
    assert listed_ids == ([] if side == "server" else ids)
    retry = {"resume": {ids[0]: "fine"}}
    if side == "server":
        again = await side_client.runs.wait(thread_id, "flaky", command=retry, raise_error=False)
        assert again == failed, "server: replays the saved bad answer"
        assert await pending(side_client, thread_id) == ("error", ids, ["fragile"])
    else:
        answer = await side_client.runs.wait(thread_id, "flaky", command=retry)
        assert answer == {"some_text": "fine"}
        assert await pending(side_client, thread_id) == ("idle", [], [])


async def test_fork_with_a_new_answer(side: str, side_client: Any) -> None:
    """8. Answer a past question again from its checkpoint."""
    thread_id, ids = await start(side_client, "seed", {"some_text": "a"})
    await side_client.runs.wait(thread_id, "seed", command={"resume": "first"})
    history = await side_client.threads.get_history(thread_id)
    (asked,) = [h["checkpoint_id"] for h in history if h["next"] == ["human_node"]]
    answer = await side_client.runs.wait(
        thread_id, "seed", command={"resume": "second"}, checkpoint_id=asked
    )
    if side == "server":
        assert answer == {"some_text": "first"}, "server: the stored answer wins"
    else:
        assert answer == {"some_text": "second"}
    assert (await side_client.threads.get(thread_id))["values"] == answer
    assert len(await side_client.threads.get_history(thread_id)) > len(history)


BAD_STREAMS = {
    # case: (graph, input to reach the state or None, resume, server's error, our error)
    "nothing pending": ("seed", None, "x", "TypeError", ConflictError),
    "scalar, several pending": ("parallel", {"topic": "t"}, "x", "RuntimeError", ConflictError),
    "invalid typed answer": (
        "typed",
        {"some_text": "x"},
        {"approved": "maybe"},
        "ValidationError",
        UnprocessableEntityError,
    ),
}


@pytest.mark.parametrize("case", list(BAD_STREAMS))
async def test_bad_resume_by_stream(case: str, side: str, side_client: Any) -> None:
    """1, 4, 5 through `runs.stream`, as a review view resumes: the same answers as `wait`."""
    graph, values, resume, server_error, our_error = BAD_STREAMS[case]
    thread_id = (await side_client.threads.create())["thread_id"]
    if values is not None:
        await side_client.runs.wait(thread_id, graph, input=values)
    before = await pending(side_client, thread_id)
    stream = side_client.runs.stream(thread_id, graph, command={"resume": resume})
    if side == "server":
        events = [(part.event, part.data) async for part in stream]
        assert events[0][0] == "metadata" and events[-1][0] == "error"
        assert events[-1][1]["error"] == server_error, "server: an error event, thread in error"
        assert (await side_client.threads.get(thread_id))["status"] == "error"
    else:
        with pytest.raises(our_error) as caught:
            _ = [part async for part in stream]
        assert_names(caught.value, thread_id)
        assert await pending(side_client, thread_id) == before, "nothing applied"
