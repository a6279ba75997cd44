//! The title and date of a document, and what it says about itself at the
//! top: a foreign front matter (`title`, `description`, `author`, `date`,
//! `tags`, `categories`), and a header block of bold labels as in Google's
//! SRE template (`**Date:**`, `**Authors:**`, `**Impact:**`, ...).

use super::document::{BlockKind, Document};
use super::draft::Draft;
use super::moment::moment_at_start;
use super::when::date_in_prose;
use serde_yaml::Value;

/// A foreign front matter at the top of `text`: its mapping and where the
/// rest starts.
pub fn split_front_matter(text: &str) -> (Option<serde_yaml::Mapping>, usize) {
    if let Some(found) = toml_front_matter(text) {
        return found;
    }
    let Ok(split) = crate::content::split_front_matter(text) else {
        return metadata_lines(text).unwrap_or((None, 0));
    };
    match serde_yaml::from_str::<Value>(&text[split.yaml.clone()]) {
        Ok(Value::Mapping(map)) => (Some(map), split.body_start),
        _ => (None, 0),
    }
}

/// Keys one of which opens a block of metadata lines without fences
/// (Pelican, MultiMarkdown: `Title: ...` then `Date: ...` at the top).
const METADATA_FIRST: &[&str] = &["title", "date", "author", "authors"];

/// Metadata lines at the top of `text`, unfenced, up to the first blank
/// line: at least two `Key: value` lines (an indented line continues the
/// value), the first a title, date or author. Keys are lower-cased.
fn metadata_lines(text: &str) -> Option<(Option<serde_yaml::Mapping>, usize)> {
    let mut map = serde_yaml::Mapping::new();
    let mut last: Option<String> = None;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            let key = last.as_ref()?;
            let value = map.get_mut(key.as_str())?;
            let joined = format!("{} {}", value.as_str()?, line.trim());
            *value = Value::String(joined);
        } else {
            let (key, value) = line.split_once(':')?;
            let key = key.trim().to_lowercase();
            let plain_key = !key.is_empty()
                && key.len() <= 30
                && key
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
            if !plain_key
                || value.trim().is_empty()
                || (map.is_empty() && !METADATA_FIRST.contains(&key.as_str()))
            {
                return None;
            }
            map.insert(
                Value::String(key.clone()),
                Value::String(value.trim().to_string()),
            );
            last = Some(key);
        }
        at += line.len();
    }
    (map.len() >= 2).then_some((Some(map), at))
}

/// A TOML front matter between `+++` lines (Hugo, Zola), as the same
/// mapping a YAML one gives.
fn toml_front_matter(text: &str) -> Option<(Option<serde_yaml::Mapping>, usize)> {
    let first = text.split_inclusive('\n').next()?;
    if first.trim_end() != "+++" {
        return None;
    }
    let mut at = first.len();
    for line in text[first.len()..].split_inclusive('\n') {
        if line.trim_end() == "+++" {
            let table: toml::Table = toml::from_str(&text[first.len()..at]).ok()?;
            let Ok(Value::Mapping(map)) = serde_yaml::to_value(table) else {
                return Some((None, 0));
            };
            return Some((Some(map), at + line.len()));
        }
        at += line.len();
    }
    None
}

fn text_of(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
    .filter(|s| !s.is_empty())
}

