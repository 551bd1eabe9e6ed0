// tests/browser/run.mjs - the web console in a real browser: playwright-core
// driving Debian's Chromium, headless, against the redress binary on a
// temporary database made by `redress init --demo`.
//
//   node tests/browser/run.mjs --binary build/redress
//
// Saves screenshots (1366x768 and a phone's 390x844) into
// build/browser-screenshots/ and ends with "RESULT browser passed=N failed=M".

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { chromium } from "playwright-core";

const args = process.argv.slice(2);
const binary = resolve(args[args.indexOf("--binary") + 1] || "build/redress");
const shots = resolve("build/browser-screenshots");
const PASSWORD = "browser-test-password";

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
    s.on("error", fail);
  });
}

async function startServer({ demo = true } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "redress-browser-"));
  const db = join(dir, "test.db");
  const pw = join(dir, "pw");
  writeFileSync(pw, PASSWORD + "\n");
  const init = spawnSync(binary, ["init", "--db", db, ...(demo ? ["--demo"] : []),
                                  "--admin-password-file", pw]);
  if (init.status !== 0)
    throw new Error(`init failed: ${init.stderr}`);
  const port = await freePort();
  const proc = spawn(binary, ["serve", "--db", db, "--listen", `127.0.0.1:${port}`],
                     { stdio: ["ignore", "ignore", "pipe"] });
  let log = "";
  proc.stderr.on("data", (d) => { log += d; });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok)
        return { base, proc, dir, log: () => log };
    } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the server did not start: ${log}`);
}

/* Signs in over the API (not the page) and returns a cookie and CSRF token. */
async function apiLogin(base, username) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  const cookie = res.headers.get("set-cookie").split(";")[0];
  return { cookie, csrf: (await res.json()).csrf_token };
}

const tests = [];
const test = (name, fn) => tests.push({ name, fn });
const check = (cond, what, value) => {
  if (!cond)
    throw new Error(`${what}${value === undefined ? "" : `: ${JSON.stringify(value)}`}`);
};

async function signIn(page, base, username, password = PASSWORD) {
  await page.goto(base + "/");
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await page.keyboard.press("Enter");
}

test("an agent signs in by keyboard and sees the work queue", async ({ browser, base }) => {
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  await page.goto(base + "/");
  check(await page.textContent("h1") === "登录", "Chinese by default", await page.textContent("h1"));
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
  check(await page.inputValue("input[name=name]") === "陈先生", "the name filled from the record");
  await page.keyboard.press("Tab");            // channel: phone
  await page.keyboard.press("Tab");
  await page.keyboard.type("空调维修");         // subject
  await page.keyboard.press("Tab");
  await page.keyboard.type("维修后空调仍然不制冷，要求退还维修费");
  await page.keyboard.press("Tab");
  await page.keyboard.type("退还维修费500元");  // demands
  await page.screenshot({ path: join(shots, "intake-1366.png") });
  await page.keyboard.press("Enter");
  await page.waitForURL(/#\/c\/\d+$/);
  await page.waitForFunction(() => /^TS\d{8}-\d{6}/.test(document.querySelector("#complaint h1").textContent));
  const seconds = (Date.now() - t0) / 1000;
  check(seconds < 60, "well under a minute", seconds);
  const text = await page.textContent("#complaint dl");
  check(text.includes("维修后空调仍然不制冷") && text.includes("13812345678"), "the complaint page", text);
  check(await page.locator("#complaint .clocks tbody tr").count() > 0, "its time limits shown");
  await page.screenshot({ path: join(shots, "complaint-1366.png") });
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
  await page.selectOption("#lang", "zh-CN");
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

async function main() {
  mkdirSync(shots, { recursive: true });
  let passed = 0, failed = 0;
  const server = await startServer();
  const browser = await chromium.launch({
    executablePath: "/usr/bin/chromium", args: ["--headless", "--no-sandbox"],
  });
  try {
    for (const t of tests) {
      const t0 = Date.now();
      try {
        await t.fn({ browser, base: server.base });
        passed++;
        console.log(`ok   ${t.name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
      } catch (e) {
        failed++;
        console.log(`FAIL ${t.name}: ${e.message}`);
      }
    }
  } finally {
    await browser.close();
    server.proc.kill("SIGTERM");
    rmSync(server.dir, { recursive: true, force: true });
  }
  console.log(`screenshots: ${shots}`);
  console.log(`RESULT browser passed=${passed} failed=${failed}`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.log(`FAIL setup: ${e.stack}`);
  console.log("RESULT browser passed=0 failed=1");
  process.exit(1);
});
