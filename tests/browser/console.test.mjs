// tests/browser/console.test.mjs - the staff console: intake by keyboard,
// the whole workflow by role, search, administration, the dashboard,
// languages, hostile text and a phone's width.

import { rmSync } from "node:fs";
import { join } from "node:path";
import { act, apiLogin, check, PASSWORD, shots, signIn, startServer, statusOf, test } from "./harness.mjs";

test("an agent signs in by keyboard and sees the work queue", async ({ browser, base }) => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(base + "/");
  await page.waitForSelector("#login:not([hidden])"); // shown once the catalog is in
  check(await page.textContent("#login h1") === "登录", "Chinese by default",
        await page.textContent("#login h1"));
  await page.screenshot({ path: join(shots, "login-1366.png") });
  await signIn(page, base, "kefu");
  await page.waitForSelector("#queue:not([hidden])");
  check(await page.textContent("#queue h1") === "我的待办", "the queue, in Chinese");
  await page.waitForFunction(() => document.querySelector("#queue-state").textContent !== "正在加载…");
  const rows = await page.locator("#queue-table tbody tr").count();
  check(rows > 0, "the demo's open complaints are listed", rows);
  await page.screenshot({ path: join(shots, "queue-1366.png") });
  await page.close();
});

test("an agent registers a phone complaint by keyboard alone", async ({ browser, base }) => {
  // A caller who complained before: the form says so as the number is typed.
  const { cookie, csrf } = await apiLogin(base, "kefu");
  const earlier = await fetch(`${base}/api/v1/complaints`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": csrf },
    body: JSON.stringify({ channel: "phone", customer: { name: "陈先生", phone: "13812345678" },
                           content: "上次保养后空调不制冷" }),
  });
  check(earlier.status === 201, "an earlier complaint", earlier.status);

  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await signIn(page, base, "kefu");
  await page.waitForSelector("#queue:not([hidden])");
  const t0 = Date.now();
  await page.goto(base + "/#/new");
  await page.waitForSelector("#intake:not([hidden])");
  await page.waitForFunction(() => document.activeElement?.name === "phone");
  await page.keyboard.type("13812345678");
  await page.keyboard.press("Tab");
  await page.waitForSelector("#intake-history .repeat");
  check((await page.textContent("#intake-history .repeat")).includes("1"), "a repeat customer stands out");
  check(await page.inputValue("#intake-form input[name=name]") === "陈先生", "the name filled from the record");
  await page.keyboard.press("Tab");            // channel: phone
  await page.keyboard.press("Tab");
  await page.keyboard.type("空调维修");         // subject
  await page.keyboard.press("Tab");
  await page.keyboard.type("维修后空调仍然不制冷，要求退还维修费");
  await page.keyboard.press("Tab");
  await page.keyboard.type("退还维修费500元");  // demands
  await page.screenshot({ path: join(shots, "intake-keyboard-1366.png") });
  await page.keyboard.press("Enter");
  await page.waitForURL(/#\/c\/\d+$/);
  await page.waitForFunction(() => /^TS\d{8}-\d{6}/.test(document.querySelector("#complaint h1").textContent));
  const seconds = (Date.now() - t0) / 1000;
  check(seconds < 60, "well under a minute", seconds);
  const text = await page.textContent("#complaint dl");
  check(text.includes("维修后空调仍然不制冷") && text.includes("13812345678"), "the complaint page", text);
  check(await page.locator("#complaint .clocks tbody tr").count() > 0, "its time limits shown");
  await page.screenshot({ path: join(shots, "complaint-new-1366.png") });
  await page.close();
});

