// web/app.js - the console's first screens: sign in, and the signed-in
// user's work queue (soonest deadline first). A client of the JSON API only.
// Everything users typed is put on the page with textContent, never as HTML.

const CATALOGS = { "zh-CN": "@asset(i18n/zh-CN.json)", en: "@asset(i18n/en.json)" };
let strings = {};
let csrf = null;

async function loadLanguage(lang) {
  const res = await fetch(CATALOGS[lang] || CATALOGS["zh-CN"]);
  strings = await res.json();
  document.documentElement.lang = lang;
  for (const el of document.querySelectorAll("[data-i18n]"))
    el.textContent = t(el.dataset.i18n);
  document.title = t("app.name");
}

function t(key) {
  return strings[key] ?? key;
}

async function api(method, path, body) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (csrf && method !== "GET") headers["X-CSRF-Token"] = csrf;
  const res = await fetch(path, {
    method, headers, credentials: "same-origin",
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = res.status === 204 ? null : await res.json().catch(() => null);
  return { status: res.status, data };
}

function show(id) {
  for (const s of ["login", "queue"])
    document.getElementById(s).hidden = s !== id;
}

function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (cls) td.className = cls;
  row.appendChild(td);
}

async function showQueue(me) {
  show("queue");
  document.getElementById("nav").hidden = false;
  document.getElementById("who").textContent = me.user.display_name || me.user.username;
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
  const now = Date.now();
  for (const c of data.items) {
    const tr = document.createElement("tr");
    cell(tr, c.number);
    cell(tr, c.subject || c.content);
    cell(tr, t(`status.${c.status}`));
    const due = c.due_at ? new Date(c.due_at) : null;
    cell(tr, due ? due.toLocaleString(document.documentElement.lang) : "",
         due && due.getTime() < now ? "late" : "");
    body.appendChild(tr);
  }
  table.hidden = data.items.length === 0;
  state.textContent = data.items.length === 0 ? t("queue.empty") : "";
}

async function start() {
  const select = document.getElementById("lang");
  select.value = localStorage.getItem("redress.lang") || "zh-CN";
  await loadLanguage(select.value);
  select.addEventListener("change", async () => {
    localStorage.setItem("redress.lang", select.value);
    await loadLanguage(select.value);
  });

  document.getElementById("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const form = new FormData(ev.target);
    const error = document.getElementById("login-error");
    const { status, data } = await api("POST", "/api/v1/auth/login", {
      username: form.get("username"), password: form.get("password"),
    });
    if (status !== 200) {
      error.textContent = t(status === 429 ? "auth.throttled" : "auth.failed");
      error.hidden = false;
      return;  // what was typed stays in the form
    }
    error.hidden = true;
    csrf = data.csrf_token;
    const me = await api("GET", "/api/v1/me");
    await showQueue(me.data);
  });

  document.getElementById("logout").addEventListener("click", async () => {
    await api("POST", "/api/v1/auth/logout");
    csrf = null;
    document.getElementById("nav").hidden = true;
    show("login");
  });

  const me = await api("GET", "/api/v1/me");
  if (me.status === 200) {
    csrf = me.data.csrf_token;
    await showQueue(me.data);
  } else {
    show("login");
  }
}

start();
