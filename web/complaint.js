// web/complaint.js - one complaint: the customer, the verbatim content, the
// clocks with their deadlines, and the timeline. All user text as text.

import { api } from "@asset(api.js)";
import { renderActions } from "@asset(actions.js)";
import { el, t, when } from "@asset(i18n.js)";

function row(dl, label, value) {
  if (value === undefined || value === null || value === "") return;
  dl.appendChild(el("dt", label));
  dl.appendChild(el("dd", value));
}

function duration(seconds) {
  const late = seconds < 0;
  const s = Math.abs(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
  return `${late ? t("clock.late") : ""}${h}${t("clock.h")}${m}${t("clock.m")}`;
}

export async function showComplaint(id) {
  const box = document.getElementById("complaint");
  const state = document.getElementById("complaint-state");
  state.textContent = t("queue.loading");
  const [c, ev] = await Promise.all([api("GET", `/api/v1/complaints/${encodeURIComponent(id)}`),
                                     api("GET", `/api/v1/complaints/${encodeURIComponent(id)}/events`)]);
  if (c.status !== 200) {
    state.textContent = t(c.status === 404 ? "complaint.not_found" : "queue.error");
    box.querySelector(".body").hidden = true;
    return;
  }
  const x = c.data;
  state.textContent = "";
  box.querySelector(".body").hidden = false;
  box.querySelector("h1").textContent = `${x.number} · ${t(`status.${x.status}`)}`;
  const dl = box.querySelector("dl");
  dl.replaceChildren();
  row(dl, t("complaint.customer"), [x.customer?.name, x.customer?.phone].filter(Boolean).join(" "));
  row(dl, t("complaint.channel"), t(`channel.${x.channel}`));
  row(dl, t("complaint.received"), when(x.received_at));
  row(dl, t("queue.subject"), x.subject);
  row(dl, t("complaint.content"), x.content);
  row(dl, t("complaint.demands"), x.demands);
  row(dl, t("complaint.severity"), x.severity);

  const clocks = box.querySelector(".clocks tbody");
  clocks.replaceChildren();
  for (const k of x.clocks) {
    const tr = el("tr");
    tr.appendChild(el("td", t(`clock.${k.name}`) === `clock.${k.name}` ? k.name : t(`clock.${k.name}`)));
    tr.appendChild(el("td", t(`clock.state.${k.state}`), k.state === "breached" ? "late" : ""));
    tr.appendChild(el("td", when(k.due_at)));
    tr.appendChild(el("td", k.remaining_working_seconds === null ? "" : duration(k.remaining_working_seconds),
                      k.remaining_working_seconds < 0 ? "late" : ""));
    clocks.appendChild(tr);
  }
  box.querySelector(".clocks").hidden = x.clocks.length === 0;

  const tl = box.querySelector(".timeline");
  tl.replaceChildren();
  for (const e of ev.data?.items ?? []) {
    const li = el("li");
    li.appendChild(el("span", when(e.at), "muted"));
    li.appendChild(el("span", ` ${e.actor?.name ?? t("timeline.system")} · ${t(`event.${e.type}`) === `event.${e.type}` ? e.type : t(`event.${e.type}`)}`));
    if (e.note) li.appendChild(el("div", e.note, "note"));
    tl.appendChild(li);
  }
  // Last: the forms need the category and department lists.
  await renderActions(box.querySelector(".actions-box"), x, () => showComplaint(id));
}
