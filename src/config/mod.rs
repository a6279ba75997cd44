//! The site configuration, `blameless.yaml`: every key optional, every
//! problem reported with its position, unknown keys with a did-you-mean.
//! Taxonomies (`taxonomies:`) are read in `taxonomies.rs`.

mod lint;
mod read;
mod taxonomies;

pub use lint::{Lint, Rule, RuleLevel, SeverityPolicy, BLAME_WORDS, VAGUE_WORDS};
pub use taxonomies::{TaxonomyDef, TermValue, BUILT_IN, FRONT_MATTER_KEYS};

use crate::diagnostic::{Diagnostic, Level, Reason};
use crate::yaml::{self, Reader};
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_yaml::{Mapping, Value};
use std::path::{Path, PathBuf};

/// The folders of a site that hold its sources, beside `blameless.yaml`:
/// the write-ups, template overrides, static files, and a theme's sources.
/// A build's fingerprint covers them, `serve` watches them, and no output
/// may go inside one.
pub const SOURCE_DIRS: &[&str] = &["content", "templates", "static", "themes"];

/// Syntax highlighting themes bundled with syntect, by name.
pub const HIGHLIGHT_THEMES: &[&str] = &[
    "InspiredGitHub",
    "Solarized (dark)",
    "Solarized (light)",
    "base16-eighties.dark",
    "base16-mocha.dark",
    "base16-ocean.dark",
    "base16-ocean.light",
];

#[derive(Debug, Clone, Serialize)]
pub struct SeverityLevel {
    pub name: String,
    pub description: String,
    pub color: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub title: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Sidebar {
    pub about: bool,
    pub tag_cloud_size: usize,
    /// The most used services "Stuff We Run" lists (it links to all).
    pub services_limit: usize,
    pub links: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Feed {
    pub limit: usize,
    pub full_content: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum RawHtml {
    Sanitize,
    Allow,
    Deny,
}

/// What becomes of a file beside a write-up that a browser would run as a
/// page at the site's address (HTML, SVG, XML): `assets.active`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ActiveAssets {
    /// A `check` error (the default).
    Refuse,
    /// Published so that nothing in it can run: SVG sanitised, the others
    /// as text files (`.txt` added to the name).
    Inert,
    /// Published as it is.
    Allow,
}

#[derive(Debug, Clone, Serialize)]
pub struct Markdown {
    pub raw_html: RawHtml,
    pub highlight_theme: String,
    pub highlight_theme_dark: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Build {
    pub output: PathBuf,
    pub drafts: bool,
    pub future: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Config {
    pub title: String,
    pub description: String,
    /// Absolute, always ending in `/`.
    pub base_url: String,
    pub language: String,
    pub timezone: String,
    #[serde(skip)]
    pub tz: TimeZone,
    pub contact: Option<String>,
    pub sidebar: Sidebar,
    pub severities: Vec<SeverityLevel>,
    pub priorities: Vec<String>,
    pub paginate: usize,
    pub feed: Feed,
    pub ticket_url: Option<crate::tickets::Templates>,
    /// Largest file a write-up may refer to (`assets.max_size_mb`).
    pub max_asset_bytes: u64,
    /// Files beside write-ups that a browser would run (`assets.active`).
    pub active_assets: ActiveAssets,
    pub markdown: Markdown,
    pub search_enabled: bool,
    pub home_full_posts: bool,
    pub build: Build,
    /// The built-in taxonomies (tags, services, severity, authors), then
    /// the site's own, in the order they are declared.
    pub taxonomies: Vec<TaxonomyDef>,
    /// How loud `check`'s rules are, and the phrases they look for.
    pub lint: Lint,
    /// What the write-ups of each severity must have, by severity name.
    pub policy: std::collections::BTreeMap<String, SeverityPolicy>,
}

impl Default for Config {
    fn default() -> Self {
        let colors = ["#b3261e", "#c2410c", "#a16207", "#2563eb", "#4b5563"];
        let descriptions = [
            "Critical: a core service down or data lost for many users",
            "Major: a core feature degraded for many users",
            "Minor: a feature degraded for some users",
            "Low: little visible impact",
            "Near miss: no user impact, worth learning from",
        ];
        Config {
            title: "Incident write-ups".into(),
            description: "What broke, what it cost, and what we learned.".into(),
            base_url: "http://localhost:1111/".into(),
            language: "en".into(),
            timezone: "UTC".into(),
            tz: TimeZone::UTC,
            contact: None,
            sidebar: Sidebar {
                about: true,
                tag_cloud_size: 40,
                services_limit: 15,
                links: Vec::new(),
            },
            severities: (0..5)
                .map(|i| SeverityLevel {
                    name: format!("SEV{}", i + 1),
                    description: descriptions[i].into(),
                    color: colors[i].into(),
                })
                .collect(),
            priorities: (1..=4).map(|i| format!("P{i}")).collect(),
            paginate: 10,
            feed: Feed {
                limit: 20,
                full_content: true,
            },
            ticket_url: None,
            max_asset_bytes: 20 * 1024 * 1024,
            active_assets: ActiveAssets::Refuse,
            markdown: Markdown {
                raw_html: RawHtml::Sanitize,
                highlight_theme: "InspiredGitHub".into(),
                highlight_theme_dark: "base16-ocean.dark".into(),
            },
            search_enabled: true,
            home_full_posts: false,
            build: Build {
                output: PathBuf::from("public"),
                drafts: false,
                future: false,
            },
            taxonomies: taxonomies::built_in(),
            lint: Lint::default(),
            policy: Default::default(),
        }
    }
}

const TOP_KEYS: &[&str] = &[
    "title",
    "description",
    "base_url",
    "language",
    "timezone",
    "contact",
    "sidebar",
    "severities",
    "priorities",
    "paginate",
    "feed",
    "assets",
    "ticket_url",
    "markdown",
    "search",
    "build",
    "home",
    "taxonomies",
    "lint",
    "policy",
];

impl Config {
    /// The path part of `base_url`: `/` or `/eng/incidents/`.
    pub fn base_path(&self) -> &str {
        let after_scheme = self
            .base_url
            .split_once("://")
            .map(|(_, rest)| rest)
            .unwrap_or(&self.base_url);
        after_scheme
            .find('/')
            .map(|i| &after_scheme[i..])
            .unwrap_or("/")
    }

    /// `https://host` of the base URL: where `/…` addresses are read from.
    pub fn origin(&self) -> &str {
        let path = self.base_path();
        &self.base_url[..self.base_url.len() - path.len()]
    }

    pub fn severity(&self, name: &str) -> Option<&SeverityLevel> {
        self.severities.iter().find(|s| s.name == name)
    }

    pub fn severity_names(&self) -> Vec<&str> {
        self.severities.iter().map(|s| s.name.as_str()).collect()
    }

    /// The taxonomies a site declares (not the built-in ones).
    pub fn declared_taxonomies(&self) -> &[TaxonomyDef] {
        &self.taxonomies[BUILT_IN.len().min(self.taxonomies.len())..]
    }

    /// Replaces `base_url` (from `--base-url`), checked like the config key.
    pub fn set_base_url(&mut self, url: &str) -> Result<(), Reason> {
        self.base_url = normalize_base_url(url)?;
        Ok(())
    }

    /// Reads the configuration. `Err` holds at least one error; `Ok` may
    /// carry warnings. A missing file at the default path means defaults.
    pub fn load(
        root: &Path,
        explicit: Option<&Path>,
    ) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
        let path = explicit
            .map(Path::to_path_buf)
            .unwrap_or_else(|| root.join("blameless.yaml"));
        let shown = crate::text::display_path(root, &path);
        let text = match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => text,
                Err(_) => {
                    return Err(vec![Diagnostic::error(
                        shown,
                        "the configuration file is not valid UTF-8",
                    )
                    .with_hint("save it as UTF-8")])
                }
            },
            Err(err) if err.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {
                return Ok((Config::default(), Vec::new()))
            }
            Err(err) => {
                return Err(vec![Diagnostic::error(
                    shown,
                    format!("cannot read the configuration file: {err}"),
                )])
            }
        };
        Self::parse(&shown, &text)
    }

    /// Parses configuration text; `file` names it in diagnostics.
    pub fn parse(file: &str, text: &str) -> Result<(Config, Vec<Diagnostic>), Vec<Diagnostic>> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value = match yaml::parse(text) {
            Ok(Value::Null) => Value::Mapping(Mapping::new()),
            Ok(value) => value,
            Err(err) => {
                return Err(vec![Diagnostic::error(
                    file,
                    format!("invalid YAML: {}", err.message),
                )
                .at(err.line, err.column)
                .with_source(text)
                .with_hint(
                    err.hint
                        .unwrap_or("check the indentation and quoting around this line"),
                )])
            }
        };
        let mut reader = Reader::default();
        let config = read::read_config(&mut reader, &value);
        let diagnostics = yaml::locate_problems(file, text, text, 0, reader.problems);
        if diagnostics.iter().any(|d| d.level == Level::Error) {
            Err(diagnostics)
        } else {
            Ok((config, diagnostics))
        }
    }
}

