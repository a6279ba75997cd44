// Loads pages of a built blameless site in headless Chromium at phone and
// desktop widths and checks what a reader would meet: no console errors, no
// failed requests, no request leaving the site, no horizontal scrolling on a
// phone, the text of timelines and action items at least 200 px wide on a
// phone and their values unbroken, and no serious or critical axe-core
// accessibility violations (in the light and the dark color scheme).
// Saves a screenshot of each page at each width.
//
//   node site-check.mjs SITE_DIR SHOTS_DIR [PATH ...]
//
// Serves SITE_DIR itself on a free loopback port. Exits 1 on any failure.

import { chromium } from "playwright-core";
import { readFile, mkdir } from "node:fs/promises";
import { serveStatic } from "./static-server.mjs";
import { existsSync } from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
// --scripts-only: for hostile content, check only that no script runs and
// nothing is fetched from elsewhere (its raw images may lack alt text).
const scriptsOnly = process.argv.includes("--scripts-only");
const [siteDir, shotsDir, ...extraPaths] = process.argv.slice(2).filter((a) => a !== "--scripts-only");
if (!siteDir || !shotsDir) {
  console.error("usage: node site-check.mjs SITE_DIR SHOTS_DIR [PATH ...]");
  process.exit(2);
}

const root = path.resolve(siteDir);
const server = await serveStatic(siteDir);
const origin = server.origin;

const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(chromiumPath)) {
  console.error(`no browser at ${chromiumPath}: install Debian's chromium package`);
  process.exit(1);
}
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const axeSource = await readFile(require.resolve("axe-core/axe.min.js"), "utf8");
await mkdir(shotsDir, { recursive: true });

// The pages to check: the kinds of page the site has, found from the site itself.
const pages = [
  ["home", "/"],
  ["writeup", await firstLink("/", "main .post-title a")],
  ["tags", "/tags/"],
  ["tag", await firstLink("/tags/", "main .tag-cloud a")],
  ["services", "/services/"],
  ["severity", "/severity/"],
  ["archive", "/archive/"],
  ["search", "/search/"],
  ["stats", "/stats/"],
  ["action-items", "/action-items/"],
  ["action-items-closed", "/action-items/closed/"],
  ["not-found", "/no-such-page/"],
  ...extraPaths.map((p) => [p.replace(/[^a-z0-9]+/gi, "-").replace(/^-|-$/g, "") || "page", p]),
];

async function firstLink(from, selector) {
  const html = await readFile(path.join(root, from, "index.html"), "utf8");
  const page = await browser.newPage();
  await page.setContent(html);
  const href = await page.$eval(selector, (a) => a.getAttribute("href"));
  await page.close();
  return href;
}

async function filtersInPlace(page, from) {
  const link = await page.$(".item-filters a:not([aria-current])");
  if (!link) return [];
  const to = await link.getAttribute("href");
  // The address and the marked filter both say `path`.
  const shows = (path) => page.waitForFunction((path) => location.pathname === path &&
    document.querySelector(".item-filters a[aria-current]")?.getAttribute("href") === path,
    path, { timeout: 5000 }).then(() => true, () => false);
  await page.evaluate(() => { window.stayedOnPage = true; });
  const before = await page.textContent("#items-heading");
  await link.click();
  if (!(await shows(to))) return [`following the filter ${to} did not show its list`];
  const problems = [];
  if (!(await page.evaluate(() => window.stayedOnPage === true))) problems.push(`following the filter ${to} loaded a new page`);
  if ((await page.textContent("#items-heading")) === before) problems.push(`the filter ${to} left the heading "${before.trim()}"`);
  await page.goBack();
  if (!(await shows(from))) problems.push(`Back from the filter ${to} did not bring ${from} back`);
  return problems;
}

let passed = 0;
let failed = 0;
const fail = (what) => { failed++; console.log(`FAIL ${what}`); };

