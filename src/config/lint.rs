//! `lint:` and `policy:` in `blameless.yaml`: how loud each of `check`'s
//! rules about a write-up's language and completeness is, the phrases the
//! language rules look for, and what each severity's write-ups must have.

use crate::phrases::Phrases;
use crate::text::did_you_mean;
use crate::yaml::{FieldPath, Problem, Reader};
use serde::Serialize;
use serde_yaml::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A rule of `check` that a site can turn off or up, and a write-up can
/// allow for itself (`lint_allow:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Rule {
    BlameLanguage,
    VagueActionItem,
    ActionItemIncomplete,
    MissingField,
    LatePublication,
    ImplausibleTimeline,
}

impl Rule {
    pub const ALL: [Rule; 6] = [
        Rule::BlameLanguage,
        Rule::VagueActionItem,
        Rule::ActionItemIncomplete,
        Rule::MissingField,
        Rule::LatePublication,
        Rule::ImplausibleTimeline,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Rule::BlameLanguage => "blame-language",
            Rule::VagueActionItem => "vague-action-item",
            Rule::ActionItemIncomplete => "action-item-incomplete",
            Rule::MissingField => "missing-field",
            Rule::LatePublication => "late-publication",
            Rule::ImplausibleTimeline => "implausible-timeline",
        }
    }

    pub fn names() -> Vec<&'static str> {
        Rule::ALL.iter().map(|r| r.name()).collect()
    }

    pub fn from_name(name: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|r| r.name() == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Off,
    Warning,
    Error,
}

/// Phrases that put the cause of an incident in a person.
pub const BLAME_WORDS: &[&str] = &[
    "human error",
    "operator error",
    "pilot error",
    "careless",
    "carelessly",
    "carelessness",
    "negligence",
    "negligent",
    "reckless",
    "sloppy",
    "incompetence",
    "incompetent",
    "should have known",
    "should have been more careful",
    "should have noticed",
    "should have checked",
    "lack of attention",
    "lack of care",
    "inattention",
    "not paying attention",
    "his fault",
    "her fault",
    "their fault",
    "blame",
    "blamed",
    "fat-finger",
    "fat-fingered",
    "fat finger",
    "fat fingered",
];

/// Phrases of action items that ask people to behave better instead of
/// changing a tool, a check, an alert or a process.
pub const VAGUE_WORDS: &[&str] = &[
    "be more careful",
    "be careful",
    "more careful",
    "try to",
    "try not to",
    "remember to",
    "make sure to",
    "pay more attention",
    "pay attention",
    "double-check",
    "double check",
    "don't forget",
    "do not forget",
    "remind",
    "retrain",
    "re-train",
    "be aware",
    "be vigilant",
    "more vigilant",
];

/// The `lint:` settings, with the phrase lists compiled once.
#[derive(Debug, Clone, Serialize)]
pub struct Lint {
    /// The level of each rule, in the order of [`Rule::ALL`].
    pub levels: [RuleLevel; 6],
    pub blame_words: Vec<String>,
    pub vague_words: Vec<String>,
    #[serde(skip)]
    pub blame: Arc<Phrases>,
    #[serde(skip)]
    pub vague: Arc<Phrases>,
}

impl Default for Lint {
    fn default() -> Self {
        let blame_words: Vec<String> = BLAME_WORDS.iter().map(|s| s.to_string()).collect();
        let vague_words: Vec<String> = VAGUE_WORDS.iter().map(|s| s.to_string()).collect();
        Lint {
            levels: [RuleLevel::Warning; 6],
            blame: Arc::new(Phrases::new(&blame_words)),
            vague: Arc::new(Phrases::new(&vague_words)),
            blame_words,
            vague_words,
        }
    }
}

impl Lint {
    pub fn level(&self, rule: Rule) -> RuleLevel {
        self.levels[rule as usize]
    }
}

/// What the write-ups of one severity must have (`policy.SEV1`).
#[derive(Debug, Clone, Default, Serialize)]
pub struct SeverityPolicy {
    /// Front-matter fields, as dotted paths (`incident.detected`).
    pub require: Vec<String>,
    /// What every open action item needs: `due`, `ticket`, `priority`.
    pub action_items_need: Vec<String>,
    pub publish_within_days: Option<u64>,
}

/// The front-matter fields `require` can name (besides a site's own
/// taxonomies and `extra.<key>`).
pub const REQUIRABLE: &[&str] = &[
    "dek",
    "summary",
    "tags",
    "services",
    "incident",
    "incident.started",
    "incident.detected",
    "incident.mitigated",
    "incident.resolved",
    "impact",
    "impact.summary",
    "impact.users",
    "impact.requests",
    "impact.revenue",
    "impact.data_loss",
    "timeline",
    "lessons",
    "lessons.went_well",
    "lessons.went_wrong",
    "lessons.lucky",
    "lessons.learned",
    "action_items",
    "related",
    "timezone",
];

/// What `action_items_need` can name.
pub const ITEM_FIELDS: &[&str] = &["due", "ticket", "priority"];

