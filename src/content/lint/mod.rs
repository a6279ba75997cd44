//! `check`'s rules about what one write-up says and holds: language that
//! blames a person (`blame-language`), action items that ask people to be
//! better (`vague-action-item`), and the site's policy for the write-up's
//! severity (`missing-field`, `action-item-incomplete`). `late_warnings`
//! is the one rule that needs the date (`late-publication`).
//!
//! These run where a write-up is validated, so every command sees the
//! same findings, and a clean file stays in the parse cache.

mod plausible;

use super::{Status, WriteUp};
use crate::config::{Config, Rule, RuleLevel};
use crate::diagnostic::{Diagnostic, Level};
use crate::phrases::{Found, Phrases};
use crate::yaml::{FieldPath, MAX_LOCATED_PROBLEMS};
use std::cell::Cell;
use std::ops::Range;

const BLAME_HINT: &str = "say what in the system made the mistake possible or let it through, e.g. \"the restore tool did not show which host it would overwrite\"";
const VAGUE_HINT: &str = "name the change that makes the mistake hard to repeat: a check, an alert, a guard in a tool or a step in a process, e.g. \"the deploy script refuses a config with no replicas\"";

/// The level `rule` has for `w`: the site's, or off where `w` allows it.
pub(super) fn level(w: &WriteUp, config: &Config, rule: Rule) -> Option<Level> {
    if w.lint_allow.iter().any(|r| r == rule.name()) {
        return None;
    }
    match config.lint.level(rule) {
        RuleLevel::Off => None,
        RuleLevel::Warning => Some(Level::Warning),
        RuleLevel::Error => Some(Level::Error),
    }
}

/// The findings of `w`, whose front matter is `text[yaml]`.
pub(super) fn lint(w: &WriteUp, yaml: Range<usize>, config: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let lint = &config.lint;
    let front = Front::new(w, yaml);
    if let Some(level) = level(w, config, Rule::BlameLanguage) {
        if lint.blame.may_occur(&w.text) {
            blame(&front, &lint.blame, level, &mut out);
        }
    }
    if let Some(level) = level(w, config, Rule::VagueActionItem) {
        // Tasks are short: each is asked on its own.
        for (i, item) in w.action_items.iter().enumerate() {
            if !lint.vague.may_occur(&item.task) {
                continue;
            }
            let path = FieldPath::root().key("action_items").index(i).key("task");
            for (found, at) in front.field(&path, &item.task, &lint.vague) {
                let phrase = &item.task[found.start..found.end];
                out.push(
                    front
                        .finding(
                            level,
                            Rule::VagueActionItem,
                            at,
                            format!("{path}: {phrase:?} asks people to do better; it changes nothing that would stop this happening again"),
                            VAGUE_HINT.into(),
                        )
                        .with_field(path.to_string()),
                );
            }
        }
    }
    if let Some(level) = level(w, config, Rule::ImplausibleTimeline) {
        plausible::findings(&front, &w.tz(&config.tz), level, &mut out);
    }
    if w.status != Status::Draft {
        if let Some(policy) = config.policy.get(&w.severity) {
            policy_findings(&front, config, policy, &mut out);
        }
    }
    let unshown = front.unshown.get();
    if unshown > 0 {
        out.push(
            Diagnostic::warning(
                &w.file,
                format!("{unshown} more findings of `check`'s rules in this file are not shown"),
            )
            .with_hint("fix the ones above and run `blameless check` again"),
        );
    }
    out
}

/// A write-up and where its front matter is, to place findings.
pub(super) struct Front<'a> {
    pub(super) w: &'a WriteUp,
    yaml: Range<usize>,
    /// Findings placed so far, and those found past the most a file shows
    /// (placing one reads the front matter again: a bound keeps a file of
    /// thousands linear).
    placed: Cell<usize>,
    unshown: Cell<usize>,
}

impl<'a> Front<'a> {
    pub(super) fn new(w: &'a WriteUp, yaml: Range<usize>) -> Self {
        Front {
            w,
            yaml,
            placed: Cell::new(0),
            unshown: Cell::new(0),
        }
    }

    /// Whether `n` more findings are to be placed; if not, they are counted.
    pub(super) fn place(&self, n: usize) -> bool {
        if self.placed.get() >= MAX_LOCATED_PROBLEMS {
            self.unshown.set(self.unshown.get() + n);
            return false;
        }
        self.placed.set(self.placed.get() + n);
        true
    }

    pub(super) fn finding(
        &self,
        level: Level,
        rule: Rule,
        (line, column): (usize, usize),
        message: String,
        hint: String,
    ) -> Diagnostic {
        Diagnostic::new(level, &self.w.file, message)
            .at(line, column)
            .with_source(&self.w.text)
            .with_hint(hint)
            .with_rule(rule.name())
    }

