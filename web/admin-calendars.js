// web/admin-calendars.js - business calendars: time zone, the week's
// working hours, and a year's holidays and make-up working days (调休)
// typed or pasted at once, with a count of what will be saved before it is;
// and a check of a due date on the saved calendar (POST .../due), so the
// administrator sees the holidays at work.

import { el, t, when } from "@asset(i18n.js)";
import {
  api, button, clearProblem, formError, input, labelled, loadList, showProblem, stateLine,
  table,
} from "@asset(admin-kit.js)";
import { formatDates, formatHours, parseDates, parseHours } from "@asset(admin-dates.js)";

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const OFFICE = "09:00-12:00, 13:30-18:00";

/* The UTC offset ("+08:00") of zone at a local "YYYY-MM-DDTHH:MM". */
function zoneOffset(zone, local) {
  const guess = Date.parse(`${local}:00Z`);
  const f = new Intl.DateTimeFormat("en-US", {
    timeZone: zone, hourCycle: "h23", year: "numeric", month: "2-digit", day: "2-digit",
    hour: "2-digit", minute: "2-digit",
  });
  const part = Object.fromEntries(f.formatToParts(new Date(guess)).map((p) => [p.type, p.value]));
  const seen = Date.UTC(+part.year, +part.month - 1, +part.day, +part.hour, +part.minute);
  const minutes = Math.round((seen - guess) / 60000);
  const a = Math.abs(minutes);
  return `${minutes < 0 ? "-" : "+"}${String(Math.floor(a / 60)).padStart(2, "0")}:${String(a % 60).padStart(2, "0")}`;
}

