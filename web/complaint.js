// web/complaint.js - one complaint (#/c/ID): the customer and their earlier
// complaints, the verbatim content and what intake recorded, every clock
// with its deadline and remaining working time, the actions this user may
// take now (actions.js), internal notes, attachments (upload with progress,
// image previews from blob: URLs, downloads) and the timeline in words.
// Everything is fetched first and drawn at once, so the page does not jump
// as parts arrive. All user text goes on the page as text.

import { api, upload } from "@asset(api.js)";
import { clearErrors, ctrlEnterSubmits, lookups, renderActions, send, showProblem } from "@asset(actions.js)";
import { el, t, when } from "@asset(i18n.js)";

// RD_HTTP_UPLOAD_MAX (src/http/routes.h): a larger body is refused from its
// headers, and a browser may then see only a reset connection, not the
// server's answer; so the page says it before sending.
const UPLOAD_MAX = 10 * 1024 * 1024;
const PREVIEWABLE = /^image\/(png|jpeg|gif|webp|bmp)$/;
// A clock is "due soon" past its warning point; one without a warning point
// when less than this much working time is left.
const SOON_SECONDS = 3600;
// Event data shown as the event's note already, or not for people.
const DATA_SKIP = new Set(["note", "reason", "description", "result", "comment", "version",
                           "valid", "number", "run", "policy_id", "extension_id", "sha256",
                           "filename", "attachment_id", "notified"]);

let current = null;     // the id asked for, to tell a reload from a new page
let shown = null;       // the id of the complaint drawn: late answers for another are dropped
const previews = new Map(); // attachment id -> blob: URL, kept while its complaint is shown

function label(key, fallback) {
  const s = t(key);
  return s === key ? fallback : s;
}

function row(dl, name, value) {
  if (value === undefined || value === null || value === "") return null;
  const dd = el("dd");
  if (value instanceof Node) dd.appendChild(value);
  else dd.textContent = String(value);
  dl.append(el("dt", name), dd);
  return dd;
}