/* Opens complaint id as a signed-in page and takes one action through its form. */
test("the whole life of a complaint, by each role in the browser", async ({ browser, base }) => {
  const as = async (user) => {
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await ctx.newPage();
    await signIn(page, base, user);
    await page.waitForSelector("#queue:not([hidden])");
    return page;
  };
  const agent = await as("kefu");
  await agent.goto(base + "/#/new");
  await agent.waitForSelector("#intake:not([hidden])");
  await agent.fill("#intake-form input[name=phone]", "13711112222");
  await agent.fill("#intake-form textarea[name=content]", "新车交付一周发动机异响，要求赔偿");
  await agent.press("#intake-form input[name=phone]", "Enter");
  await agent.waitForURL(/#\/c\/\d+$/);
  const id = agent.url().split("/").pop();

  await act(agent, base, id, "triage", async (f) => {
    await agent.selectOption(`${f} select[name=severity]`, "3");
    await agent.selectOption(`${f} select[name=department_id]`, { label: "售后服务部" });
    await agent.selectOption(`${f} select[name=category_id]`, { index: 1 });
  });
  check(await statusOf(agent) === "已转交", "assigned", await statusOf(agent));

  const handler = await as("shouhou");
  await act(handler, base, id, "contact", async (f) => {
    await handler.selectOption(`${f} select[name=method]`, "phone");
    await handler.fill(`${f} textarea[name=note]`, "已电话联系客户，约定到店检测");
  });
  const plan = (amount) => async (f) => {
    await handler.selectOption(`${f} select[name=kind]`, "compensation");
    await handler.fill(`${f} textarea[name=description]`, "补偿保养券");
    await handler.fill(`${f} input[name=amount]`, amount);
  };
  await act(handler, base, id, "propose_plan", plan("800"));
  check(await statusOf(handler) === "待审批", "800 yuan waits for the general manager", await statusOf(handler));

  const approver = await as("zongjingli");
  await act(approver, base, id, "reject", async (f) => {
    await approver.fill(`${f} textarea[name=reason]`, "金额过高，不符合原则");
  });
  check(await statusOf(approver) === "处理中", "rejected back", await statusOf(approver));
  await act(handler, base, id, "propose_plan", plan("600"));
  await act(approver, base, id, "approve", async () => {});
  check(await statusOf(approver) === "执行中", "approved", await statusOf(approver));
  await act(handler, base, id, "resolve", async (f) => {
    await handler.fill(`${f} textarea[name=result]`, "已检修并发放保养券");
  });
  check(await statusOf(handler) === "已处理待回访", "resolved", await statusOf(handler));

  // Unsatisfied: reopened; then a new plan, resolved again, and satisfied.
  await act(agent, base, id, "follow_up", async (f) => {
    await agent.selectOption(`${f} select[name=method]`, "phone");
    await agent.uncheck(`${f} input[name=satisfied]`);
    await agent.selectOption(`${f} select[name=score]`, "2");
  });
  check(await statusOf(agent) === "处理中", "unsatisfied: reopened", await statusOf(agent));
  await act(handler, base, id, "propose_plan", async (f) => {
    await handler.selectOption(`${f} select[name=kind]`, "apology");
    await handler.fill(`${f} textarea[name=description]`, "部门经理当面致歉");
  });
  await act(handler, base, id, "resolve", async (f) => {
    await handler.fill(`${f} textarea[name=result]`, "经理已上门致歉");
  });
  await act(agent, base, id, "follow_up", async (f) => {
    await agent.selectOption(`${f} select[name=method]`, "phone");
    await agent.check(`${f} input[name=satisfied]`);
    await agent.selectOption(`${f} select[name=score]`, "5");
  });
  check(await statusOf(agent) === "已结案", "satisfied: closed", await statusOf(agent));
  const steps = await agent.locator("#complaint .timeline li").count();
  check(steps >= 11, "every step on the timeline", steps);
  await agent.screenshot({ path: join(shots, "closed-1366.png"), fullPage: true });

  // Another department's handler cannot open it by its address.
  const other = await as("xiaoshou");
  await other.goto(`${base}/#/c/${id}`);
  await other.waitForFunction(() => document.querySelector("#complaint-state").textContent !== "正在加载…"
                                    && document.querySelector("#complaint-state").textContent !== "");
  check(await other.textContent("#complaint-state") === "没有这张投诉单，或您无权查看", "not found for them");
  for (const p of [agent, handler, approver, other]) await p.context().close();
});

test("the general manager sees plans to decide and the bell", async ({ browser, base }) => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await signIn(page, base, "zongjingli");
  await page.waitForSelector("#queue-table:not([hidden])");
  const states = await page.locator("#queue-table tbody td:nth-child(3)").allTextContents();
  check(states.length > 0 && states.every((s) => s === "待审批"), "only plans awaiting approval", states);
  // The demo's overdue escalations reached the general manager at start.
  await page.waitForFunction(() => /\d/.test(document.querySelector("#bell").textContent));
  check(await page.getAttribute("#bell", "class") === "unread", "the bell shows unread ones");
  await page.click("#bell");
  await page.waitForSelector("#notifications li a");
  const items = await page.locator("#notifications li a").count();
  check(items > 0, "the notifications listed", items);
  await page.screenshot({ path: join(shots, "notifications-1366.png") });
  await page.close();
});

