"""Mutation score of the tests over chosen modules: how many small bugs the tests catch.

A small AST mutation tool of our own (mutmut copies and rewrites the whole project and
expects its config in pyproject.toml; this layout needs neither). For each module it makes
one mutant per mutation point -- a comparison flipped (`==`/`!=`, `<`/`>=`, `in`/`not in`,
`is`/`is not`), `and`/`or` swapped, a `not` dropped, `True`/`False` swapped, a number moved by
one, `+`/`-` swapped, a returned value replaced by `None`, a statement call (`log.append(x)`,
`conn.commit()`) removed -- and runs the tests that cover it against that mutant. A mutant
the tests fail on is *killed*; one they pass with has *survived*: either a missing test or a
change that behaves the same (an equivalent mutant).

The project is copied to a temp folder first (the worktree is never touched). The heavy
imports (LangGraph, pytest, ipywidgets) are loaded once; each mutant runs in a forked child
that imports our package fresh, so one mutant costs the tests' run time, not a Python start.

    python benchmarks/mutation.py [--module hitl_widgets/runtime/claims.py ...] [--tests ...]

Prints killed / survived / timed out per module, then every survivor (line and change).
"""

from __future__ import annotations

import argparse
import ast
import copy
import os
import shutil
import signal
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULES = ["hitl_widgets/runtime/claims.py", "hitl_widgets/runtime/decisions.py"]
TESTS = [
    "tests/runtime/test_decision_log.py",
    "tests/runtime/test_decisions.py",
    "tests/runtime/test_better_than_server.py",
    "tests/runtime/test_audit_trail.py",  # the log's staging and hash chain
]
PYTEST_ARGS = ["-x", "-q", "-n", "0", "-p", "no:randomly", "-p", "no:cacheprovider",
               "-m", "not slow and not server and not e2e", "-k", "not postgres"]
HEAVY = ["pytest", "langgraph.graph", "langgraph.types", "langgraph_sdk", "langgraph_sdk.errors",
         "langgraph.checkpoint.sqlite", "langgraph.checkpoint.memory", "pydantic", "jsonschema",
         "ipywidgets", "ipykernel.ipkernel", "anywidget", "tornado.web", "httpx", "hypothesis",
         "pandas"]

SWAPS: dict[type, type] = {
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.LtE: ast.Gt,
    ast.Gt: ast.LtE, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
    ast.And: ast.Or, ast.Or: ast.And, ast.Add: ast.Sub, ast.Sub: ast.Add,
}
NOT_MUTATED_FIELDS = {"annotation", "returns", "type_comment"}


@dataclass
class Mutant:
    """One change at one place of a module."""

    index: int
    line: int
    change: str


class Mutator(ast.NodeTransformer):
    """Walks a module in a fixed order, numbering mutation points; changes point `target`
    only (`target=-1` only lists them in `points`)."""

    def __init__(self, target: int = -1) -> None:
        self.target = target
        self.points: list[Mutant] = []

    def _point(self, node: ast.AST, change: str) -> bool:
        index = len(self.points)
        self.points.append(Mutant(index, getattr(node, "lineno", 0), change))
        return index == self.target

    def generic_visit(self, node: ast.AST) -> ast.AST:
        # Annotations are never evaluated (`from __future__ import annotations`), nor is
        # what only a type checker reads.
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            return node
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return node
        for field, old in ast.iter_fields(node):
            if field in NOT_MUTATED_FIELDS:
                continue
            if isinstance(old, list):
                new_values = []
                for value in old:
                    if isinstance(value, ast.AST):
                        value = self.visit(value)
                        if value is None:
                            continue
                    new_values.append(value)
                old[:] = new_values
            elif isinstance(old, ast.AST):
                setattr(node, field, self.visit(old))
        return node

    def visit_Compare(self, node: ast.Compare) -> ast.AST:
        self.generic_visit(node)
        for i, op in enumerate(node.ops):
            swap = SWAPS.get(type(op))
            if swap and self._point(node, f"{type(op).__name__} -> {swap.__name__}"):
                node.ops[i] = swap()
        return node

    def visit_BoolOp(self, node: ast.BoolOp) -> ast.AST:
        self.generic_visit(node)
        swap = SWAPS[type(node.op)]
        if self._point(node, f"{type(node.op).__name__} -> {swap.__name__}"):
            node.op = swap()
        return node

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        swap = SWAPS.get(type(node.op))
        if swap and self._point(node, f"{type(node.op).__name__} -> {swap.__name__}"):
            node.op = swap()
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.AST:
        self.generic_visit(node)
        swap = SWAPS.get(type(node.op))
        if swap and self._point(node, f"{type(node.op).__name__}= -> {swap.__name__}="):
            node.op = swap()
        return node

    def visit_UnaryOp(self, node: ast.UnaryOp) -> ast.AST:
        self.generic_visit(node)
        if isinstance(node.op, ast.Not) and self._point(node, "not x -> x"):
            return node.operand
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if isinstance(node.value, bool):
            if self._point(node, f"{node.value} -> {not node.value}"):
                return ast.copy_location(ast.Constant(not node.value), node)
        elif isinstance(node.value, int | float):
            if self._point(node, f"{node.value!r} -> {node.value + 1!r}"):
                return ast.copy_location(ast.Constant(node.value + 1), node)
        return node

    def visit_Return(self, node: ast.Return) -> ast.AST:
        self.generic_visit(node)
        if node.value is not None and not (
            isinstance(node.value, ast.Constant) and node.value.value is None
        ) and self._point(node, "return x -> return None"):
            node.value = ast.copy_location(ast.Constant(None), node)
        return node

    def visit_Expr(self, node: ast.Expr) -> ast.AST:
        self.generic_visit(node)
        call = node.value.value if isinstance(node.value, ast.Await) else node.value
        if isinstance(call, ast.Call) and self._point(node, f"drop {ast.unparse(call)[:60]}"):
            return ast.copy_location(ast.Pass(), node)
        return node


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def mutants_of(source: str) -> list[Mutant]:
    lister = Mutator()
    lister.visit(ast.parse(source))
    return lister.points


