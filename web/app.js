// web/app.js - the console's shell: signing in, the language (the user's,
// kept by the server), and the screens by address (#/ the work queue and
// its filters, #/new the intake form, #/c/ID a complaint, #/approvals,
// #/triage, #/follow-ups), so that a view can be bookmarked. A client of
// the JSON API only; everything users typed goes on the page with
// textContent.

import { api, setCsrf } from "@asset(api.js)";
import { el, loadLanguage, t, when } from "@asset(i18n.js)";
import { showIntake } from "@asset(intake.js)";
import { showComplaint } from "@asset(complaint.js)";
import { showAdmin } from "@asset(admin.js)";
import { showDashboard } from "@asset(dashboard.js)";
import { forgetLists, setupFilters, showQueue } from "@asset(filters.js)";
import { forgetSources, showWorklist } from "@asset(queues.js)";

const SCREENS = ["login", "queue", "intake", "complaint", "notifications", "admin", "dashboard",
                 "approvals", "triage", "followups"];
// The work lists by address, and the roles whose nav offers them (admins
// may take every action, so they see them too).
const WORKLISTS = {
  "#/approvals": { id: "approvals", link: "approvals-link", roles: ["approver", "admin"] },
  "#/triage": { id: "triage", link: "triage-link", roles: ["agent", "admin"] },
  "#/follow-ups": { id: "followups", link: "followups-link", roles: ["agent", "admin"] },
};
const LANGS = ["zh-CN", "en"];
let me = null;

/* The server's clock (ms): "today" and follow-up windows go by it, not by
 * the browser's, which may be off (or real while the server's is a test's). */
async function serverNow() {
  const r = await api("GET", "/api/v1/me");
  const ms = r.status === 200 ? Date.parse(r.data.now) : NaN;
  return Number.isNaN(ms) ? Date.now() : ms;
}

function show(id) {
  for (const s of SCREENS)
    document.getElementById(s).hidden = s !== id;
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
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
  } else if (WORKLISTS[hash]) {
    show(WORKLISTS[hash].id);
    await showWorklist(WORKLISTS[hash].id, serverNow);
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
    show("queue");
    await showQueue(me, serverNow);
  }
}

/* Shows the page in lang and keeps it as this browser's choice for the
 * sign-in page. */
async function applyLanguage(lang) {
  const select = document.getElementById("lang");
  select.value = lang;
  localStorage.setItem("redress.lang", lang);
  await loadLanguage(lang);
}

async function signedIn(data) {
  me = data;
  setCsrf(data.csrf_token);
  forgetLists();
  forgetSources();
  // The user's own language, wherever they sign in.
  if (LANGS.includes(me.language) && me.language !== document.getElementById("lang").value)
    await applyLanguage(me.language);
  document.getElementById("nav").hidden = false;
  document.getElementById("who").textContent = me.user.display_name || me.user.username;
  document.getElementById("admin-link").hidden = me.role !== "admin";
  for (const w of Object.values(WORKLISTS))
    document.getElementById(w.link).hidden = !w.roles.includes(me.role);
  await refreshBell();
  await route();
}

async function start() {
  const select = document.getElementById("lang");
  // Before sign-in: this browser's last choice (the user's own comes with /me).
  const stored = localStorage.getItem("redress.lang");
  select.value = LANGS.includes(stored) ? stored : "zh-CN";
  await loadLanguage(select.value);
  select.addEventListener("change", async () => {
    const lang = select.value;
    const error = document.getElementById("lang-error");
    error.hidden = true;
    // Signed in: the choice is the user's, kept by the server for every
    // browser they use (saved first, so a page that changed language has
    // saved it). The page follows either way; a refusal is said.
    let problem = null;
    if (me) {
      const r = await api("PATCH", "/api/v1/me", { language: lang });
      if (r.status === 200) me.language = lang;
      else problem = r.data?.detail ?? String(r.status);
    }
    await applyLanguage(lang);
    if (problem) {
      error.textContent = `${t("lang.failed")}: ${problem}`;
      error.hidden = false;
    }
    await route();
    if (me) await refreshBell();
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

  setupFilters(go);

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
