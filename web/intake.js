// web/intake.js - the agent's intake form for a complaint taken by phone:
// keyboard first (fields in the order of the call, Enter registers), the
// caller's earlier complaints shown as soon as the phone number is typed,
// the category found by typing any word of its path (一级/二级/三级), and a
// plain hint of what makes a complaint major. A refusal keeps every field
// and puts the server's words next to the field it names.

import { api } from "@asset(api.js)";
import { clearErrors, lookups, send, showProblem } from "@asset(actions.js)";
import { el, t, when } from "@asset(i18n.js)";

const CHANNELS = ["phone", "walk_in", "web", "email", "letter", "social", "regulator", "internal"];
// The server's names for fields that this form calls otherwise.
const FIELD_ALIAS = { "customer.phone": "phone", "customer.name": "name", "customer": "phone",
                      restatement_confirmed: "confirmed", category_id: "category_q" };
const MAX_OPTIONS = 30;

function fill(select, items, label) {
  const keep = select.value;
  select.replaceChildren(el("option", t("intake.none")));
  select.firstChild.value = "";
  for (const it of items) {
    const o = el("option", label(it));
    o.value = it.id ?? it;
    select.appendChild(o);
  }
  select.value = keep; // a list that arrives late does not undo a choice
}

/* The category combobox (WAI-ARIA combobox with a listbox popup): typing
 * filters the paths of levels 1-3 by every word typed; arrows move, Enter or
 * Tab takes the highlighted path, Escape closes. The chosen id goes into the
 * hidden category_id. */
