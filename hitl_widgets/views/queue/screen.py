"""`ReviewScreen`: one reviewer working through a queue, one key per decision.

On the left the queue's items as a table (checkbox, summary, age, state) with select all /
none, the count selected and the safe bulk actions; on the right the item under review: its
question rendered for a person (the tool call as the header), the queue's instructions
beside it, the typed form (the agent's proposal in it where the form puts it), an optional
comment, and the buttons **Accept [a]**, **Reject [x]**, **Edit [e]** (send the form as
edited), **Next [n]**, **Skip [s]**, the same keys in a help line and on the page
(``Hotkeys``). After each decision a confirmation says what was sent, with "n of N".

The item under review is held for this reviewer in the store's review queue ``queue``
(``holds``: the holds ``ReviewQueue`` hands items out under; five minutes by default, and no
longer than this kernel lives); other reviewers' screens and queues pass over it and the
table shows who holds it, so two reviewers never read the same item. Each answer goes
to the client as ``runs.wait(command={"resume": ...})`` with a strict resume (an item
someone else answered meanwhile is refused, and the screen says who), and its audit row
says it was made on this screen, by whom, what was shown and the comment.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
from collections.abc import Mapping
from typing import Any

import ipywidgets as widgets

from hitl_widgets.client.audit import stage_review
from hitl_widgets.client.recording import recording_runs
from hitl_widgets.forms import InterruptForm
from hitl_widgets.runtime.audit_trail import shown_digest
from hitl_widgets.views.bulk import BulkResult
from hitl_widgets.views.errors import ErrorArea, error_from_exception
from hitl_widgets.views.identity import Identity, reviewer_identity
from hitl_widgets.views.inbox_rows import InboxQuery, InboxSource
from hitl_widgets.views.queue.bulk_panel import BulkPanel
from hitl_widgets.views.queue.context import context_html, heading_of
from hitl_widgets.views.queue.holds import HOLD_SECONDS, Holds
from hitl_widgets.views.queue.hotkeys import Hotkeys
from hitl_widgets.views.queue.items_table import ItemsTable
from hitl_widgets.views.queue.proposals import NoProposal, accept_answer, reject_answer
from hitl_widgets.views.render import esc
from hitl_widgets.views.runner import JobRunner
from hitl_widgets.views.widget_tree import close_tree

__all__ = ["KEYS", "LIVE_SECONDS", "ReviewScreen"]

KEYS = {"a": "accept", "x": "reject", "e": "edit", "n": "next", "s": "skip"}
"""The screen's keys and what each does."""

HELP = "Keys: a accept · x reject · e send the form as edited · n next · s skip"

VERDICT_WORDS = {"accept": "Accepted", "reject": "Rejected", "edit": "Sent as edited"}


LIVE_SECONDS = 1.0
"""How often a screen reads the queue again on its own (others' holds and decisions)."""


