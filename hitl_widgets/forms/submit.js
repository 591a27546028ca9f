// The form's Submit button. On click it reads what the browser shows in every field of its
// form and sends that with the click, so the kernel answers with what the reviewer saw even
// when the stock widgets' own value updates are still queued (see hitl_widgets.forms.submit).
// It also gives the form its keyboard and accessibility: Ctrl/Cmd+Enter submits, every
// field's label becomes a real <label for> its input, and after a submit the next form of
// the same view takes the focus.
const FIELD = /(?:^|\s)hitl-field-(\d+)(?:\s|$)/;
const INPUT = "input, textarea, select";
let nextId = 0;
// The view whose form was just submitted, and when: its next form takes the focus. Shared
// by every copy of this module (anywidget may load one per widget).
const SUBMITTED = (globalThis.__hitlSubmitted ??= { view: null, at: 0 });

function snapshot(form) {
  const fields = {};
  if (!form) return fields;
  for (const node of form.querySelectorAll("[class*='hitl-field-']")) {
    const m = FIELD.exec(node.className);
    if (!m) continue;
    const input = node.querySelector(INPUT);
    if (!input) continue;
    if (input.type === "checkbox") fields[m[1]] = { checked: input.checked };
    else if (input.tagName === "SELECT") fields[m[1]] = { index: input.selectedIndex };
    else fields[m[1]] = { value: input.value };
  }
  return fields;
}

// A field is a box holding its label (an HTML widget with `.hitl-label`) and, next to it,
// its input (`.hitl-field-<n>`). Turn each label into <label for="<input id>">.
function linkLabels(form) {
  for (const label of form.querySelectorAll(".hitl-label")) {
    const html = label.closest(".widget-html");
    let control = html && html.nextElementSibling;
    // The input itself, or a box that starts with it (a decision's selector).
    if (control && !FIELD.test(control.className)) control = control.firstElementChild;
    if (!control || !FIELD.test(control.className)) continue;
    const input = control.querySelector(INPUT);
    if (!input) continue;
    if (!input.id) input.id = `hitl-input-${Date.now().toString(36)}-${nextId++}`;
    if (label.tagName === "LABEL") {
      if (label.htmlFor !== input.id) label.htmlFor = input.id;
      continue;
    }
    const real = document.createElement("label");
    real.className = label.className;
    real.setAttribute("style", label.getAttribute("style") || "");
    real.style.display = "block";
    real.htmlFor = input.id;
    while (label.firstChild) real.appendChild(label.firstChild);
    label.replaceWith(real);
  }
}

function firstInput(form) {
  for (const node of form.querySelectorAll("[class*='hitl-field-']")) {
    const input = node.querySelector(INPUT);
    if (input && !input.disabled && input.offsetParent !== null) return input;
  }
  return null;
}

function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "hitl-submit jupyter-widgets jupyter-button widget-button mod-primary";
  button.title = "Submit (Ctrl+Enter)";
  const sync = () => {
    button.textContent = model.get("description");
    button.disabled = model.get("disabled");
  };
  sync();
  model.on("change:description", sync);
  model.on("change:disabled", sync);
  const submit = () => {
    const form = el.closest(".hitl-form");
    SUBMITTED.view = el.closest(".hw-thread-view");
    SUBMITTED.at = Date.now();
    model.send({ event: "submit", fields: snapshot(form) });
  };
  button.addEventListener("click", submit);
  el.appendChild(button);

  // The form is in the page only after this view is attached: wait for it.
  let form = null;
  let observer = null;
  let timer = null;
  const onKey = (event) => {
    if (event.key !== "Enter" || !(event.ctrlKey || event.metaKey)) return;
    // Ours, not the notebook's "run cell" (which would start the review again).
    event.preventDefault();
    event.stopPropagation();
    if (!button.disabled) submit();
  };
  let tries = 0;
  const attach = () => {
    form = el.closest(".hitl-form");
    if (!form) {
      if (tries++ < 200) requestAnimationFrame(attach);
      return;
    }
    form.addEventListener("keydown", onKey, true);
    linkLabels(form);
    observer = new MutationObserver(() => linkLabels(form));
    observer.observe(form, { childList: true, subtree: true });
    // Fields shown later (an edit's arguments) are not always seen by the observer in
    // every host: look again now and then (a few dozen nodes; cheap).
    timer = setInterval(() => linkLabels(form), 400);
    const view = form.closest(".hw-thread-view");
    if (view && view === SUBMITTED.view && Date.now() - SUBMITTED.at < 60000) {
      SUBMITTED.view = null;
      // Give the fields a moment to render, then focus the first one.
      let waits = 0;
      const focus = () => {
        const input = firstInput(form);
        if (input) input.focus();
        else if (waits++ < 100) requestAnimationFrame(focus);
      };
      focus();
    }
  };
  attach();
  return () => {
    model.off("change:description", sync);
    model.off("change:disabled", sync);
    if (form) form.removeEventListener("keydown", onKey, true);
    if (observer) observer.disconnect();
    if (timer) clearInterval(timer);
  };
}

export default { render };
