// web/filters.js - the queue screen: "my work" by role, a search, or a view
// of filters (status, department, severity, channel, site, overdue, dates
// received). Whatever is shown is in the address (#/?status=assigned&...),
// so a view can be bookmarked and shared and back/forward replay it; the
// API's list filters do the work, pages follow next_cursor.

import { api } from "@asset(api.js)";
import { el, t, when } from "@asset(i18n.js)";

// The list filters of GET /api/v1/complaints the bar offers, in its order.
export const FILTER_KEYS = ["status", "department_id", "severity", "channel", "site_id",
                            "overdue", "from", "to"];
const STATES = ["registered", "assigned", "in_progress", "pending_approval", "executing",
                "resolved", "transferred", "closed", "withdrawn", "merged"];
const CHANNELS = ["phone", "walk_in", "web", "email", "letter", "social", "regulator",
                  "internal", "api"];
// Presets name levels 1, 3 and 5; 2 and 4 exist and are filtered as numbers.
const SEVERITIES = [1, 2, 3, 4, 5];
const DATE = /^\d{4}-\d{2}-\d{2}$/;

let lists = null;        // departments and sites, loaded once per sign-in
let listing = 0;         // the newest list request; older answers are dropped

/* The parameters of the address after "#/?". */
export function hashParams() {
  return new URLSearchParams(location.hash.split("?")[1] || "");
}

async function loadLists() {
  if (lists) return lists;
  const [d, s] = await Promise.all([api("GET", "/api/v1/departments?limit=500"),
                                    api("GET", "/api/v1/sites?limit=500")]);
  // Not kept when a request failed: the next visit asks again.
  const ok = d.status === 200 && s.status === 200;
  const out = { departments: d.data?.items ?? [], sites: s.data?.items ?? [] };
  if (ok) lists = out;
  return out;
}

export function forgetLists() {
  lists = null;
}

function option(value, text) {
  const o = el("option", text);
  o.value = String(value);
  return o;
}

/* Refills the bar's selects (labels follow the language) keeping values. */
async function fillSelects(form) {
  const { departments, sites } = await loadLists();
  const fill = (select, items) => {
    const keep = select.value;
    select.replaceChildren(option("", t("filters.any")), ...items.map(([v, text]) => option(v, text)));
    select.value = keep;
  };
  fill(form.elements.status, [["open", t("filters.open")], ...STATES.map((s) => [s, t(`status.${s}`)])]);
  fill(form.elements.department_id, departments.map((d) => [d.id, d.name]));
  fill(form.elements.severity, SEVERITIES.map((n) => [n, severityName(n)]));
  fill(form.elements.channel, CHANNELS.map((c) => [c, t(`channel.${c}`)]));
  fill(form.elements.site_id, sites.map((s) => [s.id, s.name]));
}

function severityName(n) {
  const key = `severity.${n}`;
  return t(key) === key ? String(n) : `${n} · ${t(key)}`;
}

/* Sets a select to value, adding it when the address names one the lists
 * do not have (a comma list, a department since deactivated). */
function choose(select, value) {
  if (value && ![...select.options].some((o) => o.value === value))
    select.appendChild(option(value, value));
  select.value = value || "";
}

function setForm(form, params) {
  for (const k of ["status", "department_id", "severity", "channel", "site_id"])
    choose(form.elements[k], params.get(k) || "");
  form.elements.overdue.checked = params.get("overdue") === "true";
  for (const k of ["from", "to"])
    form.elements[k].value = DATE.test(params.get(k) || "") ? params.get(k) : "";
}

/* The address for the bar's values (and the search box's), empty fields left out. */
function addressOf(form) {
  const p = new URLSearchParams();
  const q = document.getElementById("search-q").value.trim();
  if (q) p.set("q", q);
  for (const k of FILTER_KEYS) {
    const input = form.elements[k];
    if (input.type === "checkbox") {
      if (input.checked) p.set(k, "true");
    } else if (input.value) {
      p.set(k, input.value);
    }
  }
  const s = p.toString();
  return s ? `#/?${s}` : "#/";
}

/* Wires the bar and the search box once; go(hash) navigates. */
export function setupFilters(go) {
  const form = document.getElementById("filters");
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    go(addressOf(form));
  });
  document.getElementById("filters-clear").addEventListener("click", () => {
    form.reset();
    const q = document.getElementById("search-q").value.trim();
    go(q ? `#/?q=${encodeURIComponent(q)}` : "#/");
  });
  document.getElementById("search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    go(addressOf(form));
  });
}

/* A refused list request in words: the catalog's message, then the
 * server's problem detail and the field it names. */
export function problemText(r) {
  const field = r.data?.errors?.[0]?.field;
  if (!r.data?.detail) return t("queue.error");
  return `${t("queue.error")}: ${r.data.detail}${field ? ` (${field})` : ""}`;
}

/* "Overdue" or "due soon" for a complaint's soonest running clock, as
 * text and a class (colour is never the only sign). nowMs: the server's. */
export function dueMark(c, nowMs) {
  const open = (c.clocks || []).filter((k) => k.remaining_working_seconds !== null)
    .sort((a, b) => a.remaining_working_seconds - b.remaining_working_seconds);
  if (!open.length) return { text: "", cls: "", clock: null };
  const k = open[0];
  if (k.remaining_working_seconds < 0)
    return { text: t("due.overdue"), cls: "late", clock: k };
  const warned = k.warn_at && nowMs && Date.parse(k.warn_at) <= nowMs;
  // Without a warning point: under two working hours left is "soon".
  if (warned || k.remaining_working_seconds < 2 * 3600)
    return { text: t("due.soon"), cls: "soon", clock: k };
  return { text: "", cls: "", clock: k };
}

