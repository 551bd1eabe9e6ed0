// web/queues.js - the work lists with their forms inline: plans to approve
// (#/approvals), new complaints to triage (#/triage), resolved ones whose
// follow-up visit window is open (#/follow-ups). Each complaint is a card;
// its action is taken without leaving the list and the card says what
// happened. A refusal keeps what was typed and shows the server's detail.

import { api } from "@asset(api.js)";
import { el, t, when } from "@asset(i18n.js)";
import { dueMark, problemText } from "@asset(filters.js)";

const METHODS = ["phone", "visit", "email"];
const SEVERITIES = [1, 3, 5];
let sources = null;
let listing = 0;

async function loadSources() {
  if (sources) return sources;
  const [cats, depts] = await Promise.all([api("GET", "/api/v1/categories?limit=500"),
                                           api("GET", "/api/v1/departments?limit=500")]);
  const out = {
    categories: (cats.data?.items ?? []).filter((c) => c.active !== false)
      .map((c) => [c.id, `${"· ".repeat(c.level - 1)}${c.name}`]),
    departments: (depts.data?.items ?? []).filter((d) => d.active).map((d) => [d.id, d.name]),
  };
  if (cats.status === 200 && depts.status === 200) sources = out;
  return out;
}

export function forgetSources() {
  sources = null;
}

/* ---- small form pieces (labels wrap their inputs: accessible names) ---- */

function labelled(caption, input, cls) {
  const label = el("label", undefined, cls);
  if (cls === "check") label.append(input, el("span", caption));
  else label.append(el("span", caption), input);
  return label;
}

function select(name, items, { blank = false, required = false } = {}) {
  const s = el("select");
  s.name = name;
  s.required = required;
  if (blank) s.appendChild(el("option", ""));
  for (const [value, text] of items) {
    const o = el("option", text);
    o.value = String(value);
    s.appendChild(o);
  }
  return s;
}

function input(name, type = "text", required = false) {
  const i = el(type === "textarea" ? "textarea" : "input");
  if (type === "textarea") i.rows = 2;
  else i.type = type;
  i.name = name;
  i.required = required;
  if (type !== "checkbox") i.autocomplete = "off";
  return i;
}

function errorLine() {
  const p = el("p", undefined, "error wide");
  p.setAttribute("role", "alert");
  p.hidden = true;
  return p;
}

/* Shows a refusal: problem+json detail and the field it names. */
function refused(line, r) {
  const field = r.data?.errors?.[0]?.field;
  const detail = r.data?.detail ?? (r.status ? `HTTP ${r.status}` : t("queue.error"));
  line.textContent = `${t("list.failed")}: ${detail}${field ? ` (${field})` : ""}`;
  line.hidden = false;
}

/* Posts an action; on success the card is replaced by its outcome. */
async function take(card, c, action, body, line, outcome) {
  const buttons = card.querySelectorAll("button");
  buttons.forEach((b) => { b.disabled = true; });
  let r;
  try {
    r = await api("POST", `/api/v1/complaints/${c.id}/actions/${action}`, { ...body, version: c.version });
  } catch {
    r = { status: 0, data: null };
  }
  buttons.forEach((b) => { b.disabled = false; });
  if (r.status !== 200) {
    refused(line, r);
    return false;
  }
  line.hidden = true;
  done(card, r.data, outcome(r.data));
  return true;
}

/* The card after its action: what happened, and the complaint's new state. */
function done(card, c, text) {
  card.classList.add("done");
  card.dataset.status = c.status;
  const body = card.querySelector(".card-body");
  const p = el("p", undefined, "outcome");
  p.setAttribute("role", "status");
  p.append(el("strong", text), el("span", ` · ${t(`status.${c.status}`)}`));
  body.replaceChildren(p);
  card.querySelector(".card-status").textContent = t(`status.${c.status}`);
}

