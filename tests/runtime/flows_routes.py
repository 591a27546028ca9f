"""Flows over the routes added for the front ends, compared with `langgraph dev` like
`flows.py`: many runs at once (`runs.create_batch`, `runs.cancel_many`), `threads.prune`,
`assistants.count` and `assistants.get_versions`.

Recorded from `langgraph dev` (langgraph-api 0.16.7), worth knowing:

- `runs.create_batch` answers the runs' records (status `pending`), each on its own
  temporary thread; their `metadata` lacks the `graph_id`/`assistant_id` a single run's has
  (ours has them, as for any run: not compared);
- `runs.cancel_many` answers nothing (204); runs named but not found are a 404 "No runs found
  to cancel"; a status other than `pending`/`running`/`all` is a 422;
- `threads.prune` counts only the threads that existed;
- a graph's default assistant has one version (`version` 1, no `updated_at`); filtered by
  metadata it does not have, the server answers 404 "Assistant ... not found" although
  `assistants.get` finds it; ours answers no versions (`[]`):
  `tests/runtime/test_better_than_server.py::test_no_versions_match_is_an_empty_list`.
"""

from __future__ import annotations

import uuid
from typing import Any

from langgraph_sdk.errors import APIStatusError

from tests.runtime.differential import Transcript

SLOW = 10.0
"""Seconds the slow graph's node sleeps: long enough to be cancelled while running."""


async def _status_of(client: Any, call: Any) -> int | None:
    try:
        await call
    except APIStatusError as exc:
        return exc.response.status_code
    return None


async def bulk_runs(client: Any) -> Transcript:
    """A batch of runs without a thread; then a running and a queued run cancelled at once."""
    t = Transcript()
    batch = await client.runs.create_batch(
        [
            {"assistant_id": "seed", "input": {"some_text": "one"}},
            {"assistant_id": "two_steps", "input": {"some_text": "two"}},
        ]
    )
    assert [r["assistant_id"] for r in batch] != [None, None]
    t.record("batch keys", [sorted(r) for r in batch])
    t.record("batch statuses", [r["status"] for r in batch])
    thread_id = (await client.threads.create())["thread_id"]
    running = await client.runs.create(thread_id, "slow", input={"delay": SLOW})
    queued = await client.runs.create(
        thread_id, "slow", input={"delay": 0.0}, multitask_strategy="enqueue"
    )
    t.record("queued", queued["status"])
    t.record(
        "cancel_many",
        await client.runs.cancel_many(
            thread_id=thread_id, run_ids=[running["run_id"], queued["run_id"]]
        ),
    )
    for name, run in (("running", running), ("queued", queued)):
        await client.runs.join(thread_id, run["run_id"])
        t.record(f"{name} after", (await client.runs.get(thread_id, run["run_id"]))["status"])
    unknown = str(uuid.uuid4())
    t.record(
        "cancel unknown",
        await _status_of(client, client.runs.cancel_many(thread_id=thread_id, run_ids=[unknown])),
    )
    t.record(
        "cancel bad status", await _status_of(client, client.runs.cancel_many(status="done"))
    )
    return t


async def prune(client: Any) -> Transcript:
    """Prune two threads and one id that never existed."""
    t = Transcript()
    ids = [(await client.threads.create())["thread_id"] for _ in range(2)]
    await client.runs.wait(ids[0], "seed", input={"some_text": "a"})
    pruned = t.record("prune", await client.threads.prune([*ids, str(uuid.uuid4())]))
    assert pruned == {"pruned_count": 2}
    for thread_id in ids:
        t.record("get pruned", await _status_of(client, client.threads.get(thread_id)))
    t.record("prune none", await client.threads.prune([str(uuid.uuid4())]))
    return t


async def assistant_versions(client: Any) -> Transcript:
    """Counting assistants, and the versions of a graph's default assistant."""
    t = Transcript()
    t.record("count seed", await client.assistants.count(graph_id="seed"))
    t.record("count by name", await client.assistants.count(name="two_st"))
    t.record("count none", await client.assistants.count(graph_id="seed", metadata={"x": 1}))
    [assistant] = await client.assistants.search(graph_id="typed")
    versions = t.record("versions", await client.assistants.get_versions(assistant["assistant_id"]))
    assert [v["version"] for v in versions] == [1]
    t.record(
        "versions of unknown",
        await _status_of(client, client.assistants.get_versions(str(uuid.uuid4()))),
    )
    return t


FLOWS = {"bulk_runs": bulk_runs, "prune": prune, "assistant_versions": assistant_versions}
