// web/admin-policies.js - SLA policies by priority: which complaints one
// applies to (severity, channel, category, site), its calendar, its
// approval rule, and its clocks as an editable table (name, start, stop,
// target, warn_at, opens_after). What the table has no column for
// (escalation ladders, pause_in, restart_on) stays with its clock as JSON
// text that the server validates; its refusal is shown beside the row.

import { el, t } from "@asset(i18n.js)";
import {
  api, button, checkbox, clearProblem, formError, input, labelled, loadList, select,
  showProblem, stateLine, table,
} from "@asset(admin-kit.js)";
import { treeOrder } from "@asset(admin-categories.js)";

const CHANNELS = ["phone", "walk_in", "web", "email", "letter", "social", "regulator", "internal", "api"];
const EVENTS = ["registered", "assigned", "in_progress", "pending_approval", "executing", "resolved",
                "transferred", "closed", "withdrawn", "merged", "triage", "explain", "assign",
                "contact", "progress", "propose_plan", "approve", "reject", "resolve", "follow_up",
                "close", "withdraw", "merge", "wait", "resume"];
const COLUMNS = ["name", "start", "stop", "target", "warn_at", "opens_after"];
const SEVERITIES = [1, 2, 3, 4, 5];

function severityText(n) {
  const key = `severity.${n}`;
  return t(key) === key ? String(n) : `${n} ${t(key)}`;
}

/* "resolved, closed" -> ["resolved", "closed"]; one word stays a string. */
function events(text) {
  const list = text.split(/[,，\s]+/).filter(Boolean);
  return list.length === 1 ? list[0] : list;
}

const eventText = (v) => (Array.isArray(v) ? v.join(", ") : v ?? "");

