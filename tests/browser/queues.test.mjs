// tests/browser/queues.test.mjs - the console's queues: filters that live
// in the address, the approvals, triage and follow-up lists with their
// forms inline, today's counts on the dashboard, and the language that
// follows a user to another browser. The demo database is shared with the
// other files: these tests make their own complaints through the API and
// compare the page with the API, never with fixed counts.

import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { apiLogin, check, PASSWORD, shots, signIn, startServer, test } from "./harness.mjs";

/* A signed-in API caller: call(method, path, body) -> { status, data }. */
async function caller(base, username) {
  const { cookie, csrf } = await apiLogin(base, username);
  return async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, data: res.status === 204 ? null : await res.json() };
  };
}

async function must(r, status, what) {
  const x = await r;
  check(x.status === status, `${what}: ${status}`, x);
  return x.data;
}

/* A page signed in as user, in Chinese (the user's language is kept by the
 * server, and another test may have left it otherwise). */
async function as(browser, base, user, viewport = { width: 1366, height: 768 }, mobile = false) {
  const api = await caller(base, user);
  await must(api("PATCH", "/api/v1/me", { language: "zh-CN" }), 200, `${user} in Chinese`);
  const ctx = await browser.newContext({ viewport, isMobile: mobile });
  const page = await ctx.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.problems = problems;
  await signIn(page, base, user);
  await page.waitForSelector("#nav:not([hidden])");
  return page;
}

async function departmentId(api, name) {
  const d = await must(api("GET", "/api/v1/departments?limit=500"), 200, "departments");
  return d.items.find((x) => x.name === name).id;
}

async function categoryId(api) {
  const c = await must(api("GET", "/api/v1/categories?limit=500"), 200, "categories");
  return c.items.find((x) => x.level === 3)?.id ?? c.items[0].id;
}

async function create(api, extra = {}) {
  return must(api("POST", "/api/v1/complaints", {
    channel: "phone", customer: { name: "测试客户", phone: "13912340000" },
    subject: "队列测试", content: "队列测试内容", ...extra,
  }), 201, "create");
}

/* Every complaint number the API lists for a query (following cursors). */
async function listed(api, query) {
  const out = [];
  let cursor = null;
  do {
    const r = await must(api("GET", `/api/v1/complaints?${query}&limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`), 200, "list");
    out.push(...r.items.map((c) => c.number));
    cursor = r.next_cursor;
  } while (cursor);
  return out;
}

async function rows(page) {
  await page.waitForFunction(() => document.querySelector("#queue-state").textContent === "" ||
    !document.querySelector("#queue-table tbody tr"));
  return page.locator("#queue-table tbody td:first-child").allTextContents();
}

/* Waits for the card of complaint id in a work list, reading on ("more")
 * while the list has further pages. */
async function cardOf(page, section, id) {
  const sel = `#${section} li.card-item[data-id="${id}"]`;
  await page.waitForFunction((s) => {
    const box = document.getElementById(s);
    const state = box.querySelector(".list-state").textContent;
    return !box.hidden && (box.querySelector(".cards li") || (state && state !== "正在加载…"));
  }, section);
  for (let i = 0; i < 40; i++) {
    if (await page.locator(sel).count()) return sel;
    const more = page.locator(`#${section} .more:not([hidden])`);
    if (!(await more.count())) break;
    const n = await page.locator(`#${section} .cards li`).count();
    await more.click();
    await page.waitForFunction(([s, k]) => document.querySelectorAll(`#${s} .cards li`).length > k ||
      document.querySelector(`#${s} .more`).hidden, [section, n]);
  }
  await page.screenshot({ path: join(shots, `failed-${section}.png`), fullPage: true });
  throw new Error(`complaint ${id} is not in #${section}`);
}

const noSideways = (page) => page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);

