// web/app.js - the console's shell: signing in, the language, and the
// screens by address (#/ the work queue, #/new the intake form, #/c/ID a
// complaint), so that a view can be bookmarked. A client of the JSON API
// only; everything users typed goes on the page with textContent.

import { api, setCsrf } from "@asset(api.js)";
import { el, loadLanguage, t, when } from "@asset(i18n.js)";
import { showIntake } from "@asset(intake.js)";
import { showComplaint } from "@asset(complaint.js)";
import { showAdmin } from "@asset(admin.js)";
import { showDashboard } from "@asset(dashboard.js)";

const SCREENS = ["login", "queue", "intake", "complaint", "notifications", "admin", "dashboard"];
let me = null;

function show(id) {
  for (const s of SCREENS)
    document.getElementById(s).hidden = s !== id;
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

/* "My work" by role: customer service triages new complaints, explains
 * transferred ones and makes follow-up visits; a department handles its
 * own; the general manager decides plans; others see every open one. */
function queueQuery() {
  switch (me.role) {
  case "agent": return "status=registered,transferred,resolved";
  case "handler":
  case "manager": return `status=open${me.department ? `&department_id=${me.department.id}` : ""}`;
  case "approver": return "status=pending_approval";
  default: return "status=open";
  }
}

/* The bell: how many notifications are unread; the list on click. */
async function refreshBell() {
  const r = await api("GET", "/api/v1/notifications?unread=true&limit=100");
  const n = r.status === 200 ? r.data.items.length : 0;
  const bell = document.getElementById("bell");
  bell.textContent = n ? `${t("bell.title")} ${n}` : t("bell.title");
  bell.classList.toggle("unread", n > 0);
}

async function showNotifications() {
  show("notifications");
  const list = document.querySelector("#notifications ol");
  const r = await api("GET", "/api/v1/notifications?limit=50");
  list.replaceChildren();
  for (const n of r.data?.items ?? []) {
    const li = el("li", undefined, n.read_at ? "muted" : "");
    const link = el("a", `${n.data?.number ?? ""} · ${t(`notice.${n.kind}`)}`);
    link.href = `#/c/${n.complaint_id}`;
    link.addEventListener("click", () => api("POST", `/api/v1/notifications/${n.id}/read`));
    li.append(el("span", `${when(n.created_at)} `, "muted"), link);
    if (n.data?.clock) li.appendChild(el("span", ` · ${t(`clock.${n.data.clock}`)} · ${when(n.data.due_at)}`));
    list.appendChild(li);
  }
  document.getElementById("notifications-state").textContent =
    list.children.length ? "" : t("bell.empty");
}

async function showQueue() {
  show("queue");
  const state = document.getElementById("queue-state");
  const table = document.getElementById("queue-table");
  state.textContent = t("queue.loading");
  // A search (#/?q=...) looks through every complaint the user may see;
  // otherwise the queue of the role. Either way the address says it.
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const q = params.get("q") || "";
  document.getElementById("search-q").value = q;
  document.querySelector("#queue h1").textContent = q ? t("search.results") : t("queue.title");
  const query = q ? `q=${encodeURIComponent(q)}` : `${queueQuery()}&sort=due`;
  const { status, data } = await api("GET", `/api/v1/complaints?${query}&limit=50`);
  if (status !== 200) {
    state.textContent = t("queue.error");
    return;
  }
  const body = table.querySelector("tbody");
  body.replaceChildren();
  for (const c of data.items) {
    const tr = el("tr");
    const link = el("a", c.number);
    link.href = `#/c/${c.id}`;
    const num = el("td");
    num.appendChild(link);
    tr.appendChild(num);
    tr.appendChild(el("td", c.subject || c.content));
    tr.appendChild(el("td", t(`status.${c.status}`)));
    // The soonest deadline of its running clocks.
    const open = c.clocks.filter((k) => k.remaining_working_seconds !== null)
                         .sort((a, b) => a.remaining_working_seconds - b.remaining_working_seconds);
    tr.appendChild(el("td", open.length ? when(open[0].due_at) : "",
                      open.length && open[0].remaining_working_seconds < 0 ? "late" : ""));
    body.appendChild(tr);
  }
  table.hidden = data.items.length === 0;
  state.textContent = data.items.length === 0 ? t("queue.empty") : "";
}

async function route() {
  if (!me) {
    show("login");
    return;
  }
  const hash = location.hash || "#/";
  const m = /^#\/c\/([\w-]+)$/.exec(hash);
  if (m) {
    show("complaint");
    await showComplaint(m[1]);
  } else if (hash === "#/dashboard") {
    show("dashboard");
    await showDashboard();
  } else if (hash === "#/admin" || hash.startsWith("#/admin/")) {
    show("admin");
    await showAdmin(me);
  } else if (hash === "#/notifications") {
    await showNotifications();
  } else if (hash === "#/new") {
    show("intake");
    await showIntake(go);
  } else {
    await showQueue();
  }
}

async function signedIn(data) {
  me = data;
  setCsrf(data.csrf_token);
  document.getElementById("nav").hidden = false;
  document.getElementById("who").textContent = me.user.display_name || me.user.username;
  document.getElementById("admin-link").hidden = me.role !== "admin";
  await refreshBell();
  await route();
}

async function start() {
  const select = document.getElementById("lang");
  select.value = localStorage.getItem("redress.lang") || "zh-CN";
  await loadLanguage(select.value);
  select.addEventListener("change", async () => {
    localStorage.setItem("redress.lang", select.value);
    await loadLanguage(select.value);
    await route();
  });
  window.addEventListener("hashchange", async () => {
    await route();
    if (me) await refreshBell();
  });

  document.getElementById("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const error = document.getElementById("login-error");
    const r = await api("POST", "/api/v1/auth/login", {
      username: form.get("username"), password: form.get("password"),
    });
    if (r.status !== 200) {
      error.textContent = t(r.status === 429 ? "auth.throttled" : "auth.failed");
      error.hidden = false;
      return;  // what was typed stays in the form
    }
    error.hidden = true;
    setCsrf(r.data.csrf_token);
    const who = await api("GET", "/api/v1/me");
    await signedIn(who.data);
  });

  document.getElementById("search").addEventListener("submit", (ev) => {
    ev.preventDefault();
    const q = document.getElementById("search-q").value.trim();
    go(q ? `#/?q=${encodeURIComponent(q)}` : "#/");
  });

  document.getElementById("logout").addEventListener("click", async () => {
    await api("POST", "/api/v1/auth/logout");
    me = null;
    setCsrf(null);
    document.getElementById("nav").hidden = true;
    show("login");
  });

  const who = await api("GET", "/api/v1/me");
  if (who.status === 200)
    await signedIn(who.data);
  else
    show("login");
}

start();
