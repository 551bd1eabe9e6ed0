// web/admin-categories.js - the complaint category tree (一、二、三、四级投诉原因):
// shown indented, a child added under any node, renamed, and moved to
// another parent by dragging a row onto another (or onto the top-level
// strip), or by keyboard: the row's buttons, or Alt+→ (under the previous
// sibling) and Alt+← (up one level) on a focused row. The server decides:
// four levels at most, no cycles; a refused move is said in the server's
// words and the tree is drawn again from the server as it was.

import { el, t } from "@asset(i18n.js)";
import {
  api, button, clearProblem, formError, input, labelled, select, setOptions, showProblem,
  stateLine,
} from "@asset(admin-kit.js)";

/* The categories in tree order: each parent followed by its children (by
 * id), with each one's depth from the top (1..). Orphans (a parent not in
 * the list) show at the top so that nothing is hidden. */
export function treeOrder(items) {
  const ids = new Set(items.map((c) => c.id));
  const kids = new Map();
  for (const c of items) {
    const p = c.parent_id && ids.has(c.parent_id) ? c.parent_id : 0;
    if (!kids.has(p)) kids.set(p, []);
    kids.get(p).push(c);
  }
  for (const list of kids.values()) list.sort((a, b) => a.id - b.id);
  const out = [];
  const walk = (parent, depth) => {
    for (const c of kids.get(parent) ?? []) {
      out.push({ ...c, depth, siblings: kids.get(parent) });
      walk(c.id, depth + 1);
    }
  };
  walk(0, 1);
  return out;
}

