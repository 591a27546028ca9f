"""`Inbox`: the threads waiting for a human, a page at a time; open one to review it in place.

Filters (graph, metadata, status) and the sort order on top, then the counts (pending /
answered / failed), the page as a list to pick from with select all / none and the count
selected, and the buttons: Open, previous / next page, and the safe bulk actions
(`queue/bulk_panel.py`: accept each as proposed, or one typed answer after a preview).
Opening a row shows its `ThreadView` below; once its question is over (accepted, or
answered elsewhere) the inbox reloads and opens the next pending thread by itself (a run
that failed after the answer stays open, its error shown).

Like `ThreadView` it only talks to a client (in-kernel or `langgraph_sdk.get_client(url=...)`)
and never blocks the kernel: every method returns at once; `await inbox.wait()` returns when
what was asked for is shown. All text from threads, graphs and reviewers is escaped.
"""

from __future__ import annotations

import asyncio
import inspect
import json
from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets
from langgraph_sdk.errors import NotFoundError

from hitl_widgets.client.audit import storage_problem
from hitl_widgets.views.bulk import BulkResult
from hitl_widgets.views.errors import ErrorArea, ErrorInfo, error_from_exception, guarded
from hitl_widgets.views.identity import Identity, IdentityProbe, reviewer_identity
from hitl_widgets.views.inbox_rows import (
    COUNTED,
    STATUSES,
    InboxQuery,
    InboxSource,
    counts_html,
    parse_metadata_filter,
    row_label,
)
from hitl_widgets.views.queue.bulk_panel import BulkPanel
from hitl_widgets.views.queue.selection import SelectionBar
from hitl_widgets.views.record import Decision
from hitl_widgets.views.render import esc
from hitl_widgets.views.runner import JobRunner
from hitl_widgets.views.thread_view import ThreadView
from hitl_widgets.views.widget_tree import close_tree

__all__ = ["Inbox"]