function categoryCombo(form) {
  const input = form.elements.category_q;
  const hidden = form.elements.category_id;
  const list = document.getElementById("intake-category-list");
  let paths = [];       // [{id, path}] in tree order
  let shown = [];
  let active = -1;

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }
  function highlight(i) {
    active = i;
    [...list.children].forEach((li, k) => li.setAttribute("aria-selected", String(k === i)));
    if (i >= 0) {
      input.setAttribute("aria-activedescendant", list.children[i].id);
      list.children[i].scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }
  function choose(item) {
    hidden.value = item.id;
    input.value = item.path;
    close();
  }
  function open(query) {
    const words = query.toLowerCase().split(/[\s/／]+/).filter(Boolean);
    shown = paths.filter((p) => words.every((w) => p.path.toLowerCase().includes(w))).slice(0, MAX_OPTIONS);
    list.replaceChildren();
    if (!shown.length) {
      const li = el("li", t("intake.category_none"), "combo-empty");
      li.setAttribute("aria-disabled", "true");
      list.appendChild(li);
    }
    for (const p of shown) {
      const li = el("li", p.path);
      li.id = `intake-category-${p.id}`;
      li.setAttribute("role", "option");
      li.addEventListener("mousedown", (ev) => {
        ev.preventDefault(); // keep the focus in the input
        choose(p);
      });
      list.appendChild(li);
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
    highlight(shown.length ? 0 : -1);
  }

  input.addEventListener("input", () => {
    hidden.value = "";
    if (input.value.trim()) open(input.value.trim());
    else close();
  });
  input.addEventListener("keydown", (ev) => {
    const isOpen = !list.hidden;
    if (ev.key === "ArrowDown") {
      ev.preventDefault();
      if (!isOpen) open(input.value.trim());
      else if (shown.length) highlight((active + 1) % shown.length);
    } else if (ev.key === "ArrowUp" && isOpen && shown.length) {
      ev.preventDefault();
      highlight((active - 1 + shown.length) % shown.length);
    } else if (ev.key === "Enter" && isOpen) {
      ev.preventDefault(); // Enter picks; a second Enter registers
      if (active >= 0) choose(shown[active]);
      else close();
    } else if (ev.key === "Tab" && isOpen && active >= 0) {
      choose(shown[active]); // and the focus moves on
    } else if (ev.key === "Escape" && isOpen) {
      ev.preventDefault();
      close();
    }
  });
  input.addEventListener("blur", () => {
    // One path that fits what was typed is taken; otherwise nothing is.
    if (!list.hidden && shown.length === 1) choose(shown[0]);
    close();
  });

  return {
    setCategories(items) {
      const byId = new Map(items.map((c) => [c.id, c]));
      const pathOf = (c) => {
        const names = [];
        for (let x = c, n = 0; x && n < 5; x = byId.get(x.parent_id), n++) names.unshift(x.name);
        return names.join(" / ");
      };
      paths = items.filter((c) => c.active !== false && c.level <= 3)
                   .map((c) => ({ id: c.id, path: pathOf(c) }))
                   .sort((a, b) => a.path.localeCompare(b.path, "zh-CN"));
      // Typed before the list arrived: look again.
      if (document.activeElement === input && input.value.trim() && !hidden.value) open(input.value.trim());
    },
    reset() { hidden.value = ""; close(); },
  };
}

/* Words of SPEC §1's major-complaint triggers found in what was typed. */
function majorWords(text) {
  const words = t("intake.major_words").split(/[,，]/).map((w) => w.trim()).filter(Boolean);
  return words.filter((w) => text.includes(w));
}

let combo = null;
// The Idempotency-Key of a registration whose answer was lost to the
// network: the retry carries it, so the server does not register twice.
let pendingKey = null;

function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16)); // also outside https
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function showIntake(go) {
  const form = document.getElementById("intake-form");
  const error = document.getElementById("intake-error");
  const channel = form.elements.channel;
  if (!channel.options.length)
    for (const c of CHANNELS) {
      const o = el("option", t(`channel.${c}`));
      o.value = c;
      channel.appendChild(o);
    }
  else
    for (const o of channel.options) o.textContent = t(`channel.${o.value}`); // the language may have changed
  if (!combo) combo = categoryCombo(form);
  document.getElementById("intake-category-list").setAttribute("aria-label", t("complaint.category"));
  // "5 · 重大": the digit first, so typing 5 on the list chooses it.
  for (const o of form.elements.severity.options)
    if (o.value) o.textContent = `${o.value} · ${t(`severity.${o.value}`)}`;
  for (const o of form.elements.anger.options)
    if (o.value) o.textContent = `${o.value} · ${t(`anger.${o.value}`)}`;

  form.elements.phone.onchange = async () => {
    const box = document.getElementById("intake-history");
    box.replaceChildren();
    const phone = form.elements.phone.value.trim();
    if (!phone) return;
    const r = await api("GET", `/api/v1/customers?phone=${encodeURIComponent(phone)}`);
    if (r.status !== 200) return;
    if (r.data.customer?.name && !form.elements.name.value)
      form.elements.name.value = r.data.customer.name;
    const earlier = r.data.complaints ?? [];
    if (!earlier.length) return;
    box.appendChild(el("p", t("intake.repeat").replace("{n}", earlier.length), "repeat"));
    for (const c of earlier.slice(0, 5))
      box.appendChild(el("p", `${c.number} · ${when(c.received_at)} · ${t(`status.${c.status}`)} · ${c.subject || c.content}`, "muted"));
  };

  const match = document.getElementById("intake-major-match");
  form.elements.content.oninput = form.elements.demands.oninput = () => {
    const found = majorWords(`${form.elements.content.value} ${form.elements.demands.value}`);
    match.textContent = found.length ? t("intake.major_match").replace("{words}", found.join("、")) : "";
  };

  // "登记（回车）": Enter registers from any field but the content (where
  // it starts a new line; Ctrl+Enter registers there) and the open category
  // list (where it picks). Lists and the tick do not submit by themselves.
  form.onkeydown = (ev) => {
    if (ev.key !== "Enter" || ev.isComposing || ev.defaultPrevented) return;
    const x = ev.target;
    if ((x.tagName === "SELECT" || x.type === "checkbox") || (x.tagName === "TEXTAREA" && (ev.ctrlKey || ev.metaKey))) {
      ev.preventDefault();
      form.requestSubmit();
    }
  };

  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const f = form.elements;
    clearErrors(form, error);
    if (f.category_q.value.trim() && !f.category_id.value) {
      showProblem(form, error, { status: 422, data: { detail: t("intake.category_pick"),
        errors: [{ field: "category_q", message: t("intake.category_pick") }] } }, FIELD_ALIAS, t("intake.failed"));
      return;
    }
    const num = (v) => (v ? Number(v) : undefined);
    const body = {
      channel: f.channel.value,
      customer: { name: f.name.value || undefined, phone: f.phone.value || undefined },
      subject: f.subject.value || undefined,
      content: f.content.value,
      demands: f.demands.value || undefined,
      restatement: f.restatement.value || undefined,
      restatement_confirmed: f.confirmed.checked,
      anger: num(f.anger.value),
      category_id: num(f.category_id.value),
      severity: num(f.severity.value),
      site_id: num(f.site_id.value),
    };
    const submit = form.querySelector("button[type=submit]");
    submit.disabled = true;
    const key = pendingKey ?? newKey();
    const r = await send("POST", "/api/v1/complaints", body, { "Idempotency-Key": key });
    submit.disabled = false;
    pendingKey = r.status === 0 ? key : null;
    if (r.status !== 201) {
      // What was typed stays; the server names the field.
      showProblem(form, error, r, FIELD_ALIAS, t("intake.failed"));
      return;
    }
    form.reset();
    combo.reset();
    match.textContent = "";
    document.getElementById("intake-history").replaceChildren();
    go(`#/c/${r.data.id}`);
  };

  // Handlers first, lists after: an agent who types fast and presses Enter
  // before the lists arrive still registers, never submits the page itself.
  form.elements.phone.focus();
  const lk = await lookups();
  combo.setCategories(lk.categoryItems);
  fill(form.elements.site_id, lk.siteItems.filter((s) => s.active !== false), (s) => s.name);
}
