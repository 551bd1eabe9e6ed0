// tests/browser/complaint.test.mjs - the complaint page and the intake form:
// internal notes, attachments (previews, downloads, refusals), the actions
// offered against the server's allowed_actions, a refused save that keeps
// what was typed, the category search, hostile text, and both screen sizes.
// Every complaint here is made through the API, so the shared demo database
// of the other files does not matter.

import { crc32, deflateSync } from "node:zlib";
import { join } from "node:path";
import { apiLogin, check, shots, signIn, test } from "./harness.mjs";

const HOSTILE_NOTE = '<img src=x onerror="window.__xss=1">备注<script>window.__xss=2</script>';
const HOSTILE_FILE = '<img src=x onerror="window.__xss=3">.txt';

/* One API call as user; returns { status, data }. */
async function call(base, user, method, path, body) {
  const { cookie, csrf } = await apiLogin(base, user);
  const res = await fetch(base + path, {
    method,
    headers: { "Content-Type": "application/json", Cookie: cookie, "X-CSRF-Token": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, data: await res.json().catch(() => null) };
}

async function departmentId(base, name) {
  const r = await call(base, "admin", "GET", "/api/v1/departments?limit=500");
  return r.data.items.find((d) => d.name === name).id;
}

async function categoryId(base, name) {
  const r = await call(base, "admin", "GET", "/api/v1/categories?limit=500");
  return r.data.items.find((c) => c.name === name).id;
}

/* A complaint of 售后服务部 brought to `state` (registered, assigned,
 * in_progress) through the API. */
async function complaintIn(base, state, content) {
  const c = await call(base, "kefu", "POST", "/api/v1/complaints", {
    channel: "phone", customer: { name: "周女士", phone: "13566667777" },
    subject: "保养后异响", content, demands: "免费检修", severity: 1,
  });
  check(c.status === 201, "registered", c);
  const id = c.data.id;
  if (state === "registered") return id;
  const t = await call(base, "kefu", "POST", `/api/v1/complaints/${id}/actions/triage`, {
    valid: true, category_id: await categoryId(base, "发动机异响"), severity: 3,
    department_id: await departmentId(base, "售后服务部"),
  });
  check(t.status === 200, "triaged", t);
  if (state === "assigned") return id;
  const k = await call(base, "shouhou", "POST", `/api/v1/complaints/${id}/actions/contact`,
                       { method: "phone", note: "已致电客户" });
  check(k.status === 200, "contacted", k);
  return id;
}

async function pageAs(browser, base, user, viewport = { width: 1366, height: 768 }) {
  const ctx = await browser.newContext({ viewport, acceptDownloads: true,
                                         ...(viewport.width < 500 ? { isMobile: true } : {}) });
  const page = await ctx.newPage();
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  page.on("console", (m) => {
    if (m.type() === "error" && !/401|422|409|Failed to load resource/.test(m.text())) problems.push(m.text());
  });
  page.problems = problems;
  await signIn(page, base, user);
  await page.waitForSelector("#queue:not([hidden])");
  return page;
}

async function openComplaint(page, base, id) {
  await page.goto(`${base}/#/c/${id}`);
  await page.waitForSelector("#complaint .body:not([hidden])");
}

/* A w x h PNG of colour bands, so the preview has something to show. */
function png(w, h) {
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const rows = [];
  for (let y = 0; y < h; y++) {
    const row = Buffer.alloc(1 + 3 * w);
    for (let x = 0; x < w; x++) row.set([40 + (x * 200) / w, 90 + (y * 150) / h, 190], 1 + 3 * x);
    rows.push(row);
  }
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", ihdr),
                        chunk("IDAT", deflateSync(Buffer.concat(rows))), chunk("IEND", Buffer.alloc(0))]);
}

const PDF = Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n");

test("complaint page: a handler's internal note, shown as text", async ({ browser, base }) => {
  const id = await complaintIn(base, "in_progress", "保养后发动机异响，要求免费检修");
  const page = await pageAs(browser, base, "shouhou");
  await openComplaint(page, base, id);
  await page.fill("#complaint .note-form textarea[name=note]", HOSTILE_NOTE);
  await page.click("#complaint .note-form button[type=submit]");
  await page.waitForSelector("#complaint .timeline li.internal");
  const li = page.locator("#complaint .timeline li.internal").last();
  check(await li.locator(".note").textContent() === HOSTILE_NOTE, "the note as typed, as text",
        await li.locator(".note").textContent());
  check(await li.locator(".badge.internal").textContent() === "内部", "marked internal");
  check(await page.inputValue("#complaint .note-form textarea") === "", "the form emptied after saving");
  check(await page.evaluate(() => window.__xss) === undefined, "nothing ran");
  check(await page.locator("#complaint .timeline img").count() === 0, "no element made from it");
  // The server's timeline has it as a note, by this handler.
  const ev = await call(base, "shouhou", "GET", `/api/v1/complaints/${id}/events`);
  const note = ev.data.items.filter((e) => e.type === "note").pop();
  check(note?.note === HOSTILE_NOTE, "saved as a note", note);
  check(page.problems.length === 0, "no script or CSP error", page.problems);
  await page.context().close();
});

