//! Bounded work on hostile input: each reproduction of issue 29 ends in a
//! positioned error that names its limit, never a crash, a hang or a
//! message as long as the input. How long each takes is measured by
//! `scripts/bench-hostile`, not here.

use crate::common;
use common::{writeup, Site};

fn check(site: &Site) -> common::Run {
    site.run(&["check", "--color", "never"])
}

fn one(extra: &str, body: &str) -> Site {
    Site::with(&[
        ("blameless.yaml", "title: T\n"),
        ("content/a.md", &writeup("A", extra, body)),
    ])
}

#[test]
fn a_long_time_zone_is_named_in_part() {
    let zone = format!("Europe/{}", "x".repeat(4 * 1024 * 1024));
    let site = one(&format!("timezone: \"{zone}\"\n"), "");
    let run = check(&site);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.len() < 4000,
        "{} bytes of messages",
        run.stderr.len()
    );
    let first = run.stderr.lines().next().unwrap();
    assert!(
        first.starts_with("content/a.md:6:11: error: timezone: \"Europe/xxx"),
        "{first}"
    );
    assert!(first.ends_with("xxx\" is not a known time zone"), "{first}");
    assert!(first.contains("…[4193348 characters left out]…"), "{first}");
}

#[test]
fn many_problems_in_a_large_front_matter_are_each_placed() {
    let pad: String = (0..200)
        .map(|i| format!("# {i} {}\n", "p".repeat(5000)))
        .collect();
    let entries: String = (0..250)
        .map(|i| {
            format!(
                "  - at: \"not a time {i}\"\n    event: e\n{}",
                if i == 0 { pad.as_str() } else { "" }
            )
        })
        .collect();
    let site = one(&format!("timeline:\n{entries}"), "");
    let run = check(&site);
    assert_eq!(run.code, 1);
    let placed: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| {
            l.strip_prefix("content/a.md:")
                .is_some_and(|r| r.starts_with(|c: char| c.is_ascii_digit()))
        })
        .collect();
    assert_eq!(placed.len(), 200);
    assert!(
        placed[0]
            .starts_with("content/a.md:7:9: error: timeline[0].at: \"not a time 0\" is not a time"),
        "{}",
        placed[0]
    );
    assert!(
        placed[199].starts_with(
            "content/a.md:605:9: error: timeline[199].at: \"not a time 199\" is not a time"
        ),
        "{}",
        placed[199]
    );
    assert!(
        run.stderr
            .contains("content/a.md: error: 50 more problems in this file are not shown\n"),
        "{}",
        &run.stderr[run.stderr.len() - 300..]
    );
}

#[test]
fn deep_nesting_and_large_aliases_are_refused_before_parsing() {
    let n = 100_000;
    let big = "A".repeat(1024 * 1024);
    let aliases = vec!["*big"; 10_000].join(", ");
    let site = Site::with(&[
        ("blameless.yaml", "title: T\n"),
        (
            "content/deep.md",
            &writeup(
                "Deep",
                &format!("tags: {}{}\n", "[".repeat(n), "]".repeat(n)),
                "",
            ),
        ),
        (
            "content/bomb.md",
            &writeup(
                "Bomb",
                &format!("summary: &big \"{big}\"\ntags: [{aliases}]\n"),
                "",
            ),
        ),
    ]);
    let run = check(&site);
    assert_eq!(run.code, 1);
    let firsts = run.problem_lines();
    common::assert_snapshot(
        &common::lines(&firsts),
        "bounds-deep-nesting-and-large-aliases-are-refused-before-parsing.txt",
    );
    assert!(run.stderr.contains("  = hint: an alias (`*name`) repeats all that its anchor (`&name`) names; write the values out, or alias smaller ones\n"));
    assert!(run
        .stderr
        .contains("  = hint: write the value with less nesting\n"));
}

