//! `blameless check`: exact messages, positions and exit codes in each format.

use crate::common;
use common::{writeup, Site};

const B_HUMAN: &str = r#"content/b.md:2:1: error: missing required key `severity`
 2 | title: Bad values
   | ^
  = hint: add a line such as `severity: SEV3`
content/b.md:3:7: error: date: "2020-13-01" is not a date; write it as YYYY-MM-DD, for example 2018-10-07
 3 | date: 2020-13-01
   |       ^
content/b.md:4:1: error: unknown key `sevrity`
 4 | sevrity: SEV2
   | ^
  = hint: did you mean `severity`?
content/b.md:5:9: error: status: "publish" is not a status
 5 | status: publish
   |         ^
  = hint: did you mean `published`? Allowed: draft, review, published
content/b.md:7:8: warning: tags[0]: "DNS" differs from "dns" (in content/a.md) only in case or spacing
 7 | tags: [DNS]
   |        ^
  = hint: write it "dns" everywhere; both are shown as one
content/b.md:10:13: error: incident.detected (2020-01-01 09:00) is before incident.started (2020-01-01 10:00)
 10 |   detected: 2020-01-01 09:00
    |             ^
  = hint: the moments must be in order: started <= detected <= mitigated <= resolved
content/b.md:15:9: error: timeline[1].at: 2020-01-01 09:30 is earlier than the entry before it (2020-01-01 10:00)
 15 |   - at: "09:30"
    |         ^
  = hint: keep the timeline in time order; an entry with only HH:MM is on the day of the entry before it, so give the full date after midnight
content/b.md:17:11: error: timeline[1].type: "oops" is not a timeline entry type
 17 |     type: oops
    |           ^
  = hint: use one of trigger, detection, escalation, action, mitigation, resolution, note
content/b.md:19:5: error: action_items[0]: action item without `owner`
 19 |   - task: Fix it
    |     ^
  = hint: add `owner: a person or team`
content/b.md:20:15: error: action_items[0].priority: "P9" is not a configured priority
 20 |     priority: P9
    |               ^
  = hint: did you mean `P1`? Allowed: P1, P2, P3, P4
content/b.md:21:11: error: related[0]: no write-up has the slug "nope"
 21 | related: [nope]
    |           ^
  = hint: `related` takes the slugs (or file names without .md) of other write-ups
content/b.md:23:5: error: link to an unknown write-up: missing.md
 23 | See [x](missing.md).
    |     ^
  = hint: links to other write-ups are relative paths to their .md files, e.g. ../2017-02-28-s3-outage.md
"#;

#[test]
fn every_problem_of_every_file_is_reported_with_position_and_hint() {
    let site = Site::fixture("broken");
    let run = site.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stderr.starts_with(B_HUMAN), "got:\n{}", run.stderr);
    let rest = &run.stderr[B_HUMAN.len()..];
    assert_eq!(
        rest,
        "content/c.md:2:8: error: invalid YAML in front matter: did not find expected ',' or ']', while parsing a flow sequence\n \
2 | title: [unclosed\n   |        ^\n  = hint: check indentation and quoting; a value containing `: ` or starting with `[`, `{`, `*`, `&` or `#` needs quotes\n\
content/d.md:1:1: error: missing front matter: a write-up starts with a line `---`\n 1 | no front matter\n   | ^\n  \
= hint: put the YAML front matter (title, date, severity, authors...) between two `---` lines at the top; `blameless new \"Title\"` writes a template\n\
content/e.md:1:1: error: unterminated front matter: no closing `---` line\n 1 | ---\n   | ^\n  = hint: end the front matter with a line containing only `---`\n\
check failed: 14 errors, 1 warning in 5 write-ups\n"
    );
}

#[test]
fn github_format_annotates_each_problem() {
    let site = Site::fixture("broken");
    let run = site.run(&["check", "--format", "github"]);
    assert_eq!(run.code, 1);
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(lines.len(), 15);
    assert_eq!(
        lines[2],
        "::error file=content/b.md,line=4,col=1::unknown key `sevrity`%0Ahint: did you mean `severity`?"
    );
    assert_eq!(
        lines[4],
        "::warning file=content/b.md,line=7,col=8::tags[0]: \"DNS\" differs from \"dns\" (in content/a.md) only in case or spacing%0Ahint: write it \"dns\" everywhere; both are shown as one"
    );
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