test("filters set from the bar live in the address, and the list obeys them", async ({ browser, base }) => {
  const kefu = await caller(base, "kefu");
  const shouhou = await departmentId(kefu, "售后服务部");
  const a = await create(kefu, { channel: "letter", subject: "筛选测试 信函转售后" });
  const b = await create(kefu, { channel: "letter", subject: "筛选测试 信函未受理" });
  await must(kefu("POST", `/api/v1/complaints/${a.id}/actions/triage`,
                  { valid: true, severity: 3, department_id: shouhou,
                    category_id: await categoryId(kefu) }), 200, "triage a");
  const me = await must(kefu("GET", "/api/v1/me"), 200, "me");
  const today = me.now.slice(0, 10);

  const page = await as(browser, base, "admin");
  await page.waitForSelector("#queue:not([hidden])");
  await page.click("#filters-box summary");
  await page.selectOption("#filters select[name=status]", "assigned");
  await page.selectOption("#filters select[name=department_id]", { label: "售后服务部" });
  await page.selectOption("#filters select[name=channel]", "letter");
  await page.fill("#filters input[name=from]", today);
  await page.click("#filters button[type=submit]");
  await page.waitForURL(/#\/\?status=assigned&department_id=\d+&channel=letter&from=\d{4}-\d{2}-\d{2}$/);
  const url = page.url();
  check(url.includes(`department_id=${shouhou}`) && url.includes(`from=${today}`), "the address says it", url);
  await page.waitForFunction(() => document.querySelector("#queue h1").textContent === "筛选结果");
  const query = `status=assigned&department_id=${shouhou}&channel=letter&from=${today}`;
  const shown = await rows(page);
  const expected = await listed(kefu, `${query}&sort=due`);
  check(shown.includes(a.number) && !shown.includes(b.number), "the triaged letter only", shown);
  check(JSON.stringify(shown) === JSON.stringify(expected.slice(0, 50)), "the rows are the API's", { shown, expected });
  check((await page.locator("#queue-chips .chip").count()) === 4, "the filters said in words");
  await page.screenshot({ path: join(shots, "queue-filters-1366.png") });

  // A bookmark: the same address in a fresh load restores bar and list.
  await page.reload();
  await page.waitForSelector("#queue:not([hidden])");
  await page.waitForFunction(() => document.querySelector("#filters select[name=department_id]").options.length > 1);
  check(await page.inputValue("#filters select[name=status]") === "assigned", "status restored");
  check(await page.inputValue("#filters select[name=department_id]") === String(shouhou), "department restored");
  check(await page.inputValue("#filters select[name=channel]") === "letter", "channel restored");
  check(await page.inputValue("#filters input[name=from]") === today, "date restored");
  check(JSON.stringify(await rows(page)) === JSON.stringify(shown), "the same rows after reload");

  // Back and forward replay the views.
  await page.click("#nav a[href='#/']");
  await page.waitForFunction(() => document.querySelector("#queue h1").textContent === "我的待办");
  check(await page.inputValue("#filters select[name=status]") === "", "my work: no filter");
  await page.goBack();
  await page.waitForFunction(() => document.querySelector("#queue h1").textContent === "筛选结果");
  check(await page.inputValue("#filters select[name=channel]") === "letter", "back: the filters again");
  check(JSON.stringify(await rows(page)) === JSON.stringify(shown), "back: the same rows");
  await page.goForward();
  await page.waitForFunction(() => document.querySelector("#queue h1").textContent === "我的待办");

  // Overdue only: the API's overdue=true, each row marked in words.
  await page.goto(`${base}/#/?status=open&overdue=true`);
  await page.waitForFunction(() => document.querySelector("#queue h1").textContent === "筛选结果");
  const late = await rows(page);
  const lateApi = await listed(kefu, "status=open&overdue=true&sort=due");
  check(JSON.stringify(late) === JSON.stringify(lateApi.slice(0, 50)), "overdue rows are the API's", { late, lateApi });
  if (late.length) {
    const marks = await page.locator("#queue-table tbody td:nth-child(4) .mark").allTextContents();
    check(marks.length === late.length && marks.every((m) => m === "已超时"), "each marked overdue in words", marks);
  }

  // An address the API refuses: its problem detail is said, not a blank list.
  await page.goto(`${base}/#/?from=2026-13-45`);
  await page.waitForSelector("#queue-state.error");
  const said = await page.textContent("#queue-state");
  check(said.startsWith("加载失败") && said.includes("from"), "the server's detail shown", said);

  // Pages: "more" follows next_cursor and adds the next rows.
  await page.goto(`${base}/#/?status=open,closed`);
  await page.waitForFunction(() => document.querySelector("#queue h1").textContent === "筛选结果");
  const first = await rows(page);
  const all = await listed(kefu, "status=open,closed&sort=due");
  check(first.length === Math.min(50, all.length), "a first page of 50", first.length);
  if (all.length > 50) {
    await page.click("#queue-more");
    await page.waitForFunction(() => document.querySelectorAll("#queue-table tbody tr").length > 50);
    const more = await page.locator("#queue-table tbody td:first-child").allTextContents();
    check(JSON.stringify(more) === JSON.stringify(all.slice(0, Math.min(100, all.length))), "the next page follows", more.length);
  }
  check(page.problems.length === 0, "no script error", page.problems);
  await page.context().close();

  // A phone: the bar folds, nothing scrolls sideways.
  const phone = await as(browser, base, "admin", { width: 390, height: 844 }, true);
  await phone.goto(`${base}/${url.slice(url.indexOf("#"))}`);
  await phone.waitForFunction(() => document.querySelector("#queue h1").textContent === "筛选结果");
  await rows(phone);
  check((await phone.getAttribute("#filters-box", "open")) === null, "results first on a phone");
  check((await phone.locator("#queue-chips .chip").count()) === 4, "the filters said above them");
  await phone.click("#filters-box summary");
  check(await phone.inputValue("#filters select[name=channel]") === "letter", "the bar holds them");
  check(await noSideways(phone), "no sideways scrolling at 390 px");
  await phone.screenshot({ path: join(shots, "queue-filters-phone.png"), fullPage: true });
  await phone.context().close();
});

test("my work: soonest deadline first, overdue and due soon said in words", async ({ browser, base }) => {
  const page = await as(browser, base, "shouhou");
  await page.waitForSelector("#queue-table:not([hidden])");
  const handler = await caller(base, "shouhou");
  const me = await must(handler("GET", "/api/v1/me"), 200, "me");
  const expected = await listed(handler, `status=open&department_id=${me.department.id}&sort=due`);
  check(JSON.stringify(await rows(page)) === JSON.stringify(expected.slice(0, 50)), "sorted as sort=due");
  const marks = await page.locator("#queue-table tbody td:nth-child(4)").evaluateAll((tds) =>
    tds.map((td) => [td.dataset.due, td.querySelector(".mark")?.textContent ?? ""]));
  for (const [kind, text] of marks)
    check((kind === "late" && text === "已超时") || (kind === "soon" && text === "即将到期") ||
          (kind === "ok" && text === ""), "a mark is a word too", marks);
  check(marks.some(([k]) => k === "late"), "the demo's late ones marked", marks);
  await page.context().close();
});

test("the approver approves one plan and rejects one with a reason, in the list", async ({ browser, base }) => {
  const kefu = await caller(base, "kefu");
  const handler = await caller(base, "shouhou");
  const shouhou = await departmentId(kefu, "售后服务部");
  const made = [];
  for (const [i, amount] of [800, 900, 1000].entries()) {
    const c = await create(kefu, { subject: `审批测试 ${i}`, content: `审批测试 ${i}：要求赔偿${amount}元` });
    await must(kefu("POST", `/api/v1/complaints/${c.id}/actions/triage`,
                    { valid: true, severity: 3, department_id: shouhou, category_id: await categoryId(kefu) }),
               200, "triage");
    await must(handler("POST", `/api/v1/complaints/${c.id}/actions/contact`,
                       { method: "phone", note: "已联系客户" }), 200, "contact");
    const p = await must(handler("POST", `/api/v1/complaints/${c.id}/actions/propose_plan`,
                                 { kind: "compensation", description: `补偿方案 ${i}`, amount }), 200, "plan");
    check(p.status === "pending_approval", "waits for the general manager", p.status);
    made.push(c);
  }
  const page = await as(browser, base, "zongjingli");
  check(await page.isVisible("#approvals-link"), "the approver's nav offers approvals");
  check(await page.isHidden("#triage-link"), "but not triage");
  await page.click("#approvals-link");
  await page.waitForURL(/#\/approvals$/);
  const cards = [];
  for (const c of made) cards.push(await cardOf(page, "approvals", c.id));
  const text = await page.textContent(cards[0]);
  check(text.includes("补偿方案 0") && text.includes("800.00") && text.includes("赔偿"), "the plan: kind, description, amount", text);
  await page.waitForFunction((s) => [...document.querySelectorAll(`${s} .brief li`)].some((li) => li.textContent.includes("提出处理方案")), cards[0]);
  check((await page.locator(`${cards[0]} .brief li`).count()) >= 3, "the history in brief");
  await page.locator(cards[0]).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, "approvals-1366.png") });

  // One click approves; the card says so in place.
  await page.click(`${cards[0]} button[data-action=approve]`);
  await page.waitForSelector(`${cards[0]}[data-status=executing]`);
  check((await page.textContent(`${cards[0]} .outcome`)).includes("已批准"), "the outcome shown");
  check((await must(kefu("GET", `/api/v1/complaints/${made[0].id}`), 200, "get")).status === "executing", "approved");

  // Reject opens a reason inline.
  await page.click(`${cards[1]} button[data-action=reject]`);
  await page.fill(`${cards[1]} form[data-action=reject] textarea[name=reason]`, "金额过高，不符合原则");
  await page.click(`${cards[1]} form[data-action=reject] button[type=submit]`);
  await page.waitForSelector(`${cards[1]}[data-status=in_progress]`);
  const ev = await must(kefu("GET", `/api/v1/complaints/${made[1].id}/events`), 200, "events");
  const last = ev.items.at(-1);
  check(last.type === "reject" && last.note === "金额过高，不符合原则", "rejected with the reason", last);

  // Someone else decided the third meanwhile: the refusal is said, the reason kept.
  const other = await caller(base, "zongjingli");
  await must(other("POST", `/api/v1/complaints/${made[2].id}/actions/approve`, { note: "同意" }), 200, "approve elsewhere");
  await page.click(`${cards[2]} button[data-action=reject]`);
  await page.fill(`${cards[2]} textarea[name=reason]`, "<b>不同意</b>");
  await page.click(`${cards[2]} form[data-action=reject] button[type=submit]`);
  await page.waitForSelector(`${cards[2]} .error:not([hidden])`);
  const error = await page.textContent(`${cards[2]} .error`);
  check(error.startsWith("未保存: ") && error.length > 6, "the server's detail shown", error);
  check(await page.inputValue(`${cards[2]} textarea[name=reason]`) === "<b>不同意</b>", "what was typed kept");
  check(page.problems.length === 0, "no script error", page.problems);
  await page.context().close();

  const phone = await as(browser, base, "zongjingli", { width: 390, height: 844 }, true);
  await phone.goto(`${base}/#/approvals`);
  await phone.waitForSelector("#approvals .cards li .brief li");
  check(await noSideways(phone), "approvals fit a phone");
  await phone.context().close();
});