export async function showPolicies(box) {
  const [cal, cat, site] = await Promise.all([
    api("GET", "/api/v1/calendars"), api("GET", "/api/v1/categories?limit=500"),
    api("GET", "/api/v1/sites?limit=500")]);
  const calendars = cal.data?.items ?? [], categories = cat.data?.items ?? [];
  const sites = site.data?.items ?? [];
  const nameIn = (list, id) => list.find((x) => x.id === id)?.name ?? `#${id}`;

  box.replaceChildren();
  box.appendChild(el("h2", t("admin.policies")));
  box.appendChild(el("p", t("admin.policies_hint"), "muted"));
  const state = stateLine();
  const { table: tbl, body } = table("admin-policies", [
    t("admin.priority"), t("admin.name"), t("admin.match"), t("admin.calendar"),
    t("admin.clocks"), t("admin.actions")]);
  const wrap = el("div", undefined, "table-wrap");
  wrap.appendChild(tbl);
  box.append(state, wrap);

  // ---- the form ---------------------------------------------------------------
  const form = el("form", undefined, "grid admin-form");
  form.id = "admin-policy-form";
  const heading = el("h3", t("admin.add_policy"), "wide");
  heading.tabIndex = -1;
  const name = input("name", { required: "" });
  const priority = input("priority", { type: "number", step: "1", required: "" });
  const calendar = select("calendar_id", [["", t("admin.calendar_of_site")],
                                          ...calendars.map((c) => [c.id, c.name])]);
  form.append(heading, labelled(t("admin.name"), name), labelled(t("admin.priority"), priority),
              labelled(t("admin.calendar"), calendar));

  const match = el("fieldset", undefined, "wide match");
  match.appendChild(el("legend", t("admin.match")));
  match.appendChild(el("p", t("admin.match_hint"), "hint"));
  const sevBox = el("div", undefined, "checks");
  sevBox.appendChild(el("span", t("complaint.severity"), "caption"));
  for (const n of SEVERITIES) sevBox.appendChild(checkbox(`sev-${n}`, severityText(n)));
  const sevErr = el("span", undefined, "field-error");
  sevErr.dataset.errorFor = "match.severity";
  sevBox.appendChild(sevErr);
  const chanBox = el("div", undefined, "checks");
  chanBox.appendChild(el("span", t("complaint.channel"), "caption"));
  for (const c of CHANNELS) chanBox.appendChild(checkbox(`chan-${c}`, t(`channel.${c}`)));
  const chanErr = el("span", undefined, "field-error");
  chanErr.dataset.errorFor = "match.channel";
  chanBox.appendChild(chanErr);
  const catSel = select("match.category_id",
                        treeOrder(categories).map((c) => [c.id, `${"　".repeat(c.depth - 1)}${c.name}`]));
  catSel.multiple = true;
  catSel.size = Math.min(6, Math.max(3, categories.length));
  const siteSel = select("match.site_id", sites.map((s) => [s.id, s.name]));
  siteSel.multiple = true;
  siteSel.size = Math.min(6, Math.max(3, sites.length));
  match.append(sevBox, chanBox, labelled(t("complaint.category"), catSel),
               labelled(t("complaint.site"), siteSel));
  form.appendChild(match);

  const approval = el("fieldset", undefined, "wide approval");
  approval.appendChild(el("legend", t("admin.approval")));
  const always = checkbox("approval.always", t("admin.approval_always"), false);
  const atLeast = select("approval.severity_at_least",
                         [["", t("admin.none")], ...SEVERITIES.map((n) => [n, severityText(n)])]);
  const amount = input("approval.amount_over", { type: "number", min: "0", step: "0.01" });
  approval.append(always, labelled(t("admin.approval_severity"), atLeast),
                  labelled(t("admin.approval_amount"), amount));
  form.appendChild(approval);

  // The clocks' table.
  const clocks = el("fieldset", undefined, "wide clocks-edit");
  clocks.appendChild(el("legend", t("admin.clocks")));
  clocks.appendChild(el("p", t("admin.clocks_hint"), "hint"));
  const clockErr = el("span", undefined, "field-error");
  clockErr.dataset.errorFor = "clocks";
  const eventList = el("datalist");
  eventList.id = "admin-events";
  for (const e of EVENTS) {
    const o = el("option");
    o.value = e;
    eventList.appendChild(o);
  }
  const { table: ctbl, body: cbody } = table("admin-policy-clocks", [
    ...COLUMNS.map((c) => t(`admin.clock.${c}`)), t("admin.clock.more"), ""]);
  const cwrap = el("div", undefined, "table-wrap");
  cwrap.appendChild(ctbl);
  const addClock = button(t("admin.add_clock"), () => { rows(readClocks().rows.concat([{}])); focusLast(); }, "secondary");
  addClock.id = "admin-add-clock";
  clocks.append(eventList, cwrap, clockErr, addClock);
  form.appendChild(clocks);

  const error = formError();
  error.classList.add("wide");
  const submit = button(t("admin.add_policy"), null, "", "submit");
  const cancel = button(t("admin.cancel"), () => edit(null), "secondary");
  const buttons = el("div", undefined, "buttons wide");
  buttons.append(submit, cancel);
  const done = el("p", undefined, "muted wide");
  done.setAttribute("role", "status");
  form.append(error, buttons, done);
  box.appendChild(form);

  function cell(name, value, caption, i, attrs = {}) {
    const td = el("td");
    const c = input(name, attrs);
    c.value = value ?? "";
    c.setAttribute("aria-label", `${caption} ${i + 1}`);
    const msg = el("span", undefined, "field-error");
    msg.dataset.errorFor = name;
    td.append(c, msg);
    return td;
  }

  /* Draws the clock rows: each a clock object (table columns and the rest). */
  function rows(list) {
    cbody.replaceChildren();
    list.forEach((k, i) => {
      const tr = el("tr");
      const p = `clocks[${i}]`;
      tr.append(
        cell(`${p}.name`, k.name, t("admin.clock.name"), i, { placeholder: "resolve" }),
        cell(`${p}.start`, eventText(k.start), t("admin.clock.start"), i, { list: "admin-events" }),
        cell(`${p}.stop`, eventText(k.stop), t("admin.clock.stop"), i, { list: "admin-events" }),
        cell(`${p}.target`, k.target, t("admin.clock.target"), i, { placeholder: "3d" }),
        cell(`${p}.warn_at`, k.warn_at, t("admin.clock.warn_at"), i, { placeholder: "0.8", inputmode: "decimal" }),
        cell(`${p}.opens_after`, k.opens_after, t("admin.clock.opens_after"), i, { placeholder: "5cd" }));
      const rest = { ...k };
      for (const c of COLUMNS) delete rest[c];
      const more = el("td");
      const area = el("textarea");
      area.name = `${p}.more`;
      area.rows = 1;
      area.value = Object.keys(rest).length ? JSON.stringify(rest) : "";
      area.placeholder = '{"escalate": [...]}';
      area.setAttribute("aria-label", `${t("admin.clock.more")} ${i + 1}`);
      const msg = el("span", undefined, "field-error");
      msg.dataset.errorFor = p;  // what the server says of this clock beyond its columns
      more.append(area, msg);
      const del = el("td");
      const x = button("✕", () => { const r = readClocks().rows; r.splice(i, 1); rows(r); }, "link");
      x.setAttribute("aria-label", `${t("admin.remove_clock")} ${i + 1}`);
      del.appendChild(x);
      tr.append(more, del);
      cbody.appendChild(tr);
    });
    ctbl.hidden = list.length === 0;
  }

  function focusLast() {
    const last = cbody.lastElementChild?.querySelector("input");
    if (last) last.focus();
  }

  /* The clock rows as objects; bad: [field, message] for JSON that does not parse. */
  function readClocks() {
    const out = [], bad = [];
    [...cbody.children].forEach((tr, i) => {
      const v = (c) => form.elements[`clocks[${i}].${c}`].value.trim();
      let k = {};
      const more = v("more");
      if (more) {
        try {
          k = JSON.parse(more);
          if (typeof k !== "object" || k === null || Array.isArray(k)) throw new Error();
        } catch {
          bad.push([`clocks[${i}]`, t("admin.bad_json")]);
          k = {};
        }
      }
      k.name = v("name");
      if (v("start")) k.start = events(v("start"));
      if (v("stop")) k.stop = events(v("stop"));
      if (v("target")) k.target = v("target");
      if (v("warn_at")) k.warn_at = Number(v("warn_at"));
      if (v("opens_after")) k.opens_after = v("opens_after");
      out.push(k);
    });
    return { rows: out, bad };
  }

  let editing = null;

  function edit(p) {
    editing = p;
    clearProblem(form);
    name.value = p?.name ?? "";
    priority.value = p ? String(p.priority) : "100";
    calendar.value = p?.calendar_id ? String(p.calendar_id) : "";
    for (const n of SEVERITIES) form.elements[`sev-${n}`].checked = !!p?.match?.severity?.includes(n);
    for (const c of CHANNELS) form.elements[`chan-${c}`].checked = !!p?.match?.channel?.includes(c);
    for (const o of catSel.options) o.selected = !!p?.match?.category_id?.includes(Number(o.value));
    for (const o of siteSel.options) o.selected = !!p?.match?.site_id?.includes(Number(o.value));
    form.elements["approval.always"].checked = !!p?.approval?.always;
    atLeast.value = p?.approval?.severity_at_least ? String(p.approval.severity_at_least) : "";
    amount.value = p?.approval?.amount_over ?? "";
    rows(p ? p.clocks : [{ name: "resolve", start: "registered", stop: "resolved", target: "3d", warn_at: 0.8 }]);
    heading.textContent = p ? `${t("admin.edit")}: ${p.name}` : t("admin.add_policy");
    submit.textContent = p ? t("admin.save") : t("admin.add_policy");
    cancel.hidden = !p;
    if (p) heading.focus();
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    const { rows: list, bad } = readClocks();
    if (bad.length) {
      showProblem(form, { status: 422, data: { detail: t("admin.fix_fields"),
                                               errors: bad.map(([field, message]) => ({ field, message })) } });
      return;
    }
    const picked = (prefix, all) => all.filter((x) => form.elements[`${prefix}-${x}`].checked);
    const ids = (sel) => [...sel.selectedOptions].map((o) => Number(o.value));
    const orNull = (a) => (a.length ? a : null);
    const body = {
      name: name.value,
      priority: priority.value === "" ? null : Number(priority.value),
      calendar_id: calendar.value ? Number(calendar.value) : null,
      match: { severity: orNull(picked("sev", SEVERITIES)), channel: orNull(picked("chan", CHANNELS)),
               category_id: orNull(ids(catSel)), site_id: orNull(ids(siteSel)) },
      approval: { always: form.elements["approval.always"].checked,
                  severity_at_least: atLeast.value ? Number(atLeast.value) : null,
                  amount_over: amount.value === "" ? null : Number(amount.value) },
      clocks: list,
    };
    submit.disabled = true;
    const r = editing ? await api("PUT", `/api/v1/sla-policies/${editing.id}`, body)
                      : await api("POST", "/api/v1/sla-policies", body);
    submit.disabled = false;
    if (r.status !== 200 && r.status !== 201) {
      showProblem(form, r);
      return;
    }
    edit(null);
    done.textContent = `${t("admin.saved")}: ${r.data.name}`;
    await refresh();
  });

  function matchText(m) {
    const parts = [];
    if (m?.severity) parts.push(`${t("complaint.severity")} ${m.severity.join("/")}`);
    if (m?.channel) parts.push(m.channel.map((c) => t(`channel.${c}`)).join("/"));
    if (m?.category_id) parts.push(m.category_id.map((id) => nameIn(categories, id)).join("/"));
    if (m?.site_id) parts.push(m.site_id.map((id) => nameIn(sites, id)).join("/"));
    return parts.length ? parts.join(" · ") : t("admin.match_all");
  }

  async function refresh() {
    const items = await loadList("/api/v1/sla-policies", state);
    body.replaceChildren();
    tbl.hidden = !items || items.length === 0;
    for (const p of (items ?? []).sort((a, b) => a.priority - b.priority || a.id - b.id)) {
      const tr = el("tr");
      tr.append(el("td", p.priority), el("td", p.name), el("td", matchText(p.match)),
                el("td", p.calendar_id ? nameIn(calendars, p.calendar_id) : t("admin.calendar_of_site")),
                el("td", p.clocks.map((k) => `${k.name} ${k.target}`).join(", ")));
      const td = el("td");
      const b = button(t("admin.edit"), () => edit(p), "link");
      b.setAttribute("aria-label", `${t("admin.edit")} ${p.name}`);
      td.appendChild(b);
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  edit(null);
  await refresh();
}