export async function showCategories(box) {
  box.replaceChildren();
  box.appendChild(el("h2", t("admin.categories")));
  box.appendChild(el("p", t("admin.tree_hint"), "muted"));
  const state = stateLine();
  const alert = el("p", undefined, "error tree-error");
  alert.id = "admin-category-error";
  alert.setAttribute("role", "alert");
  alert.hidden = true;
  const list = el("ul", undefined, "cat-tree");
  list.id = "admin-category-tree";
  list.setAttribute("aria-label", t("admin.categories"));
  const rootDrop = el("div", t("admin.drop_top"), "cat-root-drop");
  rootDrop.id = "admin-category-root";
  box.append(state, alert, rootDrop, list);

  // The add / rename form under the tree.
  const form = el("form", undefined, "grid admin-form");
  form.id = "admin-category-form";
  const heading = el("h3", t("admin.add_category"), "wide");
  heading.tabIndex = -1;
  const parent = select("parent_id", []);
  const parentLabel = labelled(t("admin.parent"), parent);
  const name = input("name", { required: "" });
  const submit = button(t("admin.add_category"), null, "", "submit");
  const cancel = button(t("admin.cancel"), () => mode(null), "secondary");
  const buttons = el("div", undefined, "buttons wide");
  buttons.append(submit, cancel);
  const done = el("p", undefined, "muted wide");
  done.setAttribute("role", "status");
  const error = formError();
  error.classList.add("wide");
  form.append(heading, parentLabel, labelled(t("admin.name"), name), error, buttons, done);
  box.appendChild(form);

  let items = [];
  let renaming = null;
  let dragged = null;

  function mode(rename, parentId) {
    renaming = rename;
    clearProblem(form);
    parentLabel.hidden = !!rename;
    parent.disabled = !!rename;
    cancel.hidden = !rename && parentId === undefined;
    if (rename) {
      heading.textContent = `${t("admin.rename")}: ${rename.name}`;
      name.value = rename.name;
      submit.textContent = t("admin.save");
    } else {
      heading.textContent = t("admin.add_category");
      submit.textContent = t("admin.add_category");
      name.value = "";
      parent.value = String(parentId ?? "");
    }
  }

  function say(text, bad) {
    alert.hidden = !bad;
    alert.textContent = bad ? text : "";
    done.textContent = bad ? "" : text;
  }

  async function move(c, parentId) {
    if ((c.parent_id ?? null) === (parentId ?? null)) return;
    const r = await api("PUT", `/api/v1/categories/${c.id}`, { parent_id: parentId });
    if (r.status !== 200) {
      say(`${t("admin.move_refused")} ${r.data?.detail ?? r.status}`, true);
      await refresh(c.id);  // as the server has it: unchanged
      return;
    }
    say(`${t("admin.moved")}: ${c.name}`, false);
    await refresh(c.id);
  }

  function indent(c) {
    const i = c.siblings.findIndex((s) => s.id === c.id);
    if (i > 0) return move(c, c.siblings[i - 1].id);
  }

  function outdent(c) {
    if (!c.parent_id) return;
    const up = items.find((p) => p.id === c.parent_id);
    return move(c, up?.parent_id ?? null);
  }

  function row(c) {
    const li = el("li", undefined, `lvl-${Math.min(c.depth, 5)}`);
    li.dataset.id = c.id;
    li.draggable = true;
    const handle = el("span", undefined, "cat-name");
    handle.tabIndex = 0;
    handle.append(el("span", `${t("admin.level")} ${c.depth} `, "sr-only"), el("span", c.name));
    handle.setAttribute("aria-describedby", "admin-category-keys");
    handle.addEventListener("keydown", (ev) => {
      if (!ev.altKey) return;
      if (ev.key === "ArrowRight") { ev.preventDefault(); indent(c); }
      if (ev.key === "ArrowLeft") { ev.preventDefault(); outdent(c); }
    });
    const i = c.siblings.findIndex((s) => s.id === c.id);
    const tools = el("span", undefined, "cat-tools");
    const b = (act, text, label, fn, off) => {
      const x = button(text, fn, "link");
      x.setAttribute("aria-label", `${label}: ${c.name}`);
      x.dataset.act = act;
      x.disabled = !!off;
      tools.appendChild(x);
    };
    b("child", t("admin.add_child"), t("admin.add_child"), () => { mode(null, c.id); name.focus(); });
    b("rename", t("admin.rename"), t("admin.rename"), () => { mode(c); name.focus(); });
    b("indent", "→", t("admin.indent"), () => indent(c), i <= 0);
    b("outdent", "←", t("admin.outdent"), () => outdent(c), !c.parent_id);
    li.append(handle, tools);

    li.addEventListener("dragstart", (ev) => {
      dragged = c;
      ev.dataTransfer.effectAllowed = "move";
      ev.dataTransfer.setData("text/plain", String(c.id));
      ev.stopPropagation();
    });
    li.addEventListener("dragover", (ev) => {
      if (!dragged || dragged.id === c.id) return;
      ev.preventDefault();
      li.classList.add("drop-target");
    });
    li.addEventListener("dragleave", () => li.classList.remove("drop-target"));
    li.addEventListener("drop", (ev) => {
      ev.preventDefault();
      li.classList.remove("drop-target");
      const what = dragged;
      dragged = null;
      if (what && what.id !== c.id) move(what, c.id);
    });
    return li;
  }

  rootDrop.addEventListener("dragover", (ev) => {
    if (!dragged) return;
    ev.preventDefault();
    rootDrop.classList.add("drop-target");
  });
  rootDrop.addEventListener("dragleave", () => rootDrop.classList.remove("drop-target"));
  rootDrop.addEventListener("drop", (ev) => {
    ev.preventDefault();
    rootDrop.classList.remove("drop-target");
    const what = dragged;
    dragged = null;
    if (what) move(what, null);
  });
  box.addEventListener("dragend", () => { dragged = null; });

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    submit.disabled = true;
    const r = renaming
      ? await api("PUT", `/api/v1/categories/${renaming.id}`, { name: name.value })
      : await api("POST", "/api/v1/categories",
                  { name: name.value, parent_id: parent.value ? Number(parent.value) : null });
    submit.disabled = false;
    if (r.status !== 200 && r.status !== 201) {
      showProblem(form, r);
      return;
    }
    const id = r.data.id;
    mode(null);
    say(`${t("admin.saved")}: ${r.data.name}`, false);
    await refresh(id);
  });

  async function refresh(focusId) {
    state.textContent = t("queue.loading");
    const r = await api("GET", "/api/v1/categories?limit=500");
    if (r.status !== 200) {
      state.textContent = `${t("admin.load_failed")} ${r.data?.detail ?? r.status}`;
      return;
    }
    items = r.data.items;
    const ordered = treeOrder(items);
    list.replaceChildren(...ordered.map(row));
    state.textContent = ordered.length ? "" : t("admin.empty");
    const keep = parent.value;
    setOptions(parent, [["", t("admin.top_level")],
                        ...ordered.map((c) => [c.id, `${"　".repeat(c.depth - 1)}${c.name}`])], keep);
    if (focusId) list.querySelector(`li[data-id="${focusId}"] .cat-name`)?.focus();
  }

  const keys = el("p", t("admin.tree_keys"), "sr-only");
  keys.id = "admin-category-keys";
  box.appendChild(keys);
  mode(null);
  await refresh();
}