test("the agent triages from the triage list: valid to a department, invalid with a transfer slip", async ({ browser, base }) => {
  const kefu = await caller(base, "kefu");
  const valid = await create(kefu, { subject: "受理测试 有效", content: "保养后车辆异响" });
  const invalid = await create(kefu, { subject: "受理测试 无效", content: "小区停车场收费不合理" });
  const page = await as(browser, base, "kefu");
  check(await page.isVisible("#triage-link") && await page.isVisible("#followups-link"), "the agent's lists in the nav");
  check(await page.isHidden("#approvals-link"), "approvals are not the agent's");
  await page.click("#triage-link");
  await page.waitForURL(/#\/triage$/);
  const v = await cardOf(page, "triage", valid.id);
  await page.selectOption(`${v} select[name=severity]`, "3");
  await page.selectOption(`${v} select[name=department_id]`, { label: "售后服务部" });
  await page.selectOption(`${v} select[name=category_id]`, { index: 1 });
  await page.locator(v).scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, "triage-1366.png") });
  await page.click(`${v} button[type=submit]`);
  await page.waitForSelector(`${v}[data-status=assigned]`);
  const got = await must(kefu("GET", `/api/v1/complaints/${valid.id}`), 200, "get");
  check(got.status === "assigned" && got.severity === 3, "assigned with its severity", got);

  const n = await cardOf(page, "triage", invalid.id);
  await page.check(`${n} input[name=valid][value=false]`);
  check(await page.isHidden(`${n} select[name=department_id]`), "the department is for valid ones");
  await page.fill(`${n} input[name=reason]`, "不属于本公司服务范围");
  await page.fill(`${n} input[name=to_party]`, "物业公司");
  await page.fill(`${n} input[name=contact_person]`, "王经理");
  await page.fill(`${n} input[name=contact_phone]`, "010-88886666");
  await page.fill(`${n} input[name=contact_address]`, "朝阳区1号");
  await page.click(`${n} button[type=submit]`);
  await page.waitForSelector(`${n}[data-status=transferred]`);
  const t = await must(kefu("GET", `/api/v1/complaints/${invalid.id}`), 200, "get");
  check(t.status === "transferred" && t.transfer?.to_party === "物业公司" &&
        t.transfer?.contact_phone === "010-88886666", "transferred with its slip", t);
  check(page.problems.length === 0, "no script error", page.problems);
  await page.context().close();

  const phone = await as(browser, base, "kefu", { width: 390, height: 844 }, true);
  await phone.goto(`${base}/#/triage`);
  await phone.waitForSelector("#triage .cards li form");
  check(await noSideways(phone), "triage fits a phone");
  await phone.screenshot({ path: join(shots, "triage-phone.png") });
  await phone.context().close();
});