fn texts_of(value: &Value) -> Vec<String> {
    match value {
        Value::Sequence(items) => items.iter().filter_map(text_of).collect(),
        other => text_of(other)
            .map(|s| {
                s.split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The fields of a foreign front matter; keys it has no field for go to
/// `extra`.
pub fn read_front_matter(d: &mut Draft, map: &serde_yaml::Mapping, text: &str) {
    for (key, value) in map {
        let Some(key) = key.as_str() else { continue };
        let shown = match value {
            Value::Sequence(_) => texts_of(value).join(", "),
            other => text_of(other).unwrap_or_default(),
        };
        let shown = shown.as_str();
        // The line of `key:` in the file (the front matter starts at line 2).
        // `key:` in YAML and metadata lines, `key =` in TOML.
        let labels = [format!("{key}:"), format!("{key} ="), format!("{key}=")];
        let line = text
            .lines()
            .position(|l| {
                labels.iter().any(|label| {
                    l.get(..label.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(label))
                })
            })
            .map_or(2, |i| i + 1);
        match key {
            "title" => d.title = text_of(value),
            "description" | "summary" | "excerpt" => d.summary = text_of(value),
            "subtitle" | "dek" => d.dek = text_of(value),
            "author" | "authors" => d.authors.extend(texts_of(value)),
            "tags" | "categories" => {
                for tag in texts_of(value) {
                    if !d.tags.contains(&tag) {
                        d.tags.push(tag);
                    }
                }
            }
            "date" => {
                if let Some(text) = text_of(value) {
                    let first = text.split([' ', 'T']).next().unwrap_or("");
                    d.date = first
                        .parse()
                        .ok()
                        .or_else(|| date_in_prose(&text).map(|(d, _)| d));
                }
            }
            _ => {
                d.extra.insert(key.to_string(), shown.to_string());
                continue;
            }
        }
        let source = text.lines().nth(line - 1).unwrap_or("").to_string();
        d.guess(key, shown, line, &source);
    }
}

/// The title: the first level-1 heading (ATX or setext), else the first
/// heading. Its heading leaves the body.
pub fn title(doc: &Document, d: &mut Draft) {
    let found = doc
        .sections
        .iter()
        .find(|s| s.level == 1)
        .or_else(|| doc.sections.iter().find(|s| s.level > 0));
    let Some(section) = found else { return };
    let Some(range) = section.heading.clone() else {
        return;
    };
    if d.title.is_none() {
        d.title = Some(section.title.clone());
        d.guess(
            "title",
            &section.title,
            doc.line(range.start),
            doc.source(&range),
        );
    }
    if section.level == 1 {
        d.taken.push(range);
    }
}

/// Labels a header line or section may carry plainly (`Created By: Ana`),
/// where a bold one may be any label.
const PLAIN_LABELS: &[&str] = &[
    "date",
    "author",
    "authors",
    "created_by",
    "written_by",
    "owner",
    "owners",
    "status",
    "severity",
];

/// A line `**Label:** value`, `**Label**: value` or, for a known label,
/// `Label: value`.
pub fn labelled(line: &str) -> Option<(String, String)> {
    let t = line.trim();
    if let Some(rest) = t.strip_prefix("**") {
        let (label, value) = rest.split_once("**")?;
        let label = label.trim().trim_end_matches(':').trim();
        let value = value.trim().trim_start_matches(':').trim();
        return Some((label.to_string(), value.to_string()));
    }
    let (label, value) = t.split_once(':')?;
    let key = crate::text::slugify(label).replace('-', "_");
    (PLAIN_LABELS.contains(&key.as_str()) && !value.trim().is_empty())
        .then(|| (label.trim().to_string(), value.trim().to_string()))
}

/// Header lines as in Google's SRE template (`**Date:** ...`) or plainly
/// (`Created By: ...`), in the text before the second heading; and short
/// sections that are one such value (`## Authors` with a name under it). A
/// paragraph or section made only of them leaves the body.
pub fn header_block(doc: &Document, d: &mut Draft) {
    let upto = doc
        .sections
        .iter()
        .position(|s| s.level > 1)
        .unwrap_or(doc.sections.len());
    for section in &doc.sections[..upto] {
        for block in &section.blocks {
            if !matches!(block.kind, BlockKind::Paragraph) {
                continue;
            }
            let source = doc.source(&block.range);
            let lines: Vec<&str> = source.lines().collect();
            let found: Vec<(usize, (String, String))> = lines
                .iter()
                .enumerate()
                .filter_map(|(i, l)| labelled(l).map(|x| (i, x)))
                .collect();
            if found.is_empty() {
                continue;
            }
            let line = doc.line(block.range.start);
            for (i, (label, value)) in &found {
                header_field(d, label, value, line + i, lines[*i]);
            }
            if found.len() == lines.len() {
                d.taken.push(block.range.clone());
            }
        }
    }
    for section in &doc.sections {
        let key = crate::text::slugify(&section.title).replace('-', "_");
        if !matches!(key.as_str(), "author" | "authors" | "written_by" | "date") {
            continue;
        }
        let [block] = section.blocks.as_slice() else {
            continue;
        };
        let source = doc.source(&block.range);
        if !matches!(block.kind, BlockKind::Paragraph) || source.lines().count() > 3 {
            continue;
        }
        let line = doc.line(block.range.start);
        let value = crate::text::squash_whitespace(source);
        let before = (d.authors.len(), d.date);
        header_field(d, &section.title, &value, line, source);
        if (d.authors.len(), d.date) != before {
            d.taken.push(block.range.clone());
            d.taken.extend(section.heading.clone());
        }
    }
}

/// Names as a header gives them: `a, b and c`, without e-mail addresses
/// and link markup.
fn names(value: &str) -> Vec<String> {
    let text = super::text::plain(value);
    text.split([',', ';'])
        .flat_map(|p| p.split(" and "))
        .map(|p| {
            // `Ana Lima <ana@example.com>`: the name, not the address.
            let words: Vec<&str> = p
                .split_whitespace()
                .filter(|w| !w.trim_start_matches('@').contains('@'))
                .collect();
            words
                .join(" ")
                .trim_matches(['(', ')', '<', '>'])
                .trim()
                .to_string()
        })
        .filter(|p| !p.is_empty())
        .collect()
}

fn header_field(d: &mut Draft, label: &str, value: &str, line: usize, source: &str) {
    let key = crate::text::slugify(label).replace('-', "_");
    match key.as_str() {
        "date" => {
            if let Some((date, _)) = date_in_prose(value) {
                d.date = Some(date);
                d.day_context = Some(date);
                d.guess("date", &date.to_string(), line, source);
                return;
            }
        }
        "authors" | "author" | "owners" | "created_by" | "written_by" => {
            let found = names(value);
            if found.is_empty() || !d.authors.is_empty() {
                return;
            }
            d.authors = found;
            d.guess("authors", &d.authors.join(", "), line, source);
            return;
        }
        "summary" => {
            d.summary = Some(value.to_string());
            d.guess("summary", value, line, source);
            return;
        }
        "impact" => {
            d.impact = Some(value.to_string());
            d.guess("impact.summary", value, line, source);
            return;
        }
        _ => {}
    }
    // Kept as written; a time in Trigger, Detection or Resolution also
    // suggests that moment.
    d.extra.insert(key.clone(), value.to_string());
    let moment = match key.as_str() {
        "trigger" => Some(0),
        "detection" => Some(1),
        "resolution" => Some(3),
        _ => None,
    };
    if let Some(index) = moment {
        let words: Vec<&str> = value.split_whitespace().collect();
        let found = (0..words.len()).find_map(|i| moment_at_start(&words[i..].join(" ")));
        if let Some(m) = found {
            let day = m.day.and_then(|day| day.resolve(d.date)).or(d.date);
            let at = match (day, &m.zone) {
                (Some(date), Some(z)) => format!("{date} {} {z}", &m.time.to_string()[..5]),
                (Some(date), None) => format!("{date} {}", &m.time.to_string()[..5]),
                _ => String::new(),
            };
            if !at.is_empty() && d.moments[index].is_none() {
                let field = format!("incident.{}", super::draft::MOMENTS[index]);
                d.guess(&field, &at, line, source);
                d.moments[index] = Some((at, m.approx));
            }
        }
    }
}

/// The publication date, when the front matter and header gave none: from
/// the file name (`2018-10-30-...`), a URL path in it (`/2017/02/10/`),
/// prose (`On Wednesday 4 December 2019`). The timeline's first date is
/// the last resort (see the driver).
pub fn date(doc: &Document, d: &mut Draft, name: &str) {
    let titled = d.title.as_deref().and_then(date_in_prose);
    let prose = first_date_in_prose(doc);
    // The day the document's own words give, for times stated without one.
    if d.day_context.is_none() {
        d.day_context = titled
            .as_ref()
            .map(|(date, _)| *date)
            .or(prose.as_ref().map(|(date, _, _)| *date));
    }
    // A day the text states without its year (`on August 9th`), in the
    // year nearest the document's own date.
    if let (None, Some(dated)) = (d.day_context, d.date) {
        d.day_context = first_yearless_day(doc).and_then(|day| day.resolve(Some(dated)));
    }
    if d.date.is_some() {
        return;
    }
    // The title says which day it is about when it names one.
    if let Some((date, words)) = titled {
        d.date = Some(date);
        d.guess("date", &date.to_string(), 0, &format!("the title: {words}"));
        return;
    }
    let stem = name.rsplit('/').next().unwrap_or(name);
    if let Some(date) = stem.get(..10).and_then(|s| s.parse().ok()) {
        d.date = Some(date);
        d.guess("date", &stem[..10], 0, &format!("the file name {stem}"));
        return;
    }
    let parts: Vec<&str> = name.split('/').collect();
    for w in parts.windows(3) {
        if let (Ok(y), Ok(m), Ok(day)) =
            (w[0].parse::<i16>(), w[1].parse::<i8>(), w[2].parse::<i8>())
        {
            if let Ok(date) = jiff::civil::Date::new(y, m, day) {
                d.date = Some(date);
                d.guess("date", &date.to_string(), 0, &format!("the path {name}"));
                return;
            }
        }
    }
    if let Some((date, words, line)) = prose {
        d.date = Some(date);
        d.guess("date", &date.to_string(), line, &words);
    }
}

/// The first whole date in the document's paragraphs, as written, and its
/// line.
/// The first day without its year in the document's paragraphs.
fn first_yearless_day(doc: &Document) -> Option<super::when::Day> {
    doc.sections
        .iter()
        .flat_map(|s| &s.blocks)
        .filter(|b| matches!(b.kind, BlockKind::Paragraph))
        .find_map(|block| {
            let words: Vec<&str> = doc.source(&block.range).split_whitespace().collect();
            (0..words.len()).find_map(|i| match super::when::date_at(&words[i..]) {
                Some((day @ super::when::Day::NoYear { .. }, _)) => Some(day),
                _ => None,
            })
        })
}

fn first_date_in_prose(doc: &Document) -> Option<(jiff::civil::Date, String, usize)> {
    doc.sections
        .iter()
        .flat_map(|s| &s.blocks)
        .find_map(|block| {
            if !matches!(block.kind, BlockKind::Paragraph) {
                return None;
            }
            let (date, words) = date_in_prose(doc.source(&block.range))?;
            Some((date, words, doc.line(block.range.start)))
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(text: &str, name: &str) -> Draft {
        let (front, start) = split_front_matter(text);
        let mut d = Draft::default();
        if let Some(map) = &front {
            read_front_matter(&mut d, map, text);
        }
        let doc = Document::parse(&text[start..]);
        header_block(&doc, &mut d);
        title(&doc, &mut d);
        date(&doc, &mut d, name);
        d
    }

    #[test]
    fn titles_atx_setext_and_front_matter() {
        assert_eq!(
            draft("#   Lag on the primary  \n\nText.\n", "x.md")
                .title
                .as_deref(),
            Some("Lag on the primary")
        );
        assert_eq!(
            draft("Lag on the primary\n===\n\nText.\n", "x.md")
                .title
                .as_deref(),
            Some("Lag on the primary")
        );
        let d = draft("---\ntitle: Cache stampede\ndescription: The cache fell over\nauthor: sam\ncategories: [caching, redis]\nauthor_twitter: \"@sam\"\ndate: 2018-10-30 10:00:00\n---\nBody.\n", "post.md");
        assert_eq!(d.title.as_deref(), Some("Cache stampede"));
        assert_eq!(d.summary.as_deref(), Some("The cache fell over"));
        assert_eq!(d.authors, ["sam"]);
        assert_eq!(d.tags, ["caching", "redis"]);
        assert_eq!(d.date.map(|d| d.to_string()).as_deref(), Some("2018-10-30"));
        assert_eq!(
            d.extra.get("author_twitter").map(String::as_str),
            Some("@sam")
        );
    }

    #[test]
    fn plain_header_lines_and_short_sections_name_authors() {
        let d = draft("# Queue outage\n\nCreated By: Ana Lima <ana@example.com>\nLast Modified: 2021-05-03\n\n## Summary\n\nThe queue stopped.\n", "q.md");
        assert_eq!(d.authors, ["Ana Lima"]);
        let d = draft("# Cert expiry\n\n## Authors\nBo Chen and [Cy Diaz](https://example.com/cy)\n\n## Summary\nNote: nothing else.\n", "c.md");
        assert_eq!(d.authors, ["Bo Chen", "Cy Diaz"]);
        assert!(d.extra.is_empty(), "{:?}", d.extra);
    }

    #[test]
    fn metadata_lines_without_fences_are_a_front_matter() {
        let text =
            "Title: Relay backlog\nDate: 2021-06-02\nAuthors: ana,\n    bo\n\n# Relay backlog\n";
        let (map, start) = split_front_matter(text);
        let map = map.unwrap();
        assert_eq!(
            map.get("title").and_then(Value::as_str),
            Some("Relay backlog")
        );
        assert_eq!(map.get("authors").and_then(Value::as_str), Some("ana, bo"));
        assert_eq!(&text[start..], "\n# Relay backlog\n");
        // A label block that names no title, date or author, one line, or
        // prose with a colon: not metadata.
        for text in [
            "Summary: it broke\nImpact: all\n\nText.\n",
            "Title: alone\n\nText.\n",
            "Date: 2021-06-02\nWe saw this: errors.\n",
        ] {
            assert!(split_front_matter(text).0.is_none(), "{text}");
        }
    }

    #[test]
    fn a_toml_front_matter_is_read_like_a_yaml_one() {
        let d = draft("+++\ntitle = \"Registry outage on 2022-02-03\"\nauthors = [\"Ana Lima\", \"Bo Chen\"]\n\n[extra]\nteam = \"infra\"\n+++\n\nThe registry stopped.\n", "outage.md");
        assert_eq!(d.title.as_deref(), Some("Registry outage on 2022-02-03"));
        assert_eq!(d.authors, ["Ana Lima", "Bo Chen"]);
        assert_eq!(d.date.unwrap().to_string(), "2022-02-03");
        // A day stated without its year is in the document's year.
        let d = draft(
            "---\ndate: 2022-08-09\n---\n\nFor 52 minutes on August 9th logins failed.\n",
            "x.md",
        );
        assert_eq!(
            d.day_context.map(|d| d.to_string()).as_deref(),
            Some("2022-08-09")
        );
        let d = draft("+++\ntitle = \"Registry outage on 2022-02-03\"\nauthors = [\"Ana Lima\", \"Bo Chen\"]\n+++\n", "outage.md");
        // The report names the line of the key.
        let authors = d.guesses.iter().find(|g| g.field == "authors").unwrap();
        assert_eq!(
            (authors.line, authors.source.as_str()),
            (3, "authors = [\"Ana Lima\", \"Bo Chen\"]")
        );
    }

    #[test]
    fn dates_from_names_paths_and_prose() {
        assert_eq!(
            draft("# T\n\nx\n", "2018-10-30-cache.md")
                .date
                .unwrap()
                .to_string(),
            "2018-10-30"
        );
        assert_eq!(
            draft("# T\n\nx\n", "blog/2017/02/10/outage.html")
                .date
                .unwrap()
                .to_string(),
            "2017-02-10"
        );
        let d = draft(
            "# T\n\nOn May 14th 2019 the queue stopped.\n",
            "PM2021-004 queue.md",
        );
        assert_eq!(d.date.unwrap().to_string(), "2019-05-14");
        assert_eq!(
            (d.guesses[1].line, d.guesses[1].source.as_str()),
            (3, "May 14th 2019")
        );
    }

    #[test]
    fn a_google_header_block_fills_fields() {
        let d = draft("# Shakespeare Sonnet++ Postmortem\n\n**Date:** 2015-10-21\n**Authors:** jennifer, martym, agoogler\n**Status:** Complete, action items in progress\n**Summary:** Search was down for 66 minutes.\n**Impact:** 1.21B queries lost.\n**Trigger:** Latent bug triggered by a sudden increase in traffic at 14:51 UTC.\n**Detection:** Borgmon detected a high level of HTTP 500s and paged on-call.\n", "x.md");
        assert_eq!(d.date.unwrap().to_string(), "2015-10-21");
        assert_eq!(d.authors, ["jennifer", "martym", "agoogler"]);
        assert_eq!(
            d.summary.as_deref(),
            Some("Search was down for 66 minutes.")
        );
        assert_eq!(d.impact.as_deref(), Some("1.21B queries lost."));
        assert_eq!(
            d.extra.get("status").map(String::as_str),
            Some("Complete, action items in progress")
        );
        assert_eq!(
            d.moments[0],
            Some(("2015-10-21 14:51 UTC".to_string(), false))
        );
        assert_eq!(d.taken.len(), 2);
    }
}
