//! `check`'s rules about what a write-up says and holds: blame-language,
//! vague-action-item, and the policy by severity (missing-field,
//! action-item-incomplete, late-publication), their levels, `lint_allow`,
//! and the configuration's errors about them.

use crate::common;
use common::{assert_snapshot, writeup, Site};

/// `check --format json` on `site`: each finding as
/// "line:column rule field: message", and the exit code.
fn findings(site: &Site, extra: &[&str]) -> (Vec<String>, i32) {
    let mut args = vec!["check", "--format", "json", "--today", "2026-12-01"];
    args.extend_from_slice(extra);
    let run = site.run(&args);
    let all: serde_json::Value = serde_json::from_str(&run.stdout).expect(&run.stderr);
    let lines = all
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} {} {}: {}",
                d["line"],
                d["column"],
                d["severity"].as_str().unwrap(),
                d["rule"].as_str().unwrap_or("-"),
                d["field"].as_str().unwrap_or("-"),
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    (lines, run.code)
}

const BLAMING: &str = "---
title: Database lost to human error
dek: \"An operator was careless\"
date: 2026-11-01
severity: SEV2
authors: [sre]
tags: [blame]
services: [careless-api]
summary: >
  Nobody is to
  blame.
impact:
  summary: Lost writes through negligence
  data_loss: '*Sloppy* backups'
timeline:
  - at: 2026-11-01 10:00
    event: The operator ran `blame` on the
      wrong host, out of sheer Human
      Error
  - at: 2026-11-01 12:00
    event: Restored, see [runbook](human-error.html)
lessons:
  went_wrong: [\"Lack of attention\"]
  lucky: [It was not his fault]
action_items:
  - task: Stop the fat-fingered restores
    owner: sre
---
It was *his
fault*, really. We should have known.

```
human error
```

Call it `operator error` or see <https://example.com/blame>.
";

#[test]
fn blame_language_in_every_field_and_the_prose_of_the_body() {
    let site = Site::with(&[("content/a.md", BLAMING)]);
    let (lines, code) = findings(&site, &[]);
    assert_eq!(code, 0);
    common::assert_snapshot(
        &common::lines(&lines),
        "lint-blame-language-in-every-field-and-the-prose-of-the-body.txt",
    );
}

#[test]
fn every_format_names_the_rule_and_gives_the_hint() {
    let site = Site::with(&[(
        "content/a.md",
        &writeup("A", "", "An operator was careless.\n"),
    )]);
    let run = site.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 0);
    assert_snapshot(&run.stderr, "lint-blame-language.txt");
    let github = site.run(&["check", "--format", "github"]);
    assert!(
        github.stdout.starts_with(
            "::warning file=content/a.md,line=7,col=17,title=blame-language::\"careless\" puts"
        ),
        "{}",
        github.stdout
    );
    let strict = site.run(&["check", "--strict", "--format", "json"]);
    assert_eq!(strict.code, 1);
    let json: serde_json::Value = serde_json::from_str(&strict.stdout).unwrap();
    assert_eq!(json[0]["severity"], "error");
    assert_eq!(json[0]["rule"], "blame-language");
}

#[test]
fn vague_action_items_ask_people_to_do_better() {
    let items = "action_items:
  - task: Be more careful when restoring
    owner: sre
  - task: \"Remind on-call to double-check the host; don't forget\"
    owner: sre
  - task: Add calendar reminders and make the restore tool show the host
    owner: sre
  - task: Try not to `try to` restore twice
    owner: sre
";
    let site = Site::with(&[("content/a.md", &writeup("A", items, "Body.\n"))]);
    let (lines, _) = findings(&site, &[]);
    common::assert_snapshot(
        &common::lines(&lines),
        "lint-vague-action-items-ask-people-to-do-better.txt",
    );
    let run = site.run(&["check", "--color", "never"]);
    assert!(run.stderr.contains("= hint: name the change that makes the mistake hard to repeat: a check, an alert, a guard in a tool or a step in a process, e.g. \"the deploy script refuses a config with no replicas\"\n"), "{}", run.stderr);
}