/* The card's head: number (a link), subject, customer, state and deadline. */
function card(c, nowMs) {
  const li = el("li", undefined, "card-item");
  li.dataset.id = String(c.id);
  li.dataset.status = c.status;
  const head = el("div", undefined, "card-head");
  const link = el("a", c.number);
  link.href = `#/c/${c.id}`;
  const mark = dueMark(c, nowMs);
  const due = el("span", undefined, `card-due ${mark.cls}`);
  if (mark.text) due.appendChild(el("strong", `${mark.text} `));
  if (mark.clock) due.appendChild(el("span", `${t("queue.due")} ${when(mark.clock.due_at)}`));
  head.append(link, el("span", t(`status.${c.status}`), "card-status"), due);
  li.appendChild(head);
  li.appendChild(el("p", c.subject || "", "card-subject"));
  const who = c.anonymised_at ? t("complaint.anonymised")
    : [c.customer?.name, c.customer?.phone].filter(Boolean).join(" ");
  const meta = el("p", undefined, "muted card-meta");
  meta.textContent = [who, t(`channel.${c.channel}`), when(c.received_at)].filter(Boolean).join(" · ");
  li.appendChild(meta);
  const content = el("p", c.content, "card-content");
  li.appendChild(content);
  const body = el("div", undefined, "card-body");
  li.appendChild(body);
  return { li, body };
}

/* ---- approvals ---------------------------------------------------------- */

async function history(box, c) {
  const r = await api("GET", `/api/v1/complaints/${c.id}/events`);
  box.replaceChildren();
  if (r.status !== 200) {
    box.appendChild(el("li", t("queue.error"), "error"));
    return;
  }
  // In brief: the latest steps, oldest first; the complaint page has them all.
  for (const e of r.data.items.slice(-6)) {
    const label = t(`event.${e.type}`) === `event.${e.type}` ? e.type : t(`event.${e.type}`);
    const li = el("li");
    li.append(el("span", when(e.at), "muted"), el("span", ` ${e.actor?.name ?? t("timeline.system")} · ${label}`));
    if (e.note) li.appendChild(el("span", ` · ${e.note}`, "note"));
    box.appendChild(li);
  }
}

function plan(c) {
  const dl = el("dl", undefined, "plan");
  const p = c.plan || {};
  const add = (k, v) => {
    if (v === undefined || v === null || v === "") return;
    dl.append(el("dt", k), el("dd", v));
  };
  add(t("field.kind"), p.kind ? t(`plan.${p.kind}`) : "");
  add(t("field.description"), p.description);
  if (p.amount !== undefined && p.amount !== null)
    add(t("field.amount"), t("approvals.yuan").replace("{n}", Number(p.amount).toFixed(2)));
  return dl;
}

/* The history is read before the card is shown, so cards do not grow
 * (and push the others down) as their histories arrive. */
async function approvalCard(c, nowMs) {
  const { li, body } = card(c, nowMs);
  body.appendChild(el("h3", t("approvals.plan")));
  body.appendChild(plan(c));
  body.appendChild(el("h3", t("approvals.history")));
  const hist = el("ol", undefined, "brief");
  body.appendChild(hist);
  await history(hist, c);

  const line = errorLine();
  const buttons = el("div", undefined, "actions");
  const approve = el("button", t("approvals.approve"));
  approve.type = "button";
  approve.dataset.action = "approve";
  const reject = el("button", t("approvals.reject"), "secondary");
  reject.type = "button";
  reject.dataset.action = "reject";
  buttons.append(approve, reject);
  // Many cards, many "Approve" buttons: each names its complaint to a screen reader.
  approve.setAttribute("aria-label", `${t("approvals.approve")} ${c.number}`);
  reject.setAttribute("aria-label", `${t("approvals.reject")} ${c.number}`);

  // Reject opens a reason inline; the reason is required by the workflow.
  const form = el("form", undefined, "inline-form");
  form.dataset.action = "reject";
  form.hidden = true;
  const reason = input("reason", "textarea", true);
  const send = el("button", t("approvals.reject_submit"));
  send.type = "submit";
  const cancel = el("button", t("approvals.cancel"), "secondary");
  cancel.type = "button";
  form.append(labelled(t("approvals.reason"), reason), send, cancel);

  approve.addEventListener("click", () =>
    take(li, c, "approve", {}, line, () => t("approvals.done_approve")));
  reject.addEventListener("click", () => {
    form.hidden = false;
    reason.focus();
  });
  cancel.addEventListener("click", () => {
    form.hidden = true;  // what was typed stays, should they reopen it
    reject.focus();
  });
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    take(li, c, "reject", { reason: reason.value }, line, () => t("approvals.done_reject"));
  });
  body.append(buttons, form, line);
  return li;
}

