// tests/browser/portal.test.mjs - the public customer portal on a phone
// (390x844) and an office screen (1366x768): a customer submits a complaint
// with a photo and gets its number, follows its progress with the phone's
// last four digits, and answers the satisfaction survey through the link
// staff made; hostile text stays text.

import { join } from "node:path";
import { apiLogin, check, shots, signIn, test } from "./harness.mjs";

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true };
const HOSTILE_SCRIPT = "<script>window.__pwned = 1</script>王女士";
const HOSTILE_IMG = "<img src=x onerror=\"window.__pwned = 1\">更衣柜门";
// An 8x8 PNG of blues: a real image for the preview and the upload.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAhElEQVR4nA3JIQFFIQxA0d/khSDEQiBowBJMzeIn1gASoK5drM+x5/cN2kAGfaADH8TgDH7fpE1k0ic68UlMznxhNEOMbqjhRhjHXizaQhZ9oQtfxOKsF0lLJOmJJp5EcvLFpm1k0ze68U1szn5xaRe59Ite/BKXc18UrZCiF1p4EcUp/p0wbeE3vlOFAAAAAElFTkSuQmCC",
  "base64");

/* A staff member's API calls (cookie and CSRF), as the console would make them. */
async function staff(base, user) {
  const { cookie, csrf } = await apiLogin(base, user);
  return async (method, path, body) => {
    const res = await fetch(base + path, {
      method, body: body === undefined ? undefined : JSON.stringify(body),
      headers: { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": csrf },
    });
    return { status: res.status, data: res.status === 204 ? null : await res.json() };
  };
}

/* Fails the test if anything the page shows ran as script. */
async function watchForScript(page) {
  let ran = false;
  page.on("dialog", async (d) => { ran = true; await d.dismiss(); });
  return async () => {
    const pwned = await page.evaluate(() => window.__pwned === 1);
    check(!ran && !pwned, "hostile text did not run");
  };
}

/* Brings complaint number from registered to resolved through the API. */
async function resolveByStaff(base, number) {
  const kefu = await staff(base, "kefu");
  const shouhou = await staff(base, "shouhou");
  const me = await shouhou("GET", "/api/v1/me");
  const id = (await kefu("GET", `/api/v1/complaints/${number}`)).data.id;
  const cats = (await kefu("GET", "/api/v1/categories?limit=500")).data.items;
  const act = async (who, action, body) => {
    const r = await who("POST", `/api/v1/complaints/${id}/actions/${action}`, body);
    check(r.status === 200, `${action}`, r.data);
    return r.data;
  };
  await act(kefu, "triage", { valid: true, category_id: cats[0].id, severity: 1,
                              department_id: me.data.department.id });
  await act(shouhou, "contact", { method: "phone", note: "内部：客户情绪激动，已安抚" });
  const plan = await act(shouhou, "propose_plan", { kind: "repair", description: "内部：维修费由供应商承担" });
  if (plan.status === "pending_approval")
    await act(await staff(base, "zongjingli"), "approve", { note: "同意" });
  await act(shouhou, "resolve", { result: "已更换更衣柜门锁并向客户致歉" });
  return { id, kefu };
}

test("a customer submits a complaint on a phone and follows its progress", async ({ browser, base }) => {
  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  const noScript = await watchForScript(page);
  await page.goto(base + "/portal");
  await page.waitForSelector("#form-screen:not([hidden])");
  check(await page.textContent("#form-screen h1") === "我要投诉", "Chinese by default",
        await page.textContent("#form-screen h1"));

  const form = "#complaint-form";
  await page.fill(`${form} input[name=name]`, HOSTILE_SCRIPT);
  await page.fill(`${form} input[name=phone]`, "13955556666");
  await page.fill(`${form} input[name=subject]`, HOSTILE_IMG);
  await page.fill(`${form} textarea[name=demands]`, "修好柜门，赔偿丢失的耳机");
  await page.setInputFiles("#photo-input", { name: "柜门.png", mimeType: "image/png", buffer: PNG });
  await page.waitForSelector("#previews li img");
  await page.setInputFiles("#photo-input", { name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("x") });
  check(!(await page.isHidden("#photo-error")), "a file that is not an image is refused at once");

  // Submitting without the content: refused, and nothing typed is lost.
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector("#form-error:not([hidden])");
  check((await page.textContent("#form-error")).includes("投诉内容"), "the missing field is named",
        await page.textContent("#form-error"));
  check(await page.inputValue(`${form} input[name=name]`) === HOSTILE_SCRIPT, "the name is kept");
  check(await page.locator("#previews li").count() === 1, "the photo is kept");
  await page.fill(`${form} textarea[name=content]`, "昨天在游泳馆更衣柜存放物品，柜门锁坏了，耳机丢失。");
  await page.screenshot({ path: join(shots, "portal-form-phone.png"), fullPage: true });

  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector("#done-screen:not([hidden])");
  const number = (await page.textContent("#done-number")).trim();
  check(/^TS\d{8}-\d{6}$/.test(number), "the complaint number is shown", number);
  check((await page.textContent("#done-photos")).includes("1"), "one photo uploaded",
        await page.textContent("#done-photos"));

  const kefu = await staff(base, "kefu");
  const c = (await kefu("GET", `/api/v1/complaints/${number}`)).data;
  check(c.channel === "web" && c.customer.name === HOSTILE_SCRIPT && c.subject === HOSTILE_IMG,
        "staff see it, verbatim", c);
  const att = (await kefu("GET", `/api/v1/complaints/${c.id}/attachments`)).data.items;
  check(att.length === 1 && att[0].content_type === "image/png", "with the photo", att);

  // The department takes it: the customer sees the step, not the notes.
  const cats = (await kefu("GET", "/api/v1/categories?limit=500")).data.items;
  const shouhou = await staff(base, "shouhou");
  const dept = (await shouhou("GET", "/api/v1/me")).data.department;
  await kefu("POST", `/api/v1/complaints/${c.id}/actions/triage`,
             { valid: true, category_id: cats[0].id, severity: 1, department_id: dept.id });
  await kefu("POST", `/api/v1/complaints/${c.id}/notes`, { note: "内部备注：该客户曾多次投诉" });
  await shouhou("POST", `/api/v1/complaints/${c.id}/actions/contact`, { method: "phone", note: "内部：已致电" });

  await page.click("#done-track");
  await page.waitForSelector("#track-screen:not([hidden])");
  check(await page.inputValue("#track-form input[name=number]") === number, "the number is filled in");
  await page.fill("#track-form input[name=last4]", "6667");
  await page.click("#track-form button[type=submit]");
  await page.waitForSelector("#track-error:not([hidden])");
  check((await page.textContent("#track-error")).includes("没有找到"), "wrong digits: not found");
  await page.fill("#track-form input[name=last4]", "6666");
  await page.click("#track-form button[type=submit]");
  await page.waitForSelector("#track-result:not([hidden])");
  check(await page.textContent("#track-status") === "处理中", "its status",
        await page.textContent("#track-status"));
  check(await page.textContent("#track-subject") === HOSTILE_IMG, "the subject as text");
  check(await page.locator("#track-result img").count() === 0, "no element made from it");
  const steps = await page.locator("#track-timeline li").allTextContents();
  check(steps.length === 3 && steps[1].includes(dept.name) && steps[2].includes("已与您联系"),
        "registered, accepted by the department, contacted", steps);
  const shown = await page.textContent("#track-result");
  check(!shown.includes("内部") && !shown.includes("客服"), "no internal notes or staff", shown);
  await page.screenshot({ path: join(shots, "portal-track-phone.png"), fullPage: true });
  await noScript();
  await ctx.close();
});

test("a customer answers the satisfaction survey by its one-time link", async ({ browser, base }) => {
  const res = await fetch(`${base}/api/v1/portal/complaints`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name: "李先生", phone: "13800007777", subject: "泳池水温过低",
                           content: "周末下午泳池水温明显偏低，孩子着凉。" }),
  });
  check(res.status === 201, "submitted", res.status);
  const { number } = await res.json();
  const { id, kefu } = await resolveByStaff(base, number);
  // The agent makes the link on the complaint's page of the console.
  check((await kefu("GET", `/api/v1/complaints/${id}`)).data.status === "resolved", "resolved");
  const desk = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await signIn(desk, base, "kefu");
  await desk.waitForSelector("#queue:not([hidden])");
  await desk.goto(`${base}/#/c/${id}`);
  await desk.waitForSelector("#complaint .c-survey:not([hidden])");
  await desk.click("#complaint .survey-make");
  await desk.waitForSelector("#complaint .survey-out:not([hidden])");
  const url = await desk.inputValue("#complaint input[name=survey_url]");
  check(url.startsWith(`${base}/portal#/survey/`), "a survey link on the page", url);
  await desk.close();

  const ctx = await browser.newContext(PHONE);
  const page = await ctx.newPage();
  const noScript = await watchForScript(page);
  await page.goto(url);
  await page.waitForSelector("#survey-body:not([hidden])");
  check(await page.textContent("#survey-number") === number, "the complaint's number");
  check(await page.textContent("#survey-result") === "已更换更衣柜门锁并向客户致歉", "what was done");
  check(!(await page.textContent("#survey-screen")).includes("内部"), "no internal text");
  await page.check("#survey-form input[name=satisfied][value=yes]");
  await page.check("#survey-form input[name=score][value='5']");
  await page.fill("#survey-form textarea[name=comment]", "<img src=x onerror=alert(1)>处理及时");
  await page.screenshot({ path: join(shots, "portal-survey-phone.png"), fullPage: true });
  await page.click("#survey-form button[type=submit]");
  await page.waitForSelector("#survey-done:not([hidden])");
  check((await page.textContent("#survey-done")).includes("结案"), "thanked; closed",
        await page.textContent("#survey-done"));
  const c = (await kefu("GET", `/api/v1/complaints/${id}`)).data;
  check(c.status === "closed" && c.satisfaction.score === 5, "the complaint is closed", c);

  // The link works once.
  await page.reload();
  await page.waitForFunction(() => document.querySelector("#survey-state").textContent.includes("已经提交"));
  check(await page.isHidden("#survey-body"), "no form the second time");
  await noScript();
  await ctx.close();
});

test("the portal on an office screen, in both languages", async ({ browser, base }) => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(base + "/portal");
  await page.waitForSelector("#form-screen:not([hidden])");
  await page.screenshot({ path: join(shots, "portal-form-1366.png") });
  const width = await page.evaluate(() => document.querySelector("#complaint-form").getBoundingClientRect().width);
  check(width > 300 && width <= 700, "a readable column, not the whole screen", width);
  await page.selectOption("#lang", "en");
  await page.waitForFunction(() => document.querySelector("#form-screen h1").textContent === "Make a complaint");
  await page.click("a[href='#/track']");
  await page.waitForSelector("#track-screen:not([hidden])");
  check(await page.textContent("#track-screen h1") === "Check progress", "English throughout");
  await page.selectOption("#lang", "zh-CN");  // the choice is remembered: leave it as found
  await page.close();
});
