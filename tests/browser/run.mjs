// tests/browser/run.mjs - the web console in a real browser: playwright-core
// driving Debian's Chromium, headless, against the redress binary on a
// temporary database made by `redress init --demo`.
//
//   node tests/browser/run.mjs --binary build/redress
//
// Runs every tests/browser/*.test.mjs (in name order), saves screenshots
// (1366x768 and a phone's 390x844) into build/browser-screenshots/ and ends
// with "RESULT browser passed=N failed=M".

import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { shots, startServer, tests } from "./harness.mjs";

const here = dirname(fileURLToPath(import.meta.url));

async function main() {
  for (const f of readdirSync(here).filter((n) => n.endsWith(".test.mjs")).sort())
    await import(`./${f}`);
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
