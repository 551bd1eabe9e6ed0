// web/app.js - the console's shell: signing in, the language, and the
// screens by address (#/ the work queue, #/new the intake form, #/c/ID a
// complaint), so that a view can be bookmarked. A client of the JSON API
// only; everything users typed goes on the page with textContent.

import { api, setCsrf } from "@asset(api.js)";
import { el, loadLanguage, t, when } from "@asset(i18n.js)";
import { showIntake } from "@asset(intake.js)";
import { showComplaint } from "@asset(complaint.js)";

const SCREENS = ["login", "queue", "intake", "complaint"];
let me = null;

function show(id) {
  for (const s of SCREENS)
    document.getElementById(s).hidden = s !== id;
}

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

async function showQueue() {
  show("queue");
  const state = document.getElementById("queue-state");
  const table = document.getElementById("queue-table");
  state.textContent = t("queue.loading");
  const q = me.department ? `&department_id=${me.department.id}` : "";
  const { status, data } = await api("GET", `/api/v1/complaints?status=open&sort=due&limit=50${q}`);
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
  window.addEventListener("hashchange", route);

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