function zones() {
  try {
    return Intl.supportedValuesOf("timeZone");
  } catch {
    return ["Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "UTC"];
  }
}

export async function showCalendars(box) {
  box.replaceChildren();
  box.appendChild(el("h2", t("admin.calendars")));
  const state = stateLine();
  const { table: tbl, body } = table("admin-calendars", [
    t("admin.name"), t("admin.timezone"), t("admin.working_day"), t("admin.holidays_n"),
    t("admin.workdays_n"), t("admin.actions")]);
  const wrap = el("div", undefined, "table-wrap");
  wrap.appendChild(tbl);
  box.append(state, wrap);

  // ---- the form -------------------------------------------------------------
  const form = el("form", undefined, "grid admin-form");
  form.id = "admin-calendar-form";
  const heading = el("h3", t("admin.add_calendar"), "wide");
  heading.tabIndex = -1;
  const name = input("name", { required: "" });
  const zone = input("timezone", { list: "admin-zones", required: "" });
  const zoneList = el("datalist");
  zoneList.id = "admin-zones";
  for (const z of zones()) {
    const o = el("option");
    o.value = z;
    zoneList.appendChild(o);
  }
  form.append(heading, labelled(t("admin.name"), name), labelled(t("admin.timezone"), zone), zoneList);

  const week = el("fieldset", undefined, "wide week");
  week.appendChild(el("legend", t("admin.week")));
  for (const d of DAYS)
    week.appendChild(labelled(t(`admin.day.${d}`), input(`week.${d}`, { placeholder: t("admin.day_off") })));
  week.appendChild(button(t("admin.copy_monday"), () => {
    for (const d of DAYS.slice(1, 5)) form.elements[`week.${d}`].value = form.elements["week.mon"].value;
    count();
  }, "secondary"));
  week.appendChild(el("p", t("admin.hours_hint"), "hint"));
  form.appendChild(week);

  const holidays = el("textarea");
  holidays.name = "holidays";
  holidays.rows = 6;
  holidays.placeholder = "2026-01-01\n2026-10-01..2026-10-08";
  const workdays = el("textarea");
  workdays.name = "workdays";
  workdays.rows = 6;
  workdays.placeholder = "2026-09-27, 2026-10-10";
  const workdayHours = input("workday_hours", { placeholder: OFFICE });
  form.append(labelled(t("admin.holidays"), holidays, "wide-half"),
              labelled(t("admin.workdays"), workdays, "wide-half"),
              labelled(t("admin.workday_hours"), workdayHours));
  form.appendChild(el("p", t("admin.dates_hint"), "hint wide"));
  const counted = el("p", undefined, "wide count");
  counted.id = "admin-calendar-count";
  counted.setAttribute("role", "status");
  form.appendChild(counted);

  const error = formError();
  error.classList.add("wide");
  const submit = button(t("admin.add_calendar"), null, "", "submit");
  const cancel = button(t("admin.cancel"), () => edit(null), "secondary");
  const buttons = el("div", undefined, "buttons wide");
  buttons.append(submit, cancel);
  const done = el("p", undefined, "muted wide");
  done.setAttribute("role", "status");
  form.append(error, buttons, done);
  box.appendChild(form);

  // ---- the due-date check -----------------------------------------------------
  const due = el("form", undefined, "grid admin-form due-check");
  due.id = "admin-calendar-due";
  const dueHeading = el("h3", t("admin.due_check"), "wide");
  const from = input("from", { type: "datetime-local", required: "" });
  const target = input("target", { required: "", placeholder: "30m / 2h / 3d / 7cd" });
  const answer = el("p", undefined, "wide due-answer");
  answer.setAttribute("role", "status");
  answer.setAttribute("aria-live", "polite");
  const dueError = formError();
  dueError.classList.add("wide");
  due.append(dueHeading, el("p", t("admin.due_hint"), "hint wide"),
             labelled(t("admin.due_from"), from), labelled(t("admin.due_target"), target),
             dueError, button(t("admin.due_submit"), null, "", "submit"), answer);
  box.appendChild(due);

  let editing = null;

  /* What the form would send, or the pieces it cannot read (shown beside
   * their fields). */
  function read() {
    const problems = [];
    const body = { name: name.value, timezone: zone.value.trim(), week: {} };
    for (const d of DAYS) {
      const h = parseHours(form.elements[`week.${d}`].value);
      body.week[d] = h.hours;
      if (h.bad.length) problems.push([`week.${d}`, h.bad]);
    }
    const hol = parseDates(holidays.value), work = parseDates(workdays.value);
    const wh = parseHours(workdayHours.value);
    body.holidays = hol.dates;
    body.workdays = work.dates;
    body.workday_hours = wh.hours;
    if (hol.bad.length) problems.push(["holidays", hol.bad]);
    if (work.bad.length) problems.push(["workdays", work.bad]);
    if (wh.bad.length) problems.push(["workday_hours", wh.bad]);
    return { body, problems, both: hol.dates.filter((d) => work.dates.includes(d)) };
  }

  function count() {
    const { body, problems, both } = read();
    counted.textContent = t("admin.will_save")
      .replace("{h}", body.holidays.length).replace("{w}", body.workdays.length);
    counted.classList.toggle("error", both.length > 0);
    if (both.length) counted.textContent += ` ${t("admin.both_lists")} ${both.join(", ")}`;
    for (const m of form.querySelectorAll(".field-error")) {
      const bad = problems.find(([f]) => f === m.dataset.errorFor);
      m.textContent = bad ? `${t("admin.unreadable")} ${bad[1].join(" ")}` : "";
    }
    return problems.length === 0;
  }
  form.addEventListener("input", count);

  function edit(cal) {
    editing = cal;
    clearProblem(form);
    name.value = cal?.name ?? "";
    zone.value = cal?.timezone ?? "Asia/Shanghai";
    for (const d of DAYS)
      form.elements[`week.${d}`].value = cal ? formatHours(cal.week[d]) : (d === "sat" || d === "sun" ? "" : OFFICE);
    holidays.value = cal ? formatDates(cal.holidays) : "";
    workdays.value = cal ? formatDates(cal.workdays) : "";
    workdayHours.value = cal ? formatHours(cal.workday_hours) : OFFICE;
    heading.textContent = cal ? `${t("admin.edit")}: ${cal.name}` : t("admin.add_calendar");
    submit.textContent = cal ? t("admin.save") : t("admin.add_calendar");
    cancel.hidden = !cal;
    due.hidden = !cal;
    answer.textContent = "";
    dueHeading.textContent = cal ? `${t("admin.due_check")}: ${cal.name}` : t("admin.due_check");
    count();
    if (cal) heading.focus();
  }

  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearProblem(form);
    if (!count()) {
      error.textContent = t("admin.fix_fields");
      error.hidden = false;
      return;
    }
    const { body } = read();
    submit.disabled = true;
    const r = editing ? await api("PUT", `/api/v1/calendars/${editing.id}`, body)
                      : await api("POST", "/api/v1/calendars", body);
    submit.disabled = false;
    if (r.status !== 200 && r.status !== 201) {
      showProblem(form, r);
      return;
    }
    done.textContent = `${t("admin.saved")}: ${r.data.name} · ${t("admin.will_save")
      .replace("{h}", r.data.holidays.length).replace("{w}", r.data.workdays.length)}`;
    await refresh();
    edit(r.data);  // stays open, so its due dates can be checked at once
  });

  due.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    clearProblem(due);
    answer.textContent = "";
    if (!editing) return;
    const at = `${from.value.slice(0, 16)}:00${zoneOffset(editing.timezone, from.value.slice(0, 16))}`;
    const r = await api("POST", `/api/v1/calendars/${editing.id}/due`, { from: at, target: target.value.trim() });
    if (r.status !== 200) {
      showProblem(due, r);
      return;
    }
    answer.textContent = `${t("admin.due_answer")} ${when(r.data.due_at)} (${r.data.due_at})`;
  });

  async function refresh() {
    const items = await loadList("/api/v1/calendars?limit=500", state);
    body.replaceChildren();
    tbl.hidden = !items || items.length === 0;
    for (const c of items ?? []) {
      const tr = el("tr");
      const hours = c.working_day_minutes;
      tr.append(el("td", c.name), el("td", c.timezone),
                el("td", `${Math.floor(hours / 60)}${t("clock.h")}${hours % 60 ? `${hours % 60}${t("clock.m")}` : ""}`),
                el("td", c.holidays.length), el("td", c.workdays.length));
      const td = el("td");
      const b = button(t("admin.edit"), () => edit(c), "link");
      b.setAttribute("aria-label", `${t("admin.edit")} ${c.name}`);
      td.appendChild(b);
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }

  edit(null);
  await refresh();
}
