"""``--dist loadgroup`` that works on pytest 9.2, as a pytest plugin (from tests/conftest.py).

``tests/run.sh`` runs the suite in pytest-xdist workers. Some tests must share a worker: a
notebook's cells (nbval runs them in order in one kernel) and the tests of one differential
flow or stream case (the server's transcript is recorded once per process, see
``tests/runtime/test_differential.py``). They carry ``@pytest.mark.xdist_group(name)``.

pytest-xdist 3.8 passes a test's group to the scheduler by appending ``@name`` to its node
id, which pytest 9.2's structured node ids no longer allow: the groups are silently ignored
(pytest-dev/pytest-xdist#1386, open). Until that is fixed upstream, each worker writes the
groups it collected to a file in a folder the controller made, and the controller's
scheduler — xdist's own ``LoadScopeScheduling``, whose unit of work is a "scope" — uses a
test's group as its scope (and the test itself as the scope of an ungrouped test).
Groups go out first, largest first; ungrouped tests follow in collection order.

The browser tests (marker ``e2e``) are one more group, run by a worker of their own from the
start: Playwright's sync API leaves an asyncio loop running in its process, after which no
other async test can run there (see ``pytest_collection_modifyitems`` in tests/conftest.py),
and one at a time they are not starved of the two cores. With a single worker they are not
grouped, and come last as in a run without xdist.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest

_FOLDER = "hitl_xdist_groups"  # the key in each worker's `workerinput`
_folder_key = pytest.StashKey[Path]()  # the controller's folder
_BROWSER = "group:browser tests"


def _group(item: pytest.Item) -> str | None:
    names = sorted(
        str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
        for mark in item.iter_markers("xdist_group")
    )
    return "group:" + "_".join(names) if names else None


def pytest_configure(config: pytest.Config) -> None:
    if config.getoption("dist", "no") == "loadgroup" and not hasattr(config, "workerinput"):
        config.stash[_folder_key] = Path(tempfile.mkdtemp(prefix="hitl-xdist-groups-"))


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_folder_key, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    """Controller: tell each worker where to write its groups."""
    folder = node.config.stash.get(_folder_key, None)
    if folder is not None:
        node.workerinput[_FOLDER] = str(folder)


@pytest.hookimpl(trylast=True)  # after every other hook has marked and sorted the items
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Worker: write ``{node id: group}`` for the grouped tests it collected."""
    folder = getattr(config, "workerinput", {}).get(_FOLDER)
    if folder is None:
        return
    groups = {item.nodeid: group for item in items if (group := _group(item)) is not None}
    browser = [item.nodeid for item in items if item.get_closest_marker("e2e") is not None]
    target = Path(folder) / f"{config.workerinput['workerid']}.json"  # type: ignore[attr-defined]
    partial = target.with_suffix(".part")
    partial.write_text(json.dumps({"groups": groups, "browser": browser}))
    os.replace(partial, target)  # the controller never reads half a file


@pytest.hookimpl(optionalhook=True, tryfirst=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Controller: ``--dist loadgroup`` schedules by the groups the workers wrote."""
    folder = config.stash.get(_folder_key, None)
    if folder is None:
        return None
    from xdist.scheduler import LoadScopeScheduling

    written_by_workers: Path = folder

    class GroupScheduling(LoadScopeScheduling):  # type: ignore[misc]
        """xdist's scope scheduling with a test's group as its scope, and the browser
        tests on a worker that runs nothing else."""

        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:
                # Called once every worker has sent its collection, so every file is there.
                self.groups = {}
                for written in sorted(written_by_workers.glob("*.json")):
                    collected = json.loads(written.read_text())
                    self.groups.update(collected["groups"])
                    if len(self.nodes) > 1:
                        self.groups.update(dict.fromkeys(collected["browser"], _BROWSER))
            return self.groups.get(nodeid, nodeid)

        def _reschedule(self, node: Any) -> None:
            if _BROWSER in self.assigned_work.get(node, {}):
                # Nothing may run after the browser tests in their process.
                if not node.shutting_down:
                    node.shutdown()  # after the tests it was sent
                return
            super()._reschedule(node)

    return GroupScheduling(config, log)
