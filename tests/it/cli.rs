//! `init`, `new`, help, version and exit codes.

use crate::common;
use common::{run_in, Site};

#[test]
fn init_writes_a_site_that_checks_and_builds() {
    let site = Site::new();
    let run = site.run(&["init", "blog"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let root = site.path().join("blog");
    assert!(root.join("blameless.yaml").is_file());
    assert!(root.join("content/_about.md").is_file());
    let examples: Vec<_> = std::fs::read_dir(root.join("content"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|n| n.ends_with("-example-write-up.md"))
        .collect();
    assert_eq!(examples.len(), 1);
    let check = run_in(&root, &["check", "--strict", "--color", "never"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let build = run_in(&root, &["build", "--color", "never"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(
        build.stderr.starts_with("Built 1 write-up, "),
        "{}",
        build.stderr
    );
}

#[test]
fn init_refuses_to_overwrite_anything() {
    let site = Site::with(&[("blameless.yaml", "title: mine\n")]);
    let run = site.run(&["init", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert_eq!(
        run.stderr,
        "error: blameless.yaml already exists; not overwriting it\n"
    );
    assert_eq!(site.read("blameless.yaml"), "title: mine\n");
    assert!(
        !site.path().join("content").exists(),
        "nothing else was written"
    );
}

#[test]
fn new_writes_a_complete_template_that_checks() {
    let site = Site::with(&[("content/_about.md", "About\n")]);
    let run = site.run(&[
        "new",
        "Database: replaced with a \"stale\" snapshot",
        "--date",
        "2018-10-07",
        "--severity",
        "SEV2",
        "--author",
        "db-oncall",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let path = "content/2018-10-07-database-replaced-with-a-stale-snapshot.md";
    assert_eq!(run.stdout, format!("{path}\n"));
    let text = site.read(path);
    for needle in [
        "title: \"Database: replaced with a \\\"stale\\\" snapshot\"",
        "severity: SEV2",
        "authors: [\"db-oncall\"]",
        "status: draft",
        "type: trigger",
        "type: detection",
        "type: escalation",
        "type: action",
        "type: mitigation",
        "type: resolution",
        "type: note",
        "went_well:",
        "went_wrong:",
        "lucky:",
        "action_items:",
    ] {
        assert!(text.contains(needle), "template lacks {needle:?}:\n{text}");
    }
    let check = site.run(&["check", "--strict", "--color", "never"]);
    assert_eq!(check.code, 0, "{}", check.stderr);
    let again = site.run(&[
        "new",
        "Database: replaced with a \"stale\" snapshot",
        "--date",
        "2018-10-07",
        "--color",
        "never",
    ]);
    assert_eq!(again.code, 2);
    assert_eq!(
        again.stderr,
        format!("error: {path} already exists; not overwriting it\n")
    );
    let build = site.run(&["build", "--drafts", "--color", "never"]);
    assert_eq!(build.code, 0, "{}", build.stderr);
    assert!(site
        .path()
        .join("public/incidents/database-replaced-with-a-stale-snapshot/index.html")
        .is_file());
}

#[test]
fn new_rejects_unknown_severities_and_bad_dates() {
    let site = Site::with(&[("content/_about.md", "About\n")]);
    let run = site.run(&["new", "X", "--severity", "SEV9", "--color", "never"]);
    assert_eq!(run.code, 2);
    common::assert_snapshot(
        &run.stderr,
        "cli-new-rejects-unknown-severities-and-bad-dates-1.txt",
    );
    let run = site.run(&["new", "X", "--date", "tomorrow", "--color", "never"]);
    assert_eq!(run.code, 2);
    common::assert_snapshot(
        &run.stderr,
        "cli-new-rejects-unknown-severities-and-bad-dates-2.txt",
    );
}

#[test]
fn help_version_and_usage_errors() {
    let site = Site::new();
    let version = site.run(&["--version"]);
    assert_eq!(version.code, 0);
    assert_eq!(
        version.stdout,
        format!("blameless {}\n", env!("CARGO_PKG_VERSION"))
    );
    for command in ["init", "new", "check", "build"] {
        let help = site.run(&[command, "--help"]);
        assert_eq!(help.code, 0);
        assert!(
            help.stdout.contains("Example"),
            "{command} --help has no example:\n{}",
            help.stdout
        );
    }
    let bad = site.run(&["check", "--format", "xml"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr
            .contains("invalid value 'xml' for '--format <FORMAT>'"),
        "{}",
        bad.stderr
    );
    let none = site.run(&["frobnicate"]);
    assert_eq!(none.code, 2);
}

#[test]
fn color_follows_the_flag() {
    let site = Site::with(&[("content/a.md", "no front matter\n")]);
    let plain = site.run(&["check", "--color", "never"]);
    assert!(!plain.stderr.contains('\x1b'));
    let colored = site.run(&["check", "--color", "always"]);
    assert!(
        colored.stderr.contains("\x1b[1;31merror:\x1b[0m"),
        "{:?}",
        colored.stderr
    );
}

#[test]
fn bad_option_values_are_usage_errors() {
    let site = Site::with(&[("content/_about.md", "About\n")]);
    let run = site.run(&["build", "--base-url", "intranet/eng", "--color", "never"]);
    assert_eq!(run.code, 2);
    common::assert_snapshot(&run.stderr, "cli-bad-option-values-are-usage-errors-1.txt");
    let run = site.run(&["check", "--today", "soon", "--color", "never"]);
    assert_eq!(run.code, 2);
    common::assert_snapshot(&run.stderr, "cli-bad-option-values-are-usage-errors-2.txt");
    let run = site.run(&["stats", "--today", "2020-02-30", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr
            .starts_with("error: --today: \"2020-02-30\" is not a date"),
        "{}",
        run.stderr
    );
}
