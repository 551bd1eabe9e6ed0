// web/actions.js - the workflow actions a complaint allows its viewer now,
// each as a small form with the fields it needs. Which actions: the
// server's allowed_actions, computed from the workflow table
// (src/core/workflow.c) for this state, role and department, so the table
// is never copied here. A refusal keeps what was typed and puts the
// server's problem+json detail on the form and each field error beside its
// field. Also the shared lookups (names of categories, departments, sites,
// users) and the error display the intake form uses too.

import { api } from "@asset(api.js)";
import { el, t } from "@asset(i18n.js)";

const PLAN_KINDS = ["apology", "explanation", "refund", "redelivery", "repair",
                    "replacement", "compensation", "other"];
const METHODS = ["phone", "visit", "email"];

// Each field: [name, kind, required, group]. kind is text, textarea,
// checkbox, number, or a select's option source; group (triage only) shows
// the field for a valid or an invalid complaint.
const FORMS = {
  triage: [["valid", "checkbox"], ["category_id", "categories", true, "valid"],
           ["severity", "severities", true, "valid"], ["department_id", "departments", true, "valid"],
           ["assignee_id", "users", false, "valid"],
           ["reason", "textarea", true, "invalid"], ["to_party", "text", true, "invalid"],
           ["contact_person", "text", true, "invalid"], ["contact_phone", "text", true, "invalid"],
           ["contact_address", "text", true, "invalid"]],
  explain: [["note", "textarea", true]],
  assign: [["department_id", "departments", true], ["assignee_id", "users"]],
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
const NUMERIC = ["categories", "departments", "severities", "scores", "users"];
// What the server calls a field that the form names otherwise.
const FIELD_ALIAS = { "transfer.to_party": "to_party", "transfer.contact_person": "contact_person",
                      "transfer.contact_phone": "contact_phone",
                      "transfer.contact_address": "contact_address", transfer: "to_party" };

/* ---- lookups: the names behind the ids, fetched once a minute at most ---- */

let cache = null;
let cachedAt = 0;

export function lookups() {
  if (!cache || Date.now() - cachedAt > 60000) {
    cachedAt = Date.now();
    cache = Promise.all(["categories", "departments", "sites", "users"].map(
      (what) => api("GET", `/api/v1/${what}?limit=500`))).then(([cats, depts, sites, users]) => {
      const categoryItems = cats.data?.items ?? [];
      const byId = new Map(categoryItems.map((c) => [c.id, c]));
      const path = (id) => {
        const names = [];
        for (let x = byId.get(id), n = 0; x && n < 5; x = byId.get(x.parent_id), n++) names.unshift(x.name);
        return names.join(" / ");
      };
      const names = (list, label) => new Map(list.map((x) => [x.id, label(x)]));
      const userItems = users.data?.items ?? [];
      const departmentItems = depts.data?.items ?? [];
      const siteItems = sites.data?.items ?? [];
      if (cats.status !== 200 || depts.status !== 200) cache = null; // try again next time
      return {
        categoryItems, departmentItems, siteItems, userItems, categoryPath: path,
        department: names(departmentItems, (d) => d.name),
        site: names(siteItems, (s) => s.name),
        user: names(userItems, (u) => u.display_name || u.username),
      };
    });
  }
  return cache;
}

/* api() that answers { status: 0 } when the network fails, instead of
 * throwing: a form then says so and keeps what was typed. */
export async function send(method, path, body, headers) {
  try {
    return await api(method, path, body, headers);
  } catch {
    return { status: 0, data: null };
  }
}

/* ---- errors beside their fields ----------------------------------------- */

export function clearErrors(form, error) {
  for (const p of form.querySelectorAll(".field-error")) p.remove();
  for (const i of form.querySelectorAll("[aria-invalid]")) {
    i.removeAttribute("aria-invalid");
    const ids = (i.getAttribute("aria-describedby") || "").split(" ").filter((x) => !x.startsWith("fe-"));
    if (ids.length) i.setAttribute("aria-describedby", ids.join(" "));
    else i.removeAttribute("aria-describedby");
  }
  error.hidden = true;
  error.textContent = "";
}

let errorSeq = 0;

/* Once the user edits a field the server faulted, its message goes. */
function forgetOnEdit(input, msg) {
  const forget = () => {
    if (!msg.isConnected) return; // already gone with a later submit
    msg.remove();
    input.removeAttribute("aria-invalid");
    const ids = (input.getAttribute("aria-describedby") || "").split(" ").filter((x) => x && x !== msg.id);
    if (ids.length) input.setAttribute("aria-describedby", ids.join(" "));
    else input.removeAttribute("aria-describedby");
  };
  input.addEventListener("input", forget, { once: true });
  input.addEventListener("change", forget, { once: true });
}

/* Shows a refused request r ({status, data: problem+json}) on form: the
 * detail in `error`, each field's message after that field. What the user
 * typed is left alone. */
export function showProblem(form, error, r, alias, prefix) {
  const p = r.data ?? {};
  let detail = p.detail || p.title || "";
  if (r.status === 0) detail = t("form.network");
  else if (r.status === 409) detail = `${detail} ${t("form.conflict")}`;
  else if (r.status === 401) detail = t("form.signed_out");
  const unplaced = [];
  let first = null;
  for (const e of p.errors ?? []) {
    const name = alias?.[e.field] ?? e.field;
    const input = name && form.elements[name];
    if (!input || !input.getAttribute || input.type === "hidden" || input.closest("[hidden]")) {
      if (e.field) unplaced.push(e.field);
      continue;
    }
    // A missing field is said in the user's language; the server's words
    // follow, for anyone who must report them.
    const missing = /(is required|must not be empty)$/.test(e.message ?? "");
    const msg = el("p", missing ? `${t("form.missing")}（${e.message}）` : e.message || detail, "field-error");
    msg.id = `fe-${++errorSeq}`;
    input.closest("label")?.appendChild(msg) ?? input.after(msg);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby",
      [input.getAttribute("aria-describedby"), msg.id].filter(Boolean).join(" "));
    forgetOnEdit(input, msg);
    first ??= input;
  }
  error.textContent = `${prefix}${detail ? `: ${detail}` : ` (${r.status})`}` +
    (unplaced.length ? ` (${unplaced.join(", ")})` : "");
  error.hidden = false;
  (first ?? error).focus?.();
}

