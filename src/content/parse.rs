//! One write-up file on its own: splitting its front matter from its body,
//! reading and validating the front matter, scanning the body. A leaf of
//! `content`: the loader, the parse cache and the checks across files all
//! start from what it makes ([`Parsed`]).

use super::frontmatter;
use super::sources::Source;
use super::{Status, WriteUp};
use crate::config::Config;
use crate::diagnostic::{self, Diagnostic};
use crate::markdown;
use crate::yaml::{self, Problem, Reader};
use std::sync::Arc;

/// Where the front matter and the body are in a file's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrontMatterSplit {
    /// Byte range of the YAML between the `---` lines.
    pub yaml: std::ops::Range<usize>,
    pub body_start: usize,
    /// 1-based line of the first body line.
    pub body_line: usize,
}

/// Splits `---` front matter from the body. The error is a message and
/// hint for line 1.
pub fn split_front_matter(text: &str) -> Result<FrontMatterSplit, (String, String)> {
    let mut lines = text.split_inclusive('\n');
    let first = lines.next().unwrap_or("");
    if first.trim_end() != "---" {
        return Err((
            "missing front matter: a write-up starts with a line `---`".into(),
            "put the YAML front matter (title, date, severity, authors...) between two `---` lines at the top; `blameless new \"Title\"` writes a template".into(),
        ));
    }
    let yaml_start = first.len();
    let mut offset = yaml_start;
    let mut line = 1;
    for l in lines {
        line += 1;
        let trimmed = l.trim_end();
        if trimmed == "---" || trimmed == "..." {
            return Ok(FrontMatterSplit {
                yaml: yaml_start..offset,
                body_start: offset + l.len(),
                body_line: line + 1,
            });
        }
        offset += l.len();
    }
    Err((
        "unterminated front matter: no closing `---` line".into(),
        "end the front matter with a line containing only `---`".into(),
    ))
}

/// One file's outcome before the checks across files.
#[derive(Clone)]
pub(super) struct Parsed {
    pub writeup: Option<Arc<WriteUp>>,
    pub problems: Vec<Problem>,
    pub diagnostics: Vec<Diagnostic>,
    pub text: Arc<str>,
    pub yaml: std::ops::Range<usize>,
    pub file: String,
    /// `None` when the file could not be read.
    pub source_hash: Option<u64>,
    pub from_cache: bool,
}

/// Splits, parses and validates one write-up file.
pub(super) fn parse_text(source: Source, config: &Config) -> Parsed {
    let Source {
        file,
        content_path,
        stem,
        text,
        hash,
    } = source;
    let mut parsed = Parsed {
        writeup: None,
        problems: Vec::new(),
        diagnostics: Vec::new(),
        text: Arc::from(""),
        yaml: 0..0,
        file: file.clone(),
        source_hash: Some(hash),
        from_cache: false,
    };
    let split = match split_front_matter(&text) {
        Ok(split) => split,
        Err((message, hint)) => {
            parsed.diagnostics.push(
                Diagnostic::error(&file, message)
                    .at(1, 1)
                    .with_hint(hint)
                    .with_source(&text),
            );
            parsed.text = text.into();
            return parsed;
        }
    };
    let yaml_text = &text[split.yaml.clone()];
    let value = match yaml::parse(yaml_text) {
        Ok(serde_yaml::Value::Null) => serde_yaml::Value::Mapping(Default::default()),
        Ok(v) => v,
        Err(e) => {
            let line = if e.line > 0 { e.line + 1 } else { 1 };
            let hint = if let Some(hint) = e.hint {
                hint
            } else if e.message.contains(" as u128") || e.message.contains(" as i128") {
                "this number is too large: whole numbers must be below 2^64; quote the value to keep it as text"
            } else if e.message.contains("limit exceeded") {
                "the front matter repeats or nests too deeply (YAML aliases or nesting); write the values out plainly"
            } else if yaml_text.contains('\t') {
                "YAML indentation must use spaces, not tabs"
            } else {
                "check indentation and quoting; a value containing `: ` or starting with `[`, `{`, `*`, `&` or `#` needs quotes"
            };
            parsed.diagnostics.push(
                Diagnostic::error(
                    &file,
                    format!("invalid YAML in front matter: {}", e.message),
                )
                .at(line, e.column.max(1))
                .with_source(&text)
                .with_hint(hint),
            );
            parsed.text = text.into();
            return parsed;
        }
    };
    let scan = markdown::scan(&text[split.body_start..]);
    // The write-up and the checks across files share the one copy.
    let text: Arc<str> = text.into();
    let named = name_date(&stem);
    let mut writeup = unread(
        &file,
        content_path,
        stem,
        (text.clone(), hash),
        &split,
        scan,
    );
    let mut reader = Reader::default();
    frontmatter::read(&mut reader, &value, config, named, &mut writeup);
    parsed.problems = reader.problems;
    if let Some(offset) = writeup.scan.html_too_deep {
        let (line, column) = writeup.body_position(offset);
        parsed.diagnostics.push(
            Diagnostic::error(
                &file,
                format!(
                    "raw HTML nests elements more than {} deep here",
                    crate::html_nesting::MAX_DEPTH
                ),
            )
            .at(line, column)
            .with_source(&text)
            .with_hint("close the elements you open, or write it in Markdown"),
        );
    }
    parsed.diagnostics.extend(super::warnings::warnings(
        &writeup,
        &text[split.yaml.clone()],
    ));
    parsed
        .diagnostics
        .extend(super::lint::lint(&writeup, split.yaml.clone(), config));
    parsed.writeup = Some(Arc::new(writeup));
    parsed.text = text;
    parsed.yaml = split.yaml;
    parsed
}

