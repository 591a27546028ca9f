"""Which interrupts are pending in a `ThreadState`, and which node asked each one.

`get_state(thread_id, subgraphs=True)` lists the pending interrupts at the top level and
again under the task that raised them; a subgraph's task carries its own `state` with its
own `tasks`. The deepest task holding an interrupt is the node that asked, labelled with its
path (`parent › child`) so the reviewer sees where the question comes from.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["PendingInterrupt", "pending_interrupts", "question_of", "tool_calls", "tool_names"]


@dataclass(frozen=True)
class PendingInterrupt:
    """An interrupt waiting for an answer, with where it came from."""

    interrupt: Mapping[str, Any]
    """The interrupt as the client returns it (`value`, `id`, `response_schema`)."""
    path: tuple[str, ...]
    """Node names from the root graph down to the node that asked."""

    @property
    def id(self) -> str:
        """The interrupt id (the key in `Command(resume={id: answer})`)."""
        return str(self.interrupt["id"])

    @property
    def label(self) -> str:
        """The node path for people: `parent › child`."""
        return " › ".join(self.path) or "?"

    @property
    def title(self) -> str:
        """What is asked, in the graph's own words: the question or description the
        interrupt carries, else its schema's description, else its node's name read as
        words. "" for a tool-call review: its panels name each tool and what it does."""
        if tool_calls(self.interrupt.get("value")):
            return ""
        return question_of(self.interrupt, self.path)

    @property
    def graph_ids(self) -> tuple[str, ...]:
        """The ids this node may have in `get_graph(xray=True)`: `parent:child` and `parent`."""
        if not self.path:
            return ()
        return (":".join(self.path), self.path[0])


def tool_names(pending: PendingInterrupt) -> list[str]:
    """The tools a tool-call review asks about, by name (`[]` for other interrupts)."""
    return [name for name, _ in tool_calls(pending.interrupt.get("value"))]


def tool_calls(value: Any) -> list[tuple[str, Any]]:
    """`(tool name, args)` of each call a LangChain `HumanInTheLoopMiddleware` interrupt
    asks about (batched `HITLRequest` or per-call `tool_approval`); `[]` for anything else."""
    if not isinstance(value, Mapping):
        return []
    if value.get("type") == "tool_approval" and isinstance(value.get("name"), str):
        return [(value["name"], value.get("args"))]
    requests = value.get("action_requests")
    if isinstance(requests, Sequence) and isinstance(value.get("review_configs"), Sequence):
        return [(str(r.get("name", "?")), r.get("args")) for r in requests
                if isinstance(r, Mapping)]
    return []


#: Keys whose text is what the interrupt asks.
QUESTION_KEYS = ("question", "description", "prompt", "instructions", "instruction", "ask",
                 "query", "message")
#: Node names that say nothing to a reviewer ("human_node", "ask_human", "interrupt").
_GENERIC_NODE = frozenset({"human", "node", "ask", "interrupt", "review", "hitl", "input"})


def _words(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").split()).capitalize()


def question_of(interrupt: Mapping[str, Any], path: Sequence[str] = ()) -> str:
    """What an interrupt asks, for a heading (see `PendingInterrupt.title`)."""
    value = interrupt.get("value")
    schema = interrupt.get("response_schema")
    if isinstance(value, Mapping):
        for key in QUESTION_KEYS:
            if isinstance(value.get(key), str) and value[key].strip():
                return str(value[key]).strip()
    if isinstance(schema, Mapping):
        if isinstance(value, str) and value.strip():
            return value.strip()  # with a schema, a string value is the question
        for key in ("description", "title"):
            if isinstance(schema.get(key), str) and schema[key].strip():
                return str(schema[key]).strip()
    if isinstance(value, Mapping) and len(value) == 1:
        key = next(iter(value))
        if isinstance(key, str) and isinstance(value[key], str):
            return f"Review the {_words(key).lower()}"  # {"text_to_revise": "..."}
    node = path[-1] if path else ""
    if node and not set(node.lower().replace("-", "_").split("_")) <= _GENERIC_NODE:
        return _words(node.split(".")[-1])
    return "Your answer is needed"


def _walk(tasks: Any, prefix: tuple[str, ...],
          found: dict[str, PendingInterrupt]) -> None:
    if not isinstance(tasks, Sequence):
        return
    for task in tasks:
        if not isinstance(task, Mapping):
            continue
        path = (*prefix, str(task.get("name", "?")))
        sub = task.get("state")
        if isinstance(sub, Mapping):
            _walk(sub.get("tasks"), path, found)  # deeper first: the asking node wins
        for item in task.get("interrupts") or ():
            if isinstance(item, Mapping) and "id" in item:
                found.setdefault(str(item["id"]), PendingInterrupt(item, path))


def pending_interrupts(state: Mapping[str, Any] | None) -> list[PendingInterrupt]:
    """Every pending interrupt of a state, in the state's own order, each with its node."""
    if not state:
        return []
    from_tasks: dict[str, PendingInterrupt] = {}
    _walk(state.get("tasks"), (), from_tasks)
    ordered: list[PendingInterrupt] = []
    seen: set[str] = set()
    for item in state.get("interrupts") or ():
        if not isinstance(item, Mapping) or "id" not in item:
            continue
        key = str(item["id"])
        task_view = from_tasks.get(key)
        # Prefer the top-level dict (it carries `response_schema` on every server).
        merged = {**(task_view.interrupt if task_view else {}), **item}
        ordered.append(PendingInterrupt(merged, task_view.path if task_view else ()))
        seen.add(key)
    ordered.extend(p for key, p in from_tasks.items() if key not in seen)
    return ordered
