//! Writing new files for people: `init` (a whole new site) and `new` (one
//! write-up from a template). Neither ever overwrites an existing file.

use crate::config::Config;
use crate::text::slugify;
use jiff::civil::Date;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

/// `blameless.yaml` as `init` writes it: every key, commented.
pub const CONFIG_TEMPLATE: &str = r##"# blameless site configuration. Every key is optional; shown here with its default
# or an example. Run `blameless check` after editing.

title: "Incident write-ups"
description: "What broke, what it cost, and what we learned."
# Where the site is published; may include a sub-path. Feeds use it for absolute links.
base_url: "http://localhost:1111/"
language: en
# IANA time zone; timestamps written without an offset are read in it.
timezone: UTC
# The line under each write-up.
contact: "Questions? Ask in #incident-review."

sidebar:
  about: true             # show content/_about.md
  tag_cloud_size: 40      # how many of the most used tags the Pile o'Tags shows
  services_limit: 15      # how many of the most used services "Stuff We Run" lists
  links:                  # shown after the services in "Stuff We Run"
    - {title: "Status page", url: "https://status.example.com/"}

# Ordered, worst first.
severities:
  - {name: SEV1, description: "Critical: a core service down or data lost for many users", color: "#b3261e"}
  - {name: SEV2, description: "Major: a core feature degraded for many users", color: "#c2410c"}
  - {name: SEV3, description: "Minor: a feature degraded for some users", color: "#a16207"}
  - {name: SEV4, description: "Low: little visible impact", color: "#2563eb"}
  - {name: SEV5, description: "Near miss: no user impact, worth learning from", color: "#4b5563"}
priorities: [P1, P2, P3, P4]

paginate: 10              # write-ups per list page
home:
  full_posts: false       # true: the home page shows whole write-ups, E-Scribe style

feed:
  limit: 20               # items in each RSS feed
  full_content: true      # put the whole write-up in content:encoded

# Action item tickets link here; {ticket} is replaced by the ticket id.
ticket_url: "https://tracker.example.com/browse/{ticket}"

markdown:
  raw_html: sanitize      # sanitize | allow | deny
  highlight_theme: InspiredGitHub
  highlight_theme_dark: base16-ocean.dark

search:
  enabled: true

build:
  output: public
  drafts: false           # include status draft/review write-ups
  future: false           # include write-ups dated after today

# How loud `check`'s rules about what a write-up says are: off | warning | error.
# A write-up may allow one for itself with `lint_allow: [blame-language]`.
lint:
  blame-language: warning       # "human error", "careless", "should have known"...
  vague-action-item: warning    # action items such as "be more careful", "try to"
  action-item-incomplete: warning  # an open item without what the policy asks
  missing-field: warning        # a field the policy asks of the severity
  late-publication: warning     # a draft or review past the policy's days
  implausible-timeline: warning # entries days from the incident, a resolution before detection
  # Your own phrases replace the built-in lists (README lists them):
  # blame_words: [human error, operator error, careless, negligence]
  # vague_words: [be more careful, try to, remember to, double-check]

# What the write-ups of each severity must have once they leave draft, and
# how soon after the incident is resolved they are to be published.
# Uncomment to use.
# policy:
#   SEV1:
#     require: [incident.detected, incident.resolved, timeline, impact, lessons, action_items]
#     action_items_need: [due, ticket]   # of every open action item
#     publish_within_days: 5
#   SEV2: {require: [timeline, lessons, action_items], publish_within_days: 10}

# Your own ways of sorting write-ups, beside tags, services, severity and
# authors: each key is a front-matter key (teams: [payments]) with its own
# pages, feeds, search facet and, if asked, stats. Uncomment to use.
# taxonomies:
#   - key: teams
#     singular: Team
#     stats: true           # incidents and outage time by team on /stats/
#     sidebar: true         # a sidebar block with the most used teams
#   - key: causes
#     title: Contributing factors
#     values:               # a closed vocabulary: other values are errors
#       - {name: config-change, description: A configuration change}
#       - {name: missing-alert, description: An alert that did not exist or did not fire}
#       - {name: capacity, description: Not enough of something}
"##;

const ABOUT_TEMPLATE: &str =
    "We write up every incident that hurt our users or taught us something, \
blamelessly: the point is what the system and the team learn, not who pressed the button.\n\n\
New here? Start with the [tags](tags/) or the [archive](archive/).\n";

/// The text of a new write-up from the template.
pub fn writeup_template(title: &str, date: Date, severity: &str, author: &str) -> String {
    let q = |s: &str| serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into());
    format!(
        r#"---
# A blameless write-up: describe what the system and the people did, and why it made
# sense at the time. Run `blameless check` to validate. Delete what does not apply.
title: {title}
dek: "One line shown in parentheses under the title."
date: {date}                    # publication date
# updated: {date}               # the day of a later change in substance: feeds announce it again
status: draft                       # draft | review | published
severity: {severity}
authors: [{author}]
tags: []                            # e.g. [database, backups]
services: []                        # systems affected, e.g. [accounts-db]
summary: "One paragraph for listings, feeds and search (default: the first paragraph below)."
incident:                           # RFC 3339, or "YYYY-MM-DD HH:MM" in the site time zone
  started: "{date} 09:00"
  detected: "{date} 09:10"
  mitigated: "{date} 09:40"
  resolved: "{date} 10:30"
impact:
  summary: "Who was affected, how, and for how long."
  users: 0                          # optional numbers: users, requests, revenue
  data_loss: "None."
timeline:                           # in time order; "HH:MM" is on the day of the entry before
  - at: "{date} 09:00"
    event: "What started it."
    type: trigger
  - at: "09:10"
    event: "How we found out (alert, customer report...)."
    type: detection
  - at: "09:15"
    event: "Who was called in."
    type: escalation
  - at: "09:20"
    event: "What we tried."
    type: action
  - at: "09:40"
    event: "What stopped the harm."
    type: mitigation
  - at: "10:00"
    event: "Anything worth noting."
    type: note
  - at: "10:30"
    event: "Back to normal."
    type: resolution
lessons:
  went_well: ["What helped."]
  went_wrong: ["What made it worse or slower."]
  lucky: ["Where we got lucky."]
action_items:
  - task: "What will change so this cannot happen again, or hurts less."
    owner: {author}
    priority: P2
    status: open                    # open | in-progress | done | wontfix
    due: {date}
    # ticket: OPS-1234
related: []                         # slugs of other write-ups
---
## Summary

What happened, in a paragraph.

## What happened

The story, in order.

## Why it happened

The conditions in the system that made it possible, and why what people did made sense at the time.
"#,
        title = q(title),
        author = q(author),
    )
}

