// tests/browser/harness.mjs - what every browser test file shares: a
// server on a temporary database, signing in, the test registry and checks.
// A test file (*.test.mjs) registers its tests with test(name, fn) when
// run.mjs imports it; fn gets { browser, base } (base: the shared demo
// server's address).

import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

const args = process.argv.slice(2);
export const binary = resolve(args[args.indexOf("--binary") + 1] || "build/redress");
export const shots = resolve("build/browser-screenshots");
export const PASSWORD = "browser-test-password";

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

/* env adds variables to the server's (REDRESS_FAKE_NOW: a file holding its "now"). */
export async function startServer({ demo = true, env = {} } = {}) {
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
                     { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, ...env } });
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
export async function apiLogin(base, username) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username, password: PASSWORD }),
  });
  const cookie = res.headers.get("set-cookie").split(";")[0];
  return { cookie, csrf: (await res.json()).csrf_token };
}

export const tests = [];
export const test = (name, fn) => tests.push({ name, fn });
export const check = (cond, what, value) => {
  if (!cond)
    throw new Error(`${what}${value === undefined ? "" : `: ${JSON.stringify(value)}`}`);
};

export async function signIn(page, base, username, password = PASSWORD) {
  await page.goto(base + "/");
  await page.waitForSelector("#login:not([hidden])");
  await page.fill("input[name=username]", username);
  await page.fill("input[name=password]", password);
  await page.keyboard.press("Enter");
}

export async function act(page, base, id, action, fill) {
  // Another user may have acted since this page last looked: load it anew.
  await page.goto(`${base}/#/c/${id}`);
  await page.reload();
  try {
    await page.waitForSelector(`#complaint button[data-action=${action}]`, { timeout: 5000 });
  } catch (e) {
    await page.screenshot({ path: join(shots, `failed-${action}.png`), fullPage: true });
    throw e;
  }
  await page.click(`#complaint button[data-action=${action}]`);
  const form = `#complaint form[data-action=${action}]`;
  await page.waitForSelector(form);
  const before = await page.textContent("#complaint h1");
  await fill(form);
  await page.click(`${form} button[type=submit]`);
  await page.waitForFunction(([f, b]) => !document.querySelector(f) ||
    document.querySelector("#complaint h1").textContent !== b, [form, before]);
  const error = await page.locator(`${form} .error:not([hidden])`).count();
  check(error === 0, `${action} was taken`, error && await page.textContent(`${form} .error`));
}

export async function statusOf(page) {
  return (await page.textContent("#complaint h1")).split(" · ")[1];
}