function duration(seconds) {
  const s = Math.abs(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return `${h}${t("clock.h")}${m}${t("clock.m")}`;
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/* late, soon or "" for an open clock. */
function urgency(k) {
  if (k.remaining_working_seconds === null) return k.state === "breached" ? "late" : "";
  if (k.remaining_working_seconds < 0 || k.state === "breached") return "late";
  if (k.state !== "running") return "";
  const warned = k.warn_at && Date.parse(k.warn_at) <= Date.now();
  return warned || (!k.warn_at && k.remaining_working_seconds < SOON_SECONDS) ? "soon" : "";
}

function clockName(name) {
  return label(`clock.${name}`, name);
}

function renderClocks(box, x) {
  const table = box.querySelector(".clocks");
  const body = table.querySelector("tbody");
  body.replaceChildren();
  const flags = [];
  for (const k of x.clocks) {
    const u = urgency(k);
    const tr = el("tr", undefined, u);
    tr.appendChild(el("td", clockName(k.name)));
    const st = el("td", t(`clock.state.${k.state}`));
    if (u) st.appendChild(el("span", t(`clock.badge.${u}`), `badge ${u}`));
    tr.appendChild(st);
    const due = el("td", when(k.due_at));
    if (k.opens_at && k.state === "running")
      due.appendChild(el("span", `${t("clock.opens")} ${when(k.opens_at)}`, "sub"));
    tr.appendChild(due);
    const left = k.remaining_working_seconds;
    tr.appendChild(el("td", left === null ? "—"
      : left < 0 ? `${t("clock.late")}${duration(left)}` : duration(left), u));
    body.appendChild(tr);
    if (u && k.remaining_working_seconds !== null) flags.push([u, clockName(k.name)]);
  }
  table.hidden = x.clocks.length === 0;
  box.querySelector(".clocks-empty").hidden = x.clocks.length !== 0;
  const p = box.querySelector(".c-flags");
  p.replaceChildren();
  for (const [u, name] of flags) p.appendChild(el("span", `${t(`clock.badge.${u}`)}：${name}`, `badge ${u}`));
}

async function renderFacts(box, x, lk) {
  const dl = box.querySelector(".c-facts dl");
  dl.replaceChildren();
  const cu = x.customer ?? {};
  // Anonymised by the retention policy: the customer is gone, the figures stay.
  row(dl, t("complaint.customer"), x.anonymised_at
    ? `${t("complaint.anonymised")} ${when(x.anonymised_at)}`
    : [cu.name, cu.phone, cu.email].filter(Boolean).join(" "));
  for (const [k, v] of Object.entries(cu.refs ?? {})) row(dl, label(`ref.${k}`, k), v);
  // Earlier complaints of this customer: filled in once known, in a row
  // that is there from the start.
  const history = cu.id ? row(dl, t("complaint.history"), t("queue.loading")) : null;
  row(dl, t("complaint.channel"), t(`channel.${x.channel}`));
  row(dl, t("complaint.external_ref"), x.external_ref);
  row(dl, t("complaint.received"), when(x.received_at));
  row(dl, t("queue.subject"), x.subject);
  row(dl, t("complaint.content"), x.content);
  row(dl, t("complaint.demands"), x.demands);
  if (x.restatement)
    row(dl, t("intake.restatement"), `${x.restatement}（${x.restatement_confirmed
      ? `${t("complaint.confirmed")} ${when(x.confirmed_at)}` : t("complaint.unconfirmed")}）`);
  row(dl, t("intake.anger"), x.anger ? `${x.anger} · ${t(`anger.${x.anger}`)}` : null);
  row(dl, t("complaint.category"), x.category_id ? lk.categoryPath(x.category_id) || `#${x.category_id}` : null);
  row(dl, t("complaint.severity"), x.severity ? `${x.severity} · ${label(`severity.${x.severity}`, "")}` : null);
  row(dl, t("complaint.validity"), x.validity ? label(`validity.${x.validity}`, x.validity) : null);
  row(dl, t("complaint.site"), x.site_id ? lk.site.get(x.site_id) ?? `#${x.site_id}` : null);
  row(dl, t("field.department_id"), x.department_id ? lk.department.get(x.department_id) ?? `#${x.department_id}` : null);
  row(dl, t("field.assignee_id"), x.assignee_id ? lk.user.get(x.assignee_id) ?? `#${x.assignee_id}` : null);
  if (x.plan)
    row(dl, t("complaint.plan"), `${t(`plan.${x.plan.kind}`)}${x.plan.amount !== null
      ? ` · ${x.plan.amount} ${t("complaint.yuan")}` : ""} · ${x.plan.description}${x.plan.needs_approval
      ? `（${t("complaint.needs_approval")}）` : ""}`);
  if (x.transfer)
    row(dl, t("field.to_party"), Object.values(x.transfer).filter(Boolean).join(" · "));
  if (x.waiting) row(dl, t("complaint.waiting"), `${when(x.waiting.since)} · ${x.waiting.reason ?? ""}`);
  if (x.satisfaction)
    row(dl, t("complaint.satisfaction"), `${x.satisfaction.satisfied ? t("field.satisfied") : t("complaint.unsatisfied")}${
      x.satisfaction.score ? ` · ${x.satisfaction.score}/5` : ""}`);
  if (x.reopen_count) row(dl, t("complaint.reopened"), x.reopen_count);
  // The server's own reasons have names; a person's reason is their words.
  if (x.close_reason) row(dl, t("complaint.close_reason"), label(`close_reason.${x.close_reason}`, x.close_reason));

  if (!history) return;
  // By the customer's id, not the phone: the same for every role, masked
  // phones included; within the complaints this user may see.
  const r = await api("GET", `/api/v1/complaints?customer_id=${cu.id}&limit=100`);
  const earlier = (r.data?.items ?? []).filter((c) => c.id !== x.id);
  history.replaceChildren();
  if (r.status !== 200) {
    history.textContent = t("queue.error");
    return;
  }
  if (!earlier.length) {
    history.textContent = t("complaint.history_none");
    return;
  }
  const n = r.data.next_cursor ? `${earlier.length}+` : earlier.length;
  history.appendChild(el("span", t("intake.repeat").replace("{n}", n), "repeat"));
  for (const c of earlier.slice(0, 5)) {
    const a = el("a", c.number);
    a.href = `#/c/${c.id}`;
    a.title = `${when(c.received_at)} · ${t(`status.${c.status}`)}`;
    history.append(" ", a);
  }
  if (earlier.length > 5 && cu.phone && !x.pii_masked) {
    const all = el("a", t("complaint.history_all"));
    all.href = `#/?q=${encodeURIComponent(cu.phone)}`;
    history.append(" ", all);
  }
}

/* The details an event's data carries, in words: plan amounts, methods,
 * departments, the transfer slip, clock names. */
function eventDetails(e, lk) {
  const out = [];
  const d = e.data && typeof e.data === "object" ? e.data : {};
  const value = (k, v) => {
    if (v === null || v === undefined || v === "") return null;
    switch (k) {
    case "method": return t(`method.${v}`);
    case "kind": return t(`plan.${v}`);
    case "amount": return `${v} ${t("complaint.yuan")}`;
    case "category_id": return lk.categoryPath(v) || `#${v}`;
    case "department_id": return lk.department.get(v) ?? `#${v}`;
    case "assignee_id": return lk.user.get(v) ?? `#${v}`;
    case "severity": return `${v} · ${label(`severity.${v}`, "")}`;
    case "channel": return t(`channel.${v}`);
    case "clock": return clockName(v);
    case "size": return size(v);
    case "due_at": case "due_before": case "due_after": case "paused_at": case "resumed_at":
      return when(v);
    default:
      if (typeof v === "boolean") return v ? t("admin.yes") : t("admin.no");
      if (typeof v === "object") return null;
      return String(v);
    }
  };
  for (const [k, v] of Object.entries(d)) {
    if (DATA_SKIP.has(k)) continue;
    if (k === "transfer" && v && typeof v === "object") {
      for (const [tk, tv] of Object.entries(v)) if (tv) out.push([t(`field.${tk}`), String(tv)]);
      continue;
    }
    if (e.type === "edited" && v && typeof v === "object") {
      out.push([label(`field.${k}`, k), `${value(k, v.from) ?? "—"} → ${value(k, v.to) ?? "—"}`]);
      continue;
    }
    const text = value(k, v);
    if (text !== null) out.push([label(`field.${k}`, k), text]);
  }
  return out;
}

function renderTimeline(box, events, lk) {
  const tl = box.querySelector(".timeline");
  tl.replaceChildren();
  for (const e of events) {
    const internal = e.type === "note";
    const li = el("li", undefined, `ev ev-${e.type.replace(/\W/g, "-")}${internal ? " internal" : ""}`);
    const head = el("div", undefined, "ev-head");
    const time = el("time", when(e.at), "muted");
    time.dateTime = e.at;
    head.append(time, el("strong", label(`event.${e.type}`, e.type)),
                el("span", e.actor?.id ? e.actor.name ?? `#${e.actor.id}` : t("timeline.system"), "who"));
    if (e.from_status && e.to_status && e.from_status !== e.to_status)
      head.appendChild(el("span", `${t(`status.${e.from_status}`)} → ${t(`status.${e.to_status}`)}`, "moved"));
    if (internal) head.appendChild(el("span", t("note.internal"), "badge internal"));
    li.appendChild(head);
    if (e.note) li.appendChild(el("div", e.note, "note"));
    const details = eventDetails(e, lk);
    if (details.length) {
      const dl = el("dl", undefined, "ev-data");
      for (const [k, v] of details) dl.append(el("dt", k), el("dd", v));
      li.appendChild(dl);
    }
    tl.appendChild(li);
  }
  if (!events.length) tl.appendChild(el("li", t("timeline.empty"), "muted"));
}

function releasePreviews() {
  for (const u of previews.values()) URL.revokeObjectURL(u);
  previews.clear();
}

/* A thumbnail from the bytes (fetched with the session; shown from a blob:
 * URL, so the image needs no address of its own). Its box has a fixed size
 * from the start: nothing moves when it arrives. */
async function preview(fig, a) {
  try {
    let url = previews.get(a.id);
    if (!url) {
      const res = await fetch(a.content_url, { credentials: "same-origin" });
      if (!res.ok) throw new Error(String(res.status));
      url = URL.createObjectURL(await res.blob());
      previews.set(a.id, url);
    }
    const img = el("img");
    img.alt = a.filename;
    img.src = url;
    fig.replaceChildren(img);
  } catch {
    fig.replaceChildren(el("span", t("attach.no_preview"), "muted"));
  }
}

function renderAttachments(box, items) {
  const list = box.querySelector(".attachments");
  list.replaceChildren();
  for (const a of items) {
    const li = el("li", undefined, "attachment");
    li.dataset.id = a.id;
    const fig = el("div", undefined, "thumb");
    if (PREVIEWABLE.test(a.content_type ?? "")) {
      fig.appendChild(el("span", t("queue.loading"), "muted"));
      preview(fig, a);
    } else {
      fig.appendChild(el("span", (a.filename.split(".").pop() || "").slice(0, 5).toUpperCase(), "ext"));
    }
    const link = el("a", a.filename, "download");
    link.href = a.content_url;
    link.download = a.filename;
    const meta = el("div", undefined, "meta");
    meta.append(link, el("span", `${size(a.size)} · ${when(a.uploaded_at)}`, "muted"));
    li.append(fig, meta);
    list.appendChild(li);
  }
  box.querySelector(".attach-state").textContent = items.length ? "" : t("attach.empty");
}

async function refreshAttachments(box, id) {
  const r = await api("GET", `/api/v1/complaints/${id}/attachments?limit=500`);
  if (shown !== id) return;
  if (r.status === 200) renderAttachments(box, r.data.items);
  else box.querySelector(".attach-state").textContent = t("attach.error");
}

function wireUploads(box, x, reloadTimeline) {
  const input = box.querySelector(".attach-form input[type=file]");
  const uploads = box.querySelector(".uploads");
  input.onchange = async () => {
    const files = [...input.files];
    input.value = "";
    uploads.replaceChildren();
    let ok = 0;
    await Promise.all(files.map(async (file) => {
      const li = el("li", undefined, "upload");
      const name = el("span", file.name, "name");
      const bar = el("progress");
      bar.max = 1;
      bar.value = 0;
      bar.setAttribute("aria-label", file.name);
      const status = el("span", t("attach.sending"), "status");
      li.append(name, bar, status);
      uploads.appendChild(li);
      if (file.size > UPLOAD_MAX) {
        li.classList.add("failed");
        bar.remove();
        status.textContent = `${t("attach.failed")}: ${t("attach.too_large")}`;
        return;
      }
      const r = await upload(`/api/v1/complaints/${x.id}/attachments?filename=${encodeURIComponent(file.name)}`,
                             file, (f) => { bar.value = f; });
      if (r.status === 201) {
        ok++;
        li.classList.add("done");
        bar.value = 1;
        status.textContent = t("attach.done");
        return;
      }
      li.classList.add("failed");
      bar.remove();
      const p = r.data ?? {};
      const fieldName = p.errors?.[0]?.field;
      status.textContent = `${t("attach.failed")}: ${r.status === 0 ? t("form.network")
        : p.detail || p.title || r.status}${fieldName ? ` (${fieldName})` : ""}`;
      status.setAttribute("role", "alert");
    }));
    // Successful ones drop out of the progress list once listed below.
    for (const li of uploads.querySelectorAll(".done")) li.remove();
    if (ok) {
      await refreshAttachments(box, x.id);
      await reloadTimeline();
    }
  };
}

function wireNote(box, x, reloadTimeline) {
  const form = box.querySelector(".note-form");
  const error = form.querySelector(".error");
  clearErrors(form, error);
  if (!form.dataset.keys) {
    ctrlEnterSubmits(form);
    form.dataset.keys = "1";
  }
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    clearErrors(form, error);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    const r = await send("POST", `/api/v1/complaints/${x.id}/notes`, { note: form.elements.note.value });
    button.disabled = false;
    if (r.status !== 201) {
      showProblem(form, error, r, {}, t("note.failed"));
      return; // the text stays
    }
    form.reset();
    await reloadTimeline();
  };
}

/* Shows complaint id (a number or an id); opts.keep: an action form to
 * keep open across this reload. */
/* A resolved complaint's satisfaction survey: the customer answers on the
 * portal through a one-time link that the agent sends (by SMS or WeChat
 * today; by the outbox when it delivers). The secret is in the answer
 * once, so the link is shown here until the page changes; a new one
 * replaces the old. */
const SURVEY_ROLES = new Set(["agent", "manager", "admin"]);

function wireSurvey(box, x, role, reloadTimeline) {
  const panel = box.querySelector(".c-survey");
  const make = panel.querySelector(".survey-make");
  const error = panel.querySelector(".error");
  const out = panel.querySelector(".survey-out");
  const copy = panel.querySelector(".survey-copy");
  panel.hidden = x.status !== "resolved" || !SURVEY_ROLES.has(role);
  error.hidden = true;
  out.hidden = copy.hidden = true;
  make.onclick = async () => {
    make.disabled = true;
    const r = await api("POST", `/api/v1/complaints/${x.id}/survey-link`);
    make.disabled = false;
    if (r.status !== 201) {
      error.textContent = r.data?.detail ?? `${r.status}`;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    out.querySelector("input").value = new URL(r.data.url, location.href).href;
    out.hidden = copy.hidden = false;
    out.querySelector("input").select();
    await reloadTimeline();
  };
  copy.onclick = () => navigator.clipboard?.writeText(out.querySelector("input").value);
}

export async function showComplaint(id, opts = {}) {
  try {
    await draw(id, opts);
  } catch {
    // The network failed: say so rather than load for ever.
    document.getElementById("complaint-state").textContent = t("queue.error");
  }
}

async function draw(id, opts) {
  const box = document.getElementById("complaint");
  const state = document.getElementById("complaint-state");
  const body = box.querySelector(".body");
  const same = current === id && !body.hidden;
  current = id;
  if (!same) {
    body.hidden = true;  // never the previous complaint under this address
    releasePreviews();
    box.querySelector(".note-form").reset(); // a note meant for another complaint
    box.querySelector(".uploads").replaceChildren();
  }
  state.textContent = t("queue.loading");
  const path = `/api/v1/complaints/${encodeURIComponent(id)}`;
  const [c, ev, me, lk] = await Promise.all([api("GET", path), api("GET", `${path}/events`),
                                             api("GET", "/api/v1/me"), lookups()]);
  if (current !== id) return; // the user moved on meanwhile
  if (c.status !== 200) {
    state.textContent = t(c.status === 404 ? "complaint.not_found" : "queue.error");
    body.hidden = true;
    return;
  }
  const x = c.data;
  shown = x.id;
  const atts = await api("GET", `/api/v1/complaints/${x.id}/attachments?limit=500`);
  const reload = (o) => showComplaint(id, o);
  const reloadTimeline = async () => {
    const r = await api("GET", `${path}/events`);
    if (r.status === 200 && shown === x.id) renderTimeline(box, r.data.items, lk);
  };

  box.querySelector("h1").textContent = `${x.number} · ${t(`status.${x.status}`)}`;
  renderClocks(box, x);
  renderTimeline(box, ev.data?.items ?? [], lk);
  if (atts.status === 200) {
    renderAttachments(box, atts.data.items);
  } else {
    renderAttachments(box, []);
    box.querySelector(".attach-state").textContent = t("attach.error");
  }
  // Auditors read only: no forms they could not send.
  const writer = me.data?.role !== "auditor";
  box.querySelector(".note-form").hidden = !writer;
  box.querySelector(".attach-form").hidden = !writer;
  wireNote(box, x, reloadTimeline);
  wireUploads(box, x, reloadTimeline);
  wireSurvey(box, x, me.data?.role, reloadTimeline);
  const facts = renderFacts(box, x, lk);
  await renderActions(box.querySelector(".actions-box"), x, reload, lk, opts.keep);
  state.textContent = "";
  body.hidden = false;
  await facts;
}
