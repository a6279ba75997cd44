/* blameless search: the client of the index `blameless build` writes under
 * search/ (see src/search/). No dependencies, no server: it fetches the few
 * files a query needs.
 *
 * The tokenizer, the query parser and the scoring repeat
 * src/search/tokenize.rs and src/search/query.rs step for step, so the
 * browser finds what the build indexed and ranks it as `blameless search`
 * does; tests/e2e/search-parity.mjs checks that they agree.
 *
 * On every page: "/" focuses the search box. On /search/: results as you
 * type, facets, sorting, the state in the URL. */
(function (global) {
  "use strict";

  // The numbers matching depends on, from the index's meta.json
  // (`limits`, written from src/search/format.rs's LIMITS): set by
  // Engine.open, so this file restates none of them.
  var MAX_TERM_CHARS, MAX_EXPANSIONS, PREFIX_FACTOR;
  function setLimits(limits) {
    if (!limits) throw new Error("the search index gives no limits");
    MAX_TERM_CHARS = limits.term_chars;
    MAX_EXPANSIONS = limits.expansions;
    PREFIX_FACTOR = limits.prefix_factor;
  }

  // ---- Tokenizer (src/search/tokenize.rs) ----
  var NOT_WORD = /[^\p{Alphabetic}\p{N}_\-./:@]/u;
  var JOINER = /[_\-./:@]/;
  var JOINERS_AT_ENDS = /^[_\-./:@]+|[_\-./:@]+$/g;
  var ASCII = /^[\x00-\x7f]*$/;

  function normalize(text) {
    if (ASCII.test(text)) return text.toLowerCase();
    return text.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
  }
  function charCount(s) {
    var n = 0;
    for (var _ of s) n++;
    return n;
  }
  function cut(s) {
    if (s.length <= MAX_TERM_CHARS) return s;
    return Array.from(s).slice(0, MAX_TERM_CHARS).join("");
  }
  function runs(normalized) {
    if (MAX_TERM_CHARS === undefined) throw new Error("open the search index first");
    var out = [];
    var pieces = normalized.split(NOT_WORD);
    for (var i = 0; i < pieces.length; i++) {
      var run = pieces[i].replace(JOINERS_AT_ENDS, "");
      if (run) out.push(run);
    }
    return out;
  }
  function isCompound(run) {
    return JOINER.test(run) && charCount(run) <= MAX_TERM_CHARS;
  }
  function parts(run) {
    return run.split(JOINER).filter(Boolean).map(cut);
  }
  function forEachTerm(normalized, visit) {
    var rs = runs(normalized);
    for (var i = 0; i < rs.length; i++) {
      if (isCompound(rs[i])) visit(rs[i], true);
      var ps = parts(rs[i]);
      for (var j = 0; j < ps.length; j++) visit(ps[j], false);
    }
  }
  function terms(text) {
    var out = [];
    forEachTerm(normalize(text), function (t) { out.push(t); });
    return out;
  }
  function atoms(text) {
    var out = [];
    forEachTerm(normalize(text), function (t, compound) { if (!compound) out.push(t); });
    return out;
  }
  function queryTerms(word) {
    var out = [];
    var rs = runs(normalize(word));
    for (var i = 0; i < rs.length; i++) {
      if (isCompound(rs[i])) out.push(rs[i]);
      else out.push.apply(out, parts(rs[i]));
    }
    return out;
  }

  // ---- Query parser (src/search/query.rs, parse) ----
  var FILTER_KEYS = ["severity", "service", "tag", "year", "status", "author"];
  var SPACE = /\p{White_Space}/u;

  // keys: the facets a query may name (the built-in ones unless given;
  // an engine's filterKeys() adds the site's own taxonomies).
  function parse(input, keys) {
    keys = keys || FILTER_KEYS;
    var q = { words: [], phrases: [], excluded: [], filters: [] };
    var chars = Array.from(input);
    var i = 0;
    var lastPlain = null;
    function quoted(from) {
      var end = chars.indexOf('"', from);
      if (end < 0) end = chars.length;
      return [chars.slice(from, end).join(""), end + 1];
    }
    while (i < chars.length) {
      if (SPACE.test(chars[i])) { i++; continue; }
      if (chars[i] === '"') {
        var r = quoted(i + 1);
        var phrase = atoms(r[0]);
        if (phrase.length) q.phrases.push(phrase);
        i = r[1];
        lastPlain = null;
        continue;
      }
      var start = i;
      while (i < chars.length && !SPACE.test(chars[i]) && chars[i] !== '"') i++;
      var token = chars.slice(start, i).join("");
      var colon = token.indexOf(":");
      if (colon >= 0) {
        var key = token.slice(0, colon).toLowerCase();
        if (keys.indexOf(key) >= 0) {
          var value = token.slice(colon + 1);
          if (value === "" && chars[i] === '"') {
            var rq = quoted(i + 1);
            value = rq[0];
            i = rq[1];
          }
          if (value.trim() !== "") q.filters.push([key, value.trim()]);
          lastPlain = null;
          continue;
        }
      }
      if (token.charAt(0) === "-") {
        q.excluded.push.apply(q.excluded, queryTerms(token.slice(1)));
        lastPlain = null;
        continue;
      }
      var ts = queryTerms(token);
      for (var k = 0; k < ts.length; k++) {
        if (!q.words.some(function (w) { return w[0] === ts[k]; })) q.words.push([ts[k], false]);
        lastPlain = q.words.length - 1;
      }
    }
    var endsOpen = chars.length > 0 && !SPACE.test(chars[chars.length - 1]);
    if (lastPlain !== null && endsOpen && lastPlain + 1 === q.words.length &&
        charCount(q.words[lastPlain][0]) >= 2) {
      q.words[lastPlain][1] = true;
    }
    return q;
  }
  function isEmptyQuery(q) {
    return !q.words.length && !q.phrases.length && !q.excluded.length && !q.filters.length;
  }

  // ---- Engine (src/search/query.rs, Index) ----
  var SORTS = ["relevance", "newest", "oldest", "outage"];

  function Engine(load) {
    // load(name) resolves to the file's text (inflated).
    this.load = load;
    this.meta = null;
    this.shards = new Map();
    this.table = null;
    this.texts = new Map();
  }
  Engine.prototype.open = function () {
    var self = this;
    if (!this.opening) {
      this.opening = this.load("meta.json", true).then(function (text) {
        var meta = JSON.parse(text);
        if (meta.format !== 1) throw new Error("search index format " + meta.format + " is not 1");
        setLimits(meta.limits);
        self.meta = meta;
        return meta;
      });
    }
    return this.opening;
  };
  // The facets a query may name: the built-in ones and the site's own
  // taxonomies (meta.filters). Needs open() first.
  Engine.prototype.filterKeys = function () {
    return FILTER_KEYS.concat((this.meta && this.meta.filters) || []);
  };
  Engine.prototype.shardOf = function (term) {
    var firsts = this.meta.shards, lo = 0, hi = firsts.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (firsts[mid] <= term) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
  };
  Engine.prototype.shard = function (i) {
    if (!this.shards.has(i)) {
      this.shards.set(i, this.load("shard-" + i + ".bin").then(function (text) {
        var raw = JSON.parse(text), out = [];
        for (var k = 0; k + 1 < raw.length; k += 2) {
          var flat = raw[k + 1], ids = new Uint32Array(flat.length / 2), ws = new Uint8Array(flat.length / 2), id = 0;
          for (var j = 0; j < ids.length; j++) {
            id += flat[2 * j];
            ids[j] = id;
            ws[j] = flat[2 * j + 1];
          }
          out.push([raw[k], ids, ws]);
        }
        return out;
      }));
    }
    return this.shards.get(i);
  };
  Engine.prototype.lookup = async function (term, prefix) {
    var n = this.meta.docs, out = new Map();
    var s = this.shardOf(term);
    if (s < 0) return out;
    var expansions = 0;
    for (;;) {
      var shard = await this.shard(s);
      for (var k = 0; k < shard.length; k++) {
        var t = shard[k][0];
        var exact = t === term;
        if (!(exact || (prefix && t.startsWith(term)))) continue;
        if (!exact) {
          if (expansions === MAX_EXPANSIONS) continue;
          expansions++;
        }
        var ids = shard[k][1], ws = shard[k][2], df = ids.length;
        var idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        var factor = exact ? 1 : PREFIX_FACTOR;
        for (var j = 0; j < ids.length; j++) {
          var score = idf * ws[j] / 255 * factor;
          var e = out.get(ids[j]);
          if (e === undefined || score > e) out.set(ids[j], score);
        }
      }
      s++;
      var more = prefix && s < this.meta.shards.length && this.meta.shards[s].startsWith(term);
      if (!more) return out;
    }
  };
  Engine.prototype.docs = function () {
    if (!this.table) {
      this.table = this.load("docs.bin").then(JSON.parse);
    }
    return this.table;
  };
  // Text is packed: frequent words are private-use characters (see
  // src/search/packing.rs); U+F8FF marks a character that stands for itself.
  var PACKED = /\uF8FF([\s\S])|[\uE000-\uF8FE]/g;
  Engine.prototype.hit = function (id) {
    var chunk = Math.floor(id / this.meta.chunk);
    if (!this.words) this.words = this.load("words.bin").then(JSON.parse);
    if (!this.texts.has(chunk)) {
      var words = this.words;
      this.texts.set(chunk, Promise.all([this.load("text-" + chunk + ".bin"), words]).then(function (r) {
        var list = JSON.parse(r[0]), dict = r[1];
        var unpack = function (s) {
          return s.replace(PACKED, function (m, literal) {
            return literal !== undefined ? literal : dict[m.charCodeAt(0) - 0xE000];
          });
        };
        list.forEach(function (hit) { hit.fields = hit.fields.map(unpack); });
        return list;
      }));
    }
    var at = id % this.meta.chunk;
    return this.texts.get(chunk).then(function (list) { return list[at]; });
  };
  // Work on the main thread gives way this often, so typing never waits
  // on a search (a long task is 50 ms).
  var SLICE_MS = 12;
  var Stale = function () {};
  // selected: [[facetKey, [values]]]; sort: one of SORTS. isStale, when
  // given, says a newer query has come: the search stops where it gives
  // way and resolves to null.
  Engine.prototype.search = async function (query, selected, sort, isStale) {
    try {
      return await this.searchUnlessStale(query, selected, sort, isStale || function () { return false; });
    } catch (e) {
      if (e instanceof Stale) return null;
      throw e;
    }
  };
  Engine.prototype.searchUnlessStale = async function (query, selected, sort, isStale) {
    var sliceStart = Date.now();
    async function giveWay() {
      if (Date.now() - sliceStart < SLICE_MS) return;
      await new Promise(function (resolve) { setTimeout(resolve, 0); });
      if (isStale()) throw new Stale();
      sliceStart = Date.now();
    }
    await this.open();
    var anySelected = selected.some(function (s) { return s[1].length > 0; });
    if (isEmptyQuery(query) && !anySelected) return { ids: [], scores: [], facets: [] };
    var n = this.meta.docs;
    var required = query.words.slice();
    query.phrases.forEach(function (p) { p.forEach(function (a) { required.push([a, false]); }); });
    var self = this;
    var found = await Promise.all(required.map(function (w) { return self.lookup(w[0], w[1]); }));
    var base;
    if (found.length) {
      base = found[0];
      for (var r = 1; r < found.length; r++) {
        var next = new Map();
        base.forEach(function (s, id) {
          var f = found[r].get(id);
          if (f !== undefined) next.set(id, s + f);
        });
        base = next;
      }
    } else {
      base = new Map();
      for (var id0 = 0; id0 < n; id0++) base.set(id0, 0);
    }
    var excluded = await Promise.all(query.excluded.map(function (t) { return self.lookup(t, false); }));
    excluded.forEach(function (ex) { ex.forEach(function (_, id) { base.delete(id); }); });
    var table = await this.docs();
    var byKey = new Map(table.facets.map(function (f) { return [f.key, f]; }));
    query.filters.forEach(function (filter) {
      var facet = byKey.get(filter[0]), wanted = normalize(filter[1]), ids = new Set();
      if (facet) facet.values.forEach(function (v, i) { if (normalize(v) === wanted) ids.add(i); });
      base.forEach(function (_, id) {
        if (!facet || !facet.docs[id].some(function (v) { return ids.has(v); })) base.delete(id);
      });
    });
    if (query.phrases.length) {
      var candidates = Array.from(base.keys());
      var hits = await Promise.all(candidates.map(function (id) { return self.hit(id); }));
      for (var k = 0; k < candidates.length; k++) {
        await giveWay();
        var fields = hits[k].fields;
        var ok = query.phrases.every(function (p) {
          return fields.some(function (field) { return containsRun(atoms(field), p); });
        });
        if (!ok) base.delete(candidates[k]);
      }
    }
    var chosen = [];
    selected.forEach(function (s) {
      if (!s[1].length) return;
      var f = byKey.get(s[0]);
      if (!f) return;
      var ids = new Set();
      f.values.forEach(function (v, i) { if (s[1].indexOf(v) >= 0) ids.add(i); });
      chosen.push([f, ids]);
    });
    function passes(id, skip) {
      return chosen.every(function (c) {
        return c[0].key === skip || c[0].docs[id].some(function (v) { return c[1].has(v); });
      });
    }
    var facets = table.facets.map(function (f) {
      var counts = new Array(f.values.length).fill(0);
      base.forEach(function (_, id) {
        if (passes(id, f.key)) f.docs[id].forEach(function (v) { counts[v]++; });
      });
      var list = [];
      f.values.forEach(function (v, i) { if (counts[i] > 0) list.push([v, counts[i], i]); });
      list.sort(function (a, b) { return b[1] - a[1] || a[2] - b[2]; });
      return [f.key, list.map(function (e) { return [e[0], e[1]]; })];
    });
    var results = [];
    base.forEach(function (s, id) { if (passes(id, null)) results.push([id, Math.round(s * 1e6)]); });
    var outage = table.outage;
    if (sort === "newest") results.sort(function (a, b) { return a[0] - b[0]; });
    else if (sort === "oldest") results.sort(function (a, b) { return b[0] - a[0]; });
    else if (sort === "outage") results.sort(function (a, b) { return outage[b[0]] - outage[a[0]] || a[0] - b[0]; });
    else results.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return {
      ids: results.map(function (r) { return r[0]; }),
      scores: results.map(function (r) { return r[1]; }),
      facets: facets,
    };
  };
  // ---- Suggestions for a query that finds nothing (src/search/suggest.rs) ----
  var MAX_FEWER = 3, MAX_WORDS = 6;
  function plainWord(token) {
    return !/^[-"]/.test(token) && token.indexOf(":") < 0 && token.indexOf('"') < 0;
  }
  function distance(a, b, max) {
    a = Array.from(a); b = Array.from(b);
    if (Math.abs(a.length - b.length) > max) return -1;
    var row = [];
    for (var j = 0; j <= b.length; j++) row.push(j);
    for (var i = 0; i < a.length; i++) {
      var previous = row[0];
      row[0] = i + 1;
      var best = row[0];
      for (j = 0; j < b.length; j++) {
        var here = Math.min(previous + (a[i] !== b[j] ? 1 : 0), row[j] + 1, row[j + 1] + 1);
        previous = row[j + 1];
        row[j + 1] = here;
        best = Math.min(best, here);
      }
      if (best > max) return -1;
    }
    return row[b.length] <= max ? row[b.length] : -1;
  }
  Engine.prototype.termCount = async function (term) {
    var s = this.shardOf(term);
    if (s < 0) return 0;
    var shard = await this.shard(s);
    for (var k = 0; k < shard.length; k++) if (shard[k][0] === term) return shard[k][1].length;
    return 0;
  };
  Engine.prototype.nearestTerm = async function (term) {
    var max = Array.from(term).length <= 4 ? 1 : 2;
    var s = this.shardOf(term);
    if (s < 0) return null;
    var shard = await this.shard(s), best = null;
    for (var k = 0; k < shard.length; k++) {
      var d = distance(term, shard[k][0], max);
      if (d < 0) continue;
      var n = shard[k][1].length;
      if (!best || d < best[0] || (d === best[0] && n > best[1])) best = [d, n, shard[k][0]];
    }
    return best ? best[2] : null;
  };
  // What to offer for `input`, which found nothing with `selected`: {fewer:
  // [[query, found]], nearest: query or null}.
  Engine.prototype.suggest = async function (input, selected) {
    var tokens = input.split(/\p{White_Space}+/u).filter(Boolean);
    var words = [];
    tokens.forEach(function (t, i) { if (plainWord(t)) words.push(i); });
    var out = { fewer: [], nearest: null };
    if (words.length >= 2 && words.length <= MAX_WORDS) {
      for (var w = 0; w < words.length; w++) {
        var shorter = tokens.filter(function (_, i) { return i !== words[w]; }).join(" ");
        var found = (await this.search(parse(shorter, this.filterKeys()), selected, "relevance")).ids.length;
        if (found > 0 && !out.fewer.some(function (f) { return f[0] === shorter; })) out.fewer.push([shorter, found]);
      }
      out.fewer.sort(function (a, b) { return b[1] - a[1]; });
      out.fewer = out.fewer.slice(0, MAX_FEWER);
    }
    var replaced = tokens.slice(), any = false;
    for (var k = 0; k < words.length; k++) {
      var terms = queryTerms(tokens[words[k]]);
      if (terms.length !== 1 || (await this.termCount(terms[0])) > 0) continue;
      var near = await this.nearestTerm(terms[0]);
      if (near !== null) { replaced[words[k]] = near; any = true; }
    }
    if (any) out.nearest = replaced.join(" ");
    return out;
  };

  function containsRun(list, run) {
    outer: for (var i = 0; i + run.length <= list.length; i++) {
      for (var j = 0; j < run.length; j++) if (list[i + j] !== run[j]) continue outer;
      return true;
    }
    return false;
  }

  var api = { normalize: normalize, terms: terms, atoms: atoms, queryTerms: queryTerms,
    parse: parse, Engine: Engine, SORTS: SORTS };
  global.BlamelessSearch = api;

  async function inflate(response) {
    var buf = new Uint8Array(await response.arrayBuffer());
    if (buf[0] === 0x1f && buf[1] === 0x8b) {
      var stream = new Blob([buf]).stream().pipeThrough(new DecompressionStream("gzip"));
      return await new Response(stream).text();
    }
    return new TextDecoder().decode(buf);
  }
  function fetchingFrom(root, version) {
    return async function (name, fresh) {
      var v = version();
      var url = root + "search/" + name + (v ? "?v=" + v : "");
      var response = await fetch(url, fresh ? { cache: "no-cache" } : undefined);
      if (!response.ok) throw new Error("could not load " + url + " (" + response.status + ")");
      return inflate(response);
    };
  }

  // ---- In a worker: this same file runs the engine for the page, so
  // fetching, inflating, reading and matching never hold up typing. ----
  if (typeof document === "undefined" && typeof importScripts === "function") {
    var served = null, build = "", latest = 0;
    global.onmessage = async function (e) {
      var m = e.data;
      if (m.method === "search") latest = Math.max(latest, m.id);
      try {
        if (!served) served = new Engine(fetchingFrom(m.root, function () { return build; }));
        var a = m.args, value;
        if (m.method === "open") {
          value = await served.open();
          build = value.build;
        } else if (m.method === "search") {
          value = await served.search(a[0], a[1], a[2], function () { return m.id < latest; });
        } else if (m.method === "labels") {
          value = (await served.docs()).facets.map(function (f) { return { key: f.key, label: f.label }; });
        } else if (m.method === "hit") {
          value = await served.hit(a[0]);
        } else if (m.method === "suggest") {
          value = await served.suggest(a[0], a[1]);
        }
        global.postMessage({ id: m.id, value: value });
      } catch (err) {
        global.postMessage({ id: m.id, error: String(err && err.message || err) });
      }
    };
    return;
  }
  if (typeof document === "undefined") return;

  // ---- In the browser ----
  var scriptUrl = document.currentScript && document.currentScript.src;

  // The engine in a worker, with the engine's own methods as the page uses
  // them; a search a newer one overtook resolves to null.
  function WorkerEngine(worker, root) {
    var self = this;
    this.worker = worker;
    this.root = root;
    this.next = 0;
    this.pending = new Map();
    this.meta = null;
    worker.onmessage = function (e) {
      var p = self.pending.get(e.data.id);
      if (!p) return;
      self.pending.delete(e.data.id);
      if (e.data.error !== undefined) p.reject(new Error(e.data.error));
      else p.resolve(e.data.value);
    };
    // A worker that cannot run (a browser's policy, a script error): every
    // call fails, and the page falls back to the engine on its own thread.
    worker.onerror = function (e) {
      self.broken = true;
      e.preventDefault();
      self.pending.forEach(function (p) { p.reject(new Error("the search worker failed")); });
      self.pending.clear();
    };
  }
  WorkerEngine.prototype.call = function (method, args) {
    var self = this, id = ++this.next;
    return new Promise(function (resolve, reject) {
      self.pending.set(id, { resolve: resolve, reject: reject });
      self.worker.postMessage({ id: id, method: method, args: args || [], root: self.root });
    });
  };
  WorkerEngine.prototype.open = function () {
    var self = this;
    if (!this.opening) {
      this.opening = this.call("open").then(function (meta) {
        setLimits(meta.limits);
        self.meta = meta;
        return meta;
      });
    }
    return this.opening;
  };
  WorkerEngine.prototype.filterKeys = Engine.prototype.filterKeys;
  WorkerEngine.prototype.search = function (query, selected, sort) {
    return this.call("search", [query, selected, sort]);
  };
  WorkerEngine.prototype.docs = function () {
    return this.call("labels").then(function (facets) { return { facets: facets }; });
  };
  WorkerEngine.prototype.hit = function (id) { return this.call("hit", [id]); };
  WorkerEngine.prototype.suggest = function (input, selected) { return this.call("suggest", [input, selected]); };

  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    var box = document.getElementById("search-q") || document.getElementById("site-search");
    if (box) {
      e.preventDefault();
      box.focus();
      box.select();
    }
  });

  var app = document.getElementById("search-app");
  if (!app) return;
  var root = app.getAttribute("data-root") || "/";
  var build = "";
  // The engine runs in a worker where the browser allows one; here
  // otherwise, giving way to the page as it goes (see SLICE_MS).
  var engine = null;
  try {
    if (typeof Worker === "function" && scriptUrl) engine = new WorkerEngine(new Worker(scriptUrl), root);
  } catch (e) {
    engine = null;
  }
  if (!engine) engine = new Engine(fetchingFrom(root, function () { return build; }));
  global.BlamelessSearch.ui = true;
  var form = document.getElementById("search-form");
  var input = document.getElementById("search-q");
  var sortSelect = document.getElementById("search-sort");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var facetsBox = document.getElementById("search-facets");
  // On a phone the facets come after the results, folded; beside them on
  // a wide screen, always open.
  var narrow = window.matchMedia("(max-width: 52rem)");
  var facetsFold = document.getElementById("search-facets-box");
  if (facetsFold) {
    var fold = function () { facetsFold.open = !narrow.matches; };
    fold();
    if (narrow.addEventListener) narrow.addEventListener("change", fold);
  }
  var more = document.getElementById("search-more");
  var suggestBox = document.getElementById("search-suggest");
  var PAGE = 10;
  var FACET_SHOWN = 12;
  var state = { q: "", sort: "relevance", selected: {} };
  var current = null;
  var shown = 0;
  var generation = 0;
  var expanded = {};
  // Facet names as the index gives them.
  var labels = {};

  var noJs = document.getElementById("search-nojs");
  if (noJs) noJs.hidden = true;
  app.hidden = false;

  function readUrl() {
    var params = new URLSearchParams(location.search);
    state.q = params.get("q") || "";
    state.sort = SORTS.indexOf(params.get("sort")) >= 0 ? params.get("sort") : "relevance";
    state.selected = {};
    // Every other parameter selects values of the facet it names.
    params.forEach(function (v, k) {
      if (k === "q" || k === "sort") return;
      (state.selected[k] = state.selected[k] || []).push(v);
    });
    input.value = state.q;
    sortSelect.value = state.sort;
  }
  function urlOf(q) {
    var params = new URLSearchParams();
    q = q === undefined ? state.q : q;
    if (q) params.set("q", q);
    Object.keys(state.selected).forEach(function (k) {
      state.selected[k].forEach(function (v) { params.append(k, v); });
    });
    if (state.sort !== "relevance") params.set("sort", state.sort);
    var s = params.toString();
    return location.pathname + (s ? "?" + s : "");
  }
  function selectedList() {
    return Object.keys(state.selected).map(function (k) { return [k, state.selected[k]]; });
  }
  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // Words of an original text with their offsets, and whether each matches.
  function matcher(query) {
    var exact = new Set(), prefixes = [];
    query.words.forEach(function (w) {
      exact.add(w[0]);
      if (w[1]) prefixes.push(w[0]);
    });
    query.phrases.forEach(function (p) { p.forEach(function (a) { exact.add(a); }); });
    return function (word) {
      var ts = terms(word);
      return ts.some(function (t) {
        return exact.has(t) || prefixes.some(function (p) { return t.startsWith(p); });
      });
    };
  }
  var WORD_RE = /[\p{Alphabetic}\p{N}\p{M}_\-./:@]+/gu;
  function excerpt(text, matches, length) {
    var words = [], m;
    WORD_RE.lastIndex = 0;
    while ((m = WORD_RE.exec(text))) words.push([m.index, m.index + m[0].length, matches(m[0])]);
    if (!words.length) return null;
    var best = -1, bestCount = 0;
    for (var i = 0; i < words.length; i++) {
      if (!words[i][2]) continue;
      var count = 0;
      for (var j = i; j < Math.min(words.length, i + length); j++) if (words[j][2]) count++;
      if (count > bestCount) { best = i; bestCount = count; }
    }
    var startWord = best < 0 ? 0 : Math.max(0, best - 8);
    var endWord = Math.min(words.length, startWord + length) - 1;
    var frag = document.createDocumentFragment();
    var from = words[startWord][0], to = words[endWord][1];
    if (startWord > 0) frag.append("… ");
    var at = from;
    for (var k = startWord; k <= endWord; k++) {
      if (!words[k][2]) continue;
      frag.append(text.slice(at, words[k][0]));
      frag.append(el("mark", null, text.slice(words[k][0], words[k][1])));
      at = words[k][1];
    }
    frag.append(text.slice(at, to));
    if (endWord < words.length - 1) frag.append(" …");
    return { node: frag, matched: best >= 0 };
  }
  function highlighted(text, matches) {
    var out = excerpt(text, matches, 1000);
    return out ? out.node : document.createTextNode(text);
  }

  function renderHit(id, hit, query) {
    var matches = matcher(query);
    var li = el("li", { class: "search-result" });
    var h = el("h2");
    var a = el("a", { href: hit.url });
    a.append(highlighted(hit.fields[0], matches));
    h.append(a);
    li.append(h);
    var meta = el("p", { class: "search-meta" });
    meta.append(el("span", { class: "search-date" }, hit.date));
    meta.append(" · ");
    meta.append(el("span", { class: "badge search-severity" }, hit.severity));
    if (hit.services.length) meta.append(" · " + hit.services.join(", "));
    if (hit.outage) meta.append(" · duration " + hit.outage);
    li.append(meta);
    // Summary, body, details, code, dek: the first that shows a match.
    var order = [3, 5, 4, 6, 1], chosen = null;
    for (var i = 0; i < order.length && !chosen; i++) {
      var text = hit.fields[order[i]];
      if (!text) continue;
      var ex = excerpt(text, matches, 32);
      if (ex && ex.matched) chosen = ex;
    }
    if (!chosen) chosen = excerpt(hit.fields[3] || hit.fields[5] || hit.fields[1] || "", matches, 32);
    if (chosen) {
      var p = el("p", { class: "search-excerpt" });
      p.append(chosen.node);
      li.append(p);
    }
    return li;
  }

  async function showMore(gen) {
    var ids = current.ids.slice(shown, shown + PAGE);
    shown += ids.length;
    var hits = await Promise.all(ids.map(function (id) { return engine.hit(id); }));
    if (gen !== generation) return;
    var query = current.query;
    ids.forEach(function (id, k) { list.append(renderHit(id, hits[k], query)); });
    more.hidden = shown >= current.ids.length;
  }

  function renderFacets(results) {
    var focused = document.activeElement;
    var focusKey = focused && focused.dataset ? focused.dataset.facet + "\u0000" + focused.value : null;
    facetsBox.textContent = "";
    results.facets.forEach(function (f) {
      var key = f[0], values = f[1], sel = state.selected[key] || [];
      sel.forEach(function (v) { if (!values.some(function (e) { return e[0] === v; })) values.push([v, 0]); });
      if (!values.length) return;
      var set = el("fieldset", { class: "search-facet" });
      set.append(el("legend", null, labels[key]));
      var limit = expanded[key] ? values.length : FACET_SHOWN;
      values.forEach(function (entry, i) {
        if (i >= limit && sel.indexOf(entry[0]) < 0) return;
        var id = "facet-" + key + "-" + i;
        var box = el("input", { type: "checkbox", id: id, value: entry[0] });
        box.dataset.facet = key;
        box.checked = sel.indexOf(entry[0]) >= 0;
        var label = el("label", { for: id });
        label.append(box, " " + entry[0] + " ", el("span", { class: "count" }, "(" + entry[1] + ")"));
        set.append(label);
        if (focusKey === key + "\u0000" + entry[0]) setTimeout(function () { box.focus(); });
      });
      if (values.length > FACET_SHOWN) {
        var toggle = el("button", { type: "button", class: "facet-toggle" },
          expanded[key] ? "Fewer" : "All " + values.length);
        toggle.addEventListener("click", function () {
          expanded[key] = !expanded[key];
          renderFacets(current.results);
        });
        set.append(toggle);
      }
      facetsBox.append(set);
    });
  }

  async function run() {
    var gen = ++generation;
    var asked = state.q;
    var query = parse(asked, engine.filterKeys());
    var results;
    try {
      results = await engine.search(query, selectedList(), state.sort, function () { return gen !== generation; });
    } catch (err) {
      if (gen === generation) status.textContent = "Search is unavailable: " + err.message;
      throw err;
    }
    if (gen !== generation || !results) return;
    if (results.facets.length) {
      // Loaded already by the search that counted them.
      var table = await engine.docs();
      if (gen !== generation) return;
      table.facets.forEach(function (f) { labels[f.key] = f.label; });
    }
    current = { query: query, results: results, ids: results.ids };
    list.textContent = "";
    shown = 0;
    var total = results.ids.length;
    var nothingAsked = isEmptyQuery(query) && !selectedList().some(function (s) { return s[1].length; });
    if (nothingAsked) {
      status.textContent = "Type to search " + engine.meta.docs + " write-ups.";
    } else if (!total) {
      status.textContent = "No write-ups match.";
    } else {
      status.textContent = total + (total === 1 ? " write-up matches." : " write-ups match.");
    }
    // The query this count answers, for whoever waits for it (tests).
    status.setAttribute("data-query", asked);
    renderFacets(results);
    suggestBox.hidden = true;
    suggestBox.textContent = "";
    if (!total && !nothingAsked && query.words.length) await offer(gen);
    await showMore(gen);
  }

  // A query that finds nothing: the nearest known words, and the query
  // with a word fewer (each a link that searches for it).
  async function offer(gen) {
    var s = await engine.suggest(state.q, selectedList());
    if (gen !== generation || (!s.nearest && !s.fewer.length)) return;
    var link = function (q) {
      var a = el("a", { href: urlOf(q) }, q);
      a.addEventListener("click", function (e) {
        e.preventDefault();
        input.value = state.q = q;
        history.pushState(null, "", urlOf());
        run();
      });
      return a;
    };
    if (s.nearest) suggestBox.append("Did you mean ", link(s.nearest), "? ");
    if (s.fewer.length) {
      suggestBox.append("With fewer words: ");
      s.fewer.forEach(function (f, i) {
        if (i) suggestBox.append(", ");
        suggestBox.append(link(f[0]), " (" + f[1] + ")");
      });
      suggestBox.append(".");
    }
    suggestBox.hidden = false;
  }

  input.addEventListener("input", function () {
    state.q = input.value;
    history.replaceState(null, "", urlOf());
    run();
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    state.q = input.value;
    history.pushState(null, "", urlOf());
    run();
  });
  sortSelect.addEventListener("change", function () {
    state.sort = sortSelect.value;
    history.pushState(null, "", urlOf());
    run();
  });
  facetsBox.addEventListener("change", function (e) {
    var box = e.target;
    if (!box.dataset || !box.dataset.facet) return;
    var key = box.dataset.facet, sel = state.selected[key] || [];
    sel = sel.filter(function (v) { return v !== box.value; });
    if (box.checked) sel.push(box.value);
    if (sel.length) state.selected[key] = sel; else delete state.selected[key];
    history.pushState(null, "", urlOf());
    run();
  });
  more.addEventListener("click", function () { showMore(generation); });
  window.addEventListener("popstate", function () { readUrl(); run(); });

  // Arrow keys: from the box into the results, and between results.
  function resultLinks() { return Array.from(list.querySelectorAll(".search-result h2 a")); }
  input.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") {
      var links = resultLinks();
      if (links.length) { e.preventDefault(); links[0].focus(); }
    }
  });
  list.addEventListener("keydown", function (e) {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp") return;
    var links = resultLinks(), at = links.indexOf(document.activeElement);
    if (at < 0) return;
    e.preventDefault();
    if (e.key === "ArrowDown" && at + 1 < links.length) links[at + 1].focus();
    else if (e.key === "ArrowUp") (at === 0 ? input : links[at - 1]).focus();
  });

  readUrl();
  engine.open().catch(function (err) {
    if (!engine.broken) throw err;
    engine = new Engine(fetchingFrom(root, function () { return build; }));
    return engine.open();
  }).then(function (meta) {
    build = meta.build;
    return run();
  }).catch(function (err) {
    status.textContent = "Search is unavailable: " + err.message;
  });
})(typeof globalThis !== "undefined" ? globalThis : this);
