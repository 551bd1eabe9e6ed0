// tests/browser/admin.test.mjs - administration in the browser: sites and
// users, the category tree (keyboard and drag, the four-level limit),
// calendars with a year's holidays and the due-date check, SLA policies
// with their clocks, and API tokens to their revocation. Every object made
// here has a unique name: the demo database is shared with other files.

import { join } from "node:path";
import { apiLogin, check, PASSWORD, shots, signIn, test } from "./harness.mjs";

const tag = Date.now().toString(36).slice(-5);

async function asAdmin(browser, base, viewport = { width: 1366, height: 768 }) {
  const page = await browser.newPage({ viewport });
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("response", (r) => {
    if (r.status() === 404 || r.status() >= 500) problems.push(`${r.status()} ${r.url()}`);
  });
  page.on("console", (m) => {
    // Refused requests are the responses' to judge (below); the browser's
    // own /favicon.ico, which the console does not have, is no problem.
    if (m.type() === "error" && !m.text().startsWith("Failed to load resource"))
      problems.push(m.text());
  });
  await signIn(page, base, "admin");
  await page.waitForSelector("#queue:not([hidden])");
  return { page, problems };
}

/* An admin session over the API, for set-up and for checking what the
 * screens saved. */
async function adminApi(base) {
  const { cookie, csrf } = await apiLogin(base, "admin");
  return async (method, path, body) => {
    const res = await fetch(base + path, {
      method,
      headers: { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, data: res.status === 204 ? null : await res.json() };
  };
}

async function open(page, base, screen, ready) {
  await page.goto(`${base}/#/admin/${screen}`);
  await page.waitForSelector(`#admin .admin-screen[data-screen=${screen}]`);
  await page.waitForSelector(ready);
  await page.waitForFunction(() => document.querySelector("#admin .state")?.textContent !== "正在加载…");
}

test("admin: adds a site and a user with a role; the user signs in", async ({ browser, base }) => {
  const { page, problems } = await asAdmin(browser, base);
  await open(page, base, "sites", "#admin-site-form");
  check(await page.getAttribute("#admin .subnav a[href='#/admin/sites']", "aria-current") === "page",
        "the sub-navigation marks the screen");

  // A refused save says the server's words beside the field and keeps what was typed.
  await page.fill("#admin-site-form input[name=code]", "Not A Code");
  await page.fill("#admin-site-form input[name=name]", `测试门店${tag}`);
  await page.selectOption("#admin-site-form select[name=calendar_id]", { index: 1 });
  await page.click("#admin-site-form button[type=submit]");
  await page.waitForSelector("#admin-site-form .form-error:not([hidden])");
  const fieldMsg = await page.textContent("#admin-site-form .field-error[data-error-for=code]");
  check(fieldMsg.includes("代码"), "the code's problem shown beside it", fieldMsg);
  check(await page.inputValue("#admin-site-form input[name=name]") === `测试门店${tag}`, "what was typed stays");
  await page.fill("#admin-site-form input[name=code]", `s${tag}`);
  await page.click("#admin-site-form button[type=submit]");
  await page.waitForFunction((n) => [...document.querySelectorAll("#admin-sites td")]
    .some((td) => td.textContent === n), `测试门店${tag}`);

  await page.click("#admin .subnav a[href='#/admin/users']");
  await page.waitForSelector("#admin-user-form");
  await page.waitForFunction(() => document.querySelectorAll("#admin-users tbody tr").length > 5);
  const roles = await page.$$eval("#admin-user-form select[name=role] option", (os) => os.map((o) => o.textContent));
  check(roles.includes("客服") && roles.includes("总经理/审批人") && roles.length === 7,
        "the seven roles by their Chinese names", roles);
  const user = `u${tag}`;
  await page.fill("#admin-user-form input[name=username]", user);
  await page.fill("#admin-user-form input[name=display_name]", `<b>王经办${tag}</b>`);
  await page.selectOption("#admin-user-form select[name=role]", "handler");
  await page.selectOption("#admin-user-form select[name=department_id]", { index: 1 });
  await page.fill("#admin-user-form input[name=password]", PASSWORD);
  await page.click("#admin-user-form button[type=submit]");
  await page.waitForFunction((u) => [...document.querySelectorAll("#admin-users tr")]
    .some((tr) => tr.firstChild?.textContent === u), user);
  const row = await page.locator("#admin-users tr", { hasText: user }).allTextContents();
  check(row[0].includes("处理人") && row[0].includes(`<b>王经办${tag}</b>`), "listed with its role, as text", row);
  check(await page.locator("#admin-users b").count() === 0, "no markup made from the name");

  const ctx = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const them = await ctx.newPage();
  await signIn(them, base, user);
  await them.waitForSelector("#queue:not([hidden])");
  check(await them.textContent("#who") === `<b>王经办${tag}</b>`, "the new user is signed in");
  check(await them.isHidden("#admin-link"), "a handler is not offered administration");

  // Edit: a new display name, a reset password, and the old one stops working.
  await page.click(`#admin-users button[aria-label="编辑 <b>王经办${tag}</b>"]`);
  await page.waitForFunction(() => document.querySelector("#admin-user-form input[name=username]").disabled);
  await page.fill("#admin-user-form input[name=display_name]", `王经理${tag}`);
  await page.selectOption("#admin-user-form select[name=role]", "manager");
  await page.fill("#admin-user-form input[name=password]", `${PASSWORD}-new`);
  await page.click("#admin-user-form button[type=submit]");
  await page.waitForFunction((n) => [...document.querySelectorAll("#admin-users td")]
    .some((td) => td.textContent === n), `王经理${tag}`);
  const edited = await page.locator("#admin-users tr", { hasText: user }).allTextContents();
  check(edited[0].includes("部门经理"), "the new role listed", edited);
  await them.click("#logout");
  await signIn(them, base, user);
  await them.waitForSelector("#login-error:not([hidden])");
  await signIn(them, base, user, `${PASSWORD}-new`);
  await them.waitForSelector("#queue:not([hidden])");
  check(await them.textContent("#who") === `王经理${tag}`, "signed in with the reset password");
  await ctx.close();

  // Departments: added, then renamed and switched off.
  await page.click("#admin .subnav a[href='#/admin/departments']");
  await page.waitForSelector("#admin-department-form");
  await page.fill("#admin-department-form input[name=code]", `d${tag}`);
  await page.fill("#admin-department-form input[name=name]", `质检部${tag}`);
  await page.keyboard.press("Enter");
  await page.click(`#admin-departments button[aria-label="编辑 质检部${tag}"]`);
  await page.fill("#admin-department-form input[name=name]", `质检中心${tag}`);
  await page.uncheck("#admin-department-form input[name=active]");
  await page.click("#admin-department-form button[type=submit]");
  await page.waitForFunction((n) => [...document.querySelectorAll("#admin-departments tr")]
    .some((tr) => tr.textContent.includes(n) && tr.lastChild.previousSibling.textContent === "否"), `质检中心${tag}`);
  check(problems.length === 0, "no script or CSP error", problems);
  await page.close();
});

test("admin: the category tree moves by keyboard and by drag; a fifth level is refused", async ({ browser, base }) => {
  const call = await adminApi(base);
  const add = async (name, parent_id = null) =>
    (await call("POST", "/api/v1/categories", { name, parent_id })).data.id;
  const a = await add(`树A${tag}`), b = await add(`树B${tag}`), b1 = await add(`树B1${tag}`, b);
  const c = await add(`树C${tag}`);
  const d1 = await add(`深1${tag}`), d2 = await add(`深2${tag}`, d1), d3 = await add(`深3${tag}`, d2);
  const x = await add(`带子${tag}`), x1 = await add(`子${tag}`, x);
  const get = async (id) => (await call("GET", `/api/v1/categories/${id}`)).data;

  const { page, problems } = await asAdmin(browser, base);
  await open(page, base, "categories", `#admin-category-tree li[data-id="${x1}"]`);
  const rowOf = (id) => `#admin-category-tree li[data-id="${id}"]`;

  // Keyboard: B goes under the sibling before it (A), its child with it.
  await page.focus(`${rowOf(b)} .cat-name`);
  await page.keyboard.press("Alt+ArrowRight");
  await page.waitForSelector(`${rowOf(b)}.lvl-2`);
  check((await get(b)).parent_id === a && (await get(b1)).level === 3, "B under A by keyboard", await get(b1));
  check(await page.evaluate((id) => document.activeElement?.closest("li")?.dataset.id === String(id), b),
        "the focus stays on the moved row");
  // The row's button: B1 up one level (to A).
  await page.click(`${rowOf(b1)} button[data-act=outdent]`);
  await page.waitForSelector(`${rowOf(b1)}.lvl-2`);
  check((await get(b1)).parent_id === a, "B1 outdented to A", await get(b1));

  // Drag: C onto A.
  await page.dragAndDrop(`${rowOf(c)} .cat-name`, `${rowOf(a)} .cat-name`);
  await page.waitForSelector(`${rowOf(c)}.lvl-2`);
  check((await get(c)).parent_id === a, "C dragged under A", await get(c));

  // A category with a child dragged under a third-level one: five levels, refused.
  await page.dragAndDrop(`${rowOf(x)} .cat-name`, `${rowOf(d3)} .cat-name`);
  await page.waitForSelector("#admin-category-error:not([hidden])");
  const said = await page.textContent("#admin-category-error");
  check(said.includes("4"), "the server's refusal is shown", said);
  check((await get(x)).parent_id === null && (await get(x1)).parent_id === x && (await get(x1)).level === 2,
        "the tree unchanged on the server", [await get(x), await get(x1)]);
  check(await page.locator(`${rowOf(x)}.lvl-1`).count() === 1 &&
        await page.locator(`${rowOf(x1)}.lvl-2`).count() === 1, "and on the screen");
  // By keyboard: a fourth-level row indented under its previous sibling
  // would be the fifth level.
  const d4 = await add(`深4${tag}`, d3), d5 = await add(`深5${tag}`, d3);
  await page.reload();
  await page.waitForSelector(rowOf(d5));
  await page.focus(`${rowOf(d5)} .cat-name`);
  await page.keyboard.press("Alt+ArrowRight");
  await page.waitForSelector("#admin-category-error:not([hidden])");
  check((await get(d5)).parent_id === d3 && (await get(d5)).level === 4, "still under D3", await get(d5));
  check(await page.locator(`${rowOf(d5)}.lvl-4`).count() === 1 && d4 > 0, "and drawn so");
  await page.screenshot({ path: join(shots, "admin-categories-1366.png") });

  // Add a child from the row's button.
  await page.click(`${rowOf(a)} button[data-act=child]`);
  await page.fill("#admin-category-form input[name=name]", `新子类${tag}`);
  await page.keyboard.press("Enter");
  await page.waitForFunction((n) => [...document.querySelectorAll("#admin-category-tree li.lvl-2")]
    .some((li) => li.textContent.includes(n)), `新子类${tag}`);
  check(problems.length === 0, "no script or CSP error", problems);
  await page.close();
});

test("admin: a year's holidays at once, and the due date check answers over them", async ({ browser, base }) => {
  const { page, problems } = await asAdmin(browser, base);
  await open(page, base, "calendars", "#admin-calendar-form");
  const name = `日历${tag}`;
  await page.fill("#admin-calendar-form input[name=name]", name);
  const holidays = "2026-01-01..2026-01-03\n2026-02-15..2026-02-23\n2026-04-04,2026-04-05,2026-04-06\n" +
                   "2026-05-01..2026-05-05\n2026-06-19..2026-06-21\n2026-09-25..2026-09-27\n" +
                   "2026-10-01..2026-10-08\n2026-13-01";
  await page.fill("#admin-calendar-form textarea[name=holidays]", holidays);
  await page.fill("#admin-calendar-form textarea[name=workdays]", "2026-01-04, 2026-02-14, 2026-02-28, 2026-05-09, 2026-09-20, 2026-10-10");
  await page.waitForFunction(() => document.querySelector("#admin-calendar-form .field-error[data-error-for=holidays]").textContent.includes("2026-13-01"));
  await page.click("#admin-calendar-form button[type=submit]");
  await page.waitForSelector("#admin-calendar-form .form-error:not([hidden])");
  await page.fill("#admin-calendar-form textarea[name=holidays]", holidays.replace("\n2026-13-01", ""));
  const count = await page.textContent("#admin-calendar-count");
  check(count.includes("34") && count.includes("6"), "the count of what will be saved", count);
  await page.click("#admin-calendar-form button[type=submit]");
  await page.waitForSelector("#admin-calendar-due:not([hidden])");
  await page.waitForFunction((n) => [...document.querySelectorAll("#admin-calendars td")]
    .some((td) => td.textContent === n), name);

  const call = await adminApi(base);
  const saved = (await call("GET", "/api/v1/calendars")).data.items.find((c) => c.name === name);
  check(saved && saved.holidays.length === 34 && saved.workdays.length === 6 &&
        saved.holidays.includes("2026-10-08"), "saved at once", saved);

  // Wednesday 30 September 17:00 + 2 working hours: one hour that day, the
  // National Day week off, then Friday 9 October 09:00 + 1 hour.
  await page.fill("#admin-calendar-due input[name=from]", "2026-09-30T17:00");
  await page.fill("#admin-calendar-due input[name=target]", "2h");
  await page.click("#admin-calendar-due button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#admin-calendar-due .due-answer").textContent !== "");
  let answer = await page.textContent("#admin-calendar-due .due-answer");
  check(answer.includes("2026-10-09 10:00"), "due after the holidays", answer);
  // Friday 17:30 + 1h: Saturday 10 October is a make-up working day.
  await page.fill("#admin-calendar-due input[name=from]", "2026-10-09T17:30");
  await page.fill("#admin-calendar-due input[name=target]", "1h");
  await page.click("#admin-calendar-due button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#admin-calendar-due .due-answer").textContent.includes("10-10"));
  answer = await page.textContent("#admin-calendar-due .due-answer");
  check(answer.includes("2026-10-10 09:30"), "due on the make-up Saturday", answer);
  await page.fill("#admin-calendar-due input[name=target]", "2 weeks");
  await page.click("#admin-calendar-due button[type=submit]");
  await page.waitForSelector("#admin-calendar-due .form-error:not([hidden])");
  await page.fill("#admin-calendar-due input[name=target]", "1h");
  await page.click("#admin-calendar-due button[type=submit]");
  await page.waitForFunction(() => document.querySelector("#admin-calendar-due .due-answer").textContent !== "");
  await page.evaluate(() => document.querySelector("#admin-calendar-form textarea[name=holidays]")
    .scrollIntoView({ block: "start" }));
  await page.screenshot({ path: join(shots, "admin-calendar-1366.png") });
  check(problems.length === 0, "no script or CSP error", problems);
  await page.close();
});

