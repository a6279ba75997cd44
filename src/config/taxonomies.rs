//! `taxonomies:` in the configuration. A taxonomy is a front-matter key
//! whose values group write-ups, with a page of its terms, a page (and a
//! feed) per term, a search facet and more. The built-in four (tags,
//! services, severity, authors) are defined here like the site's own; a
//! site may change their title, singular, feed, sidebar and paginate, and
//! declare its own: `teams`, `causes`, `regions`...

use crate::text::did_you_mean;
use crate::yaml::{FieldPath, Reader};
use serde::Serialize;
use serde_yaml::Value;

/// One value of a closed vocabulary.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TermValue {
    pub name: String,
    pub description: Option<String>,
}

/// A taxonomy, as configured.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TaxonomyDef {
    /// The front-matter key, and the folder of its pages (`/teams/`).
    pub key: String,
    /// `Teams`.
    pub title: String,
    /// `Team`.
    pub singular: String,
    /// A feed per term.
    pub feed: bool,
    /// A search facet, and `facet_key:value` in queries.
    pub facet: bool,
    /// The facet's name in queries: `tag:dns` for tags, the key otherwise.
    pub facet_key: String,
    /// Incidents and outage time by term on `/stats/`.
    pub stats: bool,
    /// A sidebar block with the most used terms (for tags the Pile o'Tags,
    /// for services the list in "Stuff We Run").
    pub sidebar: bool,
    /// Write-ups per term page; `None`: the site's `paginate`.
    pub paginate: Option<usize>,
    /// The values allowed, when the vocabulary is closed.
    pub values: Vec<TermValue>,
    /// The index in `values` of the first value of each folded name
    /// ([`crate::text::fold_name`]), for [`TaxonomyDef::allowed`].
    #[serde(skip)]
    pub folded: std::collections::BTreeMap<String, usize>,
}

/// Taxonomies a site may declare besides the built-in four: each is a link
/// in every page's navigation.
pub const MAX_OWN: usize = 32;

/// Values of a closed vocabulary named in a hint, at most.
const MAX_LISTED: usize = 30;

/// Keys of the built-in taxonomies, in their order (first in
/// `Config::taxonomies`).
pub const BUILT_IN: [&str; 4] = ["tags", "services", "severity", "authors"];

/// The keys of a write-up's front matter; a taxonomy may take none of them
/// (but the built-in ones, which are theirs).
pub const FRONT_MATTER_KEYS: &[&str] = &[
    "title",
    "dek",
    "date",
    "updated",
    "slug",
    "status",
    "severity",
    "authors",
    "tags",
    "services",
    "summary",
    "incident",
    "impact",
    "timeline",
    "lessons",
    "action_items",
    "related",
    "aliases",
    "timezone",
    "extra",
    "lint_allow",
];

/// Names a taxonomy key may not take: pages of the site (`/search/`), the
/// search page's own facets and parameters, the filters of
/// `/action-items/` (a taxonomy's own are `/action-items/<key>/<term>/`),
/// and keys `incidents.json` gives every write-up.
const RESERVED: &[&str] = &[
    "incidents",
    "owner",
    "overdue",
    "open",
    "in-progress",
    "closed",
    "page",
    "archive",
    "search",
    "stats",
    "action-items",
    "year",
    "items",
    "q",
    "sort",
    "slug",
    "url",
    "metrics",
    "word_count",
];

const SETTINGS: &[&str] = &[
    "key", "title", "singular", "feed", "facet", "stats", "sidebar", "paginate", "values",
];

/// What a site may change of a built-in taxonomy.
const BUILT_IN_SETTINGS: &[&str] = &["key", "title", "singular", "feed", "sidebar", "paginate"];

/// The built-in taxonomies with their defaults.
pub fn built_in() -> Vec<TaxonomyDef> {
    let def =
        |key: &str, title: &str, singular: &str, facet: &str, feed, stats, sidebar| TaxonomyDef {
            key: key.into(),
            title: title.into(),
            singular: singular.into(),
            feed,
            facet: true,
            facet_key: facet.into(),
            stats,
            sidebar,
            paginate: None,
            values: Vec::new(),
            folded: Default::default(),
        };
    vec![
        def("tags", "Tags", "Tag", "tag", true, true, true),
        def(
            "services", "Services", "Service", "service", true, true, true,
        ),
        def(
            "severity",
            "Severities",
            "Severity",
            "severity",
            true,
            false,
            false,
        ),
        def(
            "authors", "Authors", "Author", "author", false, false, false,
        ),
    ]
}