    /// The line and column in the file of a byte offset in it.
    pub(super) fn position(&self, offset: usize) -> (usize, usize) {
        crate::text::line_column(&self.w.text, offset)
    }

    /// The byte offset in the file where the value at `path` starts.
    pub(super) fn value_offset(&self, path: &FieldPath) -> usize {
        let yaml = &self.w.text[self.yaml.clone()];
        let (line, column) = crate::yaml::locate(yaml, path, false);
        let line_start: usize = yaml
            .split_inclusive('\n')
            .take(line.saturating_sub(1))
            .map(str::len)
            .sum();
        let in_line = yaml[line_start..]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map_or(0, |(i, _)| i);
        self.yaml.start + line_start + in_line
    }

    /// The phrases of `phrases` in the prose of the field `path`, whose
    /// value is `value`, each with its position in the file.
    fn field(
        &self,
        path: &FieldPath,
        value: &str,
        phrases: &Phrases,
    ) -> Vec<(Found, (usize, usize))> {
        let found = in_prose(value, phrases);
        if found.is_empty() || !self.place(found.len()) {
            return Vec::new();
        }
        // The value's words are in its source in the same order, whether
        // it is plain, quoted or folded: the k-th time a phrase is found
        // from the value's start is the k-th time it is in the value.
        let start = self.value_offset(path);
        // Its source is not much longer than the value (quotes, escapes, the
        // indentation of folded lines); a bound keeps many findings linear.
        let mut end = (start + 4 * value.len() + 256).min(self.yaml.end);
        while !self.w.text.is_char_boundary(end) {
            end -= 1;
        }
        let source = &self.w.text[start..end];
        let in_source = phrases.find(source);
        let mut out = Vec::new();
        for (n, f) in found.iter().enumerate() {
            let k = found[..n].iter().filter(|e| e.phrase == f.phrase).count();
            let at = in_source
                .iter()
                .filter(|e| e.phrase == f.phrase)
                .nth(k)
                .map_or(start, |e| start + e.start);
            out.push((*f, self.position(at)));
        }
        out
    }
}

/// The phrases in the prose of a field, which may hold inline Markdown.
fn in_prose(value: &str, phrases: &Phrases) -> Vec<Found> {
    if !phrases.may_occur(value) {
        return Vec::new();
    }
    if !value.contains(['`', '<', '[', '*', '_', '\\', '&', '~']) {
        return phrases.find(value);
    }
    in_markdown(value, phrases)
}

/// The phrases in the prose of Markdown `text` (a body, or a field with
/// markup), with offsets in `text`.
fn in_markdown(text: &str, phrases: &Phrases) -> Vec<Found> {
    crate::markdown::prose_ranges(text)
        .into_iter()
        .flat_map(|r| {
            phrases
                .find(&text[r.clone()])
                .into_iter()
                .map(move |f| Found {
                    start: r.start + f.start,
                    end: r.start + f.end,
                    phrase: f.phrase,
                })
        })
        .collect()
}

fn blame(front: &Front, phrases: &Phrases, level: Level, out: &mut Vec<Diagnostic>) {
    let w = front.w;
    let root = FieldPath::root();
    let mut fields: Vec<(FieldPath, &str)> = vec![(root.key("title"), w.title.as_str())];
    for (key, value) in [("dek", &w.dek), ("summary", &w.summary)] {
        if let Some(v) = value {
            fields.push((root.key(key), v));
        }
    }
    for (key, value) in [
        ("summary", &w.impact.summary),
        ("data_loss", &w.impact.data_loss),
    ] {
        if let Some(v) = value {
            fields.push((root.key("impact").key(key), v));
        }
    }
    for (i, e) in w.timeline.iter().enumerate() {
        fields.push((root.key("timeline").index(i).key("event"), &e.event));
    }
    for (key, list) in w.lessons.lists() {
        for (i, lesson) in list.iter().enumerate() {
            fields.push((root.key("lessons").key(key).index(i), lesson));
        }
    }
    for (i, item) in w.action_items.iter().enumerate() {
        fields.push((root.key("action_items").index(i).key("task"), &item.task));
    }
    let message =
        |phrase: &str| format!("{phrase:?} puts the cause in a person, not in the system");
    for (path, value) in fields {
        for (found, at) in front.field(&path, value, phrases) {
            let phrase = &value[found.start..found.end];
            out.push(
                front
                    .finding(
                        level,
                        Rule::BlameLanguage,
                        at,
                        format!("{path}: {}", message(phrase)),
                        BLAME_HINT.into(),
                    )
                    .with_field(path.to_string()),
            );
        }
    }
    let body = w.body();
    for found in in_markdown(body, phrases) {
        if !front.place(1) {
            continue;
        }
        let phrase = &body[found.start..found.end];
        out.push(front.finding(
            level,
            Rule::BlameLanguage,
            w.body_position(found.start),
            message(&phrase.split_whitespace().collect::<Vec<_>>().join(" ")),
            BLAME_HINT.into(),
        ));
    }
}

