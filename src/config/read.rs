//! Reading `blameless.yaml`'s parsed YAML into a [`Config`], key by key,
//! with every problem at its field path.

use super::lint;
use super::taxonomies;
use super::{
    normalize_base_url, ActiveAssets, Config, Link, Markdown, RawHtml, SeverityLevel, Sidebar,
    HIGHLIGHT_THEMES, TOP_KEYS,
};
use crate::yaml::{FieldPath, Reader};
use jiff::tz::TimeZone;
use serde_yaml::Value;
use std::path::PathBuf;

fn is_css_color(color: &str) -> bool {
    let hex = color.strip_prefix('#').unwrap_or("");
    matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit())
}

pub(super) fn read_config(r: &mut Reader, value: &Value) -> Config {
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
                        Err(reason) => r.error(
                            &path,
                            reason.to_string(),
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
            "assets" => {
                if let Some(m) = r.mapping(value, &path, &["max_size_mb", "active"]) {
                    if let Some(v) = m.get("active") {
                        let choices = [
                            ("refuse", ActiveAssets::Refuse),
                            ("inert", ActiveAssets::Inert),
                            ("allow", ActiveAssets::Allow),
                        ];
                        let hint = "refuse (the default) makes HTML, SVG and XML files beside a write-up an error; inert publishes them so that nothing in them runs";
                        if let Some(active) = r.choice(v, &path.key("active"), &choices, hint) {
                            c.active_assets = active;
                        }
                    }
                    if let Some(v) = m.get("max_size_mb") {
                        let at = path.key("max_size_mb");
                        match r.whole_number(v, &at) {
                            Some(0) => r.error(
                                &at,
                                "assets.max_size_mb: must be at least 1",
                                Some("the default is 20".into()),
                            ),
                            Some(n) => c.max_asset_bytes = n.min(1 << 20) * 1024 * 1024,
                            None => {}
                        }
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
            "ticket_url" => c.ticket_url = read_ticket_url(r, value, &path),
            "markdown" => read_markdown(r, value, &path, &mut c.markdown),
            "taxonomies" => taxonomies::read(r, value, &path, &mut c.taxonomies),
            "lint" => c.lint = lint::read_lint(r, value, &path),
            "policy" => c.policy = lint::read_policy(r, value, &path),
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
    let severities = c.severity_names();
    let declared: Vec<&str> = c
        .declared_taxonomies()
        .iter()
        .map(|t| t.key.as_str())
        .collect();
    lint::check_policy(r, &c.policy, &severities, &declared);
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
            .and_then(|v| r.page_name(v, &item_path.key("name")))
        else {
            if m.get("name").is_some() {
                continue;
            }
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
        let choices = [
            ("sanitize", RawHtml::Sanitize),
            ("allow", RawHtml::Allow),
            ("deny", RawHtml::Deny),
        ];
        let hint = "sanitize (the default) keeps safe HTML and removes scripts";
        if let Some(raw_html) = r.choice(v, &path.key("raw_html"), &choices, hint) {
            md.raw_html = raw_html;
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

/// `ticket_url`: one template, or a mapping from ticket prefix to template.
fn read_ticket_url(
    r: &mut Reader,
    value: &Value,
    path: &FieldPath,
) -> Option<crate::tickets::Templates> {
    let template = |r: &mut Reader, value: &Value, path: &FieldPath| -> Option<String> {
        let url = r.text(value, path)?;
        let example = "for example https://tracker.example.com/browse/{ticket}";
        if crate::text::is_dangerous_url(&url) || !crate::tickets::is_url(&url) {
            r.error(
                path,
                format!("{path}: must be an http(s) URL, not {url:?}"),
                Some(example.into()),
            );
            None
        } else if !url.contains("{ticket}") && !url.contains("{id}") {
            r.error(
                path,
                format!("{path}: must contain the placeholder {{ticket}} (the ticket as written) or {{id}} (what follows its prefix)"),
                Some(example.into()),
            );
            None
        } else {
            Some(url)
        }
    };
    let Value::Mapping(map) = value else {
        return template(r, value, path).map(crate::tickets::Templates::One);
    };
    let mut entries = Vec::new();
    for (key, value) in map {
        let Some(prefix) = key.as_str().map(str::to_string).or_else(|| match key {
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }) else {
            r.error(path, format!("{path}: a prefix must be text"), None);
            continue;
        };
        let at = path.key(&prefix);
        if let Some(url) = template(r, value, &at) {
            entries.push((prefix, url));
        }
    }
    Some(crate::tickets::Templates::by_prefix(entries))
}