/// `teams` -> `Teams`; `customer_segments` -> `Customer segments`.
fn title_of(key: &str) -> String {
    let words = key.replace(['_', '-'], " ");
    let mut chars = words.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// `Teams` -> `Team`, `Categories` -> `Category`; a title that is not a
/// plural of these shapes stays as it is.
fn singular_of(title: &str) -> String {
    if let Some(stem) = title.strip_suffix("ies") {
        format!("{stem}y")
    } else if title.ends_with("ss") {
        title.to_string()
    } else if let Some(stem) = title.strip_suffix('s') {
        stem.to_string()
    } else {
        title.to_string()
    }
}

fn valid_key(key: &str) -> bool {
    let mut chars = key.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && key.len() <= 40
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
}

/// Reads `taxonomies:` into `all`, which holds the built-in ones.
pub(super) fn read(r: &mut Reader, value: &Value, path: &FieldPath, all: &mut Vec<TaxonomyDef>) {
    let Some(items) = r.list(value, path) else {
        return;
    };
    let own: Vec<usize> = (0..items.len())
        .filter(|&i| {
            items[i]
                .get("key")
                .and_then(Value::as_str)
                .is_none_or(|key| !BUILT_IN.contains(&key))
        })
        .collect();
    if own.len() > MAX_OWN {
        // Every page links to each one from its navigation.
        let first_past = own[MAX_OWN];
        let own = own.len();
        r.error(
            &path.index(first_past),
            format!("taxonomies: a site may declare at most {MAX_OWN} of its own; this one declares {own}"),
            Some("group values under fewer keys (a `teams` taxonomy rather than a key per team)".into()),
        );
        return;
    }
    let mut declared_at: Vec<(String, FieldPath)> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = path.index(i);
        let Some(map) = r.mapping(item, &item_path, SETTINGS) else {
            continue;
        };
        let key_path = item_path.key("key");
        let Some(key) = map.get("key").and_then(|k| r.text(k, &key_path)) else {
            if map.get("key").is_none() {
                r.error(
                    &item_path,
                    format!(
                        "{item_path}: a taxonomy needs a `key`, the front-matter key of its values"
                    ),
                    Some("for example `- key: teams`".into()),
                );
            }
            continue;
        };
        if !valid_key(&key) {
            r.error(
                &key_path,
                format!("{key_path}: `{key}` is not a valid taxonomy key"),
                Some("use lowercase letters, digits, `-` and `_`, starting with a letter (it is the front-matter key and the folder of its pages)".into()),
            );
            continue;
        }
        if let Some((_, first)) = declared_at.iter().find(|(k, _)| *k == key) {
            r.error(
                &key_path,
                format!("{key_path}: `{key}` is declared twice (also in {first})"),
                Some("keep one of them".into()),
            );
            continue;
        }
        declared_at.push((key.clone(), key_path.clone()));
        let built_in = BUILT_IN.contains(&key.as_str());
        if !built_in && FRONT_MATTER_KEYS.contains(&key.as_str()) {
            r.error(
                &key_path,
                format!("{key_path}: `{key}` is already a front-matter key of every write-up"),
                Some("choose another key for this taxonomy".into()),
            );
            continue;
        }
        if RESERVED.contains(&key.as_str()) {
            r.error(
                &key_path,
                format!("{key_path}: `{key}` is taken by the site (a page, a search parameter or an export field)"),
                Some("choose another key for this taxonomy".into()),
            );
            continue;
        }
        if built_in {
            for setting in map.keys().filter_map(Value::as_str) {
                if !BUILT_IN_SETTINGS.contains(&setting) {
                    r.error(
                        &item_path.key(setting),
                        format!("{item_path}.{setting}: the built-in taxonomy `{key}` cannot set `{setting}`"),
                        Some("a built-in taxonomy can set title, singular, feed, sidebar and paginate".into()),
                    );
                }
            }
        }
        let index = all.iter().position(|d| d.key == key);
        let mut def = match index {
            Some(i) => all[i].clone(),
            None => {
                let title = title_of(&key);
                TaxonomyDef {
                    singular: singular_of(&title),
                    title,
                    facet_key: key.clone(),
                    key: key.clone(),
                    feed: true,
                    facet: true,
                    stats: false,
                    sidebar: false,
                    paginate: None,
                    values: Vec::new(),
                    folded: Default::default(),
                }
            }
        };
        read_settings(r, map, &item_path, &mut def, index.is_none());
        match index {
            Some(i) => all[i] = def,
            None => all.push(def),
        }
    }
}