test("a search by a two-character word lives in the address", async ({ browser, base }) => {
  const { cookie, csrf } = await apiLogin(base, "kefu");
  const r = await fetch(`${base}/api/v1/complaints`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": csrf },
    body: JSON.stringify({ channel: "walk_in", customer: { name: "林女士", phone: "13655556666" },
                           subject: "雨伞遗失", content: "在前台寄存的雨伞不见了" }),
  });
  check(r.status === 201, "registered", r.status);
  const page = await browser.newPage();
  await signIn(page, base, "kefu");
  await page.waitForSelector("#queue:not([hidden])");
  await page.fill("#search-q", "雨伞");
  await page.keyboard.press("Enter");
  await page.waitForURL(/#\/\?q=/);
  await page.waitForFunction(() => document.querySelector("#queue h1").textContent === "搜索结果");
  await page.waitForSelector("#queue-table:not([hidden])");
  const subjects = await page.locator("#queue-table tbody td:nth-child(2)").allTextContents();
  check(subjects.length === 1 && subjects[0] === "雨伞遗失", "found exactly it", subjects);
  await page.reload();  // a bookmark of the search
  await page.waitForSelector("#queue-table:not([hidden])");
  check(await page.inputValue("#search-q") === "雨伞", "the search kept by the address");
  await page.close();
});

test("administration is the admin's; an agent is not offered it", async ({ browser, base }) => {
  const agent = await browser.newPage();
  await signIn(agent, base, "kefu");
  await agent.waitForSelector("#queue:not([hidden])");
  check(await agent.isHidden("#admin-link"), "no administration link for an agent");
  await agent.goto(base + "/#/admin");
  await agent.waitForSelector("#admin-denied:not([hidden])");
  check(await agent.isHidden("#admin .body"), "nothing of it shown");
  await agent.close();

  const admin = await browser.newPage();
  await signIn(admin, base, "admin");
  await admin.waitForSelector("#admin-link:not([hidden])");
  await admin.click("#admin-link");
  await admin.waitForSelector("#admin .body:not([hidden])");
  await admin.fill("#admin-department-form input[name=code]", "quality");
  await admin.fill("#admin-department-form input[name=name]", "质量管理部");
  await admin.keyboard.press("Enter");
  await admin.waitForFunction(() => [...document.querySelectorAll("#admin-departments td")]
    .some((td) => td.textContent === "质量管理部"));
  await admin.click("#admin .subnav a[href='#/admin/users']");
  await admin.waitForFunction(() => document.querySelectorAll("#admin-users tbody tr").length > 5);
  await admin.close();
});

test("the dashboard draws its charts", async ({ browser, base }) => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const problems = [];
  // (A 401 for /api/v1/me before signing in is expected, and logged too.)
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("401")) problems.push(m.text());
  });
  page.on("pageerror", (e) => problems.push(e.message));
  await signIn(page, base, "admin");
  await page.waitForSelector("#queue:not([hidden])");
  await page.goto(base + "/#/dashboard");
  for (const id of ["chart-channel", "chart-category", "chart-ontime", "chart-overdue"])
    await page.waitForSelector(`#${id}[data-count] canvas`);
  const counts = await page.$$eval(".chart", (els) => els.map((e) => Number(e.dataset.count)));
  check(counts[2] > 0 && counts[3] > 0, "on-time rates and overdue departments drawn", counts);
  await page.screenshot({ path: join(shots, "dashboard-1366.png") });
  check(problems.length === 0, "no script or CSP error", problems);
  await page.close();
});

test("a wrong password is said, and what was typed stays", async ({ browser, base }) => {
  const page = await browser.newPage();
  await signIn(page, base, "kefu", "not-the-password");
  await page.waitForSelector("#login-error:not([hidden])");
  check(await page.textContent("#login-error") === "用户名或密码不正确", "the error",
        await page.textContent("#login-error"));
  check(await page.inputValue("input[name=username]") === "kefu", "the user name kept");
  await page.close();
});