test("complaint page: attachments upload, preview, download, and a refusal says why", async ({ browser, base }) => {
  const id = await complaintIn(base, "in_progress", "维修时车辆漆面被刮伤，附照片和协议");
  const page = await pageAs(browser, base, "shouhou");
  await openComplaint(page, base, id);
  check(await page.textContent("#complaint .attach-state") === "暂无附件", "the empty state said");
  // The same caller complained before (the note test): said, with a link.
  await page.waitForSelector("#complaint dl .repeat");
  const earlier = await page.getAttribute("#complaint dl dd a[href^='#/c/']", "href");
  check(earlier && earlier !== `#/c/${id}`, "a link to the earlier complaint", earlier);
  await page.setInputFiles("#complaint .attach-form input[type=file]", [
    { name: "刮痕照片.png", mimeType: "image/png", buffer: png(160, 120) },
    { name: "维修协议.pdf", mimeType: "application/pdf", buffer: PDF },
    { name: HOSTILE_FILE, mimeType: "text/plain", buffer: Buffer.from("hostile name") },
  ]);
  await page.waitForFunction(() => document.querySelectorAll("#complaint .attachments li").length === 3);
  // The image previews from a blob: URL (the CSP allows img-src blob:).
  await page.waitForFunction(() => {
    const img = document.querySelector("#complaint .attachments .thumb img");
    return img && img.complete && img.naturalWidth === 160;
  });
  check((await page.getAttribute("#complaint .attachments .thumb img", "src")).startsWith("blob:"),
        "previewed from a blob: URL");
  const names = await page.locator("#complaint .attachments a.download").allTextContents();
  check(names.includes(HOSTILE_FILE), "the hostile file name shown as text", names);
  check(await page.evaluate(() => window.__xss) === undefined, "nothing ran");
  check(await page.locator("#complaint .attachments img").count() === 1, "one image: the preview only");
  // The PDF downloads under its own name.
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.click("#complaint .attachments a.download:text-is('维修协议.pdf')"),
  ]);
  check(download.suggestedFilename() === "维修协议.pdf", "downloaded by its name", download.suggestedFilename());
  const got = await download.createReadStream();
  const chunks = [];
  for await (const c of got) chunks.push(c);
  check(Buffer.concat(chunks).equals(PDF), "the same bytes");
  // On the timeline too.
  check(await page.locator("#complaint .timeline li.ev-attachment").count() === 3, "three uploads on the timeline");

  // An empty file: the server refuses it, and the page says what it said.
  await page.setInputFiles("#complaint .attach-form input[type=file]",
    [{ name: "空文件.png", mimeType: "image/png", buffer: Buffer.alloc(0) }]);
  await page.waitForSelector("#complaint .uploads li.failed");
  const said = await page.textContent("#complaint .uploads li.failed");
  check(said.includes("空文件.png") && said.includes("上传失败") && said.includes("附件为空"),
        "the server's refusal shown", said);
  check(await page.locator("#complaint .attachments li").count() === 3, "nothing added");
  await page.fill("#complaint .note-form textarea[name=note]", "客户提供了刮痕照片和维修协议");
  await page.click("#complaint .note-form button[type=submit]");
  await page.waitForSelector("#complaint .timeline li.internal");
  await page.screenshot({ path: join(shots, "complaint-1366.png"), fullPage: true });
  check(page.problems.length === 0, "no script or CSP error", page.problems);

  // A phone: everything in one column, nothing wider than the screen.
  const phone = await pageAs(browser, base, "shouhou", { width: 390, height: 844 });
  await openComplaint(phone, base, id);
  await phone.waitForFunction(() => document.querySelector("#complaint .thumb img")?.complete);
  await phone.click("#complaint button[data-action=propose_plan]");  // a form open too
  await phone.waitForSelector("#complaint form[data-action=propose_plan]");
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  check(!overflow, "no sideways scrolling at 390 px");
  await phone.screenshot({ path: join(shots, "complaint-phone.png"), fullPage: true });
  await phone.context().close();
  await page.context().close();
});