#[test]
fn levels_turn_rules_off_or_into_errors_and_a_write_up_may_allow_one() {
    let body = "A careless restore.\n";
    let items = "action_items:\n  - task: Be careful\n    owner: sre\n";
    let site = Site::with(&[
        (
            "blameless.yaml",
            "lint:\n  blame-language: error\n  vague-action-item: off\n",
        ),
        ("content/a.md", &writeup("A", items, body)),
        (
            "content/b.md",
            &writeup("B", "lint_allow: [blame-language]\n", body),
        ),
    ]);
    let (lines, code) = findings(&site, &[]);
    assert_eq!(code, 1);
    common::assert_snapshot(
        &common::lines(&lines),
        "lint-levels-turn-rules-off-or-into-errors-and-a-write-up-may-allow-one.txt",
    );
    // An error is an error for `build` too.
    let build = site.run(&["build", "--color", "never"]);
    assert_eq!(build.code, 1, "{}", build.stderr);
    assert!(
        build.stderr.contains("error[blame-language]"),
        "{}",
        build.stderr
    );
}

#[test]
fn the_phrase_lists_are_the_sites_own() {
    let site = Site::with(&[
        (
            "blameless.yaml",
            "lint:\n  blame_words: [\"Schlamperei\", \"user error\"]\n  vague_words: [be mindful]\n",
        ),
        (
            "content/a.md",
            &writeup(
                "A",
                "action_items:\n  - task: Be mindful of careless restores\n    owner: sre\n",
                "A careless USER\nERROR and some SCHLAMPEREI.\n",
            ),
        ),
    ]);
    let (lines, _) = findings(&site, &[]);
    common::assert_snapshot(
        &common::lines(&lines),
        "lint-the-phrase-lists-are-the-sites-own.txt",
    );
}

const POLICY: &str = "taxonomies:
  - key: teams
policy:
  SEV1:
    require: [incident.detected, incident.resolved, timeline, impact, lessons, action_items, teams, extra.comms]
    action_items_need: [due, ticket]
    publish_within_days: 5
  SEV2: {require: [lessons], action_items_need: [priority], publish_within_days: 10}
";

fn sev1(status: &str, fields: &str) -> String {
    format!(
        "---\ntitle: A\ndate: 2026-11-02\nseverity: SEV1\nstatus: {status}\nauthors: [ana]\n{fields}---\nBody.\n"
    )
}

#[test]
fn the_policy_asks_each_severity_for_its_fields() {
    let done = "incident:\n  started: 2026-11-01T10:00:00Z\n  resolved: 2026-11-01T12:00:00Z\n\
                timeline:\n  - at: 2026-11-01T10:00:00Z\n    event: Deploy\n\
                action_items:\n  - task: Guard the restore tool\n    owner: sre\n    ticket: OPS-1\n  \
                - task: Alert on lag\n    owner: sre\n    status: done\n";
    let site = Site::with(&[
        ("blameless.yaml", POLICY),
        ("content/a.md", &sev1("published", done)),
        // A draft is still being written: only its lateness counts.
        ("content/b.md", &sev1("draft", done)),
        (
            "content/c.md",
            &writeup(
                "C",
                "action_items:\n  - task: Alert on lag\n    owner: sre\n",
                "Body.\n",
            ),
        ),
    ]);
    let (lines, code) = findings(&site, &[]);
    assert_eq!(code, 0);
    common::assert_snapshot(
        &common::lines(&lines),
        "lint-the-policy-asks-each-severity-for-its-fields.txt",
    );
    let run = site.run(&["check", "--color", "never", "--today", "2026-11-06"]);
    assert!(run.stderr.contains("  = hint: add `detected:` under `incident:`, or keep `status: draft` until it has it\n"), "{}", run.stderr);
    assert!(
        run.stderr.contains("  = hint: add due: YYYY-MM-DD\n"),
        "{}",
        run.stderr
    );
    // Five days after is in time.
    assert!(!run.stderr.contains("late-publication"), "{}", run.stderr);
    let run = site.run(&["check", "--color", "never", "--today", "2026-11-07"]);
    assert!(
        run.stderr
            .contains("warning[late-publication]: still `draft` 6 days"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("  = hint: finish the review and set `status: published`\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn without_a_policy_nothing_is_asked() {
    let site = Site::with(&[(
        "content/a.md",
        &sev1(
            "review",
            "action_items:\n  - task: Alert on lag\n    owner: sre\n",
        ),
    )]);
    let (lines, code) = findings(&site, &[]);
    assert_eq!((lines, code), (Vec::<String>::new(), 0));
}

#[test]
fn configuration_errors_of_lint_and_policy() {
    let site = Site::with(&[
        (
            "blameless.yaml",
            "lint:\n  blame_language: error\n  vague-action-item: loud\n  blame_words: [\"  \", \"!!!\"]\n\
             policy:\n  SEV9: {publish_within_days: 0}\n  SEV1:\n    require: [lesson, extra.]\n    action_items_need: [owner]\n",
        ),
        ("content/a.md", &writeup("A", "lint_allow: [blame-langauge]\n", "Body.\n")),
    ]);
    let run = site.run(&["check", "--format", "json"]);
    assert_eq!(run.code, 2);
    let all: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let lines: Vec<String> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}:{} {} | {}",
                d["line"],
                d["column"],
                d["message"].as_str().unwrap(),
                d["hint"].as_str().unwrap_or("")
            )
        })
        .collect();
    common::assert_snapshot(
        &common::lines(&lines),
        "lint-configuration-errors-of-lint-and-policy.txt",
    );
}

