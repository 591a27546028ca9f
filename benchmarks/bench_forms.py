"""Benchmark the forms layer (run by hand): `.venv/bin/python benchmarks/bench_forms.py`.

Prints one table: each measurement's median over several runs, its target, and a baseline
measured in the same process (building the same number of bare ipywidgets), so that a slow
machine shows up as a slow baseline rather than as a regression.
"""

from __future__ import annotations

import gc
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as W

from hitl_widgets.forms import InterruptForm

FIELDS = 200
RUNS = 7


def schema_200() -> dict[str, Any]:
    """200 fields of mixed kinds, as a pydantic model of that size would produce."""
    kinds: list[dict[str, Any]] = [
        {"type": "string", "maxLength": 40},
        {"type": "integer", "minimum": 0, "default": 1},
        {"type": "number", "default": 0.5},
        {"type": "boolean", "default": False},
        {"enum": ["low", "medium", "high"], "default": "low"},
    ]
    props = {f"field_{i:03d}": {**kinds[i % len(kinds)], "title": f"Field {i}",
                                "description": f"Help for field {i}"} for i in range(FIELDS)}
    return {"type": "object", "title": "Big", "properties": props, "required": list(props)}


def median_ms(fn: Callable[[], Any], runs: int = RUNS) -> float:
    """Median wall time of `fn` in milliseconds (widgets closed between runs)."""
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
        W.Widget.close_all()
    return statistics.median(times)


def main() -> int:
    big = {"value": None, "id": "big", "response_schema": schema_200()}
    text = {"value": "x" * 1_000_000, "id": "text"}
    median_ms(lambda: InterruptForm(big), runs=2)  # warm imports and caches

    build_200 = median_ms(lambda: InterruptForm(big))
    bare_200 = median_ms(lambda: [W.Text(value="") for _ in range(FIELDS)])
    build_1mb = median_ms(lambda: InterruptForm(text))
    bare_1mb = median_ms(lambda: W.Textarea(value=text["value"]))
    form = InterruptForm(big)
    read = median_ms(lambda: form.value, runs=25)
    bare_read = median_ms(lambda: {i: w.value for i, w in enumerate(
        form._ctx.leaves.values())}, runs=25)
    validate = median_ms(lambda: form.errors, runs=25)
    hitl = {"id": "hitl", "value": {
        "action_requests": [{"name": f"tool_{i}", "args": {"a": i, "b": "x", "c": [1, 2]},
                             "description": "Please review"} for i in range(20)],
        "review_configs": [{"action_name": f"tool_{i}",
                            "allowed_decisions": ["approve", "edit", "reject"]}
                           for i in range(20)]}}
    build_hitl = median_ms(lambda: InterruptForm(hitl))
    chain = {"value": None, "id": "chain", "response_schema": {"$defs": {"L": {
        "type": "object", "properties": {"v": {"type": "integer"}, "next": {"$ref": "#/$defs/L"}},
        "required": ["v", "next"]}}, "$ref": "#/$defs/L"}}
    build_chain = median_ms(lambda: InterruptForm(chain))

    rows = [
        ("build form, 200-field schema", build_200, 150.0, "200 bare Text", bare_200),
        ("build form, 1 MB string value", build_1mb, 100.0, "1 bare Textarea", bare_1mb),
        ("read form.value, 200 fields", read, 10.0, "read 200 .value", bare_read),
        ("form.errors, 200 fields", validate, None, "", None),
        ("build form, HITL 20 actions", build_hitl, None, "", None),
        ("build form, recursive required $ref", build_chain, 2000.0, "", None),
    ]
    print(f"Python {sys.version.split()[0]}, ipywidgets {W.__version__}, median of {RUNS} runs")
    print(f"{'measurement':32} {'ms':>8} {'target':>8} {'ok':>4}   "
          f"{'baseline':18} {'ms':>8} {'ratio':>6}")
    failed = False
    for name, ms, target, base_name, base in rows:
        ok = "yes" if target is None or ms < target else "NO"
        failed |= ok == "NO"
        ratio = f"{ms / base:6.1f}" if base else ""
        base_ms = f"{base:8.1f}" if base is not None else ""
        print(f"{name:32} {ms:8.1f} {target if target else '':>8} {ok:>4}   "
              f"{base_name:18} {base_ms:>8} {ratio:>6}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