/* ---- triage ------------------------------------------------------------- */

function triageCard(c, nowMs, src) {
  const { li, body } = card(c, nowMs);
  const form = el("form", undefined, "grid inline-form");
  form.dataset.action = "triage";
  const group = el("fieldset", undefined, "wide validity");
  group.appendChild(el("legend", t("triage.validity")));
  const radio = (value, text) => {
    const r = input("valid", "radio");
    r.value = value;
    r.checked = value === "true";
    return labelled(text, r, "check");
  };
  group.append(radio("true", t("triage.valid")), radio("false", t("triage.invalid")));
  form.appendChild(group);

  const valid = el("div", undefined, "wide grid sub");
  const category = select("category_id", src.categories, { blank: true, required: true });
  // No preset answer: the agent decides (the registered one, when given, is kept).
  const severity = select("severity", SEVERITIES.map((n) => [n, t(`severity.${n}`)]), { blank: true, required: true });
  if (c.severity) severity.value = String(c.severity);
  if (c.category_id) category.value = String(c.category_id);
  valid.append(labelled(t("field.category_id"), category),
               labelled(t("field.severity"), severity),
               labelled(t("field.department_id"), select("department_id", src.departments, { blank: true, required: true })));
  const invalid = el("div", undefined, "wide grid sub");
  invalid.hidden = true;
  invalid.append(labelled(t("field.reason"), input("reason", "text")),
                 el("p", t("triage.transfer"), "wide subhead"),
                 labelled(t("field.to_party"), input("to_party")),
                 labelled(t("field.contact_person"), input("contact_person")),
                 labelled(t("field.contact_phone"), input("contact_phone", "tel")),
                 labelled(t("field.contact_address"), input("contact_address")));
  form.append(valid, invalid);
  const isValid = () => form.elements.valid.value === "true";
  // The required marks follow the choice, so the browser asks for the right ones.
  const sync = () => {
    valid.hidden = !isValid();
    invalid.hidden = isValid();
    for (const k of ["category_id", "severity", "department_id"])
      form.elements[k].required = isValid();
    for (const k of ["reason", "to_party", "contact_person", "contact_phone"])
      form.elements[k].required = !isValid();
  };
  group.addEventListener("change", sync);
  sync();
  const line = errorLine();
  const submit = el("button", t("triage.submit"), "wide");
  submit.type = "submit";
  submit.setAttribute("aria-label", `${t("triage.submit")} ${c.number}`);
  form.append(line, submit);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = form.elements;
    let bodyOut;
    if (isValid()) {
      bodyOut = { valid: true, category_id: Number(f.category_id.value), severity: Number(f.severity.value),
                  department_id: Number(f.department_id.value) };
    } else {
      const transfer = {};
      for (const k of ["to_party", "contact_person", "contact_phone", "contact_address"])
        if (f[k].value) transfer[k] = f[k].value;
      bodyOut = { valid: false, reason: f.reason.value, transfer };
    }
    take(li, c, "triage", bodyOut, line,
         (x) => t(x.status === "transferred" ? "triage.done_invalid" : "triage.done_valid"));
  });
  body.appendChild(form);
  return li;
}

/* ---- follow-ups --------------------------------------------------------- */

/* Whether the follow-up visit window is open at nowMs: the follow_up clock
 * is running and its opens_at has passed (a policy without that clock has
 * no window to wait for). */