/// `policy.<severity>`'s `require` and `action_items_need`.
fn policy_findings(
    front: &Front,
    config: &Config,
    policy: &crate::config::SeverityPolicy,
    out: &mut Vec<Diagnostic>,
) {
    let w = front.w;
    let severity = &w.severity;
    if let Some(level) = level(w, config, Rule::MissingField) {
        let at = front.position(front.value_offset(&FieldPath::root().key("severity")));
        for field in policy.require.iter().filter(|f| !w.has(f)) {
            out.push(
                front
                    .finding(
                        level,
                        Rule::MissingField,
                        at,
                        format!("a {severity} write-up needs `{field}` (policy.{severity}.require in the configuration), and this one has none"),
                        format!("add {}, or keep `status: draft` until it has it", shape(field)),
                    )
                    .with_field(field.clone()),
            );
        }
    }
    let Some(level) = level(w, config, Rule::ActionItemIncomplete) else {
        return;
    };
    for (i, item) in w.action_items.iter().enumerate() {
        if item.status.is_closed() {
            continue;
        }
        let missing: Vec<&str> = policy
            .action_items_need
            .iter()
            .map(String::as_str)
            .filter(|need| match *need {
                "due" => item.due.is_none(),
                "ticket" => item.ticket.is_none(),
                _ => item.priority.is_none(),
            })
            .collect();
        if missing.is_empty() || !front.place(1) {
            continue;
        }
        let path = FieldPath::root().key("action_items").index(i);
        let at = front.position(front.value_offset(&path));
        let names: Vec<String> = missing.iter().map(|m| format!("`{m}`")).collect();
        let example: Vec<&str> = missing
            .iter()
            .map(|m| match *m {
                "due" => "due: YYYY-MM-DD",
                "ticket" => "ticket: OPS-123",
                _ => "priority: P2",
            })
            .collect();
        out.push(
            front
                .finding(
                    level,
                    Rule::ActionItemIncomplete,
                    at,
                    format!(
                        "{path}: an open action item of a {severity} write-up needs {} (policy.{severity}.action_items_need)",
                        and_list(&names)
                    ),
                    format!("add {}", example.join(" and ")),
                )
                .with_field(path.to_string()),
        );
    }
}

/// `late-publication`: write-ups still in `draft` or `review` more days
/// after `incident.resolved` than their severity's `publish_within_days`.
pub fn late_warnings(
    writeups: &[std::sync::Arc<WriteUp>],
    config: &Config,
    today: jiff::civil::Date,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for w in writeups.iter().filter(|w| w.status != Status::Published) {
        let Some(days) = config
            .policy
            .get(&w.severity)
            .and_then(|p| p.publish_within_days)
        else {
            continue;
        };
        let Some(level) = level(w, config, Rule::LatePublication) else {
            continue;
        };
        let Some(resolved) = w.incident.resolved else {
            continue;
        };
        let resolved = crate::datetime::day_of(resolved, &w.tz(&config.tz));
        let Ok(span) = resolved.until(today) else {
            continue;
        };
        let late = span.get_days() as i64;
        if late <= days as i64 {
            continue;
        }
        let Ok(split) = super::split_front_matter(&w.text) else {
            continue;
        };
        let front = Front::new(w, split.yaml);
        let at = front.position(front.value_offset(&FieldPath::root().key("status")));
        let severity = &w.severity;
        out.push(
            front
                .finding(
                    level,
                    Rule::LatePublication,
                    at,
                    format!(
                        "still `{}` {late} days after the incident was resolved ({resolved}); a {severity} write-up is to be published within {days} days (policy.{severity}.publish_within_days)",
                        w.status.as_str()
                    ),
                    "finish the review and set `status: published`".into(),
                )
                .with_field("status"),
        );
    }
    out
}

/// "`a`", "`a` and `b`", "`a`, `b` and `c`".
fn and_list(names: &[String]) -> String {
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// How a dotted field is written: "`lessons:`", "`detected:` under `incident:`".
fn shape(field: &str) -> String {
    match field.split_once('.') {
        Some((parent, key)) => format!("`{key}:` under `{parent}:`"),
        None => format!("`{field}:`"),
    }
}
