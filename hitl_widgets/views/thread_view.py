"""`ThreadView`: the review loop for one thread, driven only through a client.

Status and state on top; every pending interrupt in one form (so one Submit answers them all
with one `Command(resume={interrupt_id: answer, ...})`); the resume runs as a task on the
kernel's loop while progress streams in; then the new state, what changed, and the next
form. Tabs hold the history (with fork), the graph picture and a state editor.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

import ipywidgets as widgets
from langgraph_sdk.errors import ConflictError, UnprocessableEntityError

from hitl_widgets.client.audit import CHANGES_KEY
from hitl_widgets.views.decision_hooks import DecisionCallback, DecisionHooks, changes_by_interrupt
from hitl_widgets.views.diff import Change, diff_values
from hitl_widgets.views.editor import StateEditor
from hitl_widgets.views.errors import (
    ErrorArea,
    ErrorInfo,
    error_from_event,
    error_from_exception,
    guarded,
)
from hitl_widgets.views.form_host import FormFactory, FormHost
from hitl_widgets.views.graph_picture import GraphPicture
from hitl_widgets.views.notebook_display import display_view
from hitl_widgets.views.pending import PendingInterrupt, pending_interrupts, tool_names
from hitl_widgets.views.progress import Progress
from hitl_widgets.views.record import Decision, ReviewRecord, now_iso
from hitl_widgets.views.runner import JobRunner
from hitl_widgets.views.session import RunOutcome, ThreadSession
from hitl_widgets.views.state_view import StateView
from hitl_widgets.views.texts import (
    RETRY_HINT,
    STALE_ERRORS,
    busy_info,
    failed_node,
    header_html,
    rejected_html,
    rejection_items,
    stale_info,
    with_interrupt_loc,
)
from hitl_widgets.views.timeline import Timeline
from hitl_widgets.views.widget_tree import close_tree

__all__ = ["ThreadView"]

#: The tabs, in order: State, History, Graph, Edit state.
_TAB_HISTORY, _TAB_GRAPH, _TAB_EDIT = 1, 2, 3


class ThreadView(widgets.VBox):
    """A live review of one thread: state, pending interrupts as a form, progress, history.

    The view only talks to `client` (in-kernel `hitl_widgets.get_client(graphs=...)` or a
    remote `langgraph_sdk.get_client(url=...)`). Every client call runs as a task on the
    running event loop: methods return at once; `await view.wait()` (or, from sync code,
    `view.run_until_idle()`) waits for the end.
    """

    def __init__(self, client: Any, thread_id: str | None, assistant_id: str, *,
                 form_factory: FormFactory | None = None, history_limit: int = 100,
                 xray: bool | int = True, load: bool = True, **kwargs: Any) -> None:
        self.session = ThreadSession(
            client, thread_id, assistant_id, xray=xray,
            on_unrecorded=lambda problem: self._report(problem, "Recording the decision"))
        self.history_limit = history_limit
        self.state: Mapping[str, Any] | None = None
        """The last `ThreadState` loaded."""
        self.thread: Mapping[str, Any] | None = None
        """The last `Thread` record loaded."""
        self.status = "loading"
        """The thread's status (`idle`, `busy`, `interrupted`, `error`) as last loaded."""
        self.pending: list[PendingInterrupt] = []
        """The interrupts waiting for an answer, each with its node."""
        self.last_changes: list[Change] = []
        """What the last run changed in the state."""
        self.last_outcome: RunOutcome | None = None
        """How the last streamed run ended."""
        self.refused_submits = 0
        """Submits refused because a resume was already running (double clicks)."""
        self.record = ReviewRecord(thread_id or "(new)", assistant_id)
        """The static record (decisions and state) shown next to the live view."""
        self._busy = False
        self._history_loaded = False
        self._decision_hooks = DecisionHooks()  # on_decision / decision()
        self._runner = JobRunner(self._report)

        self.header = widgets.HTML()
        self.refresh_button = widgets.Button(
            # No icon: Font Awesome comes from a CDN in some hosts (Voila), offline a box.
            description="Refresh", layout=widgets.Layout(width="auto"),
            tooltip="Reload the thread (answered or changed elsewhere?)")
        self.progress = Progress()
        self.notice = widgets.HTML()
        self.errors = ErrorArea()
        self.form_box = FormHost(self.resume, self._report, form_factory)
        self.state_view = StateView(title="Current state")
        self.timeline = Timeline()
        self.picture = GraphPicture()
        self.editor = StateEditor()
        self.tabs = widgets.Tab(children=[self.state_view, self.timeline, self.picture,
                                          self.editor])
        self.tabs.titles = ("State", "History", "Graph", "Edit state")
        self.record_view = widgets.HTML()
        """The review record inside the live view, updated in place (front ends such as
        Voila do not apply later updates to the static record displayed beside it)."""
        super().__init__(children=[widgets.HBox([self.header, self.refresh_button]),
                                   self.progress, self.notice, self.errors, self.form_box,
                                   self.tabs, self.record_view], **kwargs)
        self.add_class("hw-thread-view")
        self.timeline.report = self.editor.report = self._report
        self.refresh_button.on_click(
            guarded(self._report, "Refresh", lambda _button: self.refresh()))
        self.timeline.on_fork(lambda cid, values: self.fork(cid, values))
        self.editor.on_apply(lambda values, as_node: self.update_state(values, as_node=as_node))
        self.editor.on_continue(self.continue_run)
        self.tabs.observe(guarded(self._report, "Opening a tab", self._on_tab),
                          names="selected_index")
        self._render_header()
        self._update_record()
        if load and thread_id is not None:
            self.refresh()

    # --- what the view is looking at ----------------------------------------------------

    @property
    def client(self) -> Any:
        """The client the view talks to."""
        return self.session.client

    @property
    def thread_id(self) -> str | None:
        """The thread shown (`None` until `start()` created one)."""
        return self.session.thread_id

    @property
    def assistant_id(self) -> str:
        """The assistant (graph id) runs are started with."""
        return self.session.assistant_id

    @property
    def values(self) -> Any:
        """The current state's `values`."""
        return (self.state or {}).get("values")

    @property
    def busy(self) -> bool:
        """Whether a resume or another client call is going on."""
        return self._busy or self._runner.busy

    @property
    def form(self) -> Any:
        """The one form hosting every pending interrupt (`None` when nothing is pending)."""
        return self.form_box.form

    @property
    def decisions(self) -> list[Decision]:
        """Every answer sent from this view, with what came of it."""
        return self.record.decisions

    @property
    def forms(self) -> dict[str, Any]:
        """The pending parts by interrupt id (`form.parts`; the whole form if it has none)."""
        return self.form_box.parts(self.pending)

    # --- carrying on after the human -----------------------------------------------------

    def on_decision(self, callback: DecisionCallback) -> None:
        """Call `callback(decisions)` after each submit whose fate is known: a list of
        `Decision` (one per interrupt answered) with `outcome` `accepted`, `failed`, `stale`,
        `rejected (422)` or `refused: thread busy`."""
        self._decision_hooks.add(callback)

    async def decision(self) -> list[Decision]:
        """Wait for the next submit that ends the question (`accepted`, `failed` or
        `stale`) and return its decisions, so a notebook can go on by itself."""
        return await self._decision_hooks.next()

    # --- programmatic twins of the buttons ------------------------------------------------

    def submit(self) -> None:
        """The Submit button's twin: the form validates, then the view resumes the thread."""
        if self.form is None:
            raise RuntimeError(f"nothing to submit: no interrupt is pending on thread "
                               f"{self.thread_id} (status {self.status})")
        self.form.submit()

    def resume(self, resume: Mapping[str, Any]) -> None:
        """Resume with `{interrupt_id: answer}` (what the form's Submit sends); returns at once.

        Refused (and counted in `refused_submits`) while a run of this view is going on.
        """
        if self._busy:
            self.refused_submits += 1
            self.notice.value = ("<i>A run is already going on; this submit was ignored "
                                 "(the form is disabled until it ends).</i>")
            return
        self._set_busy(True)
        form, answers = self.form, dict(resume)
        self._runner.schedule("Resume", lambda: self._resume_job(answers, form))

    def refresh(self) -> None:
        """Reload the thread's state, status and pending interrupts."""
        self._runner.schedule("Loading the thread", self._load)

    def start(self, input: Any = None, **run_kwargs: Any) -> None:
        """Start a run with `input` (creating the thread first if the view has none)."""
        self._runner.schedule("Starting the run", lambda: self._start_job(input, run_kwargs))

    def continue_run(self) -> None:
        """Run on from the current state with no new input (after an edit or an error)."""
        self._set_busy(True)
        self._runner.schedule("Continue", lambda: self._run_job("Continuing", input=None))

    def update_state(self, values: Mapping[str, Any], *, as_node: str | None = None) -> None:
        """Write `values` into the thread's state (`threads.update_state`), then re-display."""
        self._runner.schedule("Editing the state", lambda: self._edit_job(values, as_node))

    def fork(self, checkpoint_id: str, values: Mapping[str, Any] | None = None, *,
             as_node: str | None = None) -> None:
        """Continue from a past checkpoint as a new branch, after writing `values` into it
        (when given); the view then follows the new branch."""
        self._set_busy(True)
        self._runner.schedule("Fork", lambda: self._fork_job(checkpoint_id, values, as_node))

    def load_history(self) -> None:
        """Fetch the checkpoints into the History tab."""
        self._runner.schedule("Loading the history", self._load_history)

    def show_graph(self) -> None:
        """Draw the graph picture in the Graph tab."""
        self._runner.schedule("Drawing the graph", self._draw_graph)

    def close(self) -> None:
        """Stop following the thread and close all the view's widgets. The view cancels no
        run: one it was streaming goes on in the kernel (a server applies its own
        disconnect policy)."""
        # Also reached from `Widget.__del__` of a view whose `__init__` failed half-way.
        if hasattr(self, "_runner"):
            self._runner.cancel()
        if hasattr(self, "progress"):
            self.progress.finish("closed")
        close_tree(self)

    async def wait(self) -> None:
        """Return when every call the view started has finished."""
        await self._runner.wait()

    def run_until_idle(self, timeout: float | None = 60.0) -> None:
        """`wait()` for synchronous code (no event loop running in this thread)."""
        self._runner.run_until_idle(timeout)

    # --- jobs (run on the event loop, one at a time) ---------------------------------------

    async def _start_job(self, input: Any, run_kwargs: dict[str, Any]) -> None:
        if self.session.thread_id is None:
            self.record.thread_id = await self.session.create_thread()
        await self._run_job("Starting", input=input, **run_kwargs)

    async def _run_job(self, action: str, **kwargs: Any) -> None:
        self._set_busy(True)
        try:
            outcome = await self._stream(action, **kwargs)
            await self._load(outcome)
            if outcome.error:
                self._show_run_error(outcome)
        finally:
            self._set_busy(False)

    async def _resume_job(self, resume: dict[str, Any], form: Any) -> None:
        asked = {p.id: (p.label, p.interrupt.get("value")) for p in self.pending}
        said = {p.id: p.title or ", ".join(tool_names(p)) for p in self.pending}
        offered = {str(getattr(part, "interrupt_id", "")): getattr(part, "proposal", None)
                   for part in getattr(form, "parts", None) or ()}
        sent = [Decision(now_iso(), iid, *asked.get(iid, ("?", None)), answer,
                         asked=said.get(iid, ""), proposal=offered.get(iid))
                for iid, answer in resume.items()]
        changes = changes_by_interrupt(form)
        outcome, known = None, len(self.record.decisions)
        try:
            gone = await self.session.not_pending(list(resume))
            if gone:
                await self._refuse(sent, "stale", stale_info(
                    f"interrupt(s) {', '.join(gone)} of thread {self.thread_id} are no "
                    "longer pending"))
                return
            try:
                outcome = await self._stream("Resuming", command={"resume": resume},
                                             metadata={CHANGES_KEY: changes})
            except UnprocessableEntityError as exc:
                self._show_field_errors(form, exc, resume)
                await self._refuse(sent, "rejected (422)", None, reload=False)
                return
            except ConflictError as exc:
                # Busy (another run holds the thread) is not stale: keep the answer.
                busy = await self.session.status() == "busy"
                await self._refuse(sent, "refused: thread busy" if busy else "stale",
                                   busy_info(exc) if busy else stale_info(exc), reload=not busy)
                return
            if outcome.error and str(outcome.error.get("error")) in STALE_ERRORS:
                await self._refuse(sent, "stale", stale_info(outcome.error.get("message", "")))
                return
            self.record.decide(sent, "failed" if outcome.error else "accepted")
            await self._load(outcome)
            if outcome.error:
                self._show_run_error(outcome)
        finally:
            self._set_busy(False)
            settled = self.record.decisions[known:]
            if settled:  # tell listeners (the answer itself is recorded by runs)
                self._decision_hooks.fire(settled, self._report)

    async def _refuse(self, sent: list[Decision], outcome: str, info: ErrorInfo | None, *,
                      reload: bool = True) -> None:
        """An answer that was not applied: record why, say so, show the thread as it is."""
        self.record.decide(sent, outcome)
        if info is not None:
            self.errors.show(info)
        self.progress.finish(f"Answer not applied: {outcome}")
        if reload:
            await self._load()
        else:
            self._update_record()

    async def _edit_job(self, values: Mapping[str, Any], as_node: str | None) -> None:
        await self.session.update_state(values, as_node=as_node)
        self.notice.value = "<i>State edited; press Continue to run on from it.</i>"
        await self._load()

    async def _fork_job(self, checkpoint_id: str, values: Mapping[str, Any] | None,
                        as_node: str | None) -> None:
        try:
            start = checkpoint_id
            if values is not None:
                start = await self.session.update_state(
                    values, as_node=as_node, checkpoint_id=checkpoint_id) or checkpoint_id
            outcome = await self._stream("Running a new branch", input=None, checkpoint_id=start)
            await self._load(outcome)
            await self._load_history()
            if outcome.error:
                self._show_run_error(outcome)
        finally:
            self._set_busy(False)

    async def _stream(self, action: str, **kwargs: Any) -> RunOutcome:
        self.notice.value = ""
        self.progress.start(action)
        try:
            outcome = await self.session.run(self.progress.feed, **kwargs)
        except BaseException:
            self.progress.finish(f"{action} failed")
            raise
        self.last_outcome = outcome
        ending = ("failed" if outcome.error else "stopped at an interrupt"
                  if outcome.interrupted else "done")
        self.progress.finish(f"{action}: {ending}")
        return outcome

    async def _load(self, after: RunOutcome | None = None) -> None:
        """Re-display the thread. Right `after` a run streamed to its end, the status follows
        from how it ended, so only the state is fetched; and a run that ended cleanly
        streamed its final values, so nothing is fetched (each call to the in-kernel
        runtime is a hop to its thread, as long as the whole resume of a small graph)."""
        previous = self.values if self.state is not None else None
        if after is None:
            state, thread = await self.session.load()
            self.thread = thread
            self.status = str(thread.get("status") or "unknown")
            self.pending = pending_interrupts(state)
        elif not (after.error or after.interrupted) and after.values is not None:
            state = {"values": after.values, "next": [], "tasks": [], "interrupts": []}
            self.pending, self.status = [], "idle"
        else:
            state = await self.session.load_state()
            self.pending = pending_interrupts(state)
            self.status = ("error" if after.error else "interrupted" if self.pending
                           else "idle")
        self.state = state
        values = state.get("values")
        self.last_changes = diff_values(previous, values) if previous is not None else []
        self.state_view.show(values, previous=previous)
        self.form_box.show(self.pending, self.status)
        self._render_header()
        self._update_record()
        if self.tabs.selected_index == _TAB_EDIT:
            self.editor.load(values)
        if self.tabs.selected_index == _TAB_HISTORY or self._history_loaded:
            await self._load_history()
        if self.tabs.selected_index == _TAB_GRAPH:
            await self._draw_graph()

    async def _load_history(self) -> None:
        self.timeline.show(await self.session.history(self.history_limit))
        self._history_loaded = True

    async def _draw_graph(self) -> None:
        graph = await self.session.graph()
        if not self._history_loaded:
            await self._load_history()
        visited = {n for row in self.timeline.rows if row.on_branch for n in row.ran}
        visited.update(self.progress.done)
        interrupted = {gid for p in self.pending for gid in p.graph_ids}
        self.picture.show(graph, interrupted=interrupted, visited=visited)

    # --- showing things ---------------------------------------------------------------------

    def _show_field_errors(self, form: Any, exc: UnprocessableEntityError,
                           resume: Mapping[str, Any]) -> None:
        items = rejection_items(exc, resume)
        if form is not None and form is self.form:
            self.form_box.show_errors(with_interrupt_loc(items))
        self.notice.value = rejected_html(items)

    def _show_run_error(self, outcome: RunOutcome) -> None:
        node = failed_node(self.state, outcome.failed_node)
        info = error_from_event(outcome.error, node=node, hint=RETRY_HINT)
        self.errors.show(replace(info, status=self.status))
        self.record.error = f"{info.error_type}: {info.message}"
        self._update_record()

    def _render_header(self) -> None:
        self.header.value = header_html(self.thread_id, self.assistant_id, self.status,
                                        len(self.pending))

    def _update_record(self) -> None:
        self.record.refresh(status=self.status, values=self.values, thread_id=self.thread_id)
        live = self.record.to_html(live=True)
        if self.record_view.value != live:  # every trait set is a message to the browser
            self.record_view.value = live

    def _set_busy(self, busy: bool) -> None:
        # Only the form is disabled: a second answer must not be sent. Edit, Continue and
        # Fork stay usable; their jobs queue behind the running one in `JobRunner`.
        self._busy = busy
        if self.form_box.disabled != busy:  # every trait set is a message to the browser
            self.form_box.disabled = busy

    def _report(self, exc: BaseException, title: str) -> None:
        self.errors.show(error_from_exception(exc, title=f"{title} failed"))
        self._set_busy(False)

    def _on_tab(self, change: dict[str, Any]) -> None:
        if change["new"] == _TAB_HISTORY:
            self.load_history()
        elif change["new"] == _TAB_GRAPH:
            self.show_graph()
        elif change["new"] == _TAB_EDIT:
            self.editor.load(self.values)

    def _ipython_display_(self) -> None:
        display_view(self, self.record, self.record.display_id)
