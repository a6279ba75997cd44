//! `blameless check`: exact messages, positions and exit codes in each format.

use crate::common;
use common::{assert_snapshot, writeup, Site};

#[test]
fn every_problem_of_every_file_is_reported_with_position_and_hint() {
    let site = Site::fixture("broken");
    let run = site.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert_snapshot(&run.stderr, "check-broken.txt");
}

#[test]
fn github_format_annotates_each_problem() {
    let site = Site::fixture("broken");
    let run = site.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    assert_eq!(run.stdout.lines().count(), 15);
    assert_snapshot(&run.stdout, "check-broken-github.txt");
}

#[test]
fn json_format_is_one_array_with_fields() {
    let site = Site::fixture("broken");
    let run = site.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 1);
    let all: serde_json::Value = serde_json::from_str(&run.stdout).expect("valid JSON");
    let all = all.as_array().unwrap();
    assert_eq!(all.len(), 15);
    let typo = &all[2];
    assert_eq!(typo["file"], "content/b.md");
    assert_eq!(typo["line"], 4);
    assert_eq!(typo["column"], 1);
    assert_eq!(typo["severity"], "error");
    assert_eq!(typo["field"], "sevrity");
    assert_eq!(typo["message"], "unknown key `sevrity`");
    assert_eq!(typo["hint"], "did you mean `severity`?");
    let timeline = all
        .iter()
        .find(|d| d["field"] == "timeline[1].type")
        .unwrap();
    assert_eq!(
        (timeline["line"].as_u64(), timeline["column"].as_u64()),
        (Some(17), Some(11))
    );
}

#[test]
fn warnings_pass_unless_strict() {
    let site = Site::with(&[
        ("content/a.md", &writeup("A", "tags: [dns]\n", "Body\n")),
        ("content/b.md", &writeup("B", "tags: [DNS]\n", "Body\n")),
    ]);
    let run = site.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stderr
            .ends_with("check ok: 0 errors, 1 warning in 2 write-ups\n"),
        "{}",
        run.stderr
    );
    let strict = site.run(&["check", "--strict", "--color", "never"]);
    assert_eq!(strict.code, 1);
    assert!(
        strict
            .stderr
            .contains("content/b.md:6:8: error: tags[0]: \"DNS\" differs from \"dns\""),
        "{}",
        strict.stderr
    );
}

#[test]
fn duplicate_slugs_name_both_files() {
    let site = Site::with(&[
        ("content/2020-01-01-outage.md", &writeup("A", "", "Body\n")),
        ("content/old/outage.md", &writeup("B", "", "Body\n")),
    ]);
    let run = site.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content/2020-01-01-outage.md:1:1: error: slug `outage` is also used by content/old/outage.md\n"), "{}", run.stderr);
    assert!(run.stderr.contains("content/old/outage.md:1:1: error: slug `outage` is also used by content/2020-01-01-outage.md\n"), "{}", run.stderr);
}

#[test]
fn bom_and_crlf_are_accepted_nul_bytes_and_bad_utf8_are_not() {
    let site = Site::new();
    let crlf = writeup("Windows", "", "Body\n").replace('\n', "\r\n");
    site.write("content/crlf.md", format!("\u{feff}{crlf}").as_bytes());
    site.write("content/nul.md", b"---\ntitle: a\0b\n---\n");
    site.write("content/latin1.md", b"---\ntitle: caf\xe9\n---\n");
    site.write("content/empty.md", b"  \n");
    let run = site.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 1);
    let lines = run.problem_lines();
    assert_eq!(
        lines,
        [
            "content/empty.md: error: the file is empty",
            "content/latin1.md:2:11: error: the file is not valid UTF-8",
            "content/nul.md:2:9: error: the file contains a NUL byte; it is not a text file",
        ]
    );
}

#[test]
fn tabs_and_alias_bombs_are_clear_errors() {
    let bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]\nh: [*g, *g, *g, *g, *g, *g, *g, *g, *g]\n";
    let site = Site::with(&[
        (
            "content/tabs.md",
            "---\ntitle: x\n\tdate: 2020-01-01\n---\n",
        ),
        ("content/bomb.md", &format!("---\n{bomb}---\n")),
    ]);
    let run = site.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("content/tabs.md:3:1: error: invalid YAML in front matter: found a tab character that violates indentation, while scanning a plain scalar\n"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("= hint: YAML indentation must use spaces, not tabs"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("content/bomb.md:7:16: error: invalid YAML in front matter: its aliases repeat more than 16 MiB of values\n 7 | f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]\n   |                ^\n  = hint: an alias (`*name`) repeats all that its anchor (`&name`) names; write the values out, or alias smaller ones\n"), "{}", run.stderr);
}

#[test]
fn config_errors_exit_2_with_positions() {
    let site = Site::with(&[
        (
            "blameless.yaml",
            "title: Ours\npaginat: 5\nfeed:\n  limit: many\n",
        ),
        ("content/a.md", &writeup("A", "", "Body\n")),
    ]);
    let run = site.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.starts_with(
        "blameless.yaml:2:1: error: unknown key `paginat`\n 2 | paginat: 5\n   | ^\n  = hint: did you mean `paginate`?\n\
blameless.yaml:4:10: error: feed.limit: expected a whole number of at least 0, found a string (\"many\")\n"
    ), "{}", run.stderr);
}

#[test]
fn missing_content_folder_is_explained() {
    let site = Site::new();
    let run = site.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.starts_with("content: error: there is no content/ folder\n  = hint: run `blameless init` to start a site, or pass --root DIR\n"), "{}", run.stderr);
}

#[test]
fn the_demo_site_checks_clean() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // Old write-ups have open action items that are overdue by now; nothing else.
    let run = common::run_in(root, &["check", "--color", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let warnings: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.contains(": warning: "))
        .collect();
    assert!(
        warnings.iter().all(|w| w.contains(": overdue: ")),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .lines()
            .last()
            .unwrap()
            .starts_with("check ok: 0 errors, "),
        "{}",
        run.stderr
    );
    // Before any action item was due, it checks clean even when strict.
    let strict = common::run_in(
        root,
        &[
            "check",
            "--strict",
            "--today",
            "2017-03-01",
            "--color",
            "never",
        ],
    );
    assert_eq!(strict.code, 0, "{}", strict.stderr);
    assert!(
        strict
            .stderr
            .starts_with("check ok: 0 errors, 0 warnings in "),
        "{}",
        strict.stderr
    );
}