/// Creates `path` with `contents`, failing if it exists.
fn create_new(path: &Path, contents: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
    file.write_all(contents.as_bytes())
}

#[derive(Debug)]
pub enum ScaffoldError {
    /// These files exist already; nothing was written.
    Exists(Vec<PathBuf>),
    Io(PathBuf, std::io::Error),
}

impl ScaffoldError {
    /// What it says, a line for each file that exists.
    pub fn lines(&self) -> Vec<String> {
        match self {
            ScaffoldError::Exists(paths) => paths
                .iter()
                .map(|p| format!("{} already exists; not overwriting it", p.display()))
                .collect(),
            ScaffoldError::Io(path, e) => vec![format!("cannot write {}: {e}", path.display())],
        }
    }
}

impl std::fmt::Display for ScaffoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.lines().join("\n"))
    }
}

impl std::error::Error for ScaffoldError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ScaffoldError::Io(_, e) => Some(e),
            ScaffoldError::Exists(_) => None,
        }
    }
}

/// Writes a new site into `dir`. Writes nothing if any of the files exists.
pub fn init(dir: &Path, today: Date) -> Result<Vec<PathBuf>, ScaffoldError> {
    let example_name = format!("{today}-example-write-up.md");
    let example = writeup_template(
        "Example: what a write-up looks like",
        today,
        "SEV3",
        "your-team",
    )
    .replace("status: draft  ", "status: published");
    let files = [
        (dir.join("blameless.yaml"), CONFIG_TEMPLATE.to_string()),
        (
            dir.join("content").join("_about.md"),
            ABOUT_TEMPLATE.to_string(),
        ),
        (dir.join("content").join(example_name), example),
    ];
    let existing: Vec<PathBuf> = files
        .iter()
        .filter(|(p, _)| p.exists())
        .map(|(p, _)| p.clone())
        .collect();
    if !existing.is_empty() {
        return Err(ScaffoldError::Exists(existing));
    }
    for (path, contents) in &files {
        create_new(path, contents).map_err(|e| ScaffoldError::Io(path.clone(), e))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// Writes `content/YYYY-MM-DD-<slug>.md` for a new write-up.
pub fn new_writeup(
    root: &Path,
    config: &Config,
    title: &str,
    date: Date,
    severity: &str,
    author: &str,
) -> Result<PathBuf, ScaffoldError> {
    let path = root
        .join("content")
        .join(format!("{date}-{}.md", slugify(title)));
    if path.exists() {
        return Err(ScaffoldError::Exists(vec![path]));
    }
    let priority = config.priorities.get(1).or(config.priorities.first());
    let mut text = writeup_template(title, date, severity, author);
    if let Some(p) = priority {
        text = text.replace("priority: P2", &format!("priority: {p}"));
    }
    create_new(&path, &text).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => ScaffoldError::Exists(vec![path.clone()]),
        _ => ScaffoldError::Io(path.clone(), e),
    })?;
    Ok(path)
}

/// `git config user.name`, when git is there and it is set.
pub fn git_user_name(root: &Path) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["config", "user.name"])
        .current_dir(root)
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let name = String::from_utf8(out.stdout).ok()?.trim().to_string();
    (out.status.success() && !name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_template_is_valid_and_complete() {
        let (config, warnings) = Config::parse("blameless.yaml", CONFIG_TEMPLATE).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.sidebar.links.len(), 1);
        // Its commented taxonomies, uncommented, are valid too.
        let (before, example) = CONFIG_TEMPLATE.split_once("# taxonomies:").unwrap();
        let uncommented = format!(
            "{before}taxonomies:{}",
            example
                .replace("\n#   ", "\n  ")
                .replace("\n#     ", "\n    ")
        );
        let (config, warnings) = Config::parse("blameless.yaml", &uncommented).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        let keys: Vec<&str> = config
            .declared_taxonomies()
            .iter()
            .map(|t| t.key.as_str())
            .collect();
        assert_eq!(keys, ["teams", "causes"]);
        assert_eq!(config.declared_taxonomies()[1].values.len(), 3);
        // And so is its commented policy.
        let policy: String = CONFIG_TEMPLATE
            .lines()
            .skip_while(|l| !l.starts_with("# policy:"))
            .take_while(|l| !l.is_empty())
            .map(|l| format!("{}\n", &l[2..]))
            .collect();
        let (config, warnings) = Config::parse("blameless.yaml", &policy).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(config.policy["SEV1"].require.len(), 6);
        assert_eq!(config.policy["SEV1"].action_items_need, ["due", "ticket"]);
        assert_eq!(config.policy["SEV2"].publish_within_days, Some(10));
    }
}
