"""The seed's three tabs (shared/seed/hitl-server-api.md), copied verbatim.

Only ``<DEPLOYMENT_URL>`` (and ``<THREAD_ID>`` in cURL) are filled in by the tests; the API
key travels the way each tool takes it without touching the code: ``LANGGRAPH_API_KEY`` in
the environment for both SDKs, one ``--header 'x-api-key: ...'`` line for curl.
"""

from __future__ import annotations

PYTHON_TAB = '''
from langgraph_sdk import get_client
# highlight-next-line
from langgraph_sdk.schema import Command
client = get_client(url=<DEPLOYMENT_URL>)

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
# > [
# >     {
# >         'value': {'text_to_revise': 'original text'},
# >         'resumable': True,
# >         'ns': ['human_node:fc722478-2f21-0578-c572-d9fc4dd07c3b'],
# >         'when': 'during'
# >     }
# > ]


# Resume the graph
print(await client.runs.wait(
    thread_id,
    assistant_id,
    # highlight-next-line
    command=Command(resume="Edited text")   # (3)!
))
# > {'some_text': 'Edited text'}
'''

JS_TAB = """
import { Client } from "@langchain/langgraph-sdk";
const client = new Client({ apiUrl: <DEPLOYMENT_URL> });

// Using the graph deployed with the name "agent"
const assistantID = "agent";

// create a thread
const thread = await client.threads.create();
const threadID = thread["thread_id"];

// Run the graph until the interrupt is hit.
const result = await client.runs.wait(
  threadID,
  assistantID,
  { input: { "some_text": "original text" } }   // (1)!
);

console.log(result['__interrupt__']); // (2)!
// > [
// >     {
// >         'value': {'text_to_revise': 'original text'},
// >         'resumable': True,
// >         'ns': ['human_node:fc722478-2f21-0578-c572-d9fc4dd07c3b'],
// >         'when': 'during'
// >     }
// > ]

// Resume the graph
console.log(await client.runs.wait(
    threadID,
    assistantID,
    // highlight-next-line
    { command: { resume: "Edited text" }}   // (3)!
));
// > {'some_text': 'Edited text'}
"""

CURL_CREATE = """
curl --request POST \\
--url <DEPLOYMENT_URL>/threads \\
--header 'Content-Type: application/json' \\
--data '{}'
"""

CURL_RUN = """
curl --request POST \\
--url <DEPLOYMENT_URL>/threads/<THREAD_ID>/runs/wait \\
--header 'Content-Type: application/json' \\
--data "{
  \\"assistant_id\\": \\"agent\\",
  \\"input\\": {\\"some_text\\": \\"original text\\"}
}"
"""

CURL_RESUME = """
curl --request POST \\
 --url <DEPLOYMENT_URL>/threads/<THREAD_ID>/runs/wait \\
 --header 'Content-Type: application/json' \\
 --data "{
   \\"assistant_id\\": \\"agent\\",
   \\"command\\": {
     \\"resume\\": \\"Edited text\\"
   }
 }"
"""

INTERRUPT_PRINTED = (
    r"\[\{'value': \{'text_to_revise': 'original text'\}, 'id': '[0-9a-f]{32}', "
    r"'response_schema': None\}\]"
)
"""What the Python tab's first ``print`` shows today (langgraph-api 0.16.7 prints the same:
the interrupt's ``id`` and ``response_schema`` replaced the seed's older ``resumable``/``ns``)."""
