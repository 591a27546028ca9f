"""The review views: one thread's state, its pending interrupts as a form, history and graph;
the inbox over many threads."""

from hitl_widgets.views.bulk import BulkResult
from hitl_widgets.views.diff import Change, diff_values
from hitl_widgets.views.graph_picture import GraphPicture, mermaid_source, svg_drawing
from hitl_widgets.views.inbox import Inbox
from hitl_widgets.views.record import Decision, ReviewRecord
from hitl_widgets.views.review import review
from hitl_widgets.views.state_view import StateView
from hitl_widgets.views.thread_view import ThreadView
from hitl_widgets.views.timeline import Timeline, TimelineRow

__all__ = [
    "BulkResult",
    "Change",
    "Decision",
    "GraphPicture",
    "Inbox",
    "ReviewRecord",
    "StateView",
    "ThreadView",
    "Timeline",
    "TimelineRow",
    "diff_values",
    "mermaid_source",
    "review",
    "svg_drawing",
]
