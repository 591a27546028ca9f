"""`BulkPanel`: safe bulk actions over the rows a reviewer selected.

The default action, **Accept selected as proposed**, answers each thread with its own
proposal (``plan_accept``): no thread ever gets another's label. **One answer for the
selected…** opens the same typed form a single thread gets (built from the first selected
thread's question, never raw JSON); its Submit plans the shared answer, and the answer goes
out at once only when every selected thread proposed the same thing; otherwise the panel
lists what will change in each thread and waits for **Apply**.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from hitl_widgets.forms import InterruptForm
from hitl_widgets.views.bulk import BulkPlan, BulkResult, apply_plan, plan_accept, plan_shared
from hitl_widgets.views.identity import Identity
from hitl_widgets.views.render import esc

__all__ = ["BulkPanel"]

Schedule = Callable[[str, Callable[[], Awaitable[None]]], None]
"""The inbox's job runner: ``schedule(title, job)``."""

PREVIEW_LINES = 50
"""Threads listed in a preview (the rest are counted)."""


class BulkPanel(widgets.VBox):
    """Bulk actions of an inbox: accept each as proposed, or one typed answer with a
    preview. ``plan`` is the plan waiting for Apply (None when none)."""

    def __init__(self, client: Any, *, selected: Callable[[], list[str]],
                 rows: Callable[[], Sequence[Mapping[str, Any]]], schedule: Schedule,
                 done: Callable[[list[BulkResult]], Awaitable[None]],
                 identity: Callable[[], Identity | None], **kwargs: Any) -> None:
        self.client = client
        self._selected, self._rows, self._schedule = selected, rows, schedule
        self._done, self._identity = done, identity
        self.plan: BulkPlan | None = None
        """A shared answer's plan, shown and waiting for Apply."""
        self.form: InterruptForm | None = None
        """The typed form of a shared answer, while it is open."""
        self.accept_button = widgets.Button(
            description="Accept selected as proposed", icon="check-double",
            button_style="primary", tooltip="Answer each selected thread with its own "
            "proposal, as it is", layout=widgets.Layout(width="auto"))
        self.shared_button = widgets.Button(
            description="One answer for the selected…", icon="edit",
            tooltip="Build one answer in a form; see what it changes in each thread first",
            layout=widgets.Layout(width="auto"))
        self.form_box = widgets.VBox()
        self.preview = widgets.HTML()
        self.apply_button = widgets.Button(description="Apply", icon="check",
                                           button_style="warning",
                                           layout=widgets.Layout(display="none", width="auto"))
        self.cancel_button = widgets.Button(description="Cancel", icon="times",
                                            layout=widgets.Layout(display="none"))
        self.accept_button.on_click(lambda _b: self.accept_selected())
        self.shared_button.on_click(lambda _b: self.open_shared())
        self.apply_button.on_click(lambda _b: self.apply_previewed())
        self.cancel_button.on_click(lambda _b: self.cancel())
        super().__init__(children=[
            widgets.HBox([self.accept_button, self.shared_button],
                         layout=widgets.Layout(flex_flow="row wrap")),
            self.form_box, self.preview,
            widgets.HBox([self.apply_button, self.cancel_button])], **kwargs)

    # --- the actions (programmatic twins of the buttons) -----------------------------------

    def accept_selected(self) -> None:
        """Answer each selected thread with its own proposal."""
        ids = self._selected()
        if not ids:
            self.preview.value = "<i>Select the threads to accept first.</i>"
            return
        self.cancel()
        self._schedule("Accept as proposed", lambda: self._accept_job(ids))

    def open_shared(self) -> None:
        """Open the typed form for one answer, built from the first selected thread."""
        ids = self._selected()
        if not ids:
            self.preview.value = "<i>Select the threads to answer first.</i>"
            return
        rows = {r["thread_id"]: r for r in self._rows()}
        asked = list((rows.get(ids[0]) or {}).get("interrupts") or ())
        if len(asked) != 1:
            self.preview.value = (f"<b>Thread {esc(ids[0])} asks {len(asked)} questions</b>; "
                                  "answer such threads one by one.")
            return
        self.cancel()
        form = InterruptForm(asked[0], submit_label="Preview the answer for the selected")
        form.on_submit(lambda resume: self.preview_shared(next(iter(resume.values()))))
        self.form = form
        self.form_box.children = (form,)
        self.cancel_button.layout.display = ""

    def preview_shared(self, answer: Any) -> None:
        """Plan ``answer`` for every selected thread: sent at once when their proposals are
        the same, else listed per thread and kept for Apply."""
        ids = self._selected()
        self._schedule("Preview", lambda: self._shared_job(ids, answer))

    def apply_previewed(self) -> None:
        """Send the plan shown in the preview."""
        plan = self.plan
        if plan is None:
            return
        self._schedule("Apply the shared answer", lambda: self._previewed_job(plan))

    def cancel(self) -> None:
        """Close the form and drop the plan."""
        self.plan = None
        if self.form is not None:
            self.form.close()
            self.form = None
        self.form_box.children = ()
        self.preview.value = ""
        self.apply_button.layout.display = "none"
        self.cancel_button.layout.display = "none"

    async def apply_accept(self, thread_ids: Sequence[str]) -> list[BulkResult]:
        """Accept each thread's own proposal now: code's twin of the default button (its
        audit rows say ``code: bulk accept``, a decision nobody clicked)."""
        return await self._apply_job(await plan_accept(self.client, thread_ids),
                                     "code: bulk accept")

    async def apply_shared(self, thread_ids: Sequence[str], answer: Any) -> list[BulkResult]:
        """Send ``answer`` to every thread now, with no preview: for code that chose one
        answer for all itself (its audit rows say ``code: bulk shared``)."""
        return await self._apply_job(await plan_shared(self.client, thread_ids, answer),
                                     "code: bulk shared")

    # --- jobs ----------------------------------------------------------------------------

    async def _accept_job(self, ids: list[str]) -> None:
        await self._apply_job(await plan_accept(self.client, ids), "bulk: accept")

    async def _shared_job(self, ids: list[str], answer: Any) -> None:
        plan = await plan_shared(self.client, ids, answer)
        if plan.ready and (plan.same_proposals or plan.unchanged):
            await self._apply_job(plan, "bulk: shared")
            return
        self.plan = plan
        lines = plan.lines()
        listed = "".join(f"<li>{esc(line)}</li>" for line in lines[:PREVIEW_LINES])
        more = (f"<li>… and {len(lines) - PREVIEW_LINES} more</li>"
                if len(lines) > PREVIEW_LINES else "")
        self.preview.value = ("<b>The selected threads proposed different things.</b> This "
                              f"is what the answer changes in each:<ul>{listed}{more}</ul>")
        self.apply_button.description = f"Apply to {len(plan.ready)} thread(s)"
        self.apply_button.layout.display = "" if plan.ready else "none"

    async def _previewed_job(self, plan: BulkPlan) -> None:
        await self._apply_job(plan, "bulk: shared")

    async def _apply_job(self, plan: BulkPlan, origin: str) -> list[BulkResult]:
        """Send the plan; its audit rows say ``origin`` (a button: ``bulk: ...``; code:
        ``code: bulk ...``)."""
        results = await apply_plan(self.client, plan, identity=self._identity(),
                                   origin=origin)
        self.cancel()
        await self._done(results)
        return results
