// web/admin.js - administration (admins only): the sub-navigation and its
// screens by address (#/admin/departments, sites, users, categories,
// calendars, policies, tokens; #/admin is the first). Each screen lives in
// its own module. The server refuses non-admins anyway; the console does
// not offer what the role may not use.

import { el, t } from "@asset(i18n.js)";
import { showDepartments, showSites, showUsers } from "@asset(admin-org.js)";
import { showCategories } from "@asset(admin-categories.js)";
import { showCalendars } from "@asset(admin-calendars.js)";
import { showPolicies } from "@asset(admin-policies.js)";
import { showTokens } from "@asset(admin-tokens.js)";

const SCREENS = [
  ["departments", "admin.departments", showDepartments],
  ["sites", "admin.sites", showSites],
  ["users", "admin.users", showUsers],
  ["categories", "admin.categories", showCategories],
  ["calendars", "admin.calendars", showCalendars],
  ["policies", "admin.policies", showPolicies],
  ["tokens", "admin.tokens", showTokens],
];

/* The sub-screen an address names, or null for one that is not there. */
function screenOf(hash) {
  const m = /^#\/admin(?:\/([a-z]+))?\/?$/.exec(hash);
  if (!m) return null;
  return SCREENS.find(([key]) => key === (m[1] || SCREENS[0][0])) ?? null;
}

function subnav(box, current) {
  let nav = box.querySelector("nav.subnav");
  if (!nav) {
    nav = el("nav", undefined, "subnav");
    box.prepend(nav);
  }
  nav.setAttribute("aria-label", t("admin.title"));
  nav.replaceChildren();
  for (const [key, caption] of SCREENS) {
    const a = el("a", t(caption));
    a.href = `#/admin/${key}`;
    if (key === current) a.setAttribute("aria-current", "page");
    nav.appendChild(a);
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

  const screen = screenOf(location.hash);
  subnav(content, screen?.[0]);
  let area = content.querySelector(".admin-screen");
  if (!area) {
    area = el("div", undefined, "admin-screen");
    content.appendChild(area);
  }
  if (!screen) {
    area.replaceChildren(el("p", t("admin.no_screen"), "error"));
    return;
  }
  area.dataset.screen = screen[0];
  // A fresh box per visit: a screen still loading when the user moves on
  // finishes into a box no longer on the page, not over the next screen.
  const view = el("div");
  view.appendChild(el("p", t("queue.loading"), "muted state"));
  area.replaceChildren(view);
  await screen[2](view, me);
}
