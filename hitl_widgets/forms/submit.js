// The form's Submit button. On click it reads what the browser shows in every field of its
// form and sends that with the click, so the kernel answers with what the reviewer saw even
// when the stock widgets' own value updates are still queued (see hitl_widgets.forms.submit).
const FIELD = /(?:^|\s)hitl-field-(\d+)(?:\s|$)/;

function snapshot(form) {
  const fields = {};
  if (!form) return fields;
  for (const node of form.querySelectorAll("[class*='hitl-field-']")) {
    const m = FIELD.exec(node.className);
    if (!m) continue;
    const input = node.querySelector("input, textarea, select");
    if (!input) continue;
    if (input.type === "checkbox") fields[m[1]] = { checked: input.checked };
    else if (input.tagName === "SELECT") fields[m[1]] = { index: input.selectedIndex };
    else fields[m[1]] = { value: input.value };
  }
  return fields;
}

function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "hitl-submit jupyter-widgets jupyter-button widget-button mod-primary";
  const sync = () => {
    button.textContent = model.get("description");
    button.disabled = model.get("disabled");
  };
  sync();
  model.on("change:description", sync);
  model.on("change:disabled", sync);
  button.addEventListener("click", () => {
    const form = el.closest(".hitl-form");
    model.send({ event: "submit", fields: snapshot(form) });
  });
  el.appendChild(button);
  return () => {
    model.off("change:description", sync);
    model.off("change:disabled", sync);
  };
}

export default { render };
