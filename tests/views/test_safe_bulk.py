"""Safe bulk: accept each thread's own proposal by default; one shared answer only through
the typed form, and only at once when the proposals agree, else after a per-thread preview."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import ipywidgets as widgets
import pytest

import hitl_widgets
from hitl_widgets import Inbox, get_client
from hitl_widgets.forms import InterruptForm
from hitl_widgets.views.bulk import plan_accept
from hitl_widgets.views.queue.proposals import NoProposal, accept_answer
from tests.views.labeller import asker, labeller

pytestmark = pytest.mark.anyio


@pytest.fixture
async def client() -> AsyncIterator[Any]:
    c = get_client(graphs={"labeller": labeller, "asker": asker}, reviewer="ana")
    try:
        yield c
    finally:
        await c.aclose()


async def _docs(client: Any, texts: list[str], graph: str = "labeller") -> list[str]:
    ids = []
    for text in texts:
        tid = (await client.threads.create())["thread_id"]
        await client.runs.wait(tid, graph, input={"text": text})
        ids.append(str(tid))
    return ids


async def _labels(client: Any, ids: list[str]) -> list[Any]:
    return [(await client.threads.get_state(t))["values"].get("label") for t in ids]


def _tree(widget: Any) -> list[Any]:
    out = [widget]
    for child in getattr(widget, "children", ()):
        out += _tree(child)
    return out


async def test_the_default_bulk_action_accepts_each_threads_own_proposal(
        client: Any, widget_comms: list) -> None:
    ids = await _docs(client, ["total due 5 EUR", "Dear reviewer", "total 7"])
    inbox = Inbox(client)
    await inbox.wait()
    assert not any(isinstance(w, widgets.Textarea) for w in _tree(inbox))  # no raw JSON
    inbox.select_all()
    assert inbox.selection.count.value == "<b>3</b> of 3 selected"
    inbox.bulk_button.click()
    await inbox.wait()
    assert [r["ok"] for r in inbox.last_bulk] == [True, True, True]
    assert await _labels(client, ids) == ["invoice", "letter", "invoice"]  # nobody relabelled
    log = hitl_widgets.decisions(client)
    assert {(d["verdict"], d["origin"]) for d in log} == {("accepted", "bulk: accept")}


async def test_a_thread_with_nothing_to_accept_is_left_for_a_person(client: Any) -> None:
    [doc] = await _docs(client, ["total 1"])
    [question] = await _docs(client, ["x"], graph="asker")
    plan = await plan_accept(client, [doc, question])
    assert [t["problem"] is None for t in plan.threads] == [True, False]
    assert "asks a question and proposes no answer" in str(plan.threads[1]["problem"])
    with pytest.raises(NoProposal):
        accept_answer({"value": "Send it?"})
    inbox = Inbox(client, load=False)
    results = await inbox.accept_proposed([doc, question])
    assert [r["ok"] for r in results] == [True, False]
    assert (await client.threads.get(question))["status"] == "interrupted"


async def test_a_shared_answer_for_differing_proposals_waits_for_its_preview(
        client: Any, widget_comms: list) -> None:
    ids = await _docs(client, ["total due 5 EUR", "Dear reviewer"])
    inbox = Inbox(client)
    await inbox.wait()
    inbox.select(ids)
    panel = inbox.bulk_panel
    panel.shared_button.click()
    assert isinstance(panel.form, InterruptForm)  # the typed form a single thread gets
    panel.form.value = {"label": "invoice", "approved": True, "note": ""}
    panel.form.submit()
    await inbox.wait()
    # Nothing sent: the preview says what changes in each thread.
    assert [(await client.threads.get(t))["status"] for t in ids] == ["interrupted"] * 2
    assert f"{ids[0]}: accepted as proposed" in panel.preview.value
    assert f"{ids[1]}: label: &quot;letter&quot; → &quot;invoice&quot;" in panel.preview.value
    assert panel.apply_button.layout.display == ""
    assert panel.apply_button.description == "Apply to 2 thread(s)"
    panel.apply_button.click()
    await inbox.wait()
    assert await _labels(client, ids) == ["invoice", "invoice"]
    log = hitl_widgets.decisions(client)
    assert [(d["verdict"], d["origin"]) for d in log] in (
        [("accepted", "bulk: shared"), ("edited", "bulk: shared")],
        [("edited", "bulk: shared"), ("accepted", "bulk: shared")])


async def test_a_shared_answer_for_agreeing_proposals_goes_at_once(
        client: Any, widget_comms: list) -> None:
    ids = await _docs(client, ["total 1", "total 2"])
    inbox = Inbox(client)
    await inbox.wait()
    inbox.select(ids)
    inbox.bulk_panel.open_shared()
    assert inbox.bulk_panel.form is not None
    inbox.bulk_panel.form.value = {"label": "contract", "approved": True, "note": "both"}
    inbox.bulk_panel.form.submit()
    await inbox.wait()
    assert await _labels(client, ids) == ["contract", "contract"]
    assert "2 of 2 thread(s) answered" in inbox.notice.value