class Inbox(widgets.VBox):
    """The review queue over many threads of one client.

    `rows` is the current page (dicts with `thread_id`, `graph_id`, `status`, `age_s`,
    `metadata`, `summary`, `interrupts`); `counts` the pending / answered / failed totals;
    `view` the `ThreadView` open in place (or None).
    """

    def __init__(self, client: Any, *, graph_id: str | None = None,
                 metadata: Mapping[str, Any] | None = None, status: str | None = "interrupted",
                 sort: str = "oldest", page_size: int = 25, auto_next: bool = True,
                 load: bool = True, reviewer: str | None = None, **kwargs: Any) -> None:
        if not inspect.iscoroutinefunction(getattr(getattr(client, "threads", None),
                                                   "search", None)):
            raise TypeError(  # a sync client would block the kernel's loop on every page
                "Inbox needs an async client: hitl_widgets.get_client(...) or "
                "langgraph_sdk.get_client(url=...), not a sync client")
        self.client = client
        self.source = InboxSource(client)
        self.query = InboxQuery(graph_id=graph_id, metadata=dict(metadata or {}),
                                status=status, sort=sort, page_size=page_size)
        self._explicit = reviewer
        self.identity: Identity = reviewer_identity(client, reviewer)
        """Who answers through this inbox, and where the name came from: `reviewer=`, the
        Jupyter server's user (read by the page), `$JUPYTERHUB_USER`, or the client's."""
        self.auto_next = auto_next
        """Open the next pending thread by itself once the open one's question is over."""
        self.rows: list[dict[str, Any]] = []
        """The current page."""
        self.counts: dict[str, int] = {}
        """Threads pending (interrupted), answered (idle) and failed (error)."""
        self.total = 0
        """How many threads the filters keep."""
        self.offset = 0
        """Where the current page starts."""
        self.view: ThreadView | None = None
        """The thread under review, shown in place."""
        self.last_bulk: list[BulkResult] = []
        """The results of the last bulk answer, one per thread."""
        self._runner = JobRunner(self._report)

        self.header = widgets.HTML()
        self.graph_filter = widgets.Text(value=graph_id or "", placeholder="graph id",
                                         description="Graph")
        self.metadata_filter = widgets.Text(value=json.dumps(dict(metadata or {})) if metadata
                                            else "", placeholder='{"batch": "b1"}',
                                            description="Metadata")
        self.status_filter = widgets.Dropdown(options=STATUSES, value=status or "all",
                                              description="Status")
        self.sort_filter = widgets.Dropdown(options=["oldest", "newest"], value=sort,
                                            description="Sort")
        self.apply_button = widgets.Button(description="Apply", icon="filter")
        self.counts_html = widgets.HTML()  # shown above the list and the open thread
        self.picker = widgets.SelectMultiple(options=[], rows=min(page_size, 15),
                                             layout=widgets.Layout(width="100%"))
        self.open_button = widgets.Button(description="Open", icon="folder-open",
                                          tooltip="Review the (first) selected thread here")
        self.selection = SelectionBar(self.picker)
        self.bulk_panel = BulkPanel(
            client, selected=lambda: self.selected, rows=lambda: self.rows,
            schedule=self._runner.schedule, done=self._bulk_done,
            identity=lambda: self.identity)
        self.bulk_button = self.bulk_panel.accept_button
        """The default bulk action: accept each selected thread's own proposal."""
        self.probe = IdentityProbe(layout=widgets.Layout(display="none"))
        self.probe.on_user(self._server_user)
        self.previous_button = widgets.Button(description="Previous", icon="arrow-left")
        self.next_button = widgets.Button(description="Next", icon="arrow-right")
        self.page_html = widgets.HTML()
        self.notice = widgets.HTML()
        self.errors = ErrorArea()
        self.back_button = widgets.Button(description="Back to the list", icon="list",
                                          layout=widgets.Layout(display="none"))
        self.view_box = widgets.VBox()
        self.list_box = widgets.VBox([
            widgets.HBox([self.graph_filter, self.metadata_filter]),
            widgets.HBox([self.status_filter, self.sort_filter, self.apply_button]),
            self.selection,
            self.picker,
            widgets.HBox([self.previous_button, self.page_html, self.next_button,
                          self.open_button], layout=widgets.Layout(flex_flow="row wrap")),
            self.bulk_panel,
        ], layout=widgets.Layout(width="100%", overflow="hidden"))
        super().__init__(children=[self.header, self.counts_html, self.notice, self.errors,
                                   self.list_box, self.back_button, self.view_box,
                                   self.probe], **kwargs)
        self.add_class("hw-inbox")
        on = guarded  # every click reports its own failure in the error area
        self.apply_button.on_click(on(self._report, "Filter", lambda _b: self._apply_filters()))
        self.open_button.on_click(on(self._report, "Open", lambda _b: self._open_selected()))
        self.previous_button.on_click(on(self._report, "Previous", lambda _b:
                                         self.previous_page()))
        self.next_button.on_click(on(self._report, "Next", lambda _b: self.next_page()))
        self.back_button.on_click(on(self._report, "Back", lambda _b: self.close_view()))
        self._render_header()
        if load:
            self.refresh()

    # --- what is shown --------------------------------------------------------------------

    @property
    def page(self) -> int:
        """The current page number, from 0."""
        return self.offset // self.query.page_size

    @property
    def selected(self) -> list[str]:
        """The thread ids selected in the list."""
        return [str(v) for v in self.picker.value]

    @property
    def reviewer(self) -> str:
        """Who answers through this inbox (see `identity`)."""
        return self.identity.name

    @property
    def busy(self) -> bool:
        """Whether the inbox is loading or answering."""
        return self._runner.busy or (self.view is not None and self.view.busy)

    # --- programmatic twins of the buttons ------------------------------------------------

    def refresh(self) -> None:
        """Reload the current page and the counts."""
        self._runner.schedule("Loading the inbox", self._load)

    def set_filter(self, *, graph_id: str | None = None,
                   metadata: Mapping[str, Any] | None = None, status: str | None = None,
                   sort: str | None = None) -> None:
        """Change the filters (None keeps one as is; `status="all"` lists every status) and
        go back to the first page."""
        changes: dict[str, Any] = {}
        if graph_id is not None:
            changes["graph_id"] = graph_id or None
        if metadata is not None:
            changes["metadata"] = dict(metadata)
        if status is not None:
            changes["status"] = None if status == "all" else status
        if sort is not None:
            changes["sort"] = sort
        self.query = self.query.with_(**changes)
        self.offset = 0
        self.refresh()

    def next_page(self) -> None:
        """Show the next page (nothing happens on the last one)."""
        if self.offset + self.query.page_size < self.total:
            self.offset += self.query.page_size
            self._runner.schedule("Next page", self._load_page)

    def previous_page(self) -> None:
        """Show the previous page (nothing happens on the first one)."""
        if self.offset > 0:
            self.offset = max(0, self.offset - self.query.page_size)
            self._runner.schedule("Previous page", self._load_page)

    def select(self, thread_ids: Sequence[str]) -> None:
        """Select rows of the current page (for Open and Answer selected)."""
        shown = {r["thread_id"] for r in self.rows}
        self.picker.value = tuple(t for t in thread_ids if t in shown)

    def select_all(self) -> None:
        """Select every row of the current page."""
        self.selection.select_all()

    def open_thread(self, thread_id: str) -> None:
        """Review one thread in place (its `ThreadView` replaces the list until Back)."""
        self._runner.schedule("Opening the thread", lambda: self._open_job(thread_id))

    def close_view(self) -> None:
        """Close the open thread and show the list again (reloaded)."""
        self._drop_view()
        self.refresh()

    async def bulk(self, thread_ids: Sequence[str], answer: Any) -> list[BulkResult]:
        """Answer every pending interrupt of each thread with `answer`; one result per
        thread (`{"thread_id", "ok", "error"}`), then the page reloads. Threads are
        validated first and applied one by one: a failing thread fails alone."""
        await self.wait()
        try:
            return await self.bulk_panel.apply_shared(thread_ids, answer)
        except Exception as exc:
            self._report(exc, "Bulk answer")
            raise

    async def accept_proposed(self, thread_ids: Sequence[str]) -> list[BulkResult]:
        """Answer each thread with its own proposal, as it is (a thread with nothing to
        accept is left for a person, its reason in the result); then the page reloads."""
        await self.wait()
        return await self.bulk_panel.apply_accept(thread_ids)

    async def wait(self) -> None:
        """Return when everything asked of the inbox (and of its open view) is shown."""
        await self._runner.wait()
        if self.view is not None:
            await self.view.wait()
            await self._runner.wait()  # a decision may have queued the next thread

    def close(self) -> None:
        """Stop loading and close every widget of the inbox (and of its open view)."""
        if hasattr(self, "_runner"):
            self._runner.cancel()
        self._drop_view()
        close_tree(self)

    # --- jobs -----------------------------------------------------------------------------

    async def _load(self) -> None:
        """The page, the counts and the total (taken from the counts when it is one)."""
        gone = storage_problem(self.client)
        if gone is not None:
            self._report(gone, "Loading the inbox")
        counted = next((label for label, status in COUNTED.items()
                        if status == self.query.status), None)
        rows, self.counts = await asyncio.gather(self.source.page(self.query, self.offset),
                                                 self.source.counts(self.query))
        self.total = (self.counts[counted] if counted is not None
                      else await self.source.count(self.query))
        self._render_counts()
        await self._show_page(rows)

    async def _load_page(self) -> None:
        """Only the page (paging keeps the total and counts of the last load)."""
        await self._show_page(await self.source.page(self.query, self.offset))

    async def _show_page(self, rows: list[dict[str, Any]]) -> None:
        if rows == [] and self.offset > 0:  # the page emptied (answered elsewhere)
            self.total = await self.source.count(self.query)
            self.offset = max(0, (self.total - 1) // self.query.page_size
                              * self.query.page_size)
            rows = await self.source.page(self.query, self.offset)
        self.rows = rows
        self.picker.options = [(row_label(r), r["thread_id"]) for r in self.rows]
        self._render_page()

    async def _open_job(self, thread_id: str) -> None:
        row = next((r for r in self.rows if r["thread_id"] == thread_id), None)
        try:
            thread = await self.client.threads.get(thread_id)
        except NotFoundError:
            self._drop_view()
            self.notice.value = (f"<b>Thread {esc(thread_id)} no longer exists</b> (deleted "
                                 "meanwhile?); the list is reloaded.")
            await self._load()
            return
        graph_id = (thread.get("metadata") or {}).get("graph_id") or (row or {}).get("graph_id")
        if not graph_id:
            self.notice.value = (f"Thread {esc(thread_id)} has no graph yet (never run); "
                                 "nothing to review.")
            return
        self._drop_view()
        view = ThreadView(self.client, thread_id, str(graph_id))
        view.session.identity = self.identity
        view.on_decision(self._after_decision)
        self.view = view
        self.view_box.children = (view,)
        self.list_box.layout.display = "none"
        self.back_button.layout.display = ""
        self.notice.value = ""
        await view.wait()

    def _after_decision(self, decisions: list[Decision]) -> None:
        outcome = decisions[0].outcome if decisions else None
        if outcome == "failed":  # applied, then the graph raised: stay to show the error
            self._runner.schedule("Loading the inbox", self._load)
        if outcome not in ("accepted", "stale"):
            return  # not applied (422, busy): the form stays for another try
        answered = self.view.thread_id if self.view is not None else None
        self._runner.schedule("Next pending thread", lambda: self._next_job(answered))

    async def _next_job(self, answered: str | None) -> None:
        ids = [r["thread_id"] for r in self.rows]
        await self._load()
        if not self.auto_next:
            return
        after = ids[ids.index(answered) + 1:] if answered in ids else []
        pending = {r["thread_id"] for r in self.rows if r["status"] == "interrupted"}
        following = [t for t in after if t in pending]
        rest = [r["thread_id"] for r in self.rows
                if r["thread_id"] in pending and r["thread_id"] != answered]
        target = (following or rest or [None])[0]
        if target is None:
            self._drop_view()
            self.notice.value = "<b>Nothing left to review on this page.</b>"
            return
        await self._open_job(target)

    def _apply_filters(self) -> None:
        metadata = parse_metadata_filter(self.metadata_filter.value)
        if isinstance(metadata, str):
            self.notice.value = metadata
            return
        self.notice.value = ""
        self.set_filter(graph_id=self.graph_filter.value.strip(), metadata=metadata,
                        status=str(self.status_filter.value), sort=str(self.sort_filter.value))

    def _open_selected(self) -> None:
        if not self.selected:
            self.notice.value = "<i>Select a thread in the list first.</i>"
            return
        self.open_thread(self.selected[0])

    async def _bulk_done(self, results: list[BulkResult]) -> None:
        self.last_bulk = results
        ok = sum(r["ok"] for r in results)
        failed = [r for r in results if not r["ok"]]
        self.notice.value = (f"<b>{ok} of {len(results)} thread(s) answered.</b>" + "".join(
            f"<br>{esc(r['thread_id'])}: {esc(r['error'])}" for r in failed[:20]))
        await self._load()

    def _server_user(self, user: str) -> None:
        """The page read the Jupyter server's user: it names this inbox's answers unless a
        name was given explicitly."""
        self.identity = reviewer_identity(self.client, self._explicit, server_user=user)
        if self.view is not None:
            self.view.session.identity = self.identity
        self._render_header()

    # --- showing things -------------------------------------------------------------------

    def _drop_view(self) -> None:
        # Also reached from `Widget.__del__` of an inbox whose `__init__` failed half-way.
        view: ThreadView | None = getattr(self, "view", None)
        if view is not None:
            view.close()
            self.view = None
        if hasattr(self, "view_box"):
            self.view_box.children = ()
            self.list_box.layout.display = ""
            self.back_button.layout.display = "none"

    def _render_header(self) -> None:
        self.header.value = (f"<b>Review inbox</b> · reviewing as <code>{esc(self.reviewer)}"
                             f"</code> <small>({esc(self.identity.source)})</small>")

    def _render_counts(self) -> None:
        self.counts_html.value = counts_html(self.counts)

    def _render_page(self) -> None:
        size = self.query.page_size
        last = max(0, (self.total - 1) // size)
        self.page_html.value = (f"page {self.page + 1} of {last + 1} · {self.total} thread(s)"
                                if self.total else "no thread matches")
        self.previous_button.disabled = self.offset == 0
        self.next_button.disabled = self.offset + size >= self.total

    def _report(self, exc: BaseException, title: str) -> None:
        info: ErrorInfo = error_from_exception(exc, title=f"{title} failed")
        self.errors.show(info)
