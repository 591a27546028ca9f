"""Instructions per seed flow, raw ``ainvoke`` against the in-kernel async client (run by hand).

    .venv/bin/python benchmarks/bench_instructions.py [--flows 200]

Needs valgrind (``apt-get install valgrind``); takes about ten minutes on two cores.

The floor in ``bench_runtime.py`` is wall-clock time, and on a shared two-core machine its
ratio moves by ±0.03 from one run to the next: a change worth 2 % cannot be seen in it.
Instructions counted by callgrind do not move with the machine's load, so this is the
figure to compare before and after a change to the run path. It leaves out what the
instructions cost (cache misses): the wall-clock ratio is higher than this one.

Three processes run under ``valgrind --tool=callgrind`` (two at a time): each imports
everything and warms both flows up the same way, then runs ``--flows`` raw flows, or
``--flows`` of ours, or none. The difference to the one that ran none, divided by
``--flows``, is one flow's instructions.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WARMUP = 20


def flows(kind: str, n: int) -> None:
    """The child: warm both flows up, then ``n`` flows of ``kind`` (``raw``/``ours``/``none``)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_runtime import seed_flows

    raw_flow, our_flow = seed_flows()

    async def main() -> None:
        for _ in range(WARMUP):
            await raw_flow()
            await our_flow()
        flow = {"raw": raw_flow, "ours": our_flow}.get(kind)
        for _ in range(n if flow is not None else 0):
            await flow()  # type: ignore[misc]

    asyncio.run(main())


def instructions(kind: str, n: int, folder: Path) -> int:
    """Instructions callgrind counted for one child."""
    out = folder / f"{kind}.callgrind"
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}",
         sys.executable, __file__, "--child", kind, "--flows", str(n)],
        capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}, check=True,
    )
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise RuntimeError(f"no instruction count from callgrind:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--flows", type=int, default=200)
    parser.add_argument("--child", choices=["raw", "ours", "none"])
    args = parser.parse_args()
    if args.child:
        flows(args.child, args.flows)
        return
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed: apt-get install valgrind")
    folder = Path(tempfile.mkdtemp(prefix="bench-instructions-"))
    with ThreadPoolExecutor(2) as pool:
        counts = dict(zip(("none", "raw", "ours"),
                          pool.map(lambda k: instructions(k, args.flows, folder),
                                   ("none", "raw", "ours")), strict=True))
    shutil.rmtree(folder, ignore_errors=True)
    raw = (counts["raw"] - counts["none"]) / args.flows
    ours = (counts["ours"] - counts["none"]) / args.flows
    print(f"\nInstructions per seed flow (create, run to the interrupt, resume), {args.flows} "
          "flows")
    print("| raw graph.ainvoke | ours async client | ratio |")
    print("|---:|---:|---:|")
    print(f"| {raw / 1e6:.2f} M | {ours / 1e6:.2f} M | {ours / raw:.3f}x |")


if __name__ == "__main__":
    main()
