// The search page in headless Chromium, on the built demo site: type a
// query, see the expected write-up first, narrow by severity, reload the
// shared URL and get the same results, go back, use the keyboard, search
// from the header of another page, and read the no-JavaScript fallback.
// Fails on any console error or failed request.
//
//   node search-check.mjs SITE_DIR
import { chromium } from "playwright-core";
import { existsSync } from "node:fs";
import { serveStatic } from "./static-server.mjs";

const [siteDir] = process.argv.slice(2);
if (!siteDir) {
  console.error("usage: node search-check.mjs SITE_DIR");
  process.exit(2);
}
const chromiumPath = process.env.CHROMIUM ?? "/usr/bin/chromium";
if (!existsSync(chromiumPath)) {
  console.error(`no browser at ${chromiumPath}: install Debian's chromium package`);
  process.exit(1);
}
const server = await serveStatic(siteDir);
const origin = server.origin;
const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const problems = [];
page.on("console", (m) => { if (m.type() === "error") problems.push(`console error: ${m.text()}`); });
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("requestfailed", (r) => {
  // Leaving a page cancels what it was still loading (net::ERR_ABORTED);
  // that is the test navigating, not a broken site.
  if (r.failure()?.errorText !== "net::ERR_ABORTED") problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
});
page.on("response", (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });

let failed = 0;
function check(what, ok, detail = "") {
  if (ok) console.log(`ok   ${what}`);
  else { failed++; console.log(`FAIL ${what}${detail ? `: ${detail}` : ""}`); }
}
const titles = () => page.$$eval("#search-results .search-result h2 a", (as) => as.map((a) => a.textContent));
const status = () => page.textContent("#search-status");
async function settle() {
  await page.waitForFunction(() => /match|Type to search/.test(document.getElementById("search-status").textContent));
  await page.waitForTimeout(100);
}

await page.goto(`${origin}/search/`);
await page.waitForSelector("#search-app:not([hidden])");
check("the fallback text is hidden when JavaScript runs", await page.isHidden("#search-nojs"));
await settle();

// Type like a person: results update on each keystroke.
await page.click("#search-q");
await page.keyboard.type("snapshot", { delay: 30 });
await page.waitForFunction(() => document.querySelectorAll("#search-results .search-result").length > 0);
await settle();
let list = await titles();
check("typing 'snapshot' puts the stale-snapshot write-up first",
  /17-hour-old snapshot/.test(list[0] ?? ""), JSON.stringify(list));
check("the results count is announced", /^\d+ write-ups? match/.test(await status()), await status());
check("matched words are highlighted", (await page.$$("#search-results mark")).length > 0);
check("the query is in the URL", new URL(page.url()).searchParams.get("q") === "snapshot", page.url());
check("the search runs in a worker, off the page's thread", page.workers().length === 1, `${page.workers().length} workers`);

// A severity facet narrows the results and goes into the URL.
const before = list;
const sev = await page.$$eval("#search-facets fieldset", (sets) => {
  const set = sets.find((s) => s.querySelector("legend").textContent === "Severity");
  return set ? Array.from(set.querySelectorAll("input")).map((i) => i.value) : [];
});
check("a severity facet is offered", sev.length > 0, JSON.stringify(sev));
const value = sev.includes("SEV2") ? "SEV2" : sev[0];
await page.check(`#search-facets input[data-facet="severity"][value="${value}"]`);
await page.waitForFunction((v) => new URL(location.href).searchParams.getAll("severity").includes(v), value);
await settle();
const filtered = await titles();
check(`the severity filter keeps only ${value} write-ups`,
  filtered.length > 0 && filtered.length <= before.length &&
  (await page.$$eval(".search-severity", (s) => s.map((e) => e.textContent))).every((s) => s === value));

// The shared URL gives the same results after a reload.
const shared = page.url();
await page.goto(shared);
await page.waitForSelector("#search-results .search-result");
await settle();
check("reloading the shared URL gives the same results", JSON.stringify(await titles()) === JSON.stringify(filtered),
  `${JSON.stringify(await titles())} vs ${JSON.stringify(filtered)}`);
check("the filter is still ticked after a reload",
  await page.isChecked(`#search-facets input[data-facet="severity"][value="${value}"]`));