for (const [name, pagePath] of pages) {
  for (const [width, scheme] of [[375, "light"], [375, "dark"], [1280, "light"], [1280, "dark"]]) {
    const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
    const page = await context.newPage();
    const problems = [];
    page.on("console", (m) => {
      // Chromium logs the 404 status of the not-found page itself, which is the point of that page.
      const own404 = name === "not-found" && m.location().url === origin + pagePath && m.text().includes("404");
      if (m.type() === "error" && !own404 && !scriptsOnly) problems.push(`console error: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("dialog", async (d) => { problems.push(`a script ran: ${d.type()} "${d.message()}"`); await d.dismiss(); });
    page.on("requestfailed", (r) => {
      if (!scriptsOnly) problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
    });
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(origin) || url.startsWith("data:")) return route.continue();
      problems.push(`request leaving the site: ${url}`);
      return route.abort();
    });
    page.on("response", (r) => {
      const expected404 = name === "not-found" && r.url() === origin + pagePath;
      if (r.status() >= 400 && !expected404 && !scriptsOnly) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    const response = await page.goto(origin + pagePath, { waitUntil: "load" });
    if (name === "not-found" && response.status() !== 404) problems.push(`expected 404, got ${response.status()}`);
    const shot = path.join(shotsDir, `${name}-${width}${scheme === "dark" ? "-dark" : ""}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    if (width === 375) {
      const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      if (scrollWidth > innerWidth) problems.push(`scrolls sideways at ${width}px: ${scrollWidth}px wide`);
    }
    // The timeline and the action items, which a reader must be able to
    // read: on a phone a cell of prose (four words or more) is at least
    // 200 px wide; at any width a value (a time, an offset, an owner, a
    // date, a ticket: a <time>, a cell the theme marks `value`, or at most
    // two words in 24 characters) is on one line; no
    // cell is cut off. (Not for hostile content, whose cells are made to be
    // odd.)
    const cells = await page.evaluate(() => [
      ...document.querySelectorAll("section.timeline td, section.action-items td, table.items-table td"),
    ].map((td) => {
      const range = document.createRange();
      range.selectNodeContents(td);
      // A box starts a new line when it begins below the ones before it end.
      const boxes = [...range.getClientRects()].filter((r) => r.width > 0).sort((a, b) => a.top - b.top);
      let lines = boxes.length ? 1 : 0, bottom = boxes.length ? boxes[0].bottom : 0;
      for (const r of boxes.slice(1)) {
        if (r.top >= bottom - 1) lines++;
        bottom = Math.max(bottom, r.bottom);
      }
      const text = td.textContent.trim().replace(/\s+/g, " ");
      return {
        text: text.slice(0, 40),
        words: text ? text.split(" ").length : 0,
        length: text.length,
        time: td.querySelector("time") !== null || td.classList.contains("value"),
        width: td.getBoundingClientRect().width,
        cut: td.scrollWidth > td.clientWidth + 1,
        lines,
      };
    }));
    for (const c of cells.filter((c) => c.words && !scriptsOnly)) {
      const value = c.time || (c.words <= 2 && c.length <= 24);
      if (!value && c.words >= 4 && width === 375 && c.width < 200) problems.push(`"${c.text}" is ${Math.round(c.width)}px wide`);
      if (value && c.lines > 1) problems.push(`"${c.text}" breaks over ${c.lines} lines`);
      if (c.cut) problems.push(`"${c.text}" is cut off`);
    }
    // The timeline picture: no marker covered by another by more than half.
    const covered = await page.evaluate(() => {
      const boxes = [...document.querySelectorAll("#glance path.g-mark")]
        .map((m) => m.getBoundingClientRect()).sort((a, b) => a.top - b.top);
      const found = [];
      for (let i = 0; i < boxes.length; i++) {
        for (let j = i + 1; j < boxes.length && boxes[j].top < boxes[i].bottom; j++) {
          const [a, b] = [boxes[i], boxes[j]];
          const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          const smaller = Math.min(a.width * a.height, b.width * b.height);
          if (w > 0 && h > 0 && w * h > smaller / 2) found.push(Math.round(a.top));
        }
      }
      return found;
    });
    if (!scriptsOnly) for (const y of covered) problems.push(`a timeline marker at y=${y} is more than half covered by the next`);
    // The action items' filters: with JavaScript, following one swaps its
    // list in place (no page load) and Back brings the first list back.
    if (name === "action-items" && width === 1280 && scheme === "light" && !scriptsOnly) {
      problems.push(...await filtersInPlace(page, pagePath));
    }
    // On paper: a write-up says where it lives; the filters, links and
    // pagination meant for a screen are left out.
    if (width === 1280 && scheme === "light" && !scriptsOnly) {
      await page.emulateMedia({ media: "print" });
      const printed = await page.evaluate(() => {
        const shown = (e) => e && getComputedStyle(e).display !== "none";
        const address = document.querySelector(".print-address");
        return {
          address: shown(address) ? address.textContent : null,
          screenOnly: [...document.querySelectorAll(".item-filters, .permalink, .pagination, .site-nav")].filter(shown).length,
        };
      });
      if (name === "writeup" && !(printed.address ?? "").includes("://")) problems.push("printed, the write-up does not show its address");
      if (printed.screenOnly) problems.push(`printed, ${printed.screenOnly} links meant for a screen are shown`);
      await page.emulateMedia({ media: "screen" });
    }
    await page.addScriptTag({ content: axeSource });
    const results = await page.evaluate(async () => await window.axe.run(document, { resultTypes: ["violations"] }));
    for (const v of results.violations.filter((v) => !scriptsOnly && (v.impact === "serious" || v.impact === "critical"))) {
      problems.push(`axe ${v.impact}: ${v.id} (${v.help}) at ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join("; ")}`);
    }
    const label = `${pagePath} at ${width}px, ${scheme}`;
    if (problems.length) {
      fail(label);
      for (const p of problems) console.log(`  ${p}`);
    } else {
      passed++;
      console.log(`ok   ${label} (${results.violations.length} minor axe findings)`);
    }
    await context.close();
  }
}

await browser.close();
server.close();
console.log(`screenshots: ${path.resolve(shotsDir)}`);
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