/* Ctrl+Enter sends a form from its text areas too (Enter there is a new
 * line). */
export function ctrlEnterSubmits(form) {
  form.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && ev.target.tagName === "TEXTAREA") {
      ev.preventDefault();
      form.requestSubmit();
    }
  });
}

/* ---- the forms ------------------------------------------------------------ */

function options(kind, lk) {
  switch (kind) {
  case "categories":
    return lk.categoryItems.filter((c) => c.active !== false && c.level <= 3)
      .map((c) => [c.id, lk.categoryPath(c.id)]).sort((a, b) => a[1].localeCompare(b[1], "zh-CN"));
  case "departments": return lk.departmentItems.filter((d) => d.active).map((d) => [d.id, d.name]);
  case "users":
    return lk.userItems.filter((u) => u.active !== false && (u.role === "handler" || u.role === "manager"))
      .map((u) => [u.id, `${u.display_name || u.username}（${lk.department.get(u.department_id) ?? ""}）`, u.department_id]);
  case "severities": return [[1, t("severity.1")], [3, t("severity.3")], [5, t("severity.5")]];
  case "plan_kinds": return PLAN_KINDS.map((k) => [k, t(`plan.${k}`)]);
  case "methods": return METHODS.map((m) => [m, t(`method.${m}`)]);
  case "scores": return [1, 2, 3, 4, 5].map((s) => [s, String(s)]);
  default: return null;
  }
}

function field([name, kind, required, group], lk) {
  const label = el("label");
  const caption = el("span", t(`field.${name}`));
  if (required) caption.appendChild(el("span", ` ${t("form.required")}`, "req"));
  let input;
  const opts = options(kind, lk);
  if (opts) {
    input = el("select");
    if (kind !== "methods") input.appendChild(el("option", t("intake.none"))).value = "";
    for (const [value, text, dept] of opts) {
      const o = el("option", text);
      o.value = value;
      if (dept !== undefined) o.dataset.department = dept ?? "";
      input.appendChild(o);
    }
  } else if (kind === "textarea") {
    input = el("textarea");
    input.rows = 2;
  } else {
    input = el("input");
    input.type = kind === "checkbox" ? "checkbox" : kind === "number" ? "number" : "text";
    if (kind === "number") {
      input.step = "0.01";
      input.inputMode = "decimal";
    }
    if (kind === "text") input.autocomplete = "off";
  }
  input.name = name;
  if (required) input.setAttribute("aria-required", "true");
  if (name === "valid" || name === "reached")
    input.checked = true; /* the usual answer */
  if (kind === "checkbox") {
    label.className = "check";
    label.append(input, caption);
  } else {
    label.append(caption, input);
  }
  if (group) label.dataset.group = group;
  if (kind === "textarea") label.classList.add("wide"); // room for a sentence or two
  if (name === "amount") label.appendChild(el("span", t("field.amount_hint"), "hint"));
  return label;
}

