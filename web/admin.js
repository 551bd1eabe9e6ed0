// web/admin.js - administration (admins only): departments and users for
// now. The server refuses non-admins anyway; the console does not offer
// what the role may not use.

import { api } from "@asset(api.js)";
import { el, t } from "@asset(i18n.js)";

async function listInto(table, path, columns) {
  const r = await api("GET", path);
  const body = table.querySelector("tbody");
  body.replaceChildren();
  for (const item of r.data?.items ?? []) {
    const tr = el("tr");
    for (const c of columns) tr.appendChild(el("td", c(item)));
    body.appendChild(tr);
  }
}

export async function showAdmin(me) {
  const box = document.getElementById("admin");
  const denied = document.getElementById("admin-denied");
  const content = box.querySelector(".body");
  const isAdmin = me.role === "admin";
  denied.hidden = isAdmin;
  content.hidden = !isAdmin;
  if (!isAdmin) return;

  // The form works at once, before the lists have loaded: a quick typist's
  // Enter must not submit the page itself.
  const form = document.getElementById("admin-department-form");
  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const error = form.querySelector(".error");
    const r = await api("POST", "/api/v1/departments",
                        { code: form.elements.code.value, name: form.elements.name.value });
    if (r.status !== 201) {
      error.textContent = `${r.data?.detail ?? r.status}`;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    form.reset();
    await refresh();
  };

  const depts = box.querySelector("#admin-departments");
  const refresh = () => listInto(depts, "/api/v1/departments?limit=500",
                                 [(d) => d.code, (d) => d.name, (d) => t(d.active ? "admin.yes" : "admin.no")]);
  await refresh();
  await listInto(box.querySelector("#admin-users"), "/api/v1/users?limit=500",
                 [(u) => u.username, (u) => u.display_name, (u) => t(`role.${u.role}`)]);
}