test("complaint page: exactly the actions the server allows, by state and role", async ({ browser, base }) => {
  const registered = await complaintIn(base, "registered", "等待受理的投诉");
  const assigned = await complaintIn(base, "assigned", "已转交售后的投诉");
  const cases = [["kefu", registered], ["kefu", assigned], ["shouhou", assigned], ["zongjingli", assigned]];
  for (const [user, id] of cases) {
    const api = await call(base, user, "GET", `/api/v1/complaints/${id}`);
    check(api.status === 200, `${user} reads ${id}`, api);
    const page = await pageAs(browser, base, user);
    await openComplaint(page, base, id);
    const offered = await page.$$eval("#complaint .actions button[data-action]",
                                      (bs) => bs.map((b) => b.dataset.action));
    check(JSON.stringify([...offered].sort()) === JSON.stringify([...api.data.allowed_actions].sort()),
          `${user} in ${api.data.status}: the page offers ${api.data.allowed_actions}`, offered);
    if (!offered.length)
      check(await page.textContent("#complaint .actions-box") === "当前状态下您没有可执行的操作",
            "saying there is nothing to do");
    await page.context().close();
  }
  // Sanity: the cases differ (an agent triages, a handler contacts, the
  // general manager has nothing to do on an assigned complaint).
  const agent = await call(base, "kefu", "GET", `/api/v1/complaints/${registered}`);
  const handler = await call(base, "shouhou", "GET", `/api/v1/complaints/${assigned}`);
  check(agent.data.allowed_actions.includes("triage") && handler.data.allowed_actions.includes("contact"),
        "the states and roles give different actions", [agent.data.allowed_actions, handler.data.allowed_actions]);
});

test("complaint page: a refused save keeps what was typed and says why", async ({ browser, base }) => {
  const id = await complaintIn(base, "in_progress", "发动机异响第三次返修");
  const page = await pageAs(browser, base, "shouhou");
  await openComplaint(page, base, id);
  // A compensation without an amount: the server names the field.
  await page.click("#complaint button[data-action=propose_plan]");
  const form = "#complaint form[data-action=propose_plan]";
  await page.selectOption(`${form} select[name=kind]`, "compensation");
  await page.fill(`${form} textarea[name=description]`, "补偿三次往返交通费和误工费");
  await page.click(`${form} button[type=submit]`);
  await page.waitForSelector(`${form} .error:not([hidden])`);
  const fieldError = await page.textContent(`${form} label:has(input[name=amount]) .field-error`);
  check(fieldError.includes("金额"), "the field error beside the amount, in Chinese", fieldError);
  check(await page.getAttribute(`${form} input[name=amount]`, "aria-invalid") === "true", "the field marked invalid");
  check(await page.inputValue(`${form} textarea[name=description]`) === "补偿三次往返交通费和误工费",
        "the description kept");
  check(await page.inputValue(`${form} select[name=kind]`) === "compensation", "the kind kept");
  // Corrected, it goes through.
  await page.fill(`${form} input[name=amount]`, "300");
  await page.click(`${form} button[type=submit]`);
  await page.waitForFunction((f) => !document.querySelector(f), form);

  // Someone else acts meanwhile: 409, and the typed note stays.
  await page.click("#complaint button[data-action=progress]");
  const pform = "#complaint form[data-action=progress]";
  await page.fill(`${pform} textarea[name=note]`, "已联系配件供应商，等待到货");
  const other = await call(base, "shouhou_jl", "POST", `/api/v1/complaints/${id}/actions/progress`,
                           { note: "经理已过问" });
  check(other.status === 200, "another change first", other);
  await page.click(`${pform} button[type=submit]`);
  await page.waitForSelector(`${pform} .error:not([hidden])`);
  const said = await page.textContent(`${pform} .error`);
  check(said.includes("其他人刚刚修改"), "the conflict explained", said);
  // The page shows what the other did, around the form still open.
  await page.waitForFunction(() => [...document.querySelectorAll("#complaint .timeline .note")]
    .some((n) => n.textContent === "经理已过问"));
  check(await page.inputValue(`${pform} textarea[name=note]`) === "已联系配件供应商，等待到货", "the note kept");
  await page.click(`${pform} button[type=submit]`);  // sent again, on the latest version
  await page.waitForFunction(() => [...document.querySelectorAll("#complaint .timeline .note")]
    .some((n) => n.textContent === "已联系配件供应商，等待到货"));
  check(await page.locator(pform).count() === 0, "and the form closed");
  await page.context().close();
});