pub(super) fn normalize_base_url(url: &str) -> Result<String, Reason> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url must start with http:// or https://, got {url:?}"))?;
    if rest.is_empty() || rest.starts_with('/') || url.contains(char::is_whitespace) {
        return Err(format!("base_url {url:?} has no host name").into());
    }
    if url.contains(['?', '#']) {
        return Err(format!("base_url {url:?} must not have a query or fragment").into());
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_gives_defaults() {
        let (c, warnings) = Config::parse("blameless.yaml", "").unwrap();
        assert!(warnings.is_empty());
        assert_eq!(c.paginate, 10);
        assert_eq!(c.severity_names(), ["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"]);
        assert_eq!(c.base_path(), "/");
    }

    #[test]
    fn base_url_sub_path() {
        let (c, _) = Config::parse(
            "blameless.yaml",
            "base_url: https://intranet.example.com/eng/incidents",
        )
        .unwrap();
        assert_eq!(c.base_url, "https://intranet.example.com/eng/incidents/");
        assert_eq!(c.base_path(), "/eng/incidents/");
    }

    #[test]
    fn all_problems_are_reported_with_positions() {
        let errors = Config::parse(
            "blameless.yaml",
            "titel: x\npaginate: ten\ntimezone: Mars/Olympus\n",
        )
        .unwrap_err();
        let lines: Vec<String> = errors
            .iter()
            .map(|d| format!("{}:{} {}", d.line, d.column, d.message))
            .collect();
        assert_eq!(
            lines,
            [
                "1:1 unknown key `titel`",
                "2:11 paginate: expected a whole number of at least 0, found a string (\"ten\")",
                "3:11 timezone: unknown time zone \"Mars/Olympus\"",
            ]
        );
        assert_eq!(errors[0].hint.as_deref(), Some("did you mean `title`?"));
    }
}
