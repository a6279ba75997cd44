//! The site configuration, `blameless.yaml`: every key optional, every
//! problem reported with its position, unknown keys with a did-you-mean.
//! Taxonomies (`taxonomies:`) are read in `taxonomies.rs`.

mod taxonomies;

pub use taxonomies::{TaxonomyDef, TermValue, BUILT_IN, FRONT_MATTER_KEYS};

use crate::diagnostic::{Diagnostic, Level};
use crate::yaml::{self, FieldPath, Reader};
use jiff::tz::TimeZone;
use serde::Serialize;
use serde_yaml::{Mapping, Value};
use std::path::{Path, PathBuf};

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
    pub ticket_url: Option<String>,
    pub markdown: Markdown,
    pub search_enabled: bool,
    pub home_full_posts: bool,
    pub build: Build,
    /// The built-in taxonomies (tags, services, severity, authors), then
    /// the site's own, in the order they are declared.
    pub taxonomies: Vec<TaxonomyDef>,
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
                services_limit: 50,
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
    "ticket_url",
    "markdown",
    "search",
    "build",
    "home",
    "taxonomies",
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
    pub fn set_base_url(&mut self, url: &str) -> Result<(), String> {
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
                .with_hint("check the indentation and quoting around this line")])
            }
        };
        let mut reader = Reader::default();
        let config = read_config(&mut reader, &value);
        let diagnostics = yaml::locate_problems(file, text, text, 0, reader.problems);
        if diagnostics.iter().any(|d| d.level == Level::Error) {
            Err(diagnostics)
        } else {
            Ok((config, diagnostics))
        }
    }
}

fn normalize_base_url(url: &str) -> Result<String, String> {
    let url = url.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| format!("base_url must start with http:// or https://, got {url:?}"))?;
    if rest.is_empty() || rest.starts_with('/') || url.contains(char::is_whitespace) {
        return Err(format!("base_url {url:?} has no host name"));
    }
    if url.contains(['?', '#']) {
        return Err(format!(
            "base_url {url:?} must not have a query or fragment"
        ));
    }
    Ok(if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    })
}

fn is_css_color(color: &str) -> bool {
    let hex = color.strip_prefix('#').unwrap_or("");
    matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit())
}

