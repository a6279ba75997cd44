//! The search index read back: a site is built with the binary, then its
//! `search/` files are queried through `blameless::search::Index` (the same
//! steps `search.js` takes in the browser; `tests/e2e/search-parity.mjs`
//! checks that the two agree) and through `blameless search`.

use crate::common;

use blameless::search::{parse, Index, Sort};
use common::Site;

const REPLICA: &str = "---
title: Replica lag after a us-east-1 network partition
date: 2019-03-01
severity: SEV1
authors: [ana]
tags: [replication, network]
services: [orders-db]
summary: Queries piled up; pg_stat_activity showed hundreds waiting.
incident:
  started: 2019-03-01T10:00:00Z
  mitigated: 2019-03-01T12:00:00Z
---
The primary in us-east-1 lost its link to 10.0.0.1 and the replica fell behind.

```
pod api-7 OOMKilled
upstream returned 502 Bad Gateway
```
";

const CAFE: &str = "---
title: Café menu service returned 502
date: 2020-06-01
severity: SEV3
authors: [bo]
tags: [http]
services: [menu]
incident:
  started: 2020-06-01T10:00:00Z
  mitigated: 2020-06-01T10:05:00Z
---
The café page failed for five minutes.
";

const SNAPSHOT: &str = "---
title: Stale snapshot restored to production
date: 2018-10-07
severity: SEV2
authors: [ana]
tags: [database, backups]
services: [accounts-db]
incident:
  started: 2018-10-07T10:00:00Z
  mitigated: 2018-10-07T13:00:00Z
---
A stale snapshot was restored over the live database.
";

const DRILL: &str = "---
title: Restore drill found a broken backup
date: 2021-02-02
severity: SEV3
authors: [bo]
tags: [backups]
services: [accounts-db]
incident:
  started: 2021-02-02T10:00:00Z
  mitigated: 2021-02-03T10:00:00Z
---
The nightly backup could not be restored; its snapshot was stale by a week.
";

const DNS: &str = "---
title: DNS resolvers failed over to a cold cache
date: 2021-11-04
severity: SEV2
authors: [cy]
tags: [dns]
services: [internal-dns]
---
After the failover every lookup missed the cache.
";

const DRAFT: &str = "---
title: Unpublished zebracorn outage
date: 2021-01-01
severity: SEV3
status: draft
authors: [cy]
---
Zebracorn.
";