class ReviewScreen(widgets.VBox):
    """The queue of pending items matching the filters, reviewed one at a time.

    ``items`` is the page of pending items, ``current`` the one under review (or None),
    ``decided`` how many this screen sent, ``last`` the last confirmation's text.
    """

    def __init__(self, client: Any, *, instructions: str = "", graph_id: str | None = None,
                 metadata: Mapping[str, Any] | None = None, reviewer: str | None = None,
                 page_size: int = 25, queue: str = "review",
                 hold_seconds: float = HOLD_SECONDS, load: bool = True, live: bool = True,
                 **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(getattr(getattr(client, "threads", None),
                                                   "search", None)):
            raise TypeError("ReviewScreen needs an async client: hitl_widgets.get_client(...) "
                            "or langgraph_sdk.get_client(url=...)")
        self.client = client
        self.source = InboxSource(client)
        self.query = InboxQuery(graph_id=graph_id, metadata=dict(metadata or {}),
                                status="interrupted", page_size=page_size)
        self.identity: Identity = reviewer_identity(client, reviewer)
        """Who decides on this screen, and where the name came from."""
        self.holds = Holds(client, queue, hold_seconds)
        """The items this screen holds for its reviewer, and the others' holds."""
        self.held_by: dict[str, str] = {}
        """Items other reviewers hold (thread id → who), as last read."""
        self.items: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self.decided = 0
        self.pending = 0
        self.skipped: list[str] = []
        """Items passed over (they come last, after every other pending item)."""
        self.last = ""
        self._runner = JobRunner(self._report)
        self.form: InterruptForm | None = None
        self.header = widgets.HTML()
        self.help = widgets.HTML(f"<small>{esc(HELP)}</small>")
        self.confirmation = widgets.HTML()
        self.errors = ErrorArea()
        self.table = ItemsTable(self.review)
        self.bulk = BulkPanel(client, selected=lambda: self.table.selected,
                              rows=lambda: self.items, schedule=self._runner.schedule,
                              done=self._bulk_done, identity=lambda: self.identity)
        self.heading = widgets.HTML()
        self.context = widgets.HTML(layout=widgets.Layout(width="100%"))
        self.instructions = widgets.HTML(
            f'<div style="padding:6px 10px;border-left:3px solid #3584e4;white-space:pre-wrap">'
            f"<b>Instructions</b><br>{esc(instructions)}</div>" if instructions else "",
            layout=widgets.Layout(width="34%", min_width="12em"))
        self.form_box = widgets.VBox(layout=widgets.Layout(width="100%"))
        self.comment = widgets.Text(placeholder="comment (kept in the audit trail)",
                                    description="Comment", layout=widgets.Layout(width="100%"))
        self.buttons = {
            "accept": widgets.Button(description="Accept [a]", icon="check",
                                     button_style="success"),
            "reject": widgets.Button(description="Reject [x]", icon="times",
                                     button_style="danger"),
            "edit": widgets.Button(description="Edit [e]", icon="edit",
                                   tooltip="Send the form as you edited it"),
            "next": widgets.Button(description="Next [n]", icon="arrow-right"),
            "skip": widgets.Button(description="Skip [s]", icon="forward"),
        }
        for name, button in self.buttons.items():
            button.on_click(lambda _b, n=name: self.act(n, origin="screen"))
        self.hotkeys = Hotkeys(KEYS)
        self.hotkeys.on_key(lambda key: self.act(KEYS[key], origin="screen"))
        item = widgets.VBox([self.heading, widgets.HBox(
            [widgets.VBox([self.context], layout=widgets.Layout(width="66%")),
             self.instructions], layout=widgets.Layout(width="100%")),
            self.form_box, self.comment,
            widgets.HBox(list(self.buttons.values()), layout=widgets.Layout(flex_flow="row wrap")),
            self.confirmation], layout=widgets.Layout(width="58%", padding="0 0 0 12px"))
        super().__init__([self.header, self.help, self.errors, widgets.HBox(
            [widgets.VBox([self.table, self.bulk], layout=widgets.Layout(width="42%")), item],
            layout=widgets.Layout(width="100%", overflow="hidden")), self.hotkeys], **kwargs)
        self.add_class("hw-review-screen")
        self.add_class("hw-hotkeys-scope")  # the keys act while the focus is in the screen
        self._following: asyncio.Task[None] | None = None
        if load:
            self.refresh()
        if live:
            self.follow()

    # --- what a reviewer does (each button and key has its method) -------------------------

    def refresh(self) -> None:
        """Reload the queue and review its first item."""
        self._runner.schedule("Loading the queue", self._load)

    def review(self, thread_id: str) -> None:
        """Review this item."""
        self._runner.schedule("Opening", lambda: self._show_item(thread_id))

    def act(self, action: str, *, origin: str = "code: screen") -> None:
        """``accept``, ``reject``, ``edit`` (send the form as edited), ``next`` or ``skip``.
        The audit row says ``origin``: a button or key on the page says ``screen``; a call
        from code, by default, says it was code."""
        if action not in VERDICT_WORDS and action not in ("next", "skip"):
            raise ValueError(f"unknown action {action!r}; one of {sorted(KEYS.values())}")
        self._runner.schedule(action.capitalize(), lambda: self._act(action, origin))

    async def wait(self) -> None:
        """Return when everything asked of the screen is done and shown."""
        await self._runner.wait()

    def follow(self) -> None:
        """Keep the table current without Refresh: every ``LIVE_SECONDS`` the screen reads
        the queue again, so other reviewers' holds and decisions show within about a second
        (in another kernel, in another Voila page). Started by the constructor when a loop
        runs (a notebook, Voila); a script without one refreshes by hand."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        if self._following is None or self._following.done():
            self._following = loop.create_task(self._follow_others())

    def close(self) -> None:
        """Stop and close every widget of the screen."""
        following = getattr(self, "_following", None)
        if following is not None:
            following.cancel()
        if hasattr(self, "_runner"):
            self._runner.cancel()
            if self.holds.until:  # given up in the background; else they lapse on their own
                with contextlib.suppress(RuntimeError):  # no loop running: let them lapse
                    asyncio.get_running_loop().create_task(self.holds.release_all())
        close_tree(self)

    async def leave(self) -> None:
        """Give this screen's holds up (the items go back to the queue at once), then
        close it."""
        await self.wait()
        await self.holds.release_all()
        self.close()

    # --- jobs ------------------------------------------------------------------------------

    async def _load(self) -> None:
        self.items = await self.source.page(self.query, 0)
        self.pending = await self.source.count(self.query)
        order = [r for r in self.items if r["thread_id"] not in self.skipped] + [
            r for r in self.items if r["thread_id"] in self.skipped]
        self.items = order
        await self._show_first([r["thread_id"] for r in order])

    async def _show_first(self, candidates: list[str]) -> None:
        """Review the first of ``candidates`` nobody else holds (taking its hold)."""
        self.held_by = await self.holds.others()
        for tid in candidates:
            if tid in self.held_by:
                continue
            refused = await self.holds.take(tid)
            if refused is None:
                await self._show_item(tid)
                return
            self.held_by = await self.holds.others()  # taken meanwhile by someone else
        await self._show_item(None)

    async def _show_item(self, thread_id: str | None) -> None:
        for held in list(self.holds.until):
            if held != thread_id:
                await self.holds.release(held)
        if thread_id is not None and thread_id not in self.holds.until:
            refused = await self.holds.take(thread_id)
            if refused is not None:
                self.confirmation.value = f"<b>Held by someone else:</b> {esc(refused)}"
                thread_id = None
        self.current = next((r for r in self.items if r["thread_id"] == thread_id), None)
        if self.form is not None:
            self.form.close()
            self.form = None
        states = self._states()
        if self.current is None:
            self.heading.value = "<b>Nothing left to review.</b>"
            self.context.value = ""
            self.form_box.children = ()
        else:
            asked = self.current["interrupts"]
            value = asked[0].get("value") if asked else None
            self.heading.value = f"<h3 style='margin:4px 0'>{esc(heading_of(value))}</h3>"
            self.context.value = "".join(context_html(i.get("value")) for i in asked)
            self.form = InterruptForm(asked, submit_label="Edit [e]: send as edited")
            self.form.on_submit(lambda _resume: self.act("edit", origin="screen"))
            self.form_box.children = (self.form,)
        self.table.show(self.items, states)
        self._render_header()

    async def _act(self, action: str, origin: str) -> None:
        row = self.current
        if action == "next" or row is None:
            await self._move(row, skip=False)
            return
        if action == "skip":
            await self._move(row, skip=True)
            return
        asked = row["interrupts"]
        try:
            if action == "accept":
                answers = {str(i["id"]): accept_answer(i) for i in asked}
            elif action == "reject":
                answers = {str(i["id"]): reject_answer(i) for i in asked}
            else:
                assert self.form is not None
                if self.form.validate():
                    return  # the messages are on the fields
                answers = self.form.resume
        except NoProposal as why:
            self.confirmation.value = (f"<b>Cannot {action} as it is:</b> {esc(why)}. Answer "
                                       "in the form and press Edit [e].")
            return
        await self._resume_item(row, answers, action, origin)

    async def _resume_item(self, row: Mapping[str, Any], answers: dict[str, Any],
                           action: str, origin: str) -> None:
        tid = str(row["thread_id"])
        shown = {str(i["id"]): i.get("value") for i in row["interrupts"]}
        comment, self.comment.value = self.comment.value.strip() or None, ""
        for iid, answer in answers.items():
            stage_review(self.client, tid, iid, answer, {
                "origin": origin, "comment": comment, "reviewer": self.identity.name,
                "reviewer_source": self.identity.source,
                "shown_sha256": shown_digest(iid, shown.get(iid))})
        graph_id = str(row.get("graph_id") or "agent")
        try:
            await recording_runs(self.client).wait(
                tid, graph_id, command={"resume": answers}, multitask_strategy="reject",
                strict_resume=True)
        except Exception as exc:  # noqa: BLE001 - the reviewer is told, and moves on
            self.last = f"Not applied to {tid}: {exc}"
            self.confirmation.value = f"<b>✘ Not applied</b> to {esc(tid)}: {esc(exc)}"
            await self._move(row, skip=False, reload=True)
            return
        self.decided += 1
        self.pending = max(0, self.pending - 1)
        self.last = (f"{VERDICT_WORDS[action]} {tid} · {self.decided} of "
                     f"{self.decided + self.pending}")
        self.confirmation.value = f"<b>✔ {esc(self.last)}</b>"
        await self._move(row, skip=False, reload=True)

    async def _move(self, row: Mapping[str, Any] | None, *, skip: bool,
                    reload: bool = False) -> None:
        """Review the item after ``row`` (skipped ones come last)."""
        tid = row["thread_id"] if row is not None else None
        if skip and tid is not None and tid not in self.skipped:
            self.skipped.append(tid)
        ids = [r["thread_id"] for r in self.items]
        if reload:
            await self._load_page_only()
        fresh = [r["thread_id"] for r in self.items if r["thread_id"] != tid]
        after = ids[ids.index(tid) + 1:] if tid in ids else []
        following = [t for t in after if t in fresh and t not in self.skipped]
        rest = [t for t in fresh if t not in self.skipped] + [
            t for t in self.skipped if t in fresh]
        if skip and tid in [r["thread_id"] for r in self.items] and not (following or rest):
            rest = [tid]
        await self._show_first(list(dict.fromkeys(following + rest)))

    async def _load_page_only(self) -> None:
        self.items = await self.source.page(self.query, 0)

    async def _follow_others(self) -> None:
        while True:
            await asyncio.sleep(LIVE_SECONDS)
            if not self._runner.busy:  # a reviewer's own action comes first
                self._runner.schedule("Following the queue", self._sync)

    async def _sync(self) -> None:
        """Read the queue again; an item under review that someone else answered gives way
        to the next one."""
        self.items = await self.source.page(self.query, 0)
        self.pending = await self.source.count(self.query)
        self.held_by = await self.holds.others()
        current = self.current
        if current is not None and all(r["thread_id"] != current["thread_id"]
                                       for r in self.items):
            self.confirmation.value = ("<b>That item was answered elsewhere;</b> here is the "
                                       "next one.")
            await self._move(current, skip=False)
            return
        self.table.show(self.items, self._states())
        self._render_header()

    async def _bulk_done(self, results: list[BulkResult]) -> None:
        ok = sum(r["ok"] for r in results)
        self.decided += ok
        self.pending = await self.source.count(self.query)
        self.last = (f"{ok} of {len(results)} accepted in bulk · {self.decided} of "
                     f"{self.decided + self.pending}")
        self.confirmation.value = f"<b>✔ {esc(self.last)}</b>"
        await self._load()

    # --- showing things --------------------------------------------------------------------

    def _states(self) -> dict[str, str]:
        """Each listed item's state: reviewing (here), held by someone, skipped, pending."""
        states = {r["thread_id"]: "skipped" if r["thread_id"] in self.skipped else "pending"
                  for r in self.items}
        states.update({t: f"held by {who}" for t, who in self.held_by.items() if t in states})
        if self.current is not None and self.current["thread_id"] in states:
            states[self.current["thread_id"]] = "reviewing"
        return states

    def _render_header(self) -> None:
        total = self.decided + self.pending
        held = ""
        if self.current is not None and self.current["thread_id"] in self.holds.until:
            until = self.holds.until[self.current["thread_id"]].strftime("%H:%M:%S")
            held = f" · held for you until {until} UTC"
        self.header.value = (f"<b>Review queue</b> · reviewing as <code>{esc(self.identity.name)}"
                             f"</code> <small>({esc(self.identity.source)})</small> · "
                             f"<b>{self.decided} of {total}</b> decided{esc(held)}")

    def _report(self, exc: BaseException, title: str) -> None:
        self.errors.show(error_from_exception(exc, title=f"{title} failed"))