fn read_config(r: &mut Reader, value: &Value) -> Config {
    let mut c = Config::default();
    let root = FieldPath::root();
    let Some(map) = r.mapping(value, &root, TOP_KEYS) else {
        return c;
    };
    for (key, value) in map {
        let Some(key) = key.as_str() else { continue };
        let path = root.key(key);
        match key {
            "title" => c.title = r.text(value, &path).unwrap_or(c.title),
            "description" => c.description = r.string(value, &path).unwrap_or_default(),
            "base_url" => {
                if let Some(url) = r.text(value, &path) {
                    match normalize_base_url(&url) {
                        Ok(url) => c.base_url = url,
                        Err(message) => r.error(
                            &path,
                            message,
                            Some("for example https://intranet.example.com/incidents/".into()),
                        ),
                    }
                }
            }
            "language" => c.language = r.text(value, &path).unwrap_or(c.language),
            "timezone" => {
                if let Some(name) = r.text(value, &path) {
                    match TimeZone::get(&name) {
                        Ok(tz) => {
                            c.tz = tz;
                            c.timezone = name;
                        }
                        Err(_) => r.error(
                            &path,
                            format!("timezone: unknown time zone {name:?}"),
                            Some(
                                "use an IANA name such as UTC, Europe/Berlin or America/New_York"
                                    .into(),
                            ),
                        ),
                    }
                }
            }
            "contact" => c.contact = r.string(value, &path).filter(|s| !s.trim().is_empty()),
            "sidebar" => read_sidebar(r, value, &path, &mut c.sidebar),
            "severities" => {
                if let Some(levels) = read_severities(r, value, &path) {
                    c.severities = levels;
                }
            }
            "priorities" => {
                let names = r.text_list(value, &path);
                if names.is_empty() {
                    r.error(&path, "priorities: the list must not be empty", None);
                } else {
                    c.priorities = names;
                }
            }
            "paginate" => {
                if let Some(n) = r.whole_number(value, &path) {
                    if n == 0 {
                        r.error(&path, "paginate: must be at least 1", None);
                    } else {
                        c.paginate = n.min(10_000) as usize;
                    }
                }
            }
            "feed" => {
                if let Some(m) = r.mapping(value, &path, &["limit", "full_content"]) {
                    if let Some(v) = m.get("limit") {
                        if let Some(n) = r.whole_number(v, &path.key("limit")) {
                            c.feed.limit = n.clamp(1, 100_000) as usize;
                        }
                    }
                    if let Some(v) = m.get("full_content") {
                        c.feed.full_content = r
                            .boolean(v, &path.key("full_content"))
                            .unwrap_or(c.feed.full_content);
                    }
                }
            }
            "ticket_url" => {
                if let Some(url) = r.text(value, &path) {
                    if crate::text::is_dangerous_url(&url) {
                        r.error(
                            &path,
                            "ticket_url: must be an http(s) URL, not a script or data URL",
                            Some("for example https://tracker.example.com/browse/{ticket}".into()),
                        );
                    } else if !url.contains("{ticket}") {
                        r.error(
                            &path,
                            "ticket_url: must contain the placeholder {ticket}",
                            Some("for example https://tracker.example.com/browse/{ticket}".into()),
                        );
                    } else {
                        c.ticket_url = Some(url);
                    }
                }
            }
            "markdown" => read_markdown(r, value, &path, &mut c.markdown),
            "taxonomies" => taxonomies::read(r, value, &path, &mut c.taxonomies),
            "search" => {
                if let Some(m) = r.mapping(value, &path, &["enabled"]) {
                    if let Some(v) = m.get("enabled") {
                        c.search_enabled = r.boolean(v, &path.key("enabled")).unwrap_or(true);
                    }
                }
            }
            "home" => {
                if let Some(m) = r.mapping(value, &path, &["full_posts"]) {
                    if let Some(v) = m.get("full_posts") {
                        c.home_full_posts = r.boolean(v, &path.key("full_posts")).unwrap_or(false);
                    }
                }
            }
            "build" => {
                if let Some(m) = r.mapping(value, &path, &["output", "drafts", "future"]) {
                    if let Some(v) = m.get("output") {
                        if let Some(out) = r.text(v, &path.key("output")) {
                            c.build.output = PathBuf::from(out);
                        }
                    }
                    if let Some(v) = m.get("drafts") {
                        c.build.drafts = r.boolean(v, &path.key("drafts")).unwrap_or(false);
                    }
                    if let Some(v) = m.get("future") {
                        c.build.future = r.boolean(v, &path.key("future")).unwrap_or(false);
                    }
                }
            }
            _ => {}
        }
    }
    c
}

fn read_sidebar(r: &mut Reader, value: &Value, path: &FieldPath, sidebar: &mut Sidebar) {
    let Some(m) = r.mapping(
        value,
        path,
        &["about", "tag_cloud_size", "services_limit", "links"],
    ) else {
        return;
    };
    if let Some(v) = m.get("about") {
        sidebar.about = r.boolean(v, &path.key("about")).unwrap_or(true);
    }
    if let Some(v) = m.get("tag_cloud_size") {
        if let Some(n) = r.whole_number(v, &path.key("tag_cloud_size")) {
            sidebar.tag_cloud_size = n.min(100_000) as usize;
        }
    }
    if let Some(v) = m.get("services_limit") {
        if let Some(n) = r.whole_number(v, &path.key("services_limit")) {
            sidebar.services_limit = n.min(100_000) as usize;
        }
    }
    if let Some(v) = m.get("links") {
        let links_path = path.key("links");
        for (i, item) in r.list(v, &links_path).unwrap_or(&[]).iter().enumerate() {
            let item_path = links_path.index(i);
            let Some(link) = r.mapping(item, &item_path, &["title", "url"]) else {
                continue;
            };
            let title = link
                .get("title")
                .and_then(|t| r.text(t, &item_path.key("title")));
            let url = link
                .get("url")
                .and_then(|u| r.text(u, &item_path.key("url")));
            match (title, url) {
                (Some(title), Some(url)) if crate::text::is_dangerous_url(&url) => {
                    r.error(
                        &item_path.key("url"),
                        format!("{item_path}.url: {title:?} links to a script or data URL"),
                        Some("use an http(s) or relative URL".into()),
                    );
                }
                (Some(title), Some(url)) => sidebar.links.push(Link { title, url }),
                _ => r.error(
                    &item_path,
                    format!("{item_path}: a link needs both `title` and `url`"),
                    Some(
                        "for example {title: Status page, url: https://status.example.com}".into(),
                    ),
                ),
            }
        }
    }
}