test("the language switch changes the page and is remembered", async ({ browser, base }) => {
  const page = await browser.newPage();
  await signIn(page, base, "kefu");
  await page.waitForSelector("#queue:not([hidden])");
  await page.selectOption("#lang", "en");
  await page.waitForFunction(() => document.querySelector("#queue h1").textContent === "My work");
  check(await page.getAttribute("html", "lang") === "en", "html lang follows");
  await page.reload();
  await page.waitForSelector("#queue:not([hidden])");
  await page.waitForFunction(() => document.querySelector("#queue h1").textContent === "My work");
  // The choice is kept by the server now: wait until Chinese is saved back.
  await page.selectOption("#lang", "zh-CN");
  await page.waitForFunction(() => document.querySelector("#queue h1").textContent === "我的待办");
  await page.close();
});

test("what users typed shows as text, never as markup", async ({ browser }) => {
  // A database of its own, so that the hostile complaint is the only one.
  const server = await startServer({ demo: false });
  try {
    const { cookie, csrf } = await apiLogin(server.base, "admin");
    const hostile = {
      subject: '<img src=x onerror="window.__xss=1">',
      content: "<script>window.__xss=2</script>投诉内容",
    };
    const res = await fetch(`${server.base}/api/v1/complaints`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": csrf },
      body: JSON.stringify({ channel: "phone", customer: { name: "测试", phone: "13900000000" },
                             ...hostile }),
    });
    check(res.status === 201, "registered", res.status);
    const page = await browser.newPage();
    await signIn(page, server.base, "admin");
    await page.waitForSelector("#queue-table:not([hidden])");
    const cells = await page.locator("#queue-table td").allTextContents();
    check(cells.includes(hostile.subject), "the subject shown as those characters", cells);
    check(await page.evaluate(() => window.__xss) === undefined, "nothing ran");
    check(await page.locator("#queue-table img").count() === 0, "no element made from it");
    await page.close();
  } finally {
    server.proc.kill("SIGTERM");
    rmSync(server.dir, { recursive: true, force: true });
  }
});

test("the console fits a phone", async ({ browser, base }) => {
  const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true });
  await signIn(page, base, "kefu");
  await page.waitForSelector("#queue-table:not([hidden])");
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  check(!overflow, "no sideways scrolling at 390 px");
  await page.screenshot({ path: join(shots, "queue-phone.png") });
  await page.close();
});

test("every screen fits a phone, in English too", async ({ browser, base }) => {
  // An admin of its own (every screen is offered to it) whose language is
  // English: English words are longer than Chinese ones.
  const admin = await apiLogin(base, "admin");
  const name = `phone_en_${Date.now()}`;
  const made = await fetch(`${base}/api/v1/users`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Cookie: admin.cookie, "X-CSRF-Token": admin.csrf },
    body: JSON.stringify({ username: name, password: PASSWORD, display_name: "Phone Reader", role: "admin" }),
  });
  check(made.status === 201, "a user", made.status);
  const self = await apiLogin(base, name);
  const lang = await fetch(`${base}/api/v1/me`, {
    method: "PATCH",
    headers: { "Content-Type": "application/json", Cookie: self.cookie, "X-CSRF-Token": self.csrf },
    body: JSON.stringify({ language: "en" }),
  });
  check(lang.status === 200, "English", lang.status);

  const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
  const page = await ctx.newPage();
  await signIn(page, base, name);
  await page.waitForFunction(() => document.documentElement.lang === "en");
  await page.waitForSelector("#nav:not([hidden])");
  const screens = await page.locator("#nav a[href^='#/']:visible").evaluateAll(
    (links) => links.map((a) => a.getAttribute("href")));
  check(screens.length >= 6, "the nav offers the screens", screens);
  for (const hash of screens) {
    await page.goto(`${base}/${hash}`);
    await page.waitForLoadState("networkidle");
    const wide = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    check(wide <= 0, `no sideways scrolling on ${hash} in English`, wide);
  }
  await page.screenshot({ path: join(shots, "queue-phone-en.png") });
  await ctx.close();
});
