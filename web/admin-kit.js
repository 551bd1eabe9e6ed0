// web/admin-kit.js - the small parts every administration screen is made
// of: labelled inputs, a state line (loading / empty / error), tables, and
// showing a refused save's problem+json next to the form without touching
// what was typed. Everything goes on the page as text, never as markup.

import { api } from "@asset(api.js)";
import { el, t } from "@asset(i18n.js)";

export { api };

/* A <label> with its caption and the control; the control gets the name.
 * A field-error line (filled by showProblem) follows the control. */
export function labelled(caption, control, cls) {
  const label = el("label", undefined, cls);
  label.appendChild(el("span", caption));
  label.appendChild(control);
  const msg = el("span", undefined, "field-error");
  msg.dataset.errorFor = control.name || "";
  msg.setAttribute("aria-live", "polite");
  label.appendChild(msg);
  return label;
}

export function input(name, attrs = {}) {
  const i = el("input");
  i.name = name;
  i.autocomplete = "off";
  for (const [k, v] of Object.entries(attrs)) i.setAttribute(k, v);
  return i;
}

/* A <select> of [value, text] pairs (text shown as text). */
export function select(name, options, value) {
  const s = el("select");
  s.name = name;
  setOptions(s, options, value);
  return s;
}

export function setOptions(s, options, value) {
  s.replaceChildren();
  for (const [v, text] of options) {
    const o = el("option", text);
    o.value = String(v);
    s.appendChild(o);
  }
  if (value !== undefined) s.value = String(value ?? "");
}

export function checkbox(name, caption, checked = false) {
  const label = el("label", undefined, "check");
  const box = el("input");
  box.type = "checkbox";
  box.name = name;
  box.checked = checked;
  label.append(box, el("span", caption));
  return label;
}

export function button(text, onClick, cls, type = "button") {
  const b = el("button", text, cls);
  b.type = type;
  if (onClick) b.addEventListener("click", onClick);
  return b;
}

/* The line under a list that says what is happening; it keeps its height
 * whatever it says, so the page does not jump as data arrives. */
export function stateLine() {
  const p = el("p", t("queue.loading"), "muted state");
  p.setAttribute("role", "status");
  return p;
}

/* A table with a header of captions; returns { table, body }. */
export function table(id, captions) {
  const tbl = el("table", undefined, "admin-table");
  if (id) tbl.id = id;
  const tr = el("tr");
  for (const c of captions) tr.appendChild(el("th", c));
  const head = el("thead");
  head.appendChild(tr);
  const body = el("tbody");
  tbl.append(head, body);
  return { table: tbl, body };
}

/* GET a list into rows; the state line says loading, empty or error.
 * Returns the items (or null on failure). */
export async function loadList(path, state) {
  state.textContent = t("queue.loading");
  state.classList.remove("error");
  const r = await api("GET", path);
  if (r.status !== 200) {
    state.textContent = `${t("admin.load_failed")} ${r.data?.detail ?? r.status}`;
    state.classList.add("error");
    return null;
  }
  const items = r.data?.items ?? [];
  state.textContent = items.length ? "" : t("admin.empty");
  return items;
}

/* Clears a form's problem marks. */
export function clearProblem(form) {
  const box = form.querySelector(".form-error");
  if (box) {
    box.textContent = "";
    box.hidden = true;
  }
  for (const m of form.querySelectorAll(".field-error")) m.textContent = "";
  for (const c of form.querySelectorAll("[aria-invalid]")) c.removeAttribute("aria-invalid");
}

/* Shows a refused request's problem+json: its detail at the top of the
 * form and each field's message beside that field (matched by name, or by
 * the closest named prefix: "clocks[1].target" -> data-error-for
 * "clocks[1].target", then "clocks[1]", then "clocks"). Nothing typed is
 * cleared. */
export function showProblem(form, r) {
  clearProblem(form);
  const box = form.querySelector(".form-error");
  const p = r.data || {};
  const detail = p.detail || p.title || `${t("admin.save_failed")} (${r.status})`;
  if (box) {
    box.textContent = detail;
    box.hidden = false;
  }
  for (const e of p.errors ?? []) {
    let name = e.field || "";
    let where = null;
    while (name && !where) {
      where = form.querySelector(`.field-error[data-error-for="${CSS.escape(name)}"]`);
      if (!where) name = name.replace(/(\.[^.[\]]*|\[\d+\])$/, "");
    }
    if (!where) continue;
    where.textContent = e.message || detail;
    const control = where.parentElement.querySelector("input, select, textarea");
    if (control) control.setAttribute("aria-invalid", "true");
  }
}

/* The form's alert line for its refusal, placed where the caller puts it. */
export function formError() {
  const p = el("p", undefined, "error form-error");
  p.setAttribute("role", "alert");
  p.hidden = true;
  return p;
}

/* A status line saying a save went through (and fading out of nobody's
 * way: it stays until the next action). */
export function saved(line, text) {
  line.textContent = text || t("admin.saved");
}
