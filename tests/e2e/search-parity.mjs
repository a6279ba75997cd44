// The theme's search.js and `blameless search` must answer alike: same
// results in the same order with the same scores, and the same facet counts.
// Also prints what each query downloads (the files search.js fetches for
// its first page of 10 results), for the #4 size targets.
//
// usage: node search-parity.mjs SITE_DIR BLAMELESS_BIN [QUERY...]
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import { execFileSync } from "node:child_process";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const [site, bin, ...given] = process.argv.slice(2);
if (!site || !bin) {
  console.error("usage: node search-parity.mjs SITE_DIR BLAMELESS_BIN [QUERY...]");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
vm.runInThisContext(readFileSync(join(here, "../../themes/escribe/static/search.js"), "utf8"));
const { Engine, parse } = globalThis.BlamelessSearch;

// The queries, each [query, [[facet, [values]]...], sort], are shared
// with the Rust tests (tests/it/search.rs reads the same file).
const shared = JSON.parse(readFileSync(join(here, "search-queries.json"), "utf8"));
const queries = given.length ? given.map((q) => [q, [], "relevance"]) : shared;

function bytesLoader() {
  const seen = new Map();
  const load = async (name) => {
    const raw = readFileSync(join(site, "search", name));
    seen.set(name, raw.length);
    return raw[0] === 0x1f && raw[1] === 0x8b ? gunzipSync(raw).toString("utf8") : raw.toString("utf8");
  };
  return { load, seen };
}

let failures = 0;
for (const [q, selected, sort] of queries) {
  const { load, seen } = bytesLoader();
  const engine = new Engine(load);
  const started = performance.now();
  await engine.open();
  const js = await engine.search(parse(q, engine.filterKeys()), selected, sort);
  await Promise.all(js.ids.slice(0, 10).map((id) => engine.hit(id)));
  const ms = performance.now() - started;
  const args = ["search", q, "--site", site, "--sort", sort, "--limit", "50", "--format", "json"];
  for (const [k, vs] of selected) for (const v of vs) args.push("--filter", `${k}=${v}`);
  const rust = JSON.parse(execFileSync(bin, args, { encoding: "utf8" }));
  const problems = [];
  if (rust.total !== js.ids.length) problems.push(`total: rust ${rust.total}, js ${js.ids.length}`);
  rust.results.forEach((r, i) => {
    if (r.id !== js.ids[i] || r.score !== js.scores[i]) {
      problems.push(`#${i + 1}: rust ${r.id} (${r.score}), js ${js.ids[i]} (${js.scores[i]})`);
    }
  });
  const jsFacets = Object.fromEntries(js.facets);
  for (const [key, values] of Object.entries(rust.facets)) {
    if (JSON.stringify(values) !== JSON.stringify(jsFacets[key])) problems.push(`facet ${key} differs`);
  }
  if (Object.keys(jsFacets).length !== Object.keys(rust.facets).length) problems.push("facet keys differ");
  // A query that finds nothing: both offer the same instead.
  if (!js.ids.length && parse(q, engine.filterKeys()).words.length) {
    const offered = await engine.suggest(q, selected);
    const want = JSON.stringify(rust.suggestions), got = JSON.stringify(offered);
    if (want !== got) problems.push(`suggestions: rust ${want}, js ${got}`);
  }
  const kb = [...seen.values()].reduce((a, b) => a + b, 0) / 1024;
  const label = `${JSON.stringify(q)}${selected.length ? " " + JSON.stringify(selected) : ""} ${sort}`;
  if (problems.length) {
    failures++;
    console.log(`FAIL ${label}\n  ${problems.slice(0, 5).join("\n  ")}`);
  } else {
    console.log(`ok   ${label}: ${js.ids.length} results, ${seen.size} files, ${kb.toFixed(1)} KB, ${ms.toFixed(1)} ms`);
  }
}
if (failures) {
  console.log(`${failures} of ${queries.length} queries answered differently`);
  process.exit(1);
}
console.log(`search.js and blameless search agree on ${queries.length} queries`);
