// Types queries into a built site's search page in headless Chromium, as a
// person does (a key every 60 ms), and fails when the page's main thread is
// busy for more than 100 ms at a stretch (the Long Tasks API) between the
// first key and the final count; on a phone (375 px) it also fails when the
// first result is not above the facets.
//
//   node typing-check.mjs SITE_DIR QUERY...
import { chromium } from "playwright-core";
import { serveStatic } from "./static-server.mjs";

const [siteDir, ...queries] = process.argv.slice(2);
if (!siteDir || queries.length === 0) {
  console.error("usage: node typing-check.mjs SITE_DIR QUERY...");
  process.exit(2);
}
const LIMIT_MS = 100;
const server = await serveStatic(siteDir);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
let failed = 0;
for (const width of [375, 1280]) {
  for (const query of queries) {
    const page = await browser.newPage({ viewport: { width, height: 800 } });
    await page.addInitScript(() => {
      window.longTasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.longTasks.push(Math.round(e.duration));
      }).observe({ type: "longtask", buffered: true });
    });
    await page.goto(`${server.origin}/search/`);
    await page.waitForSelector("#search-app:not([hidden])");
    await page.waitForFunction(() => /match|Type to search/.test(document.getElementById("search-status").textContent));
    await page.evaluate(() => { window.longTasks.length = 0; });
    await page.click("#search-q");
    const start = Date.now();
    await page.keyboard.type(query, { delay: 60 });
    // The final count, and the first result drawn (unless there is none).
    await page.waitForFunction((q) => {
      const s = document.getElementById("search-status");
      return /match/.test(s.textContent) && s.getAttribute("data-query") === q &&
        (/^No /.test(s.textContent) || document.querySelector("#search-results .search-result") !== null);
    }, query, { timeout: 30000 });
    const ms = Date.now() - start;
    const long = await page.evaluate(() => window.longTasks.slice());
    const worst = Math.max(0, ...long);
    const problems = [];
    if (worst > LIMIT_MS) problems.push(`the main thread was busy for ${worst} ms (long tasks: ${long.join(", ")} ms)`);
    if (width === 375) {
      const order = await page.evaluate(() => {
        const first = document.querySelector("#search-results .search-result");
        const facets = document.getElementById("search-facets-box") ?? document.getElementById("search-facets");
        return first ? [first.getBoundingClientRect().top, facets.getBoundingClientRect().top] : null;
      });
      if (order && order[0] > order[1]) problems.push(`the first result (${Math.round(order[0])} px) is under the facets (${Math.round(order[1])} px)`);
    }
    const label = `${query} at ${width}px: ${ms} ms to the final count, longest task ${worst} ms`;
    if (problems.length) {
      failed++;
      console.log(`FAIL ${label}`);
      for (const p of problems) console.log(`  ${p}`);
    } else {
      console.log(`ok   ${label}`);
    }
    await page.close();
  }
}
await browser.close();
server.close();
console.log(`typing: ${failed ? "FAILED" : "ok"}`);
process.exit(failed ? 1 : 0);