test("the follow-up list shows a resolved complaint once its window opens, and records it", async ({ browser }) => {
  // A server of its own whose clock the test moves (REDRESS_FAKE_NOW).
  const now = new Date();
  const clock = join(process.env.TMPDIR || "/tmp", `redress-fake-now-${process.pid}`);
  writeFileSync(clock, now.toISOString().replace(/\.\d+Z$/, "Z") + "\n");
  const server = await startServer({ demo: false, env: { REDRESS_FAKE_NOW: clock } });
  try {
    const base = server.base;
    const admin = await caller(base, "admin");
    const shouhou = await departmentId(admin, "售后服务部");
    for (const [username, role, department_id] of [["fu_agent", "agent", null], ["fu_handler", "handler", shouhou]])
      await must(admin("POST", "/api/v1/users", { username, password: PASSWORD, display_name: username,
                                                    role, department_id }), 201, `user ${username}`);
    const agent = await caller(base, "fu_agent");
    const handler = await caller(base, "fu_handler");
    const c = await create(agent, { subject: "回访测试", content: "维修后仍有异响" });
    await must(agent("POST", `/api/v1/complaints/${c.id}/actions/triage`,
                     { valid: true, severity: 1, department_id: shouhou, category_id: await categoryId(agent) }),
               200, "triage");
    await must(handler("POST", `/api/v1/complaints/${c.id}/actions/contact`, { method: "phone", note: "已联系" }), 200, "contact");
    await must(handler("POST", `/api/v1/complaints/${c.id}/actions/propose_plan`,
                       { kind: "apology", description: "致歉并免费复检" }), 200, "plan");
    const r = await must(handler("POST", `/api/v1/complaints/${c.id}/actions/resolve`, { result: "已复检" }), 200, "resolve");
    check(r.status === "resolved", "resolved", r.status);
    const fu = r.clocks.find((k) => k.name === "follow_up");
    check(fu && fu.opens_at, "a follow-up clock with a window", r.clocks);

    let page = await as(browser, base, "fu_agent");
    await page.goto(`${base}/#/follow-ups`);
    await page.waitForFunction(() => document.querySelector("#followups .list-state").textContent === "没有到回访期的投诉");
    check(await page.locator("#followups .cards li").count() === 0, "not before its window opens");
    await page.context().close();

    // The window opens: the clock moves past opens_at (sessions expire on
    // the way, so the agent signs in again).
    const later = new Date(Date.parse(fu.opens_at) + 3600 * 1000);
    writeFileSync(clock, later.toISOString().replace(/\.\d+Z$/, "Z") + "\n");
    page = await as(browser, base, "fu_agent");
    await page.click("#followups-link");
    const card = await cardOf(page, "followups", c.id);
    check((await page.textContent(card)).includes("回访期"), "the window shown");
    await page.selectOption(`${card} select[name=method]`, "phone");
    await page.check(`${card} input[name=satisfied]`);
    await page.selectOption(`${card} select[name=score]`, "5");
    await page.fill(`${card} textarea[name=comment]`, "满意，谢谢");
    await page.screenshot({ path: join(shots, "followups-1366.png") });
    await page.click(`${card} button[type=submit]`);
    await page.waitForSelector(`${card}[data-status=closed]`);
    const again = await caller(base, "fu_agent");  // the earlier session has expired
    const closed = await must(again("GET", `/api/v1/complaints/${c.id}`), 200, "get");
    check(closed.status === "closed" && closed.satisfaction?.score === 5, "closed, satisfied, 5", closed);
    check(page.problems.length === 0, "no script error", page.problems);
    await page.context().close();
  } finally {
    server.proc.kill("SIGTERM");
    rmSync(server.dir, { recursive: true, force: true });
    rmSync(clock, { force: true });
  }
});

