"""The review loop through the in-kernel client: Submit → resume → new state → next form.

Widgets talk to recorded comms (`widget_comms`), answers go through the real
`InterruptForm`, and every assertion on the thread is made through the client.
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from hitl_widgets.forms.schema.validate import find_field
from hitl_widgets.views import ThreadView
from tests.forms.helpers import error_texts
from tests.views.helpers import open_view, until

pytestmark = pytest.mark.anyio


def sent_values(widget_comms: list, widget: Any) -> list[Any]:
    """Every `value` the kernel sent to the browser for `widget` (recorded comm messages)."""
    comm = next(c for c in widget_comms if c.comm_id == widget.model_id)
    return [m["data"]["state"]["value"] for m in comm.messages
            if m["data"] and m["data"].get("method") == "update"
            and "value" in m["data"]["state"]]


async def test_seed_flow(client: Any, widget_comms: list) -> None:
    view = await open_view(client, "seed", {"some_text": "original text"})
    assert view.status == "interrupted" and len(view.pending) == 1
    assert view.form.value == "original text"  # the inferred form, pre-filled
    # Headed by what is asked, not by the node that asks.
    assert view.form.parts[0].label == "Review the text to revise"
    assert "human_node" not in view.form_box.children[0].value
    view.form.value = "Edited text"
    view.submit()
    assert view.busy and view.form.disabled  # returned at once; the resume runs as a task
    await view.wait()
    assert view.status == "idle" and view.form is None
    assert view.values == {"some_text": "Edited text"}
    assert (await client.threads.get_state(view.thread_id))["values"] == view.values
    assert [(c.key, c.before, c.after) for c in view.last_changes] == [
        ("some_text", "original text", "Edited text")]
    assert "Edited text" in view.state_view.body.value
    assert "Changed" in view.state_view.changes.value
    assert [(d.node, d.answer, d.outcome) for d in view.decisions] == [
        ("human_node", "Edited text", "accepted")]
    assert "done" in view.progress.value and "human_node" in view.progress.value
    # What reached the browser: the new state and status.
    assert "Edited text" in sent_values(widget_comms, view.state_view.body)[-1]
    assert "idle" in sent_values(widget_comms, view.header)[-1]


async def test_two_sequential_interrupts(client: Any, widget_comms: list) -> None:
    view = await open_view(client, "two_steps", {"some_text": "draft"})
    first = view.form
    view.form.value = "better draft"
    view.submit()
    await view.wait()
    assert view.status == "interrupted" and view.form is not first  # the next question
    assert [p.label for p in view.pending] == ["approve"]
    assert view.values["some_text"] == "better draft"
    assert view.form.value == "better draft"  # the second question shows the new text
    view.form.value = "yes"
    view.submit()
    await view.wait()
    assert view.status == "idle"
    assert (await client.threads.get_state(view.thread_id))["values"] == {
        "some_text": "better draft", "approved": "yes"}
    assert [d.node for d in view.decisions] == ["draft", "approve"]


async def test_parallel_interrupts_answered_together(client: Any, widget_comms: list) -> None:
    view = await open_view(client, "parallel", {"topic": "cats"})
    assert sorted(p.label for p in view.pending) == ["left", "right"]
    assert len(view.forms) == 2 and set(view.forms) == {p.id for p in view.pending}
    # Each question is inferred as an object form; the reviewer edits one field of each.
    view.form.value = {p.id: {**p.interrupt["value"], "topic": f"dogs-{p.label}"}
                       for p in view.pending}
    view.submit()
    await view.wait()
    runs = await client.runs.list(view.thread_id)
    assert len(runs) == 2  # the first run, then ONE resume answering both
    assert view.status == "idle"
    left, right = sorted(view.values["answers"])
    assert left.startswith("left:") and "dogs-left" in left
    assert right.startswith("right:") and "dogs-right" in right


async def test_subgraph_interrupt_is_labelled_with_its_path(client: Any,
                                                            widget_comms: list) -> None:
    view = await open_view(client, "subgraph", {"some_text": "inner"})
    assert [p.label for p in view.pending] == ["child › child_ask"]
    assert view.form.value == "inner"
    view.form.value = "answered below"
    view.submit()
    await view.wait()
    assert view.values == {"some_text": "answered below!"}


async def test_typed_answer_rejected_then_fixed(client: Any, widget_comms: list) -> None:
    view = await open_view(client, "typed", {"some_text": "ship it?"})
    iid = view.pending[0].id
    before = await client.threads.get_state(view.thread_id)
    # An answer that skipped the form's own checks: the client's 422 lands on the field.
    view.resume({iid: {"approved": "maybe"}})
    await view.wait()
    assert view.decisions[-1].outcome == "rejected (422)"
    assert "rejected" in view.notice.value and "approved" in view.notice.value
    after = await client.threads.get_state(view.thread_id)
    assert after["checkpoint"] == before["checkpoint"]  # the thread is unchanged
    assert view.status == "interrupted" and not view.busy and not view.form.disabled
    # The server's message sits on the field it names, where the reviewer will fix it.
    approved, rest = find_field(view.form.parts[0].field, ("approved",))
    assert rest == () and "is not of type" in error_texts(approved)
    view.form.value = {"approved": True, "comment": "fine"}
    view.submit()
    await view.wait()
    assert view.status == "idle"
    assert view.values["approved"] is True and view.values["comment"] == "fine"


async def test_graph_error_then_retry(client: Any, widget_comms: list) -> None:
    view = await open_view(client, "flaky", {"some_text": "t"})
    view.form.value = "boom"
    view.submit()
    await view.wait()
    assert view.status == "error"
    [error] = view.errors.errors
    assert error.error_type == "ValueError" and "boom" in error.message
    assert error.node == "fragile" and error.status == "error"
    assert "ValueError" in view.errors.html.value and "fragile" in view.errors.html.value
    # The in-kernel runtime streams the traceback too; the view folds it.
    assert error.traceback and "fragile" in error.traceback
    assert "<details><summary>Traceback</summary>" in view.errors.html.value
    assert view.form is not None and not view.form.disabled  # answer again
    view.form.value = "fine"
    view.submit()
    await view.wait()
    assert view.status == "idle" and view.values == {"some_text": "fine"}
    assert [d.outcome for d in view.decisions] == ["failed", "accepted"]


async def test_stale_form_is_refused_and_refreshed(client: Any, widget_comms: list) -> None:
    view = await open_view(client, "two_steps", {"some_text": "draft"})
    other = ThreadView(client, view.thread_id, "two_steps")
    await other.wait()
    other.form.value = "answered elsewhere"
    other.submit()
    await other.wait()
    view.form.value = "too late"
    view.submit()
    await view.wait()
    assert view.decisions[-1].outcome == "stale"
    assert view.errors.errors[-1].title == "This form is stale"
    state = await client.threads.get_state(view.thread_id)
    assert state["values"]["some_text"] == "answered elsewhere"
    # Refreshed: the view now shows the next question, not the stale one.
    assert [p.label for p in view.pending] == ["approve"]
    assert view.values["some_text"] == "answered elsewhere"
    other.form.value = "approved elsewhere"
    other.submit()
    await other.wait()
    view.refresh_button.click()  # the reviewer reloads by hand
    await view.wait()
    assert view.status == "idle" and view.form is None
    assert view.values["approved"] == "approved elsewhere"


async def test_answer_racing_another_is_refused_by_the_client(
        client: Any, widget_comms: list, monkeypatch: pytest.MonkeyPatch) -> None:
    view = await open_view(client, "seed", {"some_text": "x"})
    iid = view.pending[0].id

    async def answered_meanwhile(ids: list[str]) -> list[str]:
        # Someone answers between the view's check and its resume: the client's 409.
        await client.runs.wait(view.thread_id, "seed", command={"resume": {iid: "first"}})
        return []

    monkeypatch.setattr(view.session, "not_pending", answered_meanwhile)
    view.form.value = "second"
    view.submit()
    await view.wait()
    assert view.decisions[-1].outcome == "stale"
    assert view.errors.errors[-1].title == "This form is stale"
    assert view.values == {"some_text": "first"} and view.form is None


async def test_busy_thread_keeps_the_answer_for_later(
        client: Any, widget_comms: list, monkeypatch: pytest.MonkeyPatch) -> None:
    import httpx
    from langgraph_sdk.errors import ConflictError

    view = await open_view(client, "seed", {"some_text": "x"})
    real_run, real_status = view.session.run, view.session.status

    async def busy_run(*args: Any, **kwargs: Any) -> Any:
        request = httpx.Request("POST", "http://kernel/threads/t/runs/stream")
        raise ConflictError("thread is busy with another run",
                            response=httpx.Response(409, request=request), body=None)

    async def busy() -> str:
        return "busy"

    monkeypatch.setattr(view.session, "run", busy_run)
    monkeypatch.setattr(view.session, "status", busy)
    view.form.value = "later"
    view.submit()
    await view.wait()
    assert view.errors.errors[-1].title == "The thread is busy"
    assert view.decisions[-1].outcome == "refused: thread busy"
    assert view.form.value == "later" and not view.form.disabled  # the answer is kept
    monkeypatch.setattr(view.session, "run", real_run)
    monkeypatch.setattr(view.session, "status", real_status)
    view.submit()
    await view.wait()
    assert view.values == {"some_text": "later"}


async def test_double_click_sends_one_resume(client: Any, widget_comms: list) -> None:
    view = await open_view(client, "seed", {"some_text": "x"})
    view.form.value = "once"
    resume = view.form.resume
    button = view.form.submit_button
    view.form.submit_button.click()
    view.form.submit_button.click()  # refused by the disabled form
    view.resume(resume)  # and by the view, should a click get through anyway
    assert view.refused_submits == 1
    comm = next(c for c in widget_comms if c.comm_id == button.model_id)
    assert any(m["data"]["state"].get("disabled") is True for m in comm.messages
               if m["data"] and m["data"].get("method") == "update")  # the browser's button too
    await view.wait()
    assert len(await client.runs.list(view.thread_id)) == 2
    assert len(view.decisions) == 1 and view.values == {"some_text": "once"}


async def test_run_streams_progress_without_blocking_the_loop(client: Any,
                                                             widget_comms: list) -> None:
    view = ThreadView(client, None, "slow")
    view.start({"delay": 0.6})
    seen_running: set[str] = set()
    elapsed: list[float] = []
    while view.busy or view.status == "loading":
        # Other coroutines (other cells, widget messages) keep running meanwhile.
        await asyncio.sleep(0.05)
        seen_running.update(view.progress.running.values())
        elapsed.append(view.progress.elapsed)
    assert "work" in seen_running and "running <code>work</code>" not in view.progress.value
    # The timer ticked while it ran: it showed more than one time, never going back.
    assert len(set(elapsed)) >= 2 and elapsed == sorted(elapsed), elapsed
    assert view.status == "idle" and view.values["count"] == 1
    assert "ran <code>work</code>" in view.progress.value


async def test_chat_messages_show_as_a_conversation(client: Any, widget_comms: list) -> None:
    view = await open_view(client, "chatty", {"messages": []})
    assert "conversation · 1 message" in view.state_view.body.value
    assert "Hello! What should I write about?" in view.state_view.body.value
    view.form.value = "cats"
    view.submit()
    await view.wait()
    body, changes = view.state_view.body.value, view.state_view.changes.value
    assert body.count('class="hw-msg ') == 3 and "Writing about cats." in body
    assert "+ 2 new items" in changes and "hw-msg-human" in changes


async def test_fork_from_a_past_checkpoint(client: Any, widget_comms: list) -> None:
    view = await open_view(client, "seed", {"some_text": "original"})
    view.form.value = "first answer"
    view.submit()
    await view.wait()
    view.load_history()
    await view.wait()
    asked = next(r for r in view.timeline.rows if r.next == ("human_node",))
    view.timeline.choose(asked.checkpoint_id)
    assert "original" in view.timeline.state_view.body.value
    view.timeline.edit.value = '{"some_text": "forked"}'
    view.timeline.fork_button.click()
    await view.wait()
    # The view follows the new branch: the question is asked again, about the edited text.
    assert view.status == "interrupted" and view.form.value == "forked"
    view.form.value = "branch answer"
    view.submit()
    await view.wait()
    assert view.values == {"some_text": "branch answer"}
    rows = view.timeline.rows
    assert any(not r.on_branch for r in rows)  # the first branch is still in the history
    assert rows[0].state["values"] == {"some_text": "branch answer"}


async def test_callback_errors_reach_the_view(client: Any, widget_comms: list,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    view = await open_view(client, "seed", {"some_text": "x"})
    view.timeline.fork_button.click()  # nothing selected: the handler raises
    assert view.errors.errors[-1].title == "Fork from here failed"
    assert "select a checkpoint" in view.errors.errors[-1].message

    def broken(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("a bug in the submit path")

    monkeypatch.setattr(view._runner, "schedule", broken)
    view.form.submit_button.click()  # the browser's click, through the form's callback
    assert view.errors.errors[-1].title == "Submit failed"
    assert "a bug in the submit path" in view.errors.html.value
    assert not view.busy and not view.form.disabled  # the reviewer can try again


async def test_client_failure_in_a_job_reaches_the_view(client: Any, widget_comms: list,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    view = await open_view(client, "seed", {"some_text": "x"})

    async def down(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("server went away")

    monkeypatch.setattr(view.session, "load", down)
    view.refresh()
    await view.wait()
    assert view.errors.errors[-1].error_type == "ConnectionError"
    assert "Traceback" in view.errors.html.value


async def test_graph_picture_highlights_the_interrupted_node(client: Any,
                                                             widget_comms: list) -> None:
    view = await open_view(client, "two_steps", {"some_text": "d"})
    view.form.value = "d2"
    view.submit()
    await view.wait()
    view.tabs.selected_index = 2
    await view.wait()
    assert '["approve"]:::interrupted' in view.picture.mermaid
    assert '["draft"]:::visited' in view.picture.mermaid
    assert "hw-node-interrupted" in view.picture.drawing.value


async def test_edit_state_and_continue(client: Any, widget_comms: list) -> None:
    view = await open_view(client, "flaky", {"some_text": "t"})
    view.form.value = "boom"
    view.submit()
    await view.wait()
    assert view.status == "error"
    view.tabs.selected_index = 3
    assert '"some_text": "t"' in view.editor.text.value
    view.editor.text.value = '{"some_text": "repaired"}'
    view.editor.apply_button.click()
    await view.wait()
    assert (await client.threads.get_state(view.thread_id))["values"] == {
        "some_text": "repaired"}
    view.editor.continue_button.click()  # run on from the edited state
    await view.wait()
    assert view.status == "interrupted" and view.form.value == "repaired"
    view.form.value = "fine"
    view.submit()
    await view.wait()
    assert view.status == "idle" and view.values == {"some_text": "fine"}


async def test_close_stops_the_view_not_the_thread(client: Any, widget_comms: list) -> None:
    view = await open_view(client, "slow", {"delay": 0.0})
    view.start({"delay": 0.3})
    await until(lambda: "work" in view.progress.running.values(), what="the run to be running")
    view.close()
    await view.wait()
    assert view.comm is None and view.state_view.body.comm is None
    assert view.progress._timer is None  # no timer left ticking
    for run in await client.runs.list(view.thread_id):
        await client.runs.join(view.thread_id, run["run_id"])
    runs = await client.runs.list(view.thread_id)
    assert [r["status"] for r in runs] == ["success", "success"]  # the run went on
    assert (await client.threads.get_state(view.thread_id))["values"]["count"] == 2