test("intake: the category found by a two-character word; a refusal keeps the form", async ({ browser, base }) => {
  const page = await pageAs(browser, base, "kefu");
  await page.goto(base + "/#/new");
  await page.waitForSelector("#intake:not([hidden])");
  await page.waitForFunction(() => document.activeElement?.name === "phone");
  // A refusal first: no content. The server names the field; all else stays.
  await page.keyboard.type("13900001111");
  await page.keyboard.press("Tab");
  await page.keyboard.type("吴先生");
  await page.keyboard.press("Enter");
  await page.waitForSelector("#intake-error:not([hidden])");
  const fe = await page.textContent("#intake-form label:has(textarea[name=content]) .field-error");
  check(fe.includes("content"), "the error beside the content", fe);
  check(await page.inputValue("#intake-form input[name=phone]") === "13900001111", "the phone kept");
  check(await page.inputValue("#intake-form input[name=name]") === "吴先生", "the name kept");

  await page.fill("#intake-form textarea[name=content]", "车辆多次维修仍有异响，客户说要找律师和媒体");
  await page.waitForFunction(() => document.querySelector("#intake-major-match").textContent.includes("律师"));
  await page.focus("#intake-category");
  await page.keyboard.type("异响");
  await page.waitForSelector("#intake-category-list:not([hidden]) li[role=option]");
  const options = await page.locator("#intake-category-list li[role=option]").allTextContents();
  check(options.includes("产品质量 / 车辆故障 / 发动机异响"), "the level-3 category with its path", options);
  check(options.every((o) => o.includes("异响")), "only what matches", options);
  check(await page.getAttribute("#intake-category", "aria-expanded") === "true", "announced as open");
  await page.screenshot({ path: join(shots, "intake-1366.png") });
  await page.keyboard.press("Enter");  // picks the highlighted path
  check(await page.inputValue("#intake-category") === "产品质量 / 车辆故障 / 发动机异响", "the path in the field");
  check(await page.inputValue("#intake-form input[name=category_id]") === String(await categoryId(base, "发动机异响")),
        "its id chosen");
  await page.keyboard.press("Tab");
  await page.keyboard.press("5");      // severity: 重大, by keyboard
  await page.keyboard.press("Enter");  // registers
  await page.waitForURL(/#\/c\/\d+$/);
  await page.waitForSelector("#complaint .body:not([hidden])");
  const facts = await page.textContent("#complaint dl");
  check(facts.includes("产品质量 / 车辆故障 / 发动机异响") && facts.includes("5 · 重大"), "registered with them", facts);
  check(page.problems.length === 0, "no script or CSP error", page.problems);
  await page.context().close();

  const phone = await pageAs(browser, base, "kefu", { width: 390, height: 844 });
  await phone.goto(base + "/#/new");
  await phone.waitForSelector("#intake:not([hidden])");
  await phone.waitForFunction(() => document.querySelector("#intake-form select[name=site_id]").options.length > 1);
  await phone.fill("#intake-category", "服务");
  await phone.waitForSelector("#intake-category-list:not([hidden]) li[role=option]");
  const overflow = await phone.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  check(!overflow, "no sideways scrolling at 390 px");
  await phone.screenshot({ path: join(shots, "intake-phone.png"), fullPage: true });
  await phone.context().close();
});

test("intake: a registration whose answer was lost is not registered twice", async ({ browser, base }) => {
  const page = await pageAs(browser, base, "kefu");
  // The first answer is lost on the way back, after the server committed.
  let lost = false;
  await page.route("**/api/v1/complaints", async (route) => {
    if (route.request().method() !== "POST" || lost) return route.continue();
    lost = true;
    await route.fetch();
    await route.abort("connectionreset");
  });
  await page.goto(base + "/#/new");
  await page.waitForSelector("#intake:not([hidden])");
  await page.fill("#intake-form input[name=phone]", "13911112222");
  await page.fill("#intake-form textarea[name=content]", "网络断开时登记的投诉");
  await page.press("#intake-form input[name=phone]", "Enter");
  await page.waitForSelector("#intake-error:not([hidden])");
  check((await page.textContent("#intake-error")).includes("无法连接服务器"), "the network failure said",
        await page.textContent("#intake-error"));
  check(await page.inputValue("#intake-form textarea[name=content]") === "网络断开时登记的投诉", "the content kept");
  await page.press("#intake-form input[name=phone]", "Enter");  // again
  await page.waitForURL(/#\/c\/\d+$/);
  const list = await call(base, "kefu", "GET", "/api/v1/complaints?customer_phone=13911112222");
  check(list.data.items.length === 1, "registered once", list.data.items.map((c) => c.number));
  check(page.url().endsWith(`/c/${list.data.items[0].id}`), "the page shows that one");
  await page.context().close();
});
