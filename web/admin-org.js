// web/admin-org.js - departments, sites, and users with their roles: three
// tables of fields for admin-records.js. Roles are shown by their names in
// the catalog (role.*), never as the API's words alone.

import { api } from "@asset(api.js)";
import { t } from "@asset(i18n.js)";
import { recordScreen } from "@asset(admin-records.js)";

export const ROLES = ["agent", "handler", "manager", "approver", "analyst", "admin", "auditor"];

const yesNo = (v) => t(v ? "admin.yes" : "admin.no");

async function items(path) {
  const r = await api("GET", path);
  return r.status === 200 ? r.data.items : [];
}

export function showDepartments(box) {
  return recordScreen(box, {
    path: "/api/v1/departments", title: "admin.departments", addLabel: "admin.add_department",
    tableId: "admin-departments", formId: "admin-department-form",
    nameOf: (d) => d.name,
    columns: [["admin.code", (d) => d.code], ["admin.name", (d) => d.name],
              ["admin.active", (d) => yesNo(d.active)]],
    fields: [
      { name: "code", caption: "admin.code", required: true, hint: "admin.code_hint" },
      { name: "name", caption: "admin.name", required: true },
      { name: "active", caption: "admin.active", kind: "checkbox", only: "edit" },
    ],
  });
}

export async function showSites(box) {
  const calendars = await items("/api/v1/calendars");
  const calName = (id) => calendars.find((c) => c.id === id)?.name ?? "";
  return recordScreen(box, {
    path: "/api/v1/sites", title: "admin.sites", addLabel: "admin.add_site",
    tableId: "admin-sites", formId: "admin-site-form",
    nameOf: (s) => s.name,
    columns: [["admin.code", (s) => s.code], ["admin.name", (s) => s.name],
              ["admin.calendar", (s) => calName(s.calendar_id) || t("admin.calendar_default")],
              ["admin.active", (s) => yesNo(s.active)]],
    fields: [
      { name: "code", caption: "admin.code", required: true, hint: "admin.code_hint" },
      { name: "name", caption: "admin.name", required: true },
      { name: "calendar_id", caption: "admin.calendar", kind: "select", id: true,
        options: [["", t("admin.calendar_default")], ...calendars.map((c) => [c.id, c.name])] },
      { name: "active", caption: "admin.active", kind: "checkbox", only: "edit" },
    ],
  });
}

export async function showUsers(box) {
  const departments = await items("/api/v1/departments?limit=500");
  const deptName = (id) => departments.find((d) => d.id === id)?.name ?? "";
  return recordScreen(box, {
    path: "/api/v1/users", title: "admin.users", addLabel: "admin.add_user",
    tableId: "admin-users", formId: "admin-user-form",
    nameOf: (u) => u.display_name || u.username,
    columns: [["admin.username", (u) => u.username], ["admin.display_name", (u) => u.display_name],
              ["admin.role", (u) => t(`role.${u.role}`)], ["admin.department", (u) => deptName(u.department_id)],
              ["admin.active", (u) => yesNo(u.active)]],
    fields: [
      { name: "username", caption: "admin.username", required: true, locked: "edit" },
      { name: "display_name", caption: "admin.display_name" },
      { name: "role", caption: "admin.role", kind: "select",
        options: ROLES.map((r) => [r, t(`role.${r}`)]) },
      { name: "department_id", caption: "admin.department", kind: "select", id: true,
        hint: "admin.department_hint",
        options: [["", t("admin.none")], ...departments.map((d) => [d.id, d.name])] },
      { name: "password", caption: "admin.password", kind: "password", required: true,
        hint: "admin.password_hint" },
      { name: "active", caption: "admin.active", kind: "checkbox", only: "edit" },
    ],
  });
}