fn site() -> Site {
    let site = Site::with(&[
        (
            "blameless.yaml",
            "title: Search fixture\nbase_url: https://example.com/\ntimezone: UTC\n",
        ),
        ("content/replica.md", REPLICA),
        ("content/cafe.md", CAFE),
        ("content/snapshot.md", SNAPSHOT),
        ("content/drill.md", DRILL),
        ("content/dns.md", DNS),
        ("content/draft.md", DRAFT),
    ]);
    let run = site.run(&["build", "--today", "2022-01-01"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

struct Searcher {
    index: Index,
}

impl Searcher {
    fn open(site: &Site) -> Searcher {
        Searcher {
            index: Index::open(&site.path().join("public")).unwrap(),
        }
    }

    fn with(&mut self, q: &str, selected: &[(&str, &[&str])], sort: Sort) -> Vec<String> {
        let selected: Vec<(String, Vec<String>)> = selected
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect();
        let results = self.index.search(&parse(q), &selected, sort).unwrap();
        results
            .ids
            .iter()
            .map(|&id| self.index.hit(id).unwrap().title().to_string())
            .collect()
    }

    fn titles(&mut self, q: &str) -> Vec<String> {
        self.with(q, &[], Sort::Relevance)
    }
}

#[test]
fn words_must_all_match_and_titles_rank_first() {
    let site = site();
    let mut s = Searcher::open(&site);
    assert_eq!(
        s.titles("snapshot "),
        [
            "Stale snapshot restored to production",
            "Restore drill found a broken backup"
        ]
    );
    assert_eq!(
        s.titles("stale backup "),
        ["Restore drill found a broken backup"]
    );
    assert!(s.titles("snapshot zebra ").is_empty());
}

#[test]
fn identifiers_are_found_as_written() {
    let site = site();
    let mut s = Searcher::open(&site);
    let replica = "Replica lag after a us-east-1 network partition";
    for q in [
        "us-east-1",
        "pg_stat_activity",
        "10.0.0.1",
        "OOMKilled",
        "oomkilled ",
    ] {
        assert_eq!(s.titles(q), [replica], "query {q}");
    }
    assert_eq!(
        s.titles("502 "),
        ["Café menu service returned 502", replica],
        "a title match outranks a code block match"
    );
}

#[test]
fn case_and_accents_do_not_matter() {
    let site = site();
    let mut s = Searcher::open(&site);
    for q in ["cafe ", "CAFÉ ", "Café "] {
        assert_eq!(s.titles(q), ["Café menu service returned 502"], "query {q}");
    }
}

#[test]
fn the_last_word_is_a_prefix_while_typing() {
    let site = site();
    let mut s = Searcher::open(&site);
    assert_eq!(
        s.titles("restor"),
        [
            "Restore drill found a broken backup",
            "Stale snapshot restored to production"
        ]
    );
    assert!(s.titles("restor ").is_empty(), "a finished word is exact");
    assert_eq!(parse("restor").words, [("restor".to_string(), true)]);
    assert_eq!(parse("restor ").words, [("restor".to_string(), false)]);
}

#[test]
fn phrases_exclusions_and_filters() {
    let site = site();
    let mut s = Searcher::open(&site);
    assert_eq!(
        s.titles("\"stale snapshot\""),
        ["Stale snapshot restored to production"]
    );
    assert_eq!(
        s.titles("\"snapshot was stale\""),
        ["Restore drill found a broken backup"]
    );
    assert!(s.titles("\"snapshot stale\"").is_empty());
    assert_eq!(
        s.titles("snapshot -drill"),
        ["Stale snapshot restored to production"]
    );
    let mut by_tag = s.titles("tag:backups");
    by_tag.sort();
    assert_eq!(
        by_tag,
        [
            "Restore drill found a broken backup",
            "Stale snapshot restored to production"
        ]
    );
    assert_eq!(
        s.titles("service:accounts-db severity:sev2"),
        ["Stale snapshot restored to production"]
    );
    assert_eq!(
        s.with("year:2021", &[], Sort::Newest),
        [
            "DNS resolvers failed over to a cold cache",
            "Restore drill found a broken backup"
        ]
    );
    assert_eq!(
        s.with("author:ana", &[], Sort::Oldest),
        [
            "Stale snapshot restored to production",
            "Replica lag after a us-east-1 network partition"
        ]
    );
    assert!(s.titles("tag:no-such-tag").is_empty());
}

#[test]
fn drafts_are_not_indexed() {
    let site = site();
    let mut s = Searcher::open(&site);
    assert!(s.titles("zebracorn ").is_empty());
    assert_eq!(s.index.len(), 5);
}

#[test]
fn facets_count_the_results_and_selections_combine() {
    let site = site();
    let mut s = Searcher::open(&site);
    let results = s
        .index
        .search(
            &parse(""),
            &[("severity".into(), vec!["SEV2".into(), "SEV3".into()])],
            Sort::Newest,
        )
        .unwrap();
    assert_eq!(results.ids.len(), 4, "SEV2 or SEV3");
    let facet = |key: &str| {
        results
            .facets
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap()
    };
    // A facet's own selection does not narrow its counts, so other values
    // stay offered with what choosing them would add.
    assert_eq!(
        facet("severity"),
        [
            ("SEV2".to_string(), 2),
            ("SEV3".to_string(), 2),
            ("SEV1".to_string(), 1)
        ]
    );
    assert_eq!(
        facet("service"),
        [
            ("accounts-db".to_string(), 2),
            ("internal-dns".to_string(), 1),
            ("menu".to_string(), 1)
        ]
    );
    assert_eq!(
        facet("year"),
        [
            ("2021".to_string(), 2),
            ("2020".to_string(), 1),
            ("2018".to_string(), 1)
        ]
    );
    assert_eq!(
        s.with(
            "",
            &[
                ("severity", &["SEV2", "SEV3"]),
                ("service", &["accounts-db"])
            ],
            Sort::Newest
        ),
        [
            "Restore drill found a broken backup",
            "Stale snapshot restored to production"
        ]
    );
}

#[test]
fn sorting_by_date_and_outage() {
    let site = site();
    let mut s = Searcher::open(&site);
    let all = |s: &mut Searcher, sort| s.with("", &[("status", &["published"])], sort);
    assert_eq!(
        all(&mut s, Sort::Newest)[0],
        "DNS resolvers failed over to a cold cache"
    );
    assert_eq!(
        all(&mut s, Sort::Oldest)[0],
        "Stale snapshot restored to production"
    );
    assert_eq!(
        all(&mut s, Sort::LongestOutage),
        [
            "Restore drill found a broken backup",
            "Stale snapshot restored to production",
            "Replica lag after a us-east-1 network partition",
            "Café menu service returned 502",
            "DNS resolvers failed over to a cold cache",
        ],
        "24 h, 3 h, 2 h, 5 min, then unknown"
    );
}

#[test]
fn the_index_files_are_what_search_js_expects() {
    let site = site();
    let meta: serde_json::Value =
        serde_json::from_str(&site.read("public/search/meta.json")).unwrap();
    assert_eq!(meta["format"], 1);
    assert_eq!(meta["docs"], 5);
    let shards = meta["shards"].as_array().unwrap().len();
    for i in 0..shards {
        let bytes =
            std::fs::read(site.path().join(format!("public/search/shard-{i}.bin"))).unwrap();
        assert_eq!(&bytes[..2], [0x1f, 0x8b], "gzip");
    }
    let chunk = meta["chunk"].as_u64().unwrap() as usize;
    let texts = 5usize.div_ceil(chunk);
    assert!(site
        .path()
        .join(format!("public/search/text-{}.bin", texts - 1))
        .exists());
    assert!(!site
        .path()
        .join(format!("public/search/text-{texts}.bin"))
        .exists());
    let page = site.read("public/search/index.html");
    assert!(page.contains("<script src=\"/search.js\" defer></script>"));
    assert!(page.contains("id=\"search-nojs\""));
    assert!(site.read("public/search.js").contains("BlamelessSearch"));
}

#[test]
fn the_search_command_prints_results_and_explains_its_errors() {
    let site = site();
    let run = site.run(&["search", "stale snapshot", "--limit", "1"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(
        run.stdout,
        "2 write-ups match\n  Sunday, October 7th, 2018  SEV2  Stale snapshot restored to production\n    /incidents/snapshot/\n"
    );
    let run = site.run(&["search", "cafe", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(json["total"], 1);
    assert_eq!(
        json["results"][0]["title"],
        "Café menu service returned 502"
    );
    assert_eq!(json["facets"]["service"][0], serde_json::json!(["menu", 1]));

    let run = site.run(&["search", "x", "--filter", "severity", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: --filter: `severity` is not FACET=VALUE (for example severity=SEV1)\n"
    );
    let run = site.run(&["search", "x", "--sort", "best", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: --sort: `best` is not one of relevance, newest, oldest, outage\n"
    );
    site.write("public/search/shard-0.bin", b"not an index");
    let run = site.run(&["search", "stale", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: the search index is damaged: "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with("shard-0.bin: expected ident at line 1 column 2\nhint: rebuild the site\n"),
        "{}",
        run.stderr
    );

    let run = site.run(&["search", "x", "--site", "nowhere", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: no search index in nowhere: "),
        "{}",
        run.stderr
    );
    assert!(run
        .stderr
        .ends_with("\nhint: run `blameless build` first, or give the built site with --site\n"));
}

/// Facet selections: each facet with the values selected.
type Selected = Vec<(String, Vec<String>)>;

/// The queries `tests/e2e/search-parity.mjs` puts to search.js and
/// `blameless search`, put here to `blameless search` and the library on
/// the demo site: the three answer alike on the same queries.
#[test]
fn the_shared_parity_queries_get_the_same_answers_from_the_cli_and_the_library() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let site = Site::new();
    common::copy_dir(&root.join("content"), &site.path().join("content"));
    std::fs::copy(
        root.join("blameless.yaml"),
        site.path().join("blameless.yaml"),
    )
    .unwrap();
    let run = site.run(&["build", "--today", "2026-01-01", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let text = std::fs::read_to_string(root.join("tests/e2e/search-queries.json")).unwrap();
    let queries: Vec<(String, Selected, String)> = serde_json::from_str(&text).unwrap();
    assert!(queries.len() >= 20, "{}", queries.len());
    assert!(queries.iter().any(|(q, ..)| q.starts_with('"')), "a phrase");
    let mut index = Index::open(&site.path().join("public")).unwrap();
    for (q, selected, sort) in &queries {
        let query = index.parse(q);
        let library = index
            .search(&query, selected, Sort::from_name(sort).unwrap())
            .unwrap();
        let mut args = vec![
            "search", q, "--sort", sort, "--limit", "50", "--format", "json",
        ];
        let filters: Vec<String> = selected
            .iter()
            .flat_map(|(k, vs)| vs.iter().map(move |v| format!("{k}={v}")))
            .collect();
        for filter in &filters {
            args.extend(["--filter", filter.as_str()]);
        }
        let run = site.run(&args);
        assert_eq!(run.code, 0, "{q}: {}", run.stderr);
        let cli: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        assert_eq!(cli["total"], library.ids.len(), "{q}");
        let ids: Vec<(u64, i64)> = cli["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (r["id"].as_u64().unwrap(), r["score"].as_i64().unwrap()))
            .collect();
        let want: Vec<(u64, i64)> = library
            .ids
            .iter()
            .zip(&library.scores)
            .take(50)
            .map(|(&id, &score)| (u64::from(id), score))
            .collect();
        assert_eq!(ids, want, "{q}");
        let facets: std::collections::BTreeMap<String, Vec<(String, usize)>> =
            serde_json::from_value(cli["facets"].clone()).unwrap();
        assert_eq!(facets, library.facets.into_iter().collect(), "{q}");
    }
}

/// A write-up is found by what people call it besides its title: its
/// address's words, its `aliases` (shown on its page), and the text of
/// links to it from other write-ups.
#[test]
fn a_write_up_is_found_by_its_slug_its_aliases_and_the_links_to_it() {
    let site = Site::new();
    site.write("blameless.yaml", b"title: T\n");
    site.write(
        "content/2020-01-02-prod-db-stale-snapshot.md",
        common::writeup(
            "Production database replaced with an old copy",
            "aliases: [the Friday restore]\n",
            "It happened.",
        )
        .as_bytes(),
    );
    site.write(
        "content/2020-01-03-dns.md",
        common::writeup(
            "Resolvers kept old records",
            "",
            "Same database as [the lagging replica night](2020-01-02-prod-db-stale-snapshot.md).",
        )
        .as_bytes(),
    );
    let run = site.run(&["build", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let found = |q: &str| -> Vec<String> {
        let run = site.run(&["search", q, "--format", "json"]);
        assert_eq!(run.code, 0, "{q}: {}", run.stderr);
        let json: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        json["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["url"].as_str().unwrap().to_string())
            .collect()
    };
    let target = "/incidents/prod-db-stale-snapshot/";
    assert_eq!(found("stale snapshot"), [target], "its slug");
    assert_eq!(found("friday restore"), [target], "an alias");
    assert_eq!(
        found("\"friday restore\""),
        [target],
        "an alias as a phrase"
    );
    // The write-up with the link has the words too; the one it names ranks
    // first.
    assert_eq!(
        found("lagging replica"),
        [target, "/incidents/dns/"],
        "a link's text"
    );
    // (A fact's name and value are a <dt> and a <dd>, read here as one text.)
    let page = common::html(&site, "incidents/prod-db-stale-snapshot/index.html");
    assert_eq!(
        common::texts(&page, "#facts div")
            .into_iter()
            .filter(|t| t.starts_with("Also known as"))
            .collect::<Vec<_>>(),
        ["Also known asthe Friday restore"]
    );
}

/// A query that finds nothing offers the nearest known words and the
/// query with a word fewer, as the search page does.
#[test]
fn a_query_that_finds_nothing_offers_nearer_words_and_fewer_of_them() {
    let site = Site::new();
    site.write("blameless.yaml", b"title: T\n");
    site.write(
        "content/2020-01-02-a.md",
        common::writeup(
            "Replication lag on the primary",
            "",
            "The snapshot was old.",
        )
        .as_bytes(),
    );
    site.write(
        "content/2020-01-03-b.md",
        common::writeup("Snapshot restored to production", "", "A restore ran.").as_bytes(),
    );
    assert_eq!(site.run(&["build"]).code, 0);
    let search = |q: &str| site.run(&["search", q, "--color", "never"]).stdout;
    assert_eq!(
        search("replicaton"),
        "0 write-ups match\ndid you mean: replication\n"
    );
    assert_eq!(
        search("snapshot primary restored"),
        "0 write-ups match\nwith fewer words: snapshot restored (1 write-up)\nwith fewer words: snapshot primary (1 write-up)\n"
    );
    // Only a word the index does not know is replaced; phrases, facets and
    // exclusions are kept as they are.
    assert_eq!(
        search("\"lag primary\" snapshto -dns"),
        "0 write-ups match\ndid you mean: \"lag primary\" snapshot -dns\n"
    );
    // Something found: nothing offered.
    assert_eq!(search("snapshot").lines().count(), 5);
}