/// Validates one write-up on its own (no checks across files): its
/// diagnostics, and the write-up when it has no errors. `name` is the file
/// name shown in messages. Used by fuzzing and by tools that check text.
pub fn check_text(name: &str, text: &str, config: &Config) -> (Option<WriteUp>, Vec<Diagnostic>) {
    let stem = name
        .rsplit('/')
        .next()
        .unwrap_or(name)
        .trim_end_matches(".md")
        .to_string();
    let source = Source::new(name.to_string(), name.to_string(), stem, text.to_string());
    let mut parsed = parse_text(source, config);
    let mut diagnostics = std::mem::take(&mut parsed.diagnostics);
    if !parsed.problems.is_empty() {
        let yaml_text = &parsed.text[parsed.yaml.clone()];
        diagnostics.extend(yaml::locate_problems(
            &parsed.file,
            &parsed.text,
            yaml_text,
            1,
            parsed.problems,
        ));
    }
    diagnostic::sort(&mut diagnostics);
    let ok = !diagnostics
        .iter()
        .any(|d| d.level == diagnostic::Level::Error);
    let writeup = parsed.writeup.filter(|_| ok).map(Arc::unwrap_or_clone);
    (writeup, diagnostics)
}

/// Whether a name starts with `YYYY-MM-DD-` and more.
fn is_dated(stem: &str) -> bool {
    let b = stem.as_bytes();
    b.len() > 11
        && b[..10].iter().enumerate().all(|(i, c)| match i {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        })
        && b[10] == b'-'
}

/// The date a write-up's name starts with (`2019-12-04-node-deletion`).
fn name_date(stem: &str) -> Option<jiff::civil::Date> {
    is_dated(stem).then(|| stem[..10].parse().ok()).flatten()
}

/// The default slug: the file name without a leading `YYYY-MM-DD-`.
fn default_slug(stem: &str) -> String {
    crate::text::slugify(if is_dated(stem) { &stem[11..] } else { stem })
}

/// A write-up of `file` (its text and that text's source hash) before its
/// front matter is read: every field at its default. A write-up with missing or bad required fields is still
/// made (and then left out, as its file has errors) so that the checks
/// across files report its other problems too.
fn unread(
    file: &str,
    content_path: String,
    stem: String,
    (text, source_hash): (Arc<str>, u64),
    split: &FrontMatterSplit,
    scan: markdown::Scan,
) -> WriteUp {
    WriteUp {
        file: file.to_string(),
        content_path,
        slug: default_slug(&stem),
        stem,
        text,
        source_hash,
        body_start: split.body_start,
        body_line: split.body_line,
        title: String::new(),
        dek: None,
        updated: None,
        aliases: Vec::new(),
        date: jiff::civil::date(1970, 1, 1),
        slug_explicit: false,
        status: Status::Published,
        severity: String::new(),
        authors: Vec::new(),
        tags: Vec::new(),
        services: Vec::new(),
        summary: None,
        incident: Default::default(),
        impact: Default::default(),
        timeline: Vec::new(),
        lessons: Default::default(),
        action_items: Vec::new(),
        related: Vec::new(),
        timezone: None,
        extra: None,
        terms: Default::default(),
        lint_allow: Vec::new(),
        scan,
        assets: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_is_split_with_crlf() {
        let text = "---\r\ntitle: x\r\n---\r\nbody\r\n";
        let s = split_front_matter(text).unwrap();
        assert_eq!(&text[s.yaml.clone()], "title: x\r\n");
        assert_eq!(&text[s.body_start..], "body\r\n");
        assert_eq!(s.body_line, 4);
    }

    #[test]
    fn missing_and_unterminated_front_matter() {
        assert!(split_front_matter("title: x\n")
            .unwrap_err()
            .0
            .starts_with("missing front matter"));
        assert!(split_front_matter("---\ntitle: x\n")
            .unwrap_err()
            .0
            .starts_with("unterminated"));
    }

    #[test]
    fn default_slugs_drop_the_date() {
        assert_eq!(
            default_slug("2018-10-07-prod-db-stale-snapshot"),
            "prod-db-stale-snapshot"
        );
        assert_eq!(default_slug("s3-outage"), "s3-outage");
        assert_eq!(default_slug("2018-10-07"), "2018-10-07");
    }
}
