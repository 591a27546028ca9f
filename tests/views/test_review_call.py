"""`review()` and what a review leaves in the notebook: the live view and a static record."""

from __future__ import annotations

from typing import Any

import IPython.display
import pytest

from hitl_widgets.views import ReviewRecord, ThreadView, review
from hitl_widgets.views.record import Decision
from tests.graphs.scenarios import seed

pytestmark = pytest.mark.anyio
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


@pytest.fixture
def shown(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, Any, dict[str, Any]]]:
    """Everything displayed or updated, as `(kind, object, kwargs)`."""
    calls: list[tuple[str, Any, dict[str, Any]]] = []

    def display(obj: Any, **kw: Any) -> None:
        if hasattr(obj, "_ipython_display_") and not kw.get("raw"):
            obj._ipython_display_()  # what IPython's formatter does first
            return
        calls.append(("display", obj, kw))

    monkeypatch.setattr(IPython.display, "display", display)
    monkeypatch.setattr(IPython.display, "update_display",
                        lambda obj, **kw: calls.append(("update", obj, kw)))
    return calls


async def test_review_a_graph_shows_the_view_and_a_record(widget_comms: list,
                                                          shown: list) -> None:
    view = review(seed, assistant_id="agent", input={"some_text": "original text"})
    assert isinstance(view, ThreadView)
    kinds = [k for k, _, _ in shown]
    assert kinds[:2] == ["display", "display"]  # the live widget, then the static record
    widget_bundle = shown[0][1]
    assert shown[0][2] == {"raw": True} and WIDGET_MIME in widget_bundle
    record, kwargs = shown[1][1], shown[1][2]
    assert isinstance(record, ReviewRecord) and kwargs["display_id"]
    await view.wait()
    view.form.value = "Edited text"
    view.submit()
    await view.wait()
    updates = [obj for kind, obj, kw in shown
               if kind == "update" and kw["display_id"] == kwargs["display_id"]]
    final = updates[-1]._repr_mimebundle_()
    # Named for what happened: the proposed text was edited (not "accepted").
    assert "Edited text" in final["text/html"] and "edited" in final["text/html"]
    assert WIDGET_MIME not in final and "<script" not in final["text/html"]
    assert "status idle" in final["text/plain"]
    # The live view carries the same record as a widget, updated in place (Voila does not
    # apply display updates sent after the cell ended), and hides the static copy it
    # supersedes by that copy's own marker class.
    live = view.record_view.value
    assert "Edited text" in live and "edited" in live and view.thread_id in live
    marker = f"hw-record-{kwargs['display_id']}"
    assert marker in final["text/html"] and f".{marker}{{display:none" in live
    assert marker not in live.split("</style>", 1)[1]
    sent = [m["data"]["state"]["value"] for c in widget_comms
            if c.comm_id == view.record_view.model_id for m in c.messages
            if m["data"] and "value" in m["data"].get("state", {})]
    assert "edited" in sent[-1]  # what reached the browser


async def test_review_opens_an_existing_thread_on_a_client(client: Any,
                                                           widget_comms: list) -> None:
    thread = await client.threads.create()
    await client.runs.wait(thread["thread_id"], "seed", input={"some_text": "old"})
    view = review(client, assistant_id="seed", thread_id=thread["thread_id"], display=False)
    await view.wait()
    assert view.status == "interrupted" and view.form.value == "old"


async def test_review_arguments_are_checked(client: Any) -> None:
    with pytest.raises(ValueError, match="checkpointer"):
        review(client, assistant_id="seed", input={}, checkpointer="memory", display=False)
    with pytest.raises(ValueError, match=r"input=\.\.\. to start a run, or thread_id"):
        review(client, assistant_id="seed", display=False)


def test_record_escapes_and_reads_without_a_kernel() -> None:
    evil = "<script>alert(1)</script>"
    record = ReviewRecord("t-1", "agent", status="idle", values={"text": evil},
                          decisions=[Decision("2026-11-26T10:00:00+00:00", "i-1", "node",
                                              {"q": evil}, evil, "accepted")])
    html = record.to_html()
    assert "<script>" not in html and html.count("&lt;script&gt;") >= 2
    assert "class=" not in html.replace('class="hw-', "")  # inline styles, not our CSS


def test_run_until_idle_drives_the_view_from_sync_code(widget_comms: list) -> None:
    from hitl_widgets import get_client

    view = ThreadView(get_client(graphs={"agent": seed}), None, "agent")
    view.start({"some_text": "sync"})
    assert view.busy and view.status == "loading"  # nothing runs without a loop
    view.run_until_idle()
    view.form.value = "done"
    view.submit()
    view.run_until_idle()
    assert view.values == {"some_text": "done"}


async def test_review_with_a_sqlite_checkpointer_persists(widget_comms: list,
                                                          tmp_path: Any) -> None:
    from hitl_widgets import get_client

    path = str(tmp_path / "threads.sqlite")
    view = review(seed, assistant_id="agent", input={"some_text": "disk"},
                  checkpointer=path, display=False)
    await view.wait()
    view.form.value = "saved"
    view.submit()
    await view.wait()
    await view.client.aclose()
    reopened = get_client(graphs={"agent": seed}, checkpointer=path)
    try:
        state = await reopened.threads.get_state(view.thread_id)
        assert state["values"] == {"some_text": "saved"}
    finally:
        await reopened.aclose()


async def test_a_bare_review_call_is_not_shown_twice(widget_comms: list, shown: list,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    import IPython

    class Hook:
        msg: dict[str, Any] | None = None

    class Shell:
        displayhook = Hook()
        execution_count = 7

    shell = Shell()
    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    view = review(seed, assistant_id="agent", input={"some_text": "x"})
    assert len(shown) == 2
    shell.displayhook.msg = {}  # the cell's last expression is being displayed
    IPython.display.display(view)
    assert len(shown) == 2  # review() already showed it
    shell.displayhook.msg = None
    IPython.display.display(view)  # an explicit display later still shows it
    assert len(shown) == 4
    other = review(seed, assistant_id="agent", input={"some_text": "y"})  # `v = review(...)`
    shell.execution_count = 8
    shell.displayhook.msg = {}  # `v` alone in a later cell: shown again
    IPython.display.display(other)
    assert len(shown) == 8
    await view.wait()
    await other.wait()


def test_a_sync_client_is_refused_with_the_fix() -> None:
    from hitl_widgets import get_sync_client

    with pytest.raises(TypeError, match="needs an async client"):
        ThreadView(get_sync_client(graphs={"agent": seed}), None, "agent")


async def test_any_form_keeping_the_contract_can_host_the_questions(
        client: Any, widget_comms: list) -> None:
    from tests.views.fake_form import FakeForm

    built: list[FakeForm] = []

    def factory(interrupts: list[dict[str, Any]], labels: dict[str, str]) -> FakeForm:
        built.append(FakeForm(interrupts, labels=labels))
        return built[-1]

    view = ThreadView(client, None, "parallel", form_factory=factory)
    view.start({"topic": "t"})
    await view.wait()
    [form] = built
    # Each question's heading: what it asks (here, its node's name read as words).
    assert sorted(form.labels.values()) == ["Left", "Right"]
    view.submit()
    await view.wait()
    assert view.status == "idle" and len(view.values["answers"]) == 2
