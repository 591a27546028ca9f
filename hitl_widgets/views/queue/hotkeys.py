"""`Hotkeys`: single keys on the page sent to the kernel (accept, reject, edit, next, skip).

An invisible anywidget leaf listens on the page while its view is shown, and takes a key
only when the focus is inside its view (the element with the class ``hw-hotkeys-scope``
around it, made focusable: a click on it focuses it) or on nothing at all (a Voila page just
loaded). So a notebook's own keys keep working while the focus is on its cells, and a key
typed in a text field, a select or with a modifier is left alone (typing a note never
decides anything). Python receives ``{"event": "key", "key": "a"}`` and calls the handler; ``press``
does the same from Python (tests, notebooks).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import anywidget
import traitlets

__all__ = ["Hotkeys"]

_ESM = r"""
function render({ model, el }) {
  const typing = (t) => t && (t.isContentEditable
    || ["INPUT", "TEXTAREA", "SELECT"].includes(t.tagName));
  const scope = () => el.closest(".hw-hotkeys-scope");
  let tries = 0;
  const focusable = () => {  // once on the page: a click anywhere in the view focuses it
    const view = scope();
    if (view && !view.hasAttribute("tabindex")) { view.tabIndex = -1; }
    else if (!view && tries++ < 100) { setTimeout(focusable, 100); }
  };
  focusable();
  const ours = () => {
    const active = document.activeElement;
    const view = scope();
    return !active || active === document.body || (view !== null && view.contains(active));
  };
  const onKey = (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typing(event.target)) { return; }
    if (!ours()) { return; }
    const key = event.key.toLowerCase();
    // Only while this view is on screen: a notebook in a tab behind another, or a view
    // taken off the page, has no offsetParent.
    if (!model.get("shortcuts").includes(key) || !el.isConnected || el.offsetParent === null) {
      return;
    }
    event.preventDefault();
    event.stopPropagation();
    model.send({ event: "key", key });
  };
  document.addEventListener("keydown", onKey, true);
  return () => document.removeEventListener("keydown", onKey, true);
}
export default { render };
"""


class Hotkeys(anywidget.AnyWidget):
    """Page-wide single-key shortcuts for one view (``shortcuts``: the keys it takes)."""

    _esm = _ESM
    shortcuts = traitlets.List(traitlets.Unicode(), help="The keys sent to the kernel.").tag(
        sync=True)

    def __init__(self, keys: Iterable[str], **kwargs: Any) -> None:
        super().__init__(shortcuts=[k.lower() for k in keys], **kwargs)
        self.add_class("hw-hotkeys")
        self._handlers: list[Callable[[str], None]] = []
        self.on_msg(self._on_frontend_msg)

    def on_key(self, handler: Callable[[str], None]) -> None:
        """Call ``handler(key)`` for each key pressed on the page."""
        self._handlers.append(handler)

    def press(self, key: str) -> None:
        """What pressing ``key`` on the page does, from Python."""
        if key.lower() in self.shortcuts:
            for handler in list(self._handlers):
                handler(key.lower())

    def _on_frontend_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict) and content.get("event") == "key":
            self.press(str(content.get("key", "")))