test("admin: an SLA policy with two clocks", async ({ browser, base }) => {
  const { page, problems } = await asAdmin(browser, base);
  await open(page, base, "policies", "#admin-policy-form");
  const name = `策略${tag}`;
  await page.fill("#admin-policy-form input[name=name]", name);
  // Far behind the demo's catch-all policy, so that it never applies to others' complaints.
  await page.fill("#admin-policy-form input[name=priority]", "9000");
  await page.check("#admin-policy-form input[name=sev-5]");
  await page.check("#admin-policy-form input[name=chan-regulator]");
  await page.click("#admin-add-clock");
  await page.fill("#admin-policy-form input[name='clocks[1].name']", "first_contact");
  await page.fill("#admin-policy-form input[name='clocks[1].start']", "assigned");
  await page.fill("#admin-policy-form input[name='clocks[1].stop']", "in_progress");
  await page.fill("#admin-policy-form input[name='clocks[1].target']", "2x");
  await page.click("#admin-policy-form button[type=submit]");
  await page.waitForFunction(() => document.querySelector(
    "#admin-policy-form .field-error[data-error-for='clocks[1].target']").textContent !== "");
  check(await page.getAttribute("#admin-policy-form input[name='clocks[1].target']", "aria-invalid") === "true",
        "the bad target marked");
  await page.fill("#admin-policy-form input[name='clocks[1].target']", "2h");
  await page.fill("#admin-policy-form textarea[name='clocks[0].more']",
                  '{"escalate": [{"on": "warn", "notify": "assignee"}, {"on": "breach", "after": "2h", "notify": "department_manager"}]}');
  await page.click("#admin-policy-form button[type=submit]");
  await page.waitForFunction((n) => [...document.querySelectorAll("#admin-policies td")]
    .some((td) => td.textContent === n), name);

  const call = await adminApi(base);
  let p = (await call("GET", "/api/v1/sla-policies")).data.items.find((x) => x.name === name);
  check(p && p.priority === 9000 && p.clocks.length === 2 && p.clocks[1].target === "2h" &&
        p.clocks[0].escalate?.length === 2 && JSON.stringify(p.match.severity) === "[5]" &&
        JSON.stringify(p.match.channel) === '["regulator"]', "saved with its clocks", p);
  // Edited again: what the table does not show (the ladder) comes back unchanged.
  await page.click(`#admin-policies button[aria-label="编辑 ${name}"]`);
  await page.fill("#admin-policy-form input[name=priority]", "9001");
  await page.click("#admin-policy-form button[type=submit]");
  await page.waitForFunction(() => [...document.querySelectorAll("#admin-policies td")]
    .some((td) => td.textContent === "9001"));
  const before = p;
  p = (await call("GET", "/api/v1/sla-policies")).data.items.find((x) => x.name === name);
  check(p.priority === 9001 && JSON.stringify(p.clocks) === JSON.stringify(before.clocks),
        "the clocks kept whole", [before.clocks, p.clocks]);
  check(problems.length === 0, "no script or CSP error", problems);
  await page.close();
});

