// Checks `blameless serve` in a real browser: a page reloads by itself after
// a write-up is saved, a broken write-up shows the error overlay on the open
// page, and fixing it clears the overlay.
//
//   node serve-check.mjs BLAMELESS_BINARY SITE_DIR
//
// SITE_DIR is edited: pass a copy. Exits 1 on any failure.

import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { readFile, writeFile, rm, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";

const [binary, site] = process.argv.slice(2);
const output = await mkdtemp(path.join(tmpdir(), "blameless-serve-check-"));
const server = spawn(binary, ["serve", "--port", "0", "--output", output], { cwd: site });
let log = "";
const url = await new Promise((resolve, reject) => {
  server.stderr.on("data", (chunk) => {
    log += chunk;
    const match = log.match(/http:\/\/[0-9.:]+\//);
    if (match) resolve(match[0]);
  });
  server.on("exit", () => reject(new Error(`serve exited:\n${log}`)));
  setTimeout(() => reject(new Error(`serve did not start:\n${log}`)), 60000);
});

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const page = await browser.newPage();
const errors = [];
page.on("pageerror", (e) => errors.push(e.message));

let passed = 0;
let failed = 0;
async function step(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}: ${e.message.split("\n")[0]}`);
  }
}

const writeup = path.join(site, "content", "2018-10-07-prod-db-stale-snapshot.md");
const original = await readFile(writeup, "utf8");
const broken = path.join(site, "content", "broken.md");

await step("the page loads with live reload connected", async () => {
  // The server answers once it has subscribed the page to rebuilds.
  const events = page.waitForResponse((r) => r.url().endsWith("/__blameless/events"), { timeout: 10000 });
  await page.goto(url + "incidents/prod-db-stale-snapshot/");
  await events;
});

await step("saving a write-up reloads the open page", async () => {
  const reloaded = page.waitForEvent("load", { timeout: 20000 });
  await writeFile(writeup, original.replace("title: Production database replaced", "title: Live database replaced"));
  await reloaded;
  const title = await page.textContent("h1");
  if (!title.startsWith("Live database replaced")) throw new Error(`title is ${title}`);
});

await step("a broken write-up shows the overlay with the check message", async () => {
  await writeFile(broken, "---\ntitle: [\n---\n");
  const overlay = await page.waitForSelector("#blameless-overlay", { timeout: 20000 });
  const text = await overlay.textContent();
  if (!text.includes("content/broken.md:3:1: error: invalid YAML")) throw new Error(text);
});

await step("fixing it clears the overlay", async () => {
  const reloaded = page.waitForEvent("load", { timeout: 20000 });
  await rm(broken);
  await reloaded;
  if (await page.$("#blameless-overlay")) throw new Error("the overlay is still there");
});

await step("no script errors", async () => {
  if (errors.length) throw new Error(errors.join("; "));
});

await writeFile(writeup, original);
await browser.close();
server.kill();
await rm(output, { recursive: true, force: true });
if (failed) console.log(`serve's output:\n${log}`);
console.log(`serve: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
