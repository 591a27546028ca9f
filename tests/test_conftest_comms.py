"""The recorded-comm fixture really records what a widget sends."""

import ipywidgets as w


def test_widget_state_is_recorded(widget_comms):
    text = w.Text(value="original text")
    text.value = "Edited text"
    sent = [m for c in widget_comms for m in c.messages]
    updates = [m["data"] for m in sent if m["data"] and m["data"].get("method") == "update"]
    assert any(u["state"].get("value") == "Edited text" for u in updates)
