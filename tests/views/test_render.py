"""State rendering: escaping, folding, conversations, JSON toggle, diff."""

from __future__ import annotations

from hitl_widgets.views import StateView, diff_values
from hitl_widgets.views.diff import render_diff
from hitl_widgets.views.render import FOLD_CHARS, render_state

EVIL = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def chat(n: int) -> list[dict[str, object]]:
    """`n` messages as clients return them: human, AI with a tool call, tool result."""
    out: list[dict[str, object]] = []
    for i in range(n):
        if i % 3 == 0:
            out.append({"type": "human", "content": f"question {i}", "id": f"h{i}"})
        elif i % 3 == 1:
            out.append({"type": "ai", "content": "thinking " * 20, "id": f"a{i}",
                        "tool_calls": [{"name": "search", "args": {"q": f"q{i}"},
                                        "id": f"c{i}"}]})
        else:
            out.append({"type": "tool", "content": "found " * 10, "name": "search",
                        "tool_call_id": f"c{i - 1}", "id": f"t{i}"})
    return out


def test_graph_text_is_escaped_everywhere() -> None:
    values = {EVIL: EVIL, "nested": {"deep": [EVIL, {EVIL: 1}]},
              "messages": [{"type": "ai", "content": EVIL, "name": EVIL,
                            "tool_calls": [{"name": EVIL, "args": {EVIL: EVIL}, "id": EVIL}]}]}
    html = render_state(values) + render_diff(diff_values({}, values))
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_long_strings_fold_and_nested_blocks_collapse() -> None:
    long = "word " * 200
    html = render_state({"text": long, "a": {"b": {"c": {"d": 1}}}})
    assert "<details>" in html and f"({len(long):,} characters)" in html
    assert len(long) > FOLD_CHARS
    # The first nested level is open, deeper ones start closed.
    assert "<details open><summary>1 key</summary>" in html
    assert "<details><summary>1 key</summary>" in html


def test_messages_render_as_a_conversation_with_tool_calls() -> None:
    html = render_state({"messages": chat(3)})
    assert "conversation · 3 messages" in html
    assert 'class="hw-msg hw-msg-human"' in html and 'class="hw-msg hw-msg-ai"' in html
    assert "tool call</span> <b>search</b>" in html and "result of c1" in html
    assert "🔧" not in html  # no emoji: it shows as an empty box without an emoji font


def test_openai_style_messages_are_recognised() -> None:
    html = render_state({"messages": [{"role": "user", "content": "hi"},
                                      {"role": "assistant", "content": "hello"}]})
    assert "hw-msg-human" in html and "hw-msg-ai" in html


def test_json_toggle_shows_the_raw_json(widget_comms: list) -> None:
    view = StateView()
    view.show({"a": [1, 2], "b": EVIL})
    assert "hw-kv" in view.body.value
    view.json_toggle.value = True
    assert view.as_json and "&quot;a&quot;: [" in view.body.value
    assert "<script>" not in view.body.value
    view.json_toggle.value = False
    assert "hw-kv" in view.body.value


def test_diff_lists_what_changed() -> None:
    before = {"a": 1, "gone": True, "messages": chat(2), "same": "x"}
    after = {"a": 2, "messages": chat(3), "new": [1], "same": "x"}
    kinds = {c.key: c.kind for c in diff_values(before, after)}
    assert kinds == {"a": "changed", "messages": "appended", "new": "added", "gone": "removed"}
    appended = next(c for c in diff_values(before, after) if c.key == "messages")
    assert appended.after == chat(3)[2:]


def test_a_changed_tail_shows_only_the_tail() -> None:
    before = chat(500)
    after = [*before[:-1], {**before[-1], "content": "edited"}]
    [change] = diff_values({"messages": before}, {"messages": after})
    assert change.kind == "changed" and change.start == 499
    assert change.before == before[499:] and change.after == after[499:]
    html = render_diff([change])
    assert "from item 499 on" in html and html.count('class="hw-msg ') == 2


def test_a_thousand_messages_rerender_with_one_new_item(widget_comms: list) -> None:
    # How long it takes is measured by benchmarks/bench_view.py (target < 200 ms), not here.
    messages = chat(1000)
    view = StateView()
    view.show({"messages": messages[:-1]})
    view.show({"messages": messages}, previous={"messages": messages[:-1]})
    assert view.body.value.count('class="hw-msg ') == 1000
    assert "1 new item" in view.changes.value
