// web/intake.js - the agent's intake form for a complaint taken by phone:
// keyboard first (fields in the order of the call, Enter registers), the
// caller's earlier complaints shown as soon as the phone number is typed.

import { api } from "@asset(api.js)";
import { el, t, when } from "@asset(i18n.js)";

const CHANNELS = ["phone", "walk_in", "web", "email", "letter", "social", "regulator", "internal"];

function fill(select, items, label) {
  select.replaceChildren(el("option", t("intake.none")));
  select.firstChild.value = "";
  for (const it of items) {
    const o = el("option", label(it));
    o.value = it.id ?? it;
    select.appendChild(o);
  }
}

export async function showIntake(go) {
  const form = document.getElementById("intake-form");
  const channel = form.elements.channel;
  if (!channel.options.length)
    for (const c of CHANNELS) {
      const o = el("option", t(`channel.${c}`));
      o.value = c;
      channel.appendChild(o);
    }

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

  form.onsubmit = async (ev) => {
    ev.preventDefault();
    const f = form.elements;
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
    const error = document.getElementById("intake-error");
    const r = await api("POST", "/api/v1/complaints", body);
    if (r.status !== 201) {
      // What was typed stays; the server names the field.
      const field = r.data?.errors?.[0]?.field;
      error.textContent = `${t("intake.failed")}${field ? ` (${field})` : ""}: ${r.data?.detail ?? r.status}`;
      error.hidden = false;
      return;
    }
    error.hidden = true;
    form.reset();
    document.getElementById("intake-history").replaceChildren();
    go(`#/c/${r.data.id}`);
  };

  // Handlers first, lists after: an agent who types fast and presses Enter
  // before the lists arrive still registers, never submits the page itself.
  form.elements.phone.focus();
  const [cats, sites] = await Promise.all([api("GET", "/api/v1/categories?limit=500"),
                                           api("GET", "/api/v1/sites?limit=500")]);
  fill(form.elements.category_id, cats.data?.items ?? [], (c) => `${"· ".repeat(c.level - 1)}${c.name}`);
  fill(form.elements.site_id, sites.data?.items ?? [], (s) => s.name);
}
