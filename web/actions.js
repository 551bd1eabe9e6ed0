// web/actions.js - the workflow actions a complaint allows its viewer now
// (allowed_actions), each as a small form with the fields it needs. A
// refusal keeps what was typed and says what the server said.

import { api } from "@asset(api.js)";
import { el, t } from "@asset(i18n.js)";

const PLAN_KINDS = ["apology", "explanation", "refund", "redelivery", "repair",
                    "replacement", "compensation", "other"];
const METHODS = ["phone", "visit", "email"];

// Each field: [name, kind, required], kind one of text, textarea, checkbox,
// number, or a select's option source.
const FORMS = {
  triage: [["valid", "checkbox"], ["category_id", "categories"], ["severity", "severities"],
           ["department_id", "departments"], ["reason", "text"], ["to_party", "text"],
           ["contact_person", "text"], ["contact_phone", "text"], ["contact_address", "text"]],
  explain: [["note", "textarea", true]],
  assign: [["department_id", "departments", true]],
  contact: [["method", "methods", true], ["note", "textarea"]],
  progress: [["note", "textarea", true]],
  propose_plan: [["kind", "plan_kinds", true], ["description", "textarea", true], ["amount", "number"]],
  approve: [["note", "text"]],
  reject: [["reason", "textarea", true]],
  resolve: [["result", "textarea", true]],
  follow_up: [["method", "methods", true], ["reached", "checkbox"], ["satisfied", "checkbox"],
              ["score", "scores"], ["comment", "text"]],
  close: [["reason", "text", true]],
  withdraw: [["reason", "text", true]],
  merge: [["into", "text", true], ["reason", "text"]],
  wait: [["reason", "text", true]],
  resume: [["note", "text"]],
};

let sources = null;

async function loadSources() {
  if (sources) return sources;
  const [cats, depts] = await Promise.all([api("GET", "/api/v1/categories?limit=500"),
                                           api("GET", "/api/v1/departments?limit=500")]);
  sources = {
    categories: (cats.data?.items ?? []).map((c) => [c.id, `${"· ".repeat(c.level - 1)}${c.name}`]),
    departments: (depts.data?.items ?? []).filter((d) => d.active).map((d) => [d.id, d.name]),
  };
  return sources;
}

function options(kind) {
  switch (kind) {
  case "categories": return sources.categories;
  case "departments": return sources.departments;
  case "severities": return [[1, t("severity.1")], [3, t("severity.3")], [5, t("severity.5")]];
  case "plan_kinds": return PLAN_KINDS.map((k) => [k, t(`plan.${k}`)]);
  case "methods": return METHODS.map((m) => [m, t(`method.${m}`)]);
  case "scores": return [1, 2, 3, 4, 5].map((s) => [s, String(s)]);
  default: return null;
  }
}

function field([name, kind, required]) {
  const label = el("label");
  const caption = el("span", t(`field.${name}`));
  let input;
  const opts = options(kind);
  if (opts) {
    input = el("select");
    if (!required) input.appendChild(el("option", ""));
    for (const [value, text] of opts) {
      const o = el("option", text);
      o.value = value;
      input.appendChild(o);
    }
  } else if (kind === "textarea") {
    input = el("textarea");
    input.rows = 2;
  } else {
    input = el("input");
    input.type = kind === "checkbox" ? "checkbox" : kind === "number" ? "number" : "text";
    if (kind === "number") input.step = "0.01";
  }
  input.name = name;
  if (required) input.required = true;
  if (name === "valid" || name === "reached")
    input.checked = true; /* the usual answer */
  if (kind === "checkbox") {
    label.className = "check";
    label.append(input, caption);
  } else {
    label.append(caption, input);
  }
  return label;
}

/* The body the API takes, from the form's values. */
function body(action, form) {
  const out = {};
  for (const [name, kind] of FORMS[action]) {
    const input = form.elements[name];
    if (kind === "checkbox") out[name] = input.checked;
    else if (input.value === "") continue;
    else if (kind === "number" || ["categories", "departments", "severities", "scores"].includes(kind))
      out[name] = Number(input.value);
    else out[name] = input.value;
  }
  if (action === "triage") {
    const transfer = {};
    for (const k of ["to_party", "contact_person", "contact_phone", "contact_address"]) {
      if (k in out) transfer[k] = out[k];
      delete out[k];
    }
    if (!out.valid) out.transfer = transfer;
  }
  return out;
}

export async function renderActions(box, complaint, reload) {
  box.replaceChildren();
  if (!complaint.allowed_actions.length) return;
  await loadSources();
  const buttons = el("div", undefined, "actions");
  const slot = el("div");
  for (const action of complaint.allowed_actions) {
    if (!FORMS[action]) continue;
    const b = el("button", t(`action.${action}`));
    b.type = "button";
    b.dataset.action = action;
    b.addEventListener("click", () => {
      const form = el("form", undefined, "grid action-form");
      form.dataset.action = action;
      form.appendChild(el("h3", t(`action.${action}`), "wide"));
      for (const f of FORMS[action]) form.appendChild(field(f));
      const error = el("p", undefined, "error wide");
      error.setAttribute("role", "alert");
      error.hidden = true;
      const submit = el("button", t("action.submit"), "wide");
      submit.type = "submit";
      form.append(error, submit);
      form.addEventListener("submit", async (ev) => {
        ev.preventDefault();
        const r = await api("POST",
          `/api/v1/complaints/${complaint.id}/actions/${action}`,
          { ...body(action, form), version: complaint.version });
        if (r.status !== 200) {
          const fieldName = r.data?.errors?.[0]?.field;
          error.textContent = `${r.data?.detail ?? r.status}${fieldName ? ` (${fieldName})` : ""}`;
          error.hidden = false;
          return;
        }
        await reload();
      });
      slot.replaceChildren(form);
      form.querySelector("input, select, textarea")?.focus();
    });
    buttons.appendChild(b);
  }
  box.append(buttons, slot);
}