pub(super) fn read_lint(r: &mut Reader, value: &Value, path: &FieldPath) -> Lint {
    let mut lint = Lint::default();
    let mut keys = Rule::names();
    keys.extend(["blame_words", "vague_words"]);
    let Some(map) = r.mapping(value, path, &keys) else {
        return lint;
    };
    for (key, value) in map {
        let Some(key) = key.as_str() else { continue };
        let at = path.key(key);
        if let Some(rule) = Rule::from_name(key) {
            if let Some(text) = r.text(value, &at) {
                let level = match text.as_str() {
                    "off" => Some(RuleLevel::Off),
                    "warning" => Some(RuleLevel::Warning),
                    "error" => Some(RuleLevel::Error),
                    _ => None,
                };
                match level {
                    Some(level) => lint.levels[rule as usize] = level,
                    None => r.error(
                        &at,
                        format!("{at}: {text:?} is not a level"),
                        Some("use off, warning or error".into()),
                    ),
                }
            }
            continue;
        }
        if !matches!(key, "blame_words" | "vague_words") {
            continue;
        }
        let words = r.text_list(value, &at);
        if words
            .iter()
            .any(|w| crate::phrases::words(w).next().is_none())
        {
            r.error(
                &at,
                format!("{at}: every entry must have a word"),
                Some("remove the entries with no letter or digit".into()),
            );
        }
        let phrases = Arc::new(Phrases::new(&words));
        if key == "blame_words" {
            lint.blame = phrases;
            lint.blame_words = words;
        } else {
            lint.vague = phrases;
            lint.vague_words = words;
        }
    }
    lint
}

/// `policy:`, whose keys are checked against the severities by
/// [`check_policy`] once the whole configuration is read.
pub(super) fn read_policy(
    r: &mut Reader,
    value: &Value,
    path: &FieldPath,
) -> BTreeMap<String, SeverityPolicy> {
    let mut out = BTreeMap::new();
    let Value::Mapping(map) = value else {
        r.error(
            path,
            format!(
                "policy: expected a mapping of severities to what their write-ups need, found {}",
                crate::yaml::describe(value)
            ),
            Some("for example policy: {SEV1: {require: [timeline, lessons]}}".into()),
        );
        return out;
    };
    for (key, value) in map {
        let Some(severity) = key.as_str() else {
            continue;
        };
        let at = path.key(severity);
        let mut policy = SeverityPolicy::default();
        let keys = ["require", "action_items_need", "publish_within_days"];
        if let Some(fields) = r.mapping(value, &at, &keys) {
            for (key, value) in fields {
                let Some(key) = key.as_str() else { continue };
                let at = at.key(key);
                match key {
                    "require" => policy.require = r.text_list(value, &at),
                    "action_items_need" => {
                        policy.action_items_need = r.text_list(value, &at);
                        for (i, field) in policy.action_items_need.iter().enumerate() {
                            if !ITEM_FIELDS.contains(&field.as_str()) {
                                r.error(
                                    &at.index(i),
                                    format!("{at}: {field:?} is not a field of an action item that can be asked for"),
                                    Some(format!("use {}", ITEM_FIELDS.join(", "))),
                                );
                            }
                        }
                    }
                    _ => {
                        policy.publish_within_days = r.whole_number(value, &at);
                        if policy.publish_within_days == Some(0) {
                            r.error(&at, format!("{at}: must be at least 1"), None);
                        }
                    }
                }
            }
        }
        out.insert(severity.to_string(), policy);
    }
    out
}

/// The problems of `policy:` that need the rest of the configuration: a
/// key that is not a severity, a `require` entry that is not a field.
pub(super) fn check_policy(
    r: &mut Reader,
    policy: &BTreeMap<String, SeverityPolicy>,
    severities: &[&str],
    taxonomies: &[&str],
) {
    let root = FieldPath::root().key("policy");
    for (severity, p) in policy {
        let at = root.key(severity);
        if !severities.contains(&severity.as_str()) {
            let hint = match did_you_mean(severity, severities) {
                Some(s) => format!(
                    "did you mean `{s}`? The severities: {}",
                    severities.join(", ")
                ),
                None => format!("the severities: {}", severities.join(", ")),
            };
            r.problems.push(Problem {
                path: at.clone(),
                on_key: true,
                level: crate::diagnostic::Level::Error,
                message: format!("policy: `{severity}` is not a configured severity"),
                hint: Some(hint),
            });
        }
        let mut known: Vec<&str> = REQUIRABLE.to_vec();
        known.extend(taxonomies);
        for (i, field) in p.require.iter().enumerate() {
            let extra = field
                .strip_prefix("extra.")
                .is_some_and(|k| !k.is_empty() && !k.contains('.'));
            if !extra && !known.contains(&field.as_str()) {
                let hint = match did_you_mean(field, &known) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "name a front-matter field such as timeline, lessons, incident.detected or extra.<key>".into(),
                };
                r.error(
                    &at.key("require").index(i),
                    format!("{at}.require: {field:?} is not a front-matter field a write-up can be asked for"),
                    Some(hint),
                );
            }
        }
    }
}
