// web/admin-records.js - one screen for a flat kind of record (departments,
// sites, users): its list with an edit button per row, and one form that
// adds or, after "edit", changes a record. What the screen shows and sends
// is a table of fields (admin-org.js), not code per record kind.

import { el, t } from "@asset(i18n.js)";
import {
  api, button, checkbox, clearProblem, formError, input, labelled, loadList, saved, select,
  showProblem, stateLine, table,
} from "@asset(admin-kit.js)";

/* A field: { name, caption, kind: "text"|"password"|"select"|"checkbox",
 * options: [[value, text]] (select), id: true (select of ids: "" -> null),
 * required, only: "create"|"edit", locked: "edit" (shown but not changed
 * when editing), hint }. */
function control(f) {
  switch (f.kind) {
  case "select": return select(f.name, f.options);
  case "checkbox": return checkbox(f.name, f.caption, true);
  case "password": return input(f.name, { type: "password", autocomplete: "new-password" });
  default: return input(f.name);
  }
}

function fill(form, fields, rec) {
  for (const f of fields) {
    const c = form.elements[f.name];
    const box = c.closest("label");
    box.hidden = (f.only === "create" && rec) || (f.only === "edit" && !rec);
    c.disabled = box.hidden || (f.locked === "edit" && !!rec);
    if (f.kind === "checkbox") c.checked = rec ? !!rec[f.name] : true;
    else if (f.kind === "password") c.value = "";
    else c.value = rec ? String(rec[f.name] ?? "") : (f.kind === "select" ? String(f.options[0]?.[0] ?? "") : "");
    c.required = !!(f.required && !(f.kind === "password" && rec));
  }
}

function collect(form, fields) {
  const body = {};
  for (const f of fields) {
    const c = form.elements[f.name];
    if (c.disabled) continue;
    if (f.kind === "checkbox") body[f.name] = c.checked;
    else if (f.kind === "password") { if (c.value) body[f.name] = c.value; }
    else if (f.id) body[f.name] = c.value === "" ? null : Number(c.value);
    else body[f.name] = c.value;
  }
  return body;
}

/* Builds the screen into box for spec: { key, path, title, tableId, formId,
 * columns: [[caption, fn(rec) -> text]], fields, addLabel, nameOf(rec) }. */
export async function recordScreen(box, spec) {
  const fields = typeof spec.fields === "function" ? await spec.fields() : spec.fields;
  box.replaceChildren();
  box.appendChild(el("h2", t(spec.title)));
  const state = stateLine();
  const { table: tbl, body } = table(spec.tableId, [...spec.columns.map((c) => t(c[0])), t("admin.actions")]);
  const wrap = el("div", undefined, "table-wrap");
  wrap.appendChild(tbl);
  box.append(state, wrap);

  const form = el("form", undefined, "grid admin-form");
  form.id = spec.formId;
  const heading = el("h3", t(spec.addLabel), "wide");
  heading.tabIndex = -1;
  form.appendChild(heading);
  for (const f of fields) {
    const c = control(f);
    const label = f.kind === "checkbox" ? c : labelled(t(f.caption), c);
    if (f.kind === "checkbox") {
      const msg = el("span", undefined, "field-error");
      msg.dataset.errorFor = f.name;
      label.appendChild(msg);
    }
    if (f.hint) label.appendChild(el("span", t(f.hint), "hint"));
    form.appendChild(label);
  }
  const error = formError();
  error.classList.add("wide");
  const done = el("p", undefined, "muted wide");
  done.setAttribute("role", "status");
  const submit = button(t(spec.addLabel), null, "", "submit");
  const cancel = button(t("admin.cancel"), () => edit(null), "secondary");
  const row = el("div", undefined, "buttons wide");
  row.append(submit, cancel);
  form.append(error, row, done);
  box.appendChild(form);

  let editing = null;
  function edit(rec) {
    editing = rec;
    clearProblem(form);
    fill(form, fields, rec);
    heading.textContent = rec ? `${t("admin.edit")}: ${spec.nameOf(rec)}` : t(spec.addLabel);
    submit.textContent = rec ? t("admin.save") : t(spec.addLabel);
    cancel.hidden = !rec;
    if (rec) {
      done.textContent = "";
      heading.focus();
    }
  }

  // The form works at once, before the list has loaded: a quick typist's
  // Enter must not submit the page itself.
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    const rec = editing;
    const r = rec ? await api("PUT", `${spec.path}/${rec.id}`, collect(form, fields))
                  : await api("POST", spec.path, collect(form, fields));
    submit.disabled = false;
    if (r.status !== 200 && r.status !== 201) {
      showProblem(form, r);
      return;
    }
    edit(null);
    saved(done, `${t("admin.saved")}: ${spec.nameOf(r.data)}`);
    await refresh();
  });
  edit(null);

  async function refresh() {
    const items = await loadList(`${spec.path}?limit=500`, state);
    body.replaceChildren();
    tbl.hidden = !items || items.length === 0;
    for (const rec of items ?? []) {
      const tr = el("tr");
      for (const [, fn] of spec.columns) tr.appendChild(el("td", fn(rec)));
      const td = el("td");
      const b = button(t("admin.edit"), () => edit(rec), "link");
      b.setAttribute("aria-label", `${t("admin.edit")} ${spec.nameOf(rec)}`);
      td.appendChild(b);
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }
  await refresh();
}