/* A table cell with the deadline and, when it matters, its mark. */
export function dueCell(c, nowMs) {
  const m = dueMark(c, nowMs);
  const td = el("td", undefined, m.cls);
  if (m.text) td.appendChild(el("strong", m.text, "mark"));
  if (m.clock) td.appendChild(el("span", when(m.clock.due_at)));
  td.dataset.due = m.cls || "ok";
  return td;
}

/* "My work" by role: customer service triages new complaints, explains
 * transferred ones and makes follow-up visits; a department handles its
 * own; the general manager decides plans; others see every open one. */
function roleQuery(me) {
  switch (me.role) {
  case "agent": return "status=registered,transferred,resolved";
  case "handler":
  case "manager": return `status=open${me.department ? `&department_id=${me.department.id}` : ""}`;
  case "approver": return "status=pending_approval";
  default: return "status=open";
  }
}

/* Text of the active filters, so a closed bar still says what is shown. */
function chips(params) {
  const out = [];
  const name = (list, id) => list.find((x) => String(x.id) === id)?.name ?? id;
  for (const k of FILTER_KEYS) {
    const v = params.get(k);
    if (!v) continue;
    let text = v;
    if (k === "status") text = v === "open" ? t("filters.open") : v.split(",").map((s) => t(`status.${s}`)).join(t("filters.sep"));
    else if (k === "channel") text = v.split(",").map((s) => t(`channel.${s}`)).join(t("filters.sep"));
    else if (k === "severity") text = v.split(",").map((n) => severityName(Number(n))).join(t("filters.sep"));
    else if (k === "department_id") text = name(lists?.departments ?? [], v);
    else if (k === "site_id") text = name(lists?.sites ?? [], v);
    else if (k === "overdue") { out.push(t("filters.overdue")); continue; }
    const label = { status: "queue.status", department_id: "field.department_id",
                    severity: "complaint.severity", channel: "complaint.channel",
                    site_id: "complaint.site", from: "filters.from", to: "filters.to" }[k];
    out.push(t("filters.chip").replace("{name}", t(label)).replace("{value}", text));
  }
  return out;
}

function row(c, nowMs) {
  const tr = el("tr");
  tr.dataset.id = String(c.id);
  const link = el("a", c.number);
  link.href = `#/c/${c.id}`;
  const num = el("td");
  num.appendChild(link);
  tr.append(num, el("td", c.subject || c.content), el("td", t(`status.${c.status}`)), dueCell(c, nowMs));
  return tr;
}

export async function showQueue(me, serverNow) {
  const state = document.getElementById("queue-state");
  const table = document.getElementById("queue-table");
  const more = document.getElementById("queue-more");
  const form = document.getElementById("filters");
  const params = hashParams();
  const q = params.get("q") || "";
  const filtered = FILTER_KEYS.some((k) => params.get(k));
  const mine = ++listing;

  document.getElementById("search-q").value = q;
  setForm(form, params);
  // Open on a desk's screen; on a phone the words above the list say what
  // is filtered and the results come first.
  if (filtered && window.matchMedia("(min-width: 40rem)").matches)
    document.getElementById("filters-box").open = true;
  state.textContent = t("queue.loading");
  state.classList.remove("error");
  more.hidden = true;
  // The table keeps its old rows (and its place) until the answer is in;
  // the heading changes with the rows, so they always agree.
  const title = q ? t("search.results") : filtered ? t("filters.results") : t("queue.title");

  let query;
  if (q || filtered) {
    const p = new URLSearchParams();
    if (q) p.set("q", q);
    for (const k of FILTER_KEYS) if (params.get(k)) p.set(k, params.get(k));
    if (!q) p.set("sort", "due");
    query = p.toString();
  } else {
    query = `${roleQuery(me)}&sort=due`;
  }
  const body = table.querySelector("tbody");
  let cursor = null;
  let nowMs = Date.now();
  const fetchPage = () =>
    api("GET", `/api/v1/complaints?${query}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
  const render = (r, first) => {
    if (mine !== listing) return;
    if (first) document.querySelector("#queue h1").textContent = title;
    if (r.status !== 200) {
      // The server's own words when it refuses (a bad date, say).
      state.textContent = problemText(r);
      state.classList.add("error");
      if (first) table.hidden = true;
      return;
    }
    if (first) body.replaceChildren();
    for (const c of r.data.items) body.appendChild(row(c, nowMs));
    cursor = r.data.next_cursor;
    more.hidden = !cursor;
    table.hidden = body.children.length === 0;
    state.textContent = body.children.length === 0 ? t(q || filtered ? "filters.empty" : "queue.empty") : "";
  };
  const page = async (first) => render(await fetchPage(), first);
  // The list, the server's clock and the bar's lists at once.
  const [r, now] = await Promise.all([fetchPage(), serverNow(),
                                      fillSelects(form).then(() => setForm(form, params))]);
  if (mine !== listing) return;
  nowMs = now;
  document.getElementById("queue-chips").replaceChildren(...chips(params).map((text) => el("span", text, "chip")));
  more.onclick = async () => {
    more.disabled = true;
    more.textContent = t("queue.loading");
    await page(false);
    more.disabled = false;
    more.textContent = t("queue.more");
  };
  render(r, true);
}