/* The body the API takes, from the form's values (hidden groups left out). */
function body(action, form) {
  const out = {};
  for (const [name, kind] of FORMS[action]) {
    const input = form.elements[name];
    if (input.closest("[hidden]")) continue;
    if (kind === "checkbox") out[name] = input.checked;
    else if (input.value.trim() === "") continue;
    else if (kind === "number" || NUMERIC.includes(kind)) out[name] = Number(input.value);
    else out[name] = input.value;
  }
  if (action === "triage" && !out.valid) {
    const transfer = {};
    for (const k of ["to_party", "contact_person", "contact_phone", "contact_address"]) {
      if (k in out) transfer[k] = out[k];
      delete out[k];
    }
    out.transfer = transfer;
  }
  return out;
}

/* Keeps the assignee list to the chosen department's people. */
function followDepartment(form) {
  const dept = form.elements.department_id, who = form.elements.assignee_id;
  if (!dept || !who) return;
  const apply = () => {
    for (const o of who.options)
      o.hidden = o.value !== "" && dept.value !== "" && o.dataset.department !== dept.value;
    if (who.selectedOptions[0]?.hidden) who.value = "";
  };
  dept.addEventListener("change", apply);
  apply();
}

function buildForm(action, complaint, lk, reload) {
  const form = el("form", undefined, "grid action-form");
  form.dataset.action = action;
  form.dataset.version = complaint.version; // renewed when kept across a reload
  form.noValidate = true; // the server checks, and says which field
  form.appendChild(el("h3", t(`action.${action}`), "wide"));
  for (const f of FORMS[action]) form.appendChild(field(f, lk));
  const error = el("p", undefined, "error wide");
  error.setAttribute("role", "alert");
  error.tabIndex = -1;
  error.hidden = true;
  const submit = el("button", t("action.submit"));
  submit.type = "submit";
  const cancel = el("button", t("action.cancel"), "secondary");
  cancel.type = "button";
  cancel.addEventListener("click", () => form.remove());
  const row = el("div", undefined, "wide form-buttons");
  row.append(submit, cancel);
  form.append(error, row);

  if (action === "triage") {
    // What intake chose is the starting point; customer service confirms it.
    if (complaint.category_id) form.elements.category_id.value = complaint.category_id;
    if (complaint.severity) form.elements.severity.value = complaint.severity;
    const groups = () => {
      const valid = form.elements.valid.checked;
      for (const l of form.querySelectorAll("[data-group]"))
        l.hidden = l.dataset.group !== (valid ? "valid" : "invalid");
    };
    form.elements.valid.addEventListener("change", groups);
    groups();
  }
  followDepartment(form);
  ctrlEnterSubmits(form);

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearErrors(form, error);
    submit.disabled = true;
    const r = await send("POST",
      `/api/v1/complaints/${complaint.id}/actions/${action}`,
      { ...body(action, form), version: Number(form.dataset.version) });
    submit.disabled = false;
    if (r.status !== 200) {
      showProblem(form, error, r, FIELD_ALIAS, t("action.failed"));
      // Someone else changed it: show what they did, around this form.
      if (r.status === 409) await reload({ keep: form });
      return;
    }
    await reload();
  });
  return form;
}

/* Draws the action buttons of complaint into box; keep, a form of this
 * page, stays open with what was typed if its action is still allowed. */
export async function renderActions(box, complaint, reload, lk, keep) {
  box.replaceChildren();
  const allowed = (complaint.allowed_actions ?? []).filter((a) => FORMS[a]);
  if (!allowed.length) {
    box.appendChild(el("p", t("action.none"), "muted"));
    return;
  }
  lk ??= await lookups();
  const buttons = el("div", undefined, "actions");
  const slot = el("div");
  for (const action of allowed) {
    const b = el("button", t(`action.${action}`));
    b.type = "button";
    b.dataset.action = action;
    b.setAttribute("aria-expanded", "false");
    b.addEventListener("click", () => {
      const form = buildForm(action, complaint, lk, reload);
      slot.replaceChildren(form);
      for (const x of buttons.children) x.setAttribute("aria-expanded", String(x === b));
      form.querySelector("input, select, textarea")?.focus();
    });
    buttons.appendChild(b);
    if (keep?.dataset.action === action) {
      keep.dataset.version = complaint.version;
      slot.appendChild(keep);
      b.setAttribute("aria-expanded", "true");
      keep.querySelector(".error:not([hidden])")?.focus(); // moved, it lost the focus
    }
  }
  box.append(buttons, slot);
}
