// Screenshots of the timeline picture (`#glance`) of the given pages, at a
// phone's and a desktop's width, light and dark, and as printed.
//
//   node glance-shot.mjs SITE_DIR SHOTS_DIR PATH...
import { chromium } from "playwright-core";
import { mkdir } from "node:fs/promises";
import { serveStatic } from "./static-server.mjs";
import path from "node:path";

const [siteDir, shotsDir, ...paths] = process.argv.slice(2);
if (!siteDir || !shotsDir || paths.length === 0) {
  console.error("usage: node glance-shot.mjs SITE_DIR SHOTS_DIR PATH...");
  process.exit(2);
}
await mkdir(shotsDir, { recursive: true });
const server = await serveStatic(siteDir);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"],
});
let failed = 0;
for (const p of paths) {
  for (const [width, scheme, media] of [[375, "light", "screen"], [375, "dark", "screen"], [1280, "light", "screen"], [1280, "dark", "screen"], [1280, "light", "print"]]) {
    const page = await browser.newPage({ viewport: { width, height: 900 }, colorScheme: scheme });
    await page.emulateMedia({ media, colorScheme: scheme });
    await page.goto(server.origin + p);
    const figure = page.locator("#glance");
    const name = `${p.replace(/\W+/g, "-").replace(/^-|-$/g, "")}-${width}-${scheme}-${media}.png`;
    // The picture must fit its column, and no two labels may overlap.
    const report = await figure.evaluate((f) => {
      const svg = f.querySelector("svg");
      const boxes = [...svg.querySelectorAll("text")].map((t) => t.getBoundingClientRect());
      let overlaps = 0;
      for (let i = 0; i < boxes.length; i++)
        for (let j = i + 1; j < boxes.length; j++) {
          const a = boxes[i], b = boxes[j];
          if (a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5) overlaps++;
        }
      const s = svg.getBoundingClientRect();
      const outside = boxes.filter((b) => b.left < s.left - 0.5 || b.right > s.right + 0.5).length;
      const scale = s.width / svg.viewBox.baseVal.width;
      return { overlaps, outside, scale: Math.round(scale * 100) / 100, width: Math.round(s.width) };
    });
    await figure.screenshot({ path: path.join(shotsDir, name) });
    const ok = report.overlaps === 0 && report.outside === 0;
    if (!ok) failed++;
    console.log(`${ok ? "ok  " : "FAIL"} ${p} ${width}px ${scheme} ${media}: ${report.overlaps} overlapping labels, ${report.outside} outside, drawn ${report.width}px (scale ${report.scale})`);
    await page.close();
  }
}
await browser.close();
server.close();
process.exit(failed ? 1 : 0);