fn read_settings(
    r: &mut Reader,
    map: &serde_yaml::Mapping,
    path: &FieldPath,
    def: &mut TaxonomyDef,
    declared: bool,
) {
    if let Some(title) = map.get("title").and_then(|v| r.text(v, &path.key("title"))) {
        if declared && map.get("singular").is_none() {
            def.singular = singular_of(&title);
        }
        def.title = title;
    }
    if let Some(v) = map
        .get("singular")
        .and_then(|v| r.text(v, &path.key("singular")))
    {
        def.singular = v;
    }
    for (name, slot) in [
        ("feed", &mut def.feed),
        ("facet", &mut def.facet),
        ("stats", &mut def.stats),
        ("sidebar", &mut def.sidebar),
    ] {
        if let Some(v) = map.get(name).and_then(|v| r.boolean(v, &path.key(name))) {
            *slot = v;
        }
    }
    if let Some(v) = map.get("paginate") {
        if let Some(n) = r.whole_number(v, &path.key("paginate")) {
            if n == 0 {
                r.error(
                    &path.key("paginate"),
                    format!("{path}.paginate: must be at least 1"),
                    None,
                );
            } else {
                def.paginate = Some(n.min(10_000) as usize);
            }
        }
    }
    if let Some(v) = map.get("values") {
        def.values = read_values(r, v, &path.key("values"));
        def.folded = std::collections::BTreeMap::new();
        for (i, value) in def.values.iter().enumerate() {
            def.folded
                .entry(crate::text::fold_name(&value.name))
                .or_insert(i);
        }
    }
}

/// `values:`, each a name or `{name, description}`.
fn read_values(r: &mut Reader, value: &Value, path: &FieldPath) -> Vec<TermValue> {
    let Some(items) = r.list(value, path) else {
        return Vec::new();
    };
    let mut values: Vec<TermValue> = Vec::new();
    let mut names = std::collections::HashSet::new();
    for (i, item) in items.iter().enumerate() {
        let item_path = path.index(i);
        let value = match item {
            Value::Mapping(_) => {
                let Some(map) = r.mapping(item, &item_path, &["name", "description"]) else {
                    continue;
                };
                let Some(name) = map
                    .get("name")
                    .and_then(|v| r.page_name(v, &item_path.key("name")))
                else {
                    if map.get("name").is_none() {
                        r.error(
                            &item_path,
                            format!("{item_path}: a value needs a `name`"),
                            Some("for example `- {name: config-change, description: A configuration change}`".into()),
                        );
                    }
                    continue;
                };
                let description = map
                    .get("description")
                    .and_then(|v| r.string(v, &item_path.key("description")))
                    .filter(|d| !d.trim().is_empty());
                TermValue { name, description }
            }
            other => match r.page_name(other, &item_path) {
                Some(name) => TermValue {
                    name,
                    description: None,
                },
                None => continue,
            },
        };
        if !names.insert(value.name.clone()) {
            r.error(
                &item_path,
                format!("{item_path}: `{}` is listed twice", value.name),
                None,
            );
            continue;
        }
        values.push(value);
    }
    values
}

impl TaxonomyDef {
    /// The value `name` stands for in a closed vocabulary: itself, or the
    /// one it spells in another case or spacing.
    pub fn allowed(&self, name: &str) -> Option<&TermValue> {
        let i = *self.folded.get(&crate::text::fold_name(name))?;
        self.values.get(i)
    }

    /// The hint for a value outside the vocabulary.
    pub fn vocabulary_hint(&self, name: &str) -> String {
        let names: Vec<&str> = self.values.iter().map(|v| v.name.as_str()).collect();
        // A long vocabulary is named in part: the hint is read, not searched.
        let mut listed = names[..names.len().min(MAX_LISTED)].join(", ");
        if names.len() > MAX_LISTED {
            listed.push_str(&format!(" and {} more", names.len() - MAX_LISTED));
        }
        match did_you_mean(name, &names) {
            Some(s) => format!("did you mean `{s}`? Allowed: {listed}"),
            None => format!("use one of {listed}, or add it to `values` in the configuration"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_and_singulars_come_from_the_key() {
        assert_eq!(title_of("teams"), "Teams");
        assert_eq!(title_of("customer_segments"), "Customer segments");
        assert_eq!(singular_of("Teams"), "Team");
        assert_eq!(singular_of("Categories"), "Category");
        assert_eq!(singular_of("Business"), "Business");
        assert_eq!(singular_of("Regions"), "Region");
    }

    #[test]
    fn keys_are_lowercase_identifiers() {
        assert!(valid_key("teams"));
        assert!(valid_key("customer_segments"));
        assert!(valid_key("r2-d2"));
        assert!(!valid_key("Teams"));
        assert!(!valid_key("2teams"));
        assert!(!valid_key("team names"));
        assert!(!valid_key(""));
    }
}