test("admin: a token is created, used, revoked, and then gets 401", async ({ browser, base }) => {
  const { page, problems } = await asAdmin(browser, base);
  page.on("dialog", (d) => d.accept());
  await open(page, base, "tokens", "#admin-token-form");
  const name = `集成${tag}`;
  await page.fill("#admin-token-form input[name=name]", name);
  await page.click("#admin-token-form button[type=submit]");
  await page.waitForSelector("#admin-token-secret:not([hidden])");
  const secret = await page.inputValue("#admin-token-secret input");
  check(secret.length >= 32, "the secret shown once", secret.length);
  await page.click("#admin-token-secret button");
  await page.waitForFunction(() => document.querySelector("#admin-token-secret .muted").textContent !== "");
  const me = await fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  check(me.status === 200 && (await me.json()).user.username === "admin", "the token works", me.status);

  await page.click(`#admin-tokens tr:has-text("${name}") button`);
  await page.waitForFunction((n) => [...document.querySelectorAll("#admin-tokens tr")]
    .some((tr) => tr.textContent.includes(n) && tr.textContent.includes("已吊销")), name);
  const after = await fetch(`${base}/api/v1/me`, { headers: { Authorization: `Bearer ${secret}` } });
  check(after.status === 401, "revoked: 401 at once", after.status);
  await page.reload();
  await page.waitForSelector("#admin-tokens tbody tr");
  check(await page.isHidden("#admin-token-secret"), "the secret is not shown again");
  check(problems.length === 0, "no script or CSP error", problems);
  await page.close();
});

test("admin: every screen fits a phone and has labelled controls", async ({ browser, base }) => {
  const { page, problems } = await asAdmin(browser, base, { width: 390, height: 844 });
  for (const screen of ["departments", "sites", "users", "categories", "calendars", "policies", "tokens"]) {
    await open(page, base, screen, "#admin .admin-screen form");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
    check(!overflow, `no sideways scrolling at 390 px on ${screen}`);
    const unlabelled = await page.$$eval("#admin .admin-screen :is(input, select, textarea)", (cs) =>
      cs.filter((c) => c.type !== "hidden" && !c.closest("label") && !c.getAttribute("aria-label"))
        .map((c) => c.name));
    check(unlabelled.length === 0, `every control labelled on ${screen}`, unlabelled);
  }
  await page.screenshot({ path: join(shots, "admin-tokens-phone.png") });
  check(problems.length === 0, "no script or CSP error", problems);
  await page.close();
});
