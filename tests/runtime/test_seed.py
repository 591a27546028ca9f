"""The seed's Python tab, verbatim but for the get_client line, prints what the server prints."""

from __future__ import annotations

import re
import textwrap

import pytest

from tests.graphs.scenarios import seed

SEED_PYTHON_TAB = '''
from langgraph_sdk.schema import Command
client = get_client(graphs={"agent": graph})

# Using the graph deployed with the name "agent"
assistant_id = "agent"

# create a thread
thread = await client.threads.create()
thread_id = thread["thread_id"]

# Run the graph until the interrupt is hit.
result = await client.runs.wait(
    thread_id,
    assistant_id,
    input={"some_text": "original text"}   # (1)!
)

print(result['__interrupt__']) # (2)!

# Resume the graph
print(await client.runs.wait(
    thread_id,
    assistant_id,
    command=Command(resume="Edited text")   # (3)!
))
'''


@pytest.mark.anyio
async def test_seed_python_tab_runs_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    from hitl_widgets import get_client

    body = SEED_PYTHON_TAB.replace("# (1)!", "").replace("# (2)!", "").replace("# (3)!", "")
    source = "async def _seed(get_client, graph):\n" + textwrap.indent(body, "    ")
    namespace: dict[str, object] = {}
    exec(source, namespace)
    await namespace["_seed"](get_client, seed)  # type: ignore[operator]
    first, second = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(
        r"\[\{'value': \{'text_to_revise': 'original text'\}, 'id': '[0-9a-f]{32}', "
        r"'response_schema': None\}\]",
        first,
    )
    assert second == "{'some_text': 'Edited text'}"


def test_seed_flow_with_the_sync_client() -> None:
    from hitl_widgets import get_sync_client

    client = get_sync_client(graphs={"agent": seed})
    thread_id = client.threads.create()["thread_id"]
    result = client.runs.wait(thread_id, "agent", input={"some_text": "original text"})
    assert result["some_text"] == "original text"
    [pending] = result["__interrupt__"]
    assert pending["value"] == {"text_to_revise": "original text"}
    assert client.runs.wait(thread_id, "agent", command={"resume": "Edited text"}) == {
        "some_text": "Edited text"
    }
    assert client.threads.get(thread_id)["status"] == "idle"