fn read_severities(r: &mut Reader, value: &Value, path: &FieldPath) -> Option<Vec<SeverityLevel>> {
    let items = r.list(value, path)?;
    if items.is_empty() {
        r.error(path, "severities: the list must not be empty", None);
        return None;
    }
    let mut levels: Vec<SeverityLevel> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = path.index(i);
        let Some(m) = r.mapping(item, &item_path, &["name", "description", "color"]) else {
            continue;
        };
        let Some(name) = m
            .get("name")
            .and_then(|v| r.text(v, &item_path.key("name")))
        else {
            r.error(
                &item_path,
                format!("{item_path}: a severity needs a `name`"),
                None,
            );
            continue;
        };
        if levels.iter().any(|l| l.name == name) {
            r.error(
                &item_path.key("name"),
                format!("{item_path}.name: {name:?} is listed twice"),
                None,
            );
            continue;
        }
        let description = m
            .get("description")
            .and_then(|v| r.string(v, &item_path.key("description")))
            .unwrap_or_default();
        let color = match m.get("color") {
            None => "#4b5563".to_string(),
            Some(v) => match r.text(v, &item_path.key("color")) {
                Some(color) if is_css_color(&color) => color,
                Some(color) => {
                    r.error(
                        &item_path.key("color"),
                        format!("{item_path}.color: {color:?} is not a hex color"),
                        Some("write it as #rrggbb, for example #b3261e".into()),
                    );
                    continue;
                }
                None => continue,
            },
        };
        levels.push(SeverityLevel {
            name,
            description,
            color,
        });
    }
    Some(levels)
}

fn read_markdown(r: &mut Reader, value: &Value, path: &FieldPath, md: &mut Markdown) {
    let Some(m) = r.mapping(
        value,
        path,
        &["raw_html", "highlight_theme", "highlight_theme_dark"],
    ) else {
        return;
    };
    if let Some(v) = m.get("raw_html") {
        let p = path.key("raw_html");
        match r.text(v, &p).as_deref() {
            Some("sanitize") => md.raw_html = RawHtml::Sanitize,
            Some("allow") => md.raw_html = RawHtml::Allow,
            Some("deny") => md.raw_html = RawHtml::Deny,
            Some(other) => r.error(
                &p,
                format!("markdown.raw_html: {other:?} is not one of sanitize, allow, deny"),
                Some("sanitize (the default) keeps safe HTML and removes scripts".into()),
            ),
            None => {}
        }
    }
    for (key, slot) in [
        ("highlight_theme", &mut md.highlight_theme),
        ("highlight_theme_dark", &mut md.highlight_theme_dark),
    ] {
        if let Some(v) = m.get(key) {
            let p = path.key(key);
            if let Some(name) = r.text(v, &p) {
                if HIGHLIGHT_THEMES.contains(&name.as_str()) {
                    *slot = name;
                } else {
                    r.error(
                        &p,
                        format!("markdown.{key}: unknown highlight theme {name:?}"),
                        Some(format!("use one of: {}", HIGHLIGHT_THEMES.join(", "))),
                    );
                }
            }
        }
    }
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
