"""The official JavaScript SDK against the real LangGraph Server and against ``serve()``.

The same Node script runs against `langgraph dev` (tests/reference_server.py) and against our
``serve()`` (the ``served`` fixture); what it prints is compared after normalising ids and
times (tests/runtime/differential.py). So a mistake our server and our tests share (a field
name, a status, an order) shows as a diff against the reference, not as a pass.

- the seed's JavaScript tab (tests/http/seed_tabs.py), verbatim but for the URL and the
  assistant: the reference serves the seed graph as ``seed`` (``serve()`` serves it as both);
- a handful of SDK calls: ``threads.create``, ``runs.wait`` with input and with a
  ``command`` resume, ``threads.getState``, ``threads.search``, ``runs.list``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.http import seed_tabs
from tests.runtime.differential import assert_same

pytestmark = pytest.mark.server

# Each call's answer printed as one JSON document: [label, value] pairs.
SDK_CALLS = """
import { Client } from "@langchain/langgraph-sdk";
const client = new Client({ apiUrl: process.env.API_URL });
const metadata = JSON.parse(process.env.THREAD_METADATA);
const out = [];
const thread = await client.threads.create({ metadata });
out.push(["threads.create", thread]);
const id = thread.thread_id;
out.push(["runs.wait input", await client.runs.wait(id, "seed",
  { input: { some_text: "original text" } })]);
const state = await client.threads.getState(id);
out.push(["threads.getState", state]);
out.push(["runs.wait command", await client.runs.wait(id, "seed",
  { command: { resume: "Edited text" } })]);
out.push(["threads.getState after", await client.threads.getState(id)]);
out.push(["threads.search", await client.threads.search({ ids: [id], status: "idle" })]);
const runs = await client.runs.list(id);
out.push(["runs.list", runs.map((run) => ({ ...run, kwargs: undefined }))]);
console.log(JSON.stringify(out));
"""


def _node(folder: Path, work: Path, source: str, env: dict[str, str]) -> str:
    """Run `source` as an ES module with the SDK's node_modules; what it printed."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "node_modules").symlink_to(folder / "node_modules", target_is_directory=True)
    script = work / "script.mjs"
    script.write_text(source)
    result = subprocess.run(["node", str(script)], cwd=work, env={**os.environ, **env},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"node failed on {env.get('API_URL')}:\n{result.stderr}"
    return result.stdout


def _seed_tab(url: str) -> str:
    body = seed_tabs.JS_TAB.replace("<DEPLOYMENT_URL>", json.dumps(url))
    assert 'const assistantID = "agent";' in body
    return body.replace('const assistantID = "agent";', 'const assistantID = "seed";')


_IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{32}")


def _without_ids(printed: str) -> str:
    return _IDS.sub("<id>", printed)


def test_seed_javascript_tab_prints_the_same_on_both(
    reference_url: str, served: Any, js_sdk: Path, tmp_path: Path
) -> None:
    theirs = _node(js_sdk, tmp_path / "server", _seed_tab(reference_url),
                   {"API_URL": reference_url})
    ours = _node(js_sdk, tmp_path / "ours", _seed_tab(served.url),
                 {"API_URL": served.url, "LANGGRAPH_API_KEY": served.token})
    assert "text_to_revise: 'original text'" in theirs and "Edited text" in theirs, theirs
    assert _without_ids(ours) == _without_ids(theirs)


def _transcripts(reference_url: str, served: Any, js_sdk: Path, tmp_path: Path,
                 metadata: dict[str, str]) -> tuple[list[Any], list[Any]]:
    """The SDK calls' answers on the reference, then on ours, for a thread made with
    `metadata`."""
    def transcript(side: str, env: dict[str, str]) -> list[Any]:
        printed = _node(js_sdk, tmp_path / side, SDK_CALLS,
                        {**env, "THREAD_METADATA": json.dumps(metadata)})
        return list(json.loads(printed))

    theirs = transcript("server", {"API_URL": reference_url})
    ours = transcript("ours", {"API_URL": served.url, "LANGGRAPH_API_KEY": served.token})
    assert [label for label, _ in theirs] == [
        "threads.create", "runs.wait input", "threads.getState", "runs.wait command",
        "threads.getState after", "threads.search", "runs.list"]
    found = dict(theirs)
    assert len(found["threads.search"]) == 1 and len(found["runs.list"]) == 2
    assert found["runs.wait command"] == {"some_text": "Edited text"}
    return theirs, ours


def test_sdk_calls_answer_the_same_on_both(
    reference_url: str, served: Any, js_sdk: Path, tmp_path: Path
) -> None:
    theirs, ours = _transcripts(reference_url, served, js_sdk, tmp_path, {})
    assert_same(theirs, ours, what="the JavaScript SDK's answers")


def test_sdk_calls_on_a_thread_with_metadata_answer_the_same_on_both(
    reference_url: str, served: Any, js_sdk: Path, tmp_path: Path
) -> None:
    theirs, ours = _transcripts(reference_url, served, js_sdk, tmp_path, {"team": "blue"})
    assert dict(theirs)["threads.create"]["metadata"] == {"team": "blue"}
    assert_same(theirs, ours, what="the JavaScript SDK's answers (thread metadata)")