export function windowOpen(c, nowMs) {
  const k = (c.clocks || []).filter((x) => x.name === "follow_up" && x.remaining_working_seconds !== null);
  if (!k.length) return !(c.clocks || []).some((x) => x.name === "follow_up");
  return k.some((x) => !x.opens_at || Date.parse(x.opens_at) <= nowMs);
}

function followupCard(c, nowMs) {
  const { li, body } = card(c, nowMs);
  const clock = (c.clocks || []).find((x) => x.name === "follow_up");
  if (clock)
    body.appendChild(el("p", `${t("followups.window")}: ${when(clock.opens_at)} – ${when(clock.due_at)}`, "muted"));
  const form = el("form", undefined, "grid inline-form");
  form.dataset.action = "follow_up";
  const reached = input("reached", "checkbox");
  reached.checked = true;
  const satisfied = input("satisfied", "checkbox");
  const score = select("score", [1, 2, 3, 4, 5].map((n) => [n, String(n)]), { blank: true });
  form.append(labelled(t("field.method"), select("method", METHODS.map((m) => [m, t(`method.${m}`)]), { required: true })),
              labelled(t("field.score"), score),
              labelled(t("field.reached"), reached, "check"),
              labelled(t("field.satisfied"), satisfied, "check"),
              labelled(t("field.comment"), input("comment", "textarea"), "wide"));
  const line = errorLine();
  const submit = el("button", t("followups.submit"), "wide");
  submit.type = "submit";
  submit.setAttribute("aria-label", `${t("followups.submit")} ${c.number}`);
  form.append(line, submit);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const f = form.elements;
    const out = { method: f.method.value, reached: f.reached.checked, satisfied: f.satisfied.checked };
    if (f.score.value) out.score = Number(f.score.value);
    if (f.comment.value) out.comment = f.comment.value;
    take(li, c, "follow_up", out, line,
         (x) => t(x.status === "closed" ? "followups.done_closed" : "followups.done_reopened"));
  });
  body.appendChild(form);
  return li;
}

/* ---- the lists ---------------------------------------------------------- */

const SCREENS = {
  approvals: { query: "status=pending_approval&sort=due", make: approvalCard, empty: "approvals.empty" },
  triage: { query: "status=registered&sort=due", make: triageCard, empty: "triage.empty", sources: true },
  followups: { query: "status=resolved&sort=due", make: followupCard, empty: "followups.empty",
               keep: windowOpen },
};

/* Shows one work list (section id approvals, triage or followups). */
export async function showWorklist(id, serverNow) {
  const spec = SCREENS[id];
  const box = document.getElementById(id);
  const state = box.querySelector(".list-state");
  const list = box.querySelector(".cards");
  const more = box.querySelector(".more");
  const mine = ++listing;
  state.textContent = t("queue.loading");
  state.classList.remove("error");
  more.hidden = true;
  const [nowMs, src] = await Promise.all([serverNow(), spec.sources ? loadSources() : null]);
  if (mine !== listing) return;
  let cursor = null;
  let first = true;
  const page = async () => {
    // A page of resolved complaints may hold no open window: read on, a
    // few pages at most per click, until some are shown.
    let shown = 0;
    for (let i = 0; i < 5 && (first || cursor) && shown === 0; i++) {
      const r = await api("GET", `/api/v1/complaints?${spec.query}&limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      if (mine !== listing) return;
      if (r.status !== 200) {
        state.textContent = problemText(r);
        state.classList.add("error");
        return;
      }
      const cards = await Promise.all(r.data.items.filter((c) => !spec.keep || spec.keep(c, nowMs))
                                                  .map((c) => spec.make(c, nowMs, src)));
      if (mine !== listing) return;
      if (first) list.replaceChildren();
      first = false;
      list.append(...cards);
      shown += cards.length;
      cursor = r.data.next_cursor;
      if (!spec.keep) break;
    }
    more.hidden = !cursor;
    state.textContent = list.children.length ? "" : t(spec.empty);
  };
  more.onclick = async () => {
    more.disabled = true;
    await page();
    more.disabled = false;
  };
  await page();
}