// Back goes to the unfiltered results.
await page.goBack();
await page.waitForFunction(() => !new URL(location.href).searchParams.has("severity"));
await settle();
check("back returns to the results without the filter", JSON.stringify(await titles()) === JSON.stringify(before));

// Prefix while typing: "restor" finds "restore", "restored".
await page.fill("#search-q", "restor");
await page.waitForFunction(() => /match/.test(document.getElementById("search-status").textContent));
await settle();
list = await titles();
check("'restor' finds the write-up about a restore", list.some((t) => /snapshot/.test(t)), JSON.stringify(list));

// Nothing found: the nearest known word is offered, and following it searches.
await page.fill("#search-q", "snapshto");
await page.waitForFunction(() => !document.getElementById("search-suggest").hidden, null, { timeout: 5000 }).catch(() => {});
const offered = await page.textContent("#search-suggest");
check("a query that finds nothing offers the nearest word", /Did you mean snapshot\?/.test(offered), offered);
await page.click("#search-suggest a");
await page.waitForFunction(() => /write-ups? match/.test(document.getElementById("search-status").textContent) && !/No/.test(document.getElementById("search-status").textContent));
check("following it searches for it", (await page.inputValue("#search-q")) === "snapshot" && new URL(page.url()).searchParams.get("q") === "snapshot", page.url());

// Keyboard: arrow down from the box to the results, Enter opens one.
await page.focus("#search-q");
await page.keyboard.press("ArrowDown");
const focused = await page.evaluate(() => document.activeElement.closest(".search-result") !== null);
check("ArrowDown moves from the box to the first result", focused);
const href = await page.evaluate(() => document.activeElement.getAttribute("href"));
await page.keyboard.press("Enter");
await page.waitForURL((u) => u.pathname === href);
check("Enter opens the focused result", new URL(page.url()).pathname === href, page.url());

// "/" focuses search from any page, and the header box leads to /search/.
await page.goto(`${origin}/`);
await page.keyboard.press("/");
check("'/' focuses the header search box", await page.evaluate(() => document.activeElement.id === "site-search"));
await page.keyboard.type("certificate");
await page.keyboard.press("Enter");
await page.waitForURL(/\/search\/\?q=certificate/);
await page.waitForSelector("#search-results .search-result");
list = await titles();
check("the header box searches from any page", list.some((t) => /certificate/i.test(t)), JSON.stringify(list));

// Without JavaScript the page says how else to find a write-up.
const noJs = await browser.newContext({ javaScriptEnabled: false });
const plain = await noJs.newPage();
await plain.goto(`${origin}/search/?q=snapshot`);
check("without JavaScript the fallback is shown and links to the archive",
  (await plain.isVisible("#search-nojs")) && (await plain.isHidden("#search-app")) &&
  (await plain.$('#search-nojs a[href$="archive/"]')) !== null);
await noJs.close();

// A site whose index is missing says so on the page.
// Where no worker can run, the page searches on its own thread, alike.
const noWorker = await browser.newContext({ viewport: { width: 1280, height: 900 } });
await noWorker.addInitScript(() => { delete window.Worker; });
const plainPage = await noWorker.newPage();
plainPage.on("pageerror", (e) => problems.push(`page error without a worker: ${e.message}`));
await plainPage.goto(`${origin}/search/?q=snapshot`);
await plainPage.waitForFunction(() => document.querySelectorAll("#search-results .search-result").length > 0);
const plainFirst = await plainPage.$eval("#search-results .search-result h2 a", (a) => a.textContent);
check("without a worker the same write-up comes first", /17-hour-old snapshot/.test(plainFirst) && plainPage.workers().length === 0, plainFirst);
await noWorker.close();

const broken = await browser.newContext();
const brokenPage = await broken.newPage();
await brokenPage.route("**/search/meta.json*", (route) => route.fulfill({ status: 404, body: "" }));
await brokenPage.goto(`${origin}/search/?q=snapshot`);
await brokenPage.waitForFunction(() => /unavailable/.test(document.getElementById("search-status").textContent));
const said = await brokenPage.textContent("#search-status");
check("a missing index is reported on the page", said === "Search is unavailable: could not load /search/meta.json (404)", said);
await broken.close();

check("no console errors or failed requests", problems.length === 0, problems.join("; "));
await browser.close();
server.close();
console.log(failed ? `search: ${failed} checks failed` : "search: all checks passed");
process.exit(failed ? 1 : 0);