#[test]
fn past_200_findings_a_file_says_how_many_more_there_are() {
    let mut timeline = String::from("timeline:\n");
    for i in 0..400 {
        timeline.push_str(&format!(
            "  - at: 2020-01-02T00:{:02}:{:02}Z\n    event: \"Step {i}, human error\"\n",
            i / 60,
            i % 60
        ));
    }
    let site = Site::with(&[("content/a.md", &writeup("A", &timeline, "Body.\n"))]);
    let run = site.run(&["check", "--format", "json"]);
    let all: serde_json::Value = serde_json::from_str(&run.stdout).expect(&run.stderr);
    let all = all.as_array().unwrap();
    let rules = all.iter().filter(|d| d["rule"] == "blame-language").count();
    assert_eq!(rules, 200);
    let last = &all[0];
    assert_eq!(last["line"], 0);
    assert_eq!(
        last["message"],
        "200 more findings of `check`'s rules in this file are not shown"
    );
    assert_eq!(
        last["hint"],
        "fix the ones above and run `blameless check` again"
    );
}

#[test]
fn a_policy_is_a_mapping_of_severities() {
    let site = Site::with(&[("blameless.yaml", "policy: [SEV1]\n")]);
    let run = site.run(&["check", "--color", "never"]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.starts_with(
            "blameless.yaml:1:9: error: policy: expected a mapping of severities to what their write-ups need, found a list\n"
        ),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .contains("  = hint: for example policy: {SEV1: {require: [timeline, lessons]}}\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn implausible_timelines_are_warned_at_the_field_with_a_hint() {
    let text = writeup(
        "Queue stall",
        "incident:\n  started: 2020-01-02 10:00\n  detected: 2020-01-02 10:20\n  resolved: 2020-03-02 09:00\ntimeline:\n  - at: 2019-12-01 09:00\n    event: Broker upgraded\n  - at: 2020-01-02 10:10\n    type: resolution\n    event: Queue drained\n  - at: 2020-01-02 10:30\n    type: detection\n    event: Alert fired\n  - at: 2020-03-20 08:00\n    event: Report published\n",
        "Body.\n",
    );
    let site = Site::with(&[("content/a.md", &text)]);
    let (lines, code) = findings(&site, &[]);
    assert_eq!(code, 0);
    common::assert_snapshot(
        &common::lines(&lines),
        "lint-implausible-timelines-are-warned-at-the-field-with-a-hint.txt",
    );
    // The hint says what to look at; human output shows it.
    let run = site.run(&["check", "--today", "2026-12-01", "--color", "never"]);
    assert!(
        run.stderr.contains(
            "check its date: an entry with only HH:MM is on the day of the entry before it"
        ),
        "{}",
        run.stderr
    );
    // A write-up that did last that long says so.
    let allowed = text.replace(
        "authors: [ana]\n",
        "authors: [ana]\nlint_allow: [implausible-timeline]\n",
    );
    let site = Site::with(&[("content/a.md", &allowed)]);
    assert_eq!(findings(&site, &[]), (Vec::new(), 0));
}