#[test]
fn deep_html_is_refused_where_it_goes_past_the_bound() {
    let n = 100_000;
    let site = one(
        "",
        &format!("Text.\n\n{}x{}\n", "<div>".repeat(n), "</div>".repeat(n)),
    );
    let run = check(&site);
    assert_eq!(run.code, 1);
    assert!(
        run.stderr.starts_with(
            "content/a.md:9:2561: error: raw HTML nests elements more than 512 deep here\n"
        ),
        "{}",
        &run.stderr[..300]
    );
    assert!(run
        .stderr
        .contains("  = hint: close the elements you open, or write it in Markdown\n"));

    let site = Site::with(&[("blameless.yaml", "title: T\n")]);
    for (tag, inner) in [("div", "x"), ("blockquote", "x"), ("ul", "<li>x")] {
        site.write(
            &format!("in/{tag}.html"),
            format!(
                "<html><body><h1>Outage</h1>\n<p>On 2020-01-02.</p>\n{}{inner}{}</body></html>",
                format!("<{tag}>").repeat(10_000),
                format!("</{tag}>").repeat(10_000)
            )
            .as_bytes(),
        );
    }
    let run = site.run(&["import", "in", "--severity", "SEV3", "--author", "sre"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    for tag in ["blockquote", "div", "ul"] {
        assert!(run.stdout.contains(&format!("error: in/{tag}.html: its HTML nests elements more than 512 deep (line 3); no document needs that many levels\n")), "{}", run.stdout);
    }
    assert!(!run.stderr.contains("overflow"), "{}", run.stderr);
}

#[test]
fn a_site_declares_a_bounded_number_of_taxonomies() {
    let taxonomies: String = (0..40).map(|i| format!("  - key: t{i}\n")).collect();
    let site = Site::with(&[
        (
            "blameless.yaml",
            &format!("title: T\ntaxonomies:\n  - key: tags\n{taxonomies}"),
        ),
        ("content/a.md", &writeup("A", "", "")),
    ]);
    let run = check(&site);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr.lines().next().unwrap(),
        "blameless.yaml:36:5: error: taxonomies: a site may declare at most 32 of its own; this one declares 40"
    );
    assert!(run.stderr.contains(
        "  = hint: group values under fewer keys (a `teams` taxonomy rather than a key per team)\n"
    ));
}

#[test]
fn names_that_cannot_be_files_and_control_characters_are_errors_at_their_place() {
    let long = "t".repeat(300);
    let site = one(
        &format!(
            "tags: [ok, {long}]\nslug: {}\ndek: \"bell \\a and nul \\0\"\n",
            "s".repeat(256)
        ),
        "",
    );
    let run = check(&site);
    assert_eq!(run.code, 1);
    let firsts = run.problem_lines();
    common::assert_snapshot(
        &common::lines(&firsts),
        "bounds-names-that-cannot-be-files-and-control-characters-are-errors-at-their-place.txt",
    );
    // Before, the build failed on them with exit 3 and no position.
    let run = site.run(&["build"]);
    assert_eq!(run.code, 1);
}

#[test]
fn local_times_the_clocks_skipped_or_repeated_are_said_so() {
    let site = one(
        "timezone: Europe/Berlin\nincident:\n  started: 2021-03-28 02:30\ntimeline:\n  - at: 2021-10-31 01:50\n    event: a\n  - at: \"02:30\"\n    event: b\n",
        "",
    );
    let run = check(&site);
    assert_eq!(run.code, 1);
    common::assert_snapshot(
        &run.stderr,
        "bounds-local-times-the-clocks-skipped-or-repeated-are-said-so.txt",
    );
}

#[test]
fn a_corpus_of_hostile_documents_imports_or_is_refused_cleanly() {
    let site = Site::with(&[("blameless.yaml", "title: T\n")]);
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/import");
    let run = site.run(&[
        "import",
        corpus.to_str().unwrap(),
        "--severity",
        "SEV3",
        "--author",
        "sre",
    ]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let shown = run.stdout.replace(&format!("{}/", corpus.display()), "");
    for line in [
        "content/2020-01-02-lost-notes.md  (from encoded-absolute-link.md)\n",
        "  file not copied (the link is now text that keeps its address): %2Fetc%2Fpasswd: it leaves the folder the document was found in\n",
        "  file not copied (the link is now text that keeps its address): ./../../../../../../etc/passwd: it leaves the folder the document was found in\n",
        "  3 control characters left out (no page can show them)\n",
        "error: deep.html: its HTML nests elements more than 512 deep (line 3); no document needs that many levels\n",
        "content/2020-01-06-unclosed.md  (from unclosed-tags.html)\n",
        "content/2020-01-07-nested.md  (from nested-lists.md)\n",
        "content/2020-01-08-long-table.md  (from long-table.md)\n",
        "imported 7 of 8 documents (0 already imported, 1 failed)\n",
    ] {
        assert!(shown.contains(line), "{line}\n{shown}");
    }
    assert!(site.read("content/2020-01-02-lost-notes.md").contains(
        "See the notes (`%2Fetc%2Fpasswd`) and the graph (image `%2E%2E/%2E%2E/graph.png`)."
    ));
    // What was written reads back through check; only the names too long
    // to be pages are errors, each at its place.
    let check = site.run(&["check", "--today", "2021-01-01", "--color", "never"]);
    let errors: Vec<&str> = check
        .stderr
        .lines()
        .filter(|l| l.contains(": error: "))
        .collect();
    assert_eq!(
        errors,
        [
            "content/2020-01-09-long-names.md:6:11: error: authors[0]: its page would be named with 300 bytes; a file name may be at most 255",
            "content/2020-01-09-long-names.md:7:8: error: tags[0]: its page would be named with 300 bytes; a file name may be at most 255",
        ],
        "{}",
        check.stderr
    );
}

#[test]
fn configured_names_that_cannot_be_pages_and_unknown_choices_are_errors() {
    let long = "S".repeat(300);
    let site = Site::with(&[
        (
            "blameless.yaml",
            &format!("title: T\nseverities:\n  - name: {long}\n  - name: SEV2\ntaxonomies:\n  - key: teams\n    values: [ok, {}]\nmarkdown:\n  raw_html: strip\n", "v".repeat(256)),
        ),
        ("content/a.md", &writeup("A", "", "")),
    ]);
    let run = check(&site);
    assert_eq!(run.code, 2);
    let firsts: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("blameless.yaml"))
        .collect();
    common::assert_snapshot(
        &common::lines(&firsts),
        "bounds-configured-names-that-cannot-be-pages-and-unknown-choices-are-errors.txt",
    );
    assert!(run
        .stderr
        .contains("  = hint: sanitize (the default) keeps safe HTML and removes scripts\n"));
}
