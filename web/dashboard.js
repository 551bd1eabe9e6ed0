// web/dashboard.js - today and this month at a glance, as charts (Apache
// ECharts, bundled from npm at build time and loaded only on this screen):
// today's complaints by their state now (as a list too, readable without
// the chart), this month's by channel and by category, the on-time rate of
// each clock, and the overdue complaints by department (among the first
// 500 open). "Today" and "this month" are the server's, in the calendar's
// zone (Beijing), not the browser's.

import { api } from "@asset(api.js)";
import { el, t } from "@asset(i18n.js)";

let loading = null;

function loadECharts() {
  if (window.echarts) return Promise.resolve(window.echarts);
  loading ??= new Promise((ok, fail) => {
    const s = document.createElement("script");
    s.src = "@asset(vendor/echarts.min.js)";
    s.onload = () => ok(window.echarts);
    s.onerror = fail;
    document.head.appendChild(s);
  });
  return loading;
}

// The workflow's states in their order, for today's counts.
const STATES = ["registered", "assigned", "in_progress", "pending_approval", "executing",
                "resolved", "transferred", "closed", "withdrawn", "merged"];

/* Today's date where the server is (its clock, its display zone). */
async function today() {
  const r = await api("GET", "/api/v1/me");
  const m = /^(\d{4}-\d{2}-\d{2})T/.exec(r.data?.now ?? "");
  if (m) return m[1];
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/* Today's counts as a list: state and number, every state shown (zeros
 * too, so the list keeps its size as the day goes on). */
function todayList(rows) {
  const list = document.getElementById("today-counts");
  const by = new Map((rows ?? []).map((r) => [r.key, r.total]));
  // Before the numbers arrive (rows null) the same items hold their place.
  const count = (n) => (rows ? String(n ?? 0) : "…");
  list.replaceChildren();
  for (const s of STATES) {
    const li = el("li", undefined, by.get(s) ? "" : "zero");
    li.dataset.status = s;
    li.append(el("span", t(`status.${s}`)), el("strong", count(by.get(s))));
    list.appendChild(li);
  }
  const total = el("li", undefined, "total");
  total.dataset.status = rows ? "total" : "";
  total.append(el("span", t("dashboard.today_total")),
               el("strong", count((rows ?? []).reduce((n, r) => n + r.total, 0))));
  list.appendChild(total);
}

function bars(echarts, id, labels, values, opts = {}) {
  const node = document.getElementById(id);
  const chart = echarts.getInstanceByDom(node) || echarts.init(node);
  chart.setOption({
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    // Counts are whole numbers: no 0.5 ticks.
    xAxis: { type: "value", max: opts.max, minInterval: 1 },
    yAxis: { type: "category", data: labels, inverse: true },
    series: [{ type: "bar", data: values, itemStyle: { color: opts.color || "#1f5fbf" } }],
    tooltip: {},
    animation: false,
  }, true);
  node.dataset.count = String(values.length);
}

export async function showDashboard() {
  const state = document.getElementById("dashboard-state");
  state.textContent = t("queue.loading");
  state.classList.remove("error");
  if (!document.querySelector("#today-counts li")) todayList(null);
  const day = await today();
  const from = `${day.slice(0, 7)}-01`;
  const [echarts, byChannel, byCategory, byDept, overdue, byState] = await Promise.all([
    loadECharts(),
    api("GET", `/api/v1/reports/summary?group_by=channel&from=${from}`),
    api("GET", `/api/v1/reports/summary?group_by=category&from=${from}`),
    api("GET", "/api/v1/reports/summary?group_by=department"),
    api("GET", "/api/v1/complaints?status=open&limit=500"),
    api("GET", `/api/v1/reports/summary?group_by=status&from=${day}&to=${day}`),
  ]);
  const failed = [byChannel, byCategory, byDept, overdue, byState].find((r) => r.status !== 200);
  if (failed) {
    state.textContent = failed.data?.detail ? `${t("queue.error")}: ${failed.data.detail}` : t("queue.error");
    state.classList.add("error");
    return;
  }
  state.textContent = "";
  const rows = (r) => r.data.items.filter((x) => x.key !== "total");
  const todays = rows(byState);
  document.getElementById("today-caption").textContent = `${t("dashboard.today")} · ${day}`;
  todayList(todays);
  bars(echarts, "chart-today", todays.map((x) => t(`status.${x.key}`)), todays.map((x) => x.total),
       { color: "#7a4dbf" });
  const ch = rows(byChannel);
  bars(echarts, "chart-channel", ch.map((x) => t(`channel.${x.key}`)), ch.map((x) => x.total));
  const cat = rows(byCategory);
  bars(echarts, "chart-category", cat.map((x) => x.label || t("dashboard.none")), cat.map((x) => x.total));
  const clocks = Object.entries(byDept.data.items.at(-1).clocks || {});
  bars(echarts, "chart-ontime", clocks.map(([name]) => t(`clock.${name}`)),
       clocks.map(([, c]) => Math.round((c.on_time_rate ?? 0) * 100)), { max: 100, color: "#2e7d32" });
  // Overdue: an open complaint with a running clock past its due time.
  const late = new Map();
  for (const c of overdue.data.items)
    if (c.clocks.some((k) => k.remaining_working_seconds !== null && k.remaining_working_seconds < 0))
      late.set(c.department_id, (late.get(c.department_id) || 0) + 1);
  const depts = await api("GET", "/api/v1/departments?limit=500");
  const byId = new Map((depts.data?.items ?? []).map((d) => [d.id, d.name]));
  const lateRows = [...late.entries()].sort((a, b) => b[1] - a[1]);
  bars(echarts, "chart-overdue", lateRows.map(([id]) => byId.get(id) || t("dashboard.no_department")),
       lateRows.map(([, n]) => n), { color: "#b42318" });
}
