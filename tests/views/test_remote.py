"""The same view drives a thread on a real LangGraph Server (`langgraph dev`)."""

from __future__ import annotations

from typing import Any

import pytest

from hitl_widgets.views import ThreadView
from tests.views.helpers import open_view

pytestmark = [pytest.mark.anyio, pytest.mark.server]


@pytest.fixture
async def remote(reference_url: str) -> Any:
    from langgraph_sdk import get_client

    client = get_client(url=reference_url)
    try:
        yield client
    finally:
        await client.aclose()


async def test_seed_flow_on_the_server(remote: Any, widget_comms: list) -> None:
    view = await open_view(remote, "seed", {"some_text": "original text"})
    assert view.status == "interrupted" and view.form.value == "original text"
    assert [p.label for p in view.pending] == ["human_node"]
    view.form.value = "Edited text"
    view.submit()
    await view.wait()
    assert view.status == "idle" and view.values == {"some_text": "Edited text"}
    assert (await remote.threads.get_state(view.thread_id))["values"] == {
        "some_text": "Edited text"}
    assert view.errors.errors == []
    view.tabs.selected_index = 2  # the graph picture, from the server's get_graph
    await view.wait()
    assert '["human_node"]:::visited' in view.picture.mermaid


async def test_parallel_and_stale_on_the_server(remote: Any, widget_comms: list) -> None:
    view = await open_view(remote, "parallel", {"topic": "t"})
    assert sorted(p.label for p in view.pending) == ["left", "right"]
    other = ThreadView(remote, view.thread_id, "parallel")
    await other.wait()
    other.form.value = {p.id: {**p.interrupt["value"], "topic": "first"} for p in other.pending}
    other.submit()
    await other.wait()
    assert other.status == "idle" and len(other.values["answers"]) == 2
    # The server would accept an answer to a finished question and report success;
    # the view checks first and refuses it.
    view.form.value = {p.id: {**p.interrupt["value"], "topic": "late"} for p in view.pending}
    view.submit()
    await view.wait()
    assert view.decisions[-1].outcome == "stale"
    assert view.status == "idle" and view.form is None
    assert all("first" in a for a in view.values["answers"])


async def test_graph_error_and_fork_on_the_server(remote: Any, widget_comms: list) -> None:
    view = await open_view(remote, "flaky", {"some_text": "t"})
    view.form.value = "boom"
    view.submit()
    await view.wait()
    assert view.status == "error"
    [error] = view.errors.errors
    assert error.error_type == "ValueError" and error.node == "fragile"
    # Time travel: back to the question, with the text edited, as a new branch.
    view.load_history()
    await view.wait()
    asked = next(r for r in view.timeline.rows if r.next == ("fragile",))
    view.fork(asked.checkpoint_id, {"some_text": "forked"})
    await view.wait()
    assert view.status == "interrupted" and view.form.value == "forked"
    view.form.value = "fine"
    view.submit()
    await view.wait()
    assert view.status == "idle" and view.values == {"some_text": "fine"}
    assert (await remote.threads.get_state(view.thread_id))["values"] == {"some_text": "fine"}