test("the dashboard shows today's counts by state", async ({ browser, base }) => {
  const kefu = await caller(base, "kefu");
  await create(kefu, { subject: "看板测试" });
  const page = await as(browser, base, "admin");
  await page.goto(`${base}/#/dashboard`);
  await page.waitForSelector("#today-counts li[data-status=total]");
  for (const id of ["chart-today", "chart-channel", "chart-category", "chart-ontime", "chart-overdue"])
    await page.waitForSelector(`#${id}[data-count] canvas`);
  const me = await must(kefu("GET", "/api/v1/me"), 200, "me");
  const day = me.now.slice(0, 10);
  const report = await must(kefu("GET", `/api/v1/reports/summary?group_by=status&from=${day}&to=${day}`), 200, "report");
  const shown = Object.fromEntries(await page.locator("#today-counts li").evaluateAll((lis) =>
    lis.map((li) => [li.dataset.status, Number(li.querySelector("strong").textContent)])));
  for (const row of report.items)
    check(shown[row.key] === row.total, `today's ${row.key} as the API counts it`, { shown, row });
  check(shown.registered >= 1, "today's new complaint counted", shown);
  check((await page.textContent("#today-counts li[data-status=registered] span")) === "已登记", "states by name");
  check((await page.textContent("#today-caption")).includes(day), "the day said");
  await page.screenshot({ path: join(shots, "dashboard-1366.png") });
  check(page.problems.length === 0, "no script error", page.problems);
  await page.context().close();

  const phone = await as(browser, base, "admin", { width: 390, height: 844 }, true);
  await phone.goto(`${base}/#/dashboard`);
  await phone.waitForSelector("#chart-overdue[data-count] canvas");
  check(await noSideways(phone), "no sideways scrolling at 390 px");
  await phone.screenshot({ path: join(shots, "dashboard-phone.png"), fullPage: true });
  await phone.context().close();
});

