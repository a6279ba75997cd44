// Types the same queries into two search pages in headless Chromium, in
// turn, a key every 60 ms as a person types: blameless's /search/ and a
// Pagefind default UI page. The clock runs from the first key (the page
// loaded and its search ready) to the final count for the whole query
// (blameless: "N write-ups match" for that query, as the status's
// `data-query` says; Pagefind: `N results for query`). Bytes are
// every response of the search's own files (blameless: search.js and
// search/; Pagefind: pagefind/), from the navigation on. Prints ms and KB
// per query and site (medians of the rounds) and the ratios.
//
//   node search-race.mjs BLAMELESS_SITE PAGEFIND_SITE ROUNDS QUERY...
import { chromium } from "playwright-core";
import { serveStatic } from "./static-server.mjs";

const [ours, theirs, roundsArg, ...queries] = process.argv.slice(2);
if (!ours || !theirs || !roundsArg || queries.length === 0) {
  console.error("usage: node search-race.mjs BLAMELESS_SITE PAGEFIND_SITE ROUNDS QUERY...");
  process.exit(2);
}
const rounds = Number(roundsArg);
const sites = {
  blameless: {
    server: await serveStatic(ours),
    own: (path) => path === "/search.js" || path.startsWith("/search/"),
    input: "#search-q",
    ready: () => page => page.waitForFunction(() => /match|Type to search/.test(document.getElementById("search-status").textContent)),
    done: (q) => (page) => page.waitForFunction((q) => {
      const s = document.getElementById("search-status");
      return /match/.test(s.textContent) && s.getAttribute("data-query") === q;
    }, q, { timeout: 60000 }),
    count: (page) => page.textContent("#search-status"),
  },
  pagefind: {
    server: await serveStatic(theirs),
    own: (path) => path.startsWith("/pagefind/"),
    input: ".pagefind-ui__search-input",
    ready: () => (page) => page.waitForSelector(".pagefind-ui__search-input"),
    done: (q) => (page) => page.waitForFunction((q) => {
      const m = document.querySelector(".pagefind-ui__message");
      return m && /\d[\d,]* results? for /.test(m.textContent) && m.textContent.trim().endsWith(`for ${q}`);
    }, q, { timeout: 60000 }),
    count: (page) => page.textContent(".pagefind-ui__message"),
  },
};
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const results = {};
for (let round = 0; round < rounds; round++) {
  for (const query of queries) {
    // Interleaved: each site in turn, the order swapped every round.
    const order = round % 2 ? ["pagefind", "blameless"] : ["blameless", "pagefind"];
    for (const name of order) {
      const site = sites[name];
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      let bytes = 0;
      context.on("requestfinished", async (request) => {
        const path = new URL(request.url()).pathname;
        if (!site.own(path)) return;
        const sizes = await request.sizes().catch(() => null);
        if (sizes) bytes += sizes.responseBodySize + sizes.responseHeadersSize;
      });
      await page.goto(`${site.server.origin}/search/`);
      await site.ready()(page);
      await page.click(site.input);
      const start = Date.now();
      await page.keyboard.type(query, { delay: 60 });
      await site.done(query)(page);
      const ms = Date.now() - start;
      await page.waitForTimeout(300);
      const said = (await site.count(page)).trim();
      (results[`${query}\u0000${name}`] ??= []).push({ ms, kb: bytes / 1024, said });
      await context.close();
    }
  }
}
await browser.close();
for (const s of Object.values(sites)) s.server.close();
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log("| query | blameless ms | blameless KB | Pagefind ms | Pagefind KB | ms ratio | KB ratio |");
console.log("|---|---|---|---|---|---|---|");
for (const q of queries) {
  const a = results[`${q}\u0000blameless`], b = results[`${q}\u0000pagefind`];
  const [am, ak, bm, bk] = [median(a.map((r) => r.ms)), median(a.map((r) => r.kb)), median(b.map((r) => r.ms)), median(b.map((r) => r.kb))];
  console.log(`| \`${q}\` | ${am} | ${ak.toFixed(0)} | ${bm} | ${bk.toFixed(0)} | ${(am / bm).toFixed(2)} | ${(ak / bk).toFixed(2)} |`);
  console.log(`|   (${a[0].said} / ${b[0].said}) |||||||`);
}