def mutated(tree: ast.Module, index: int) -> str:
    changed = Mutator(index).visit(copy.deepcopy(tree))
    return ast.unparse(ast.fix_missing_locations(changed))


def copy_project(into: Path) -> None:
    for name in ("hitl_widgets", "tests", "notebooks", "jupyter-config", "docs"):
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, into / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, into / name)


def run_tests(workdir: Path, tests: list[str], timeout: float) -> str:
    """`passed`, `failed` or `timeout`: the tests in a forked child on the copy."""
    pid = os.fork()
    if pid == 0:  # the child: quiet, fresh imports of our package, then out
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.setpgid(0, 0)
            import pytest

            code = pytest.main([*PYTEST_ARGS, "--rootdir", str(workdir),
                                *[str(workdir / t) for t in tests]])
            os._exit(int(code))
        except BaseException:  # noqa: BLE001 - a forked child must never return to the loop
            os._exit(99)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return "passed" if os.waitstatus_to_exitcode(status) == 0 else "failed"
        if time.monotonic() > deadline:
            os.killpg(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.05)


def score(workdir: Path, module: str, tests: list[str],
          timeout: float) -> Iterator[tuple[Mutant, str]]:
    path = workdir / module
    original = path.read_text()
    tree = ast.parse(original)
    try:
        for mutant in mutants_of(original):
            path.write_text(mutated(tree, mutant.index))
            yield mutant, run_tests(workdir, tests, timeout)
    finally:
        path.write_text(original)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", action="append", help=f"default: {' '.join(MODULES)}")
    parser.add_argument("--tests", action="append", help=f"default: {' '.join(TESTS)}")
    parser.add_argument("--list", action="store_true", help="only count the mutants")
    args = parser.parse_args()
    modules, tests = args.module or MODULES, args.tests or TESTS
    if args.list:
        for module in modules:
            print(module, len(mutants_of((ROOT / module).read_text())))
        return 0
    workdir = Path(tempfile.mkdtemp(prefix="hitl-mutation-"))
    try:
        copy_project(workdir)
        sys.path.insert(0, str(workdir))
        os.chdir(workdir)
        os.environ["PYTHONPATH"] = os.pathsep.join(
            filter(None, [str(workdir), os.environ.get("PYTHONPATH")]))
        for name in HEAVY:
            __import__(name)
        # The tests must pass on the unchanged modules as ast.unparse writes them (each
        # mutant is written that way); the mutants' lines are those of the real files.
        originals = {m: (workdir / m).read_text() for m in modules}
        for module, text in originals.items():
            (workdir / module).write_text(ast.unparse(ast.parse(text)))
        started = time.monotonic()
        baseline = run_tests(workdir, tests, timeout=900)
        took = time.monotonic() - started
        for module, text in originals.items():
            (workdir / module).write_text(text)
        if baseline != "passed":
            print(f"the tests do not pass on the unchanged code ({baseline}); no score")
            return 2
        print(f"baseline: {' '.join(tests)} pass in {took:.1f} s")
        timeout = max(30.0, 5 * took)
        survivors: list[tuple[str, Mutant]] = []
        rows = []
        for module in modules:
            counts = {"failed": 0, "passed": 0, "timeout": 0}
            for mutant, outcome in score(workdir, module, tests, timeout):
                counts[outcome] += 1
                if outcome == "passed":
                    survivors.append((module, mutant))
            total = sum(counts.values())
            killed = counts["failed"] + counts["timeout"]
            rows.append((module, total, killed, counts["passed"], counts["timeout"]))
            print(f"{module}: {killed}/{total} killed", flush=True)
        print(f"\n{'module':40} {'mutants':>8} {'killed':>7} {'survived':>9} {'timeout':>8} "
              f"{'score':>6}")
        for module, total, killed, survived, timed_out in rows:
            print(f"{module:40} {total:8} {killed:7} {survived:9} {timed_out:8} "
                  f"{100 * killed / max(total, 1):5.1f}%")
        print(f"\n{len(survivors)} survivors:")
        for module, mutant in survivors:
            print(f"  {module}:{mutant.line}  {mutant.change}")
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
