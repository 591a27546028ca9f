"""The comparison the differential tests rely on: what it hides, and what it must not hide."""

from __future__ import annotations

import pytest

from tests.runtime.differential import assert_same, normalise

THREAD = "01a21721-9899-7733-b1d1-c7f19dce2798"
OTHER_THREAD = "01a21721-9899-7733-b1d1-c7f19dce2799"
TASK = "58af9c67-d251-38f5-e985-1379caae8214"
INTERRUPT = "352ee9002db72f652907c12c5d367442"
OTHER_INTERRUPT = "b60d2ab53f14b39951ef274955af9054"


def test_same_id_keeps_its_placeholder_across_places() -> None:
    data = {
        "thread_id": THREAD,
        "ns": [f"human_node:{TASK}"],
        "interrupts": {TASK: [{"id": INTERRUPT}]},
        "again": INTERRUPT,
    }
    assert normalise(data) == {
        "again": "<id:1>",
        "interrupts": {"<id:2>": [{"id": "<id:1>"}]},
        "ns": ["human_node:<id:2>"],
        "thread_id": "<thread:1>",
    }


def test_timestamps_and_server_only_keys_disappear() -> None:
    server = {
        "created_at": "2026-11-26T09:13:28.312930+00:00",
        "run_attempt": 1,
        "metadata": {"langgraph_api_url": "http://127.0.0.1:1", "step": 0},
    }
    ours = {"created_at": "2026-11-26T10:00:00+00:00", "metadata": {"step": 0}}
    assert_same(server, ours)


def test_a_mixed_up_id_is_a_difference() -> None:
    # Server: the interrupt in get_state is the one runs.wait returned. Ours: another one.
    server = [{"id": INTERRUPT}, {"id": INTERRUPT}]
    ours = [{"id": INTERRUPT}, {"id": OTHER_INTERRUPT}]
    with pytest.raises(AssertionError, match="differs from the real server"):
        assert_same(server, ours)


def test_key_order_does_not_matter_but_values_do() -> None:
    assert_same(
        {"thread_id": THREAD, "status": "idle"}, {"status": "idle", "thread_id": OTHER_THREAD}
    )
    with pytest.raises(AssertionError, match=r'-\s+"status": "idle"'):
        assert_same({"status": "idle"}, {"status": "error"})


def test_task_bookkeeping_is_dropped_from_checkpoint_metadata_only() -> None:
    task_keys = {"langgraph_node": "child", "langgraph_step": 1, "checkpoint_ns": "child:x"}
    checkpoint = {"metadata": {"source": "loop", "step": 0, "thread_id": THREAD, **task_keys}}
    assert normalise(checkpoint) == {
        "metadata": {"source": "loop", "step": 0, "thread_id": "<thread:1>"}
    }
    message = {"metadata": {"thread_id": THREAD, **task_keys}}  # which node is speaking
    assert normalise(message)["metadata"]["langgraph_node"] == "child"