test("a user's language follows them to another browser", async ({ browser, base }) => {
  const admin = await caller(base, "admin");
  const name = `lang_${Date.now()}`;
  await must(admin("POST", "/api/v1/users", { username: name, password: PASSWORD, display_name: "语言测试",
                                              role: "analyst" }), 201, "a user");
  const one = await browser.newContext();
  const a = await one.newPage();
  await signIn(a, base, name);
  // Signed in (the queue shown), not merely the hidden queue's caption.
  await a.waitForSelector("#queue:not([hidden])");
  check(await a.textContent("#queue h1") === "我的待办", "Chinese at first");
  await a.selectOption("#lang", "en");
  await a.waitForFunction(() => document.querySelector("#queue h1").textContent === "My work");
  check(await a.getAttribute("html", "lang") === "en", "English in the first browser");

  // Another browser: no local memory of the choice, so the sign-in page is
  // Chinese; the user's language comes with the sign-in.
  const two = await browser.newContext();
  const b = await two.newPage();
  await b.goto(base + "/");
  await b.waitForSelector("#login:not([hidden])");
  check(await b.textContent("#login h1") === "登录", "Chinese before sign-in");
  await signIn(b, base, name);
  await b.waitForSelector("#queue:not([hidden])");
  await b.waitForFunction(() => document.querySelector("#queue h1").textContent === "My work");
  check(await b.getAttribute("html", "lang") === "en" && await b.inputValue("#lang") === "en",
        "English in the second browser");
  check(await b.textContent("#nav a[href='#/dashboard']") === "Dashboard", "the nav in English too");

  // Switching back there is remembered for the first one as well.
  await b.selectOption("#lang", "zh-CN");
  await b.waitForFunction(() => document.querySelector("#queue h1").textContent === "我的待办");
  const me = await (await caller(base, name))("GET", "/api/v1/me");
  check(me.data.language === "zh-CN", "saved on the server", me.data);
  await one.close();
  await two.close();
});
