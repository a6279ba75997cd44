//! All YAML handling: parsing (with serde_yaml), typed access to a parsed
//! document that records every problem instead of stopping at the first, and
//! locating a field path (`timeline[3].at`) back in the source text.
//!
//! serde_yaml keeps no positions in its `Value`; `positions.rs` reads the
//! text once more with `saphyr-parser`, which does, when a problem is to be
//! placed, and before parsing bounds what a hostile text could cost.

use crate::diagnostic::{Diagnostic, Level};
use serde_yaml::Value;
use std::fmt;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A field path such as `timeline[3].at`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct FieldPath(pub Vec<Seg>);

impl FieldPath {
    pub fn root() -> Self {
        FieldPath(Vec::new())
    }

    pub fn key(&self, key: &str) -> Self {
        self.with(Seg::Key(key.to_string()))
    }

    pub fn index(&self, index: usize) -> Self {
        self.with(Seg::Index(index))
    }

    /// This path and one more step, in one allocation: every field read
    /// makes its path, problem or not.
    fn with(&self, last: Seg) -> Self {
        let mut segs = Vec::with_capacity(self.0.len() + 1);
        segs.extend_from_slice(&self.0);
        segs.push(last);
        FieldPath(segs)
    }
}

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (i, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Key(k) if i == 0 => write!(f, "{k}")?,
                Seg::Key(k) => write!(f, ".{k}")?,
                Seg::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

/// A problem found in a parsed document, not yet given a position.
#[derive(Debug, Clone)]
pub struct Problem {
    pub path: FieldPath,
    /// Point at the key itself rather than its value (unknown keys).
    pub on_key: bool,
    pub level: Level,
    pub message: String,
    pub hint: Option<String>,
}

/// A YAML syntax error with its position in the parsed text.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub message: String,
    pub line: usize,
    pub column: usize,
    /// How to fix it, when the error knows better than a generic hint.
    pub hint: Option<&'static str>,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.line, self.column, self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// Parses one YAML document. A text that could cost more than its size
/// (deep nesting, aliases of large values) is read for that first
/// ([`positions::prescan`]); serde_yaml's own limits are the second guard.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
    if positions::needs_prescan(text) {
        positions::prescan(text)?;
    }
    serde_yaml::from_str::<Value>(text).map_err(|err| {
        let (mut line, mut column) = err
            .location()
            .map(|l| (l.line(), l.column()))
            .unwrap_or((0, 0));
        let message = err.to_string();
        // An unclosed `[`, `{` or quote is found only later, often at the
        // end of the text; libyaml also names where the unclosed thing began
        // ("while parsing a flow sequence at line 1 column 8"), which is
        // where the fix goes.
        let unclosed = ["while parsing a flow", "while scanning a quoted scalar"]
            .iter()
            .any(|m| message.contains(m));
        if unclosed || line > text.lines().count() {
            if let Some(context) = positions(&message).into_iter().nth(1) {
                (line, column) = context;
            }
        }
        SyntaxError {
            message: strip_positions(&message),
            line,
            column,
            hint: None,
        }
    })
}

/// The "line N column M" positions named in a serde_yaml message, in order.
fn positions(message: &str) -> Vec<(usize, usize)> {
    message
        .split(" at line ")
        .skip(1)
        .filter_map(|rest| {
            let mut words = rest
                .split(|c: char| !c.is_ascii_digit() && c != ' ')
                .next()?
                .split_whitespace();
            let line = words.next()?.parse().ok()?;
            let after = rest.split_once(" column ")?.1;
            let column = after
                .split(|c: char| !c.is_ascii_digit())
                .next()?
                .parse()
                .ok()?;
            Some((line, column))
        })
        .collect()
}

/// serde_yaml appends " at line N column M" to messages; we report
/// positions ourselves, in the file's lines rather than the document's.
fn strip_positions(message: &str) -> String {
    let mut out = String::new();
    let mut rest = message;
    while let Some(start) = rest.find(" at line ") {
        out.push_str(&rest[..start]);
        let tail = &rest[start + " at line ".len()..];
        let skip = tail
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_digit() || c == ' ' || "column".contains(c)))
            .map(|(i, _)| i)
            .unwrap_or(tail.len());
        rest = &tail[skip..];
    }
    out.push_str(rest);
    out.trim().to_string()
}

/// Where `path` is in `text`: the 1-based (line, column) of its value, or of
/// its key when `on_key`. Falls back to the nearest enclosing field that
/// exists, and to the document start. To place several, read the text once
/// with [`Positions::of`].
pub fn locate(text: &str, path: &FieldPath, on_key: bool) -> (usize, usize) {
    Positions::of(text).locate(path, on_key)
}

/// How many problems of one file get a position; past that, they are
/// summed up in one line so a pathological file cannot make `check` slow.
pub const MAX_LOCATED_PROBLEMS: usize = 200;

/// Turns problems into diagnostics with positions in the file. `yaml` is the
/// parsed text, which starts at line `line_offset + 1` of `file_text`.
pub fn locate_problems(
    file: &str,
    file_text: &str,
    yaml: &str,
    line_offset: usize,
    problems: Vec<Problem>,
) -> Vec<Diagnostic> {
    let total = problems.len();
    let positions = Positions::of(yaml);
    let mut out: Vec<Diagnostic> = problems
        .into_iter()
        .take(MAX_LOCATED_PROBLEMS)
        .map(|p| {
            let (line, column) = positions.locate(&p.path, p.on_key);
            let mut d = Diagnostic::new(p.level, file, p.message)
                .at(line + line_offset, column)
                .with_source(file_text);
            if !p.path.0.is_empty() {
                d = d.with_field(p.path.to_string());
            }
            if let Some(hint) = p.hint {
                d = d.with_hint(hint);
            }
            d
        })
        .collect();
    if total > MAX_LOCATED_PROBLEMS {
        out.push(
            Diagnostic::error(
                file,
                format!(
                    "{} more problems in this file are not shown",
                    total - MAX_LOCATED_PROBLEMS
                ),
            )
            .with_hint("fix the ones above and run `blameless check` again"),
        );
    }
    out
}

/// Short description of a value's type and content for messages.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "nothing (null)".into(),
        Value::Bool(b) => format!("a boolean ({b})"),
        Value::Number(n) => format!("a number ({n})"),
        Value::String(s) => format!("a string ({:?})", crate::text::truncate_words(s, 40)),
        Value::Sequence(_) => "a list".into(),
        Value::Mapping(_) => "a mapping".into(),
        Value::Tagged(t) => format!("a value tagged {}", t.tag),
    }
}

mod comments;
mod positions;
mod reader;

pub use comments::{cuts as comment_cuts, Cut};
pub use positions::{Positions, MAX_ALIAS_EXPANSION, MAX_DEPTH};
pub use reader::Reader;

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "title: x\ntags: [a, b, c]\ntimeline:\n  - at: 10:00\n    event: one\n  - at: 11:00\n    evnt: two\n";

    fn path(segs: &[Seg]) -> FieldPath {
        FieldPath(segs.to_vec())
    }

    #[test]
    fn locates_values_keys_and_flow_items() {
        let k = |s: &str| Seg::Key(s.into());
        assert_eq!(locate(DOC, &path(&[k("title")]), false), (1, 8));
        assert_eq!(
            locate(DOC, &path(&[k("tags"), Seg::Index(2)]), false),
            (2, 14)
        );
        assert_eq!(
            locate(DOC, &path(&[k("timeline"), Seg::Index(1), k("at")]), false),
            (6, 9)
        );
        assert_eq!(
            locate(DOC, &path(&[k("timeline"), Seg::Index(1), k("evnt")]), true),
            (7, 5)
        );
    }

    #[test]
    fn missing_paths_fall_back_to_the_parent() {
        let k = |s: &str| Seg::Key(s.into());
        assert_eq!(
            locate(
                DOC,
                &path(&[k("timeline"), Seg::Index(1), k("type")]),
                false
            ),
            (6, 5)
        );
        assert_eq!(locate(DOC, &path(&[k("nothing")]), false), (1, 1));
    }

    #[test]
    fn syntax_errors_have_positions_and_clean_messages() {
        let err = parse("title: x\n  bad: [\n").unwrap_err();
        assert!(err.line >= 1, "{err:?}");
        assert!(!err.message.contains(" at line "), "{}", err.message);
    }

    #[test]
    fn unclosed_brackets_point_where_they_open() {
        let err = parse("title: [unclosed\ndate: 2020-01-01\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 8), "{err:?}");
        let err = parse("title: \"open\ndate: x\n").unwrap_err();
        assert_eq!((err.line, err.column), (1, 8), "{err:?}");
    }

    #[test]
    fn paths_display_like_code() {
        let p = FieldPath::root().key("timeline").index(3).key("at");
        assert_eq!(p.to_string(), "timeline[3].at");
    }

    #[test]
    fn unknown_keys_get_suggestions() {
        let value = parse("sevrity: SEV1\n").unwrap();
        let mut reader = Reader::default();
        reader.mapping(&value, &FieldPath::root(), &["severity", "title"]);
        assert_eq!(reader.problems.len(), 1);
        assert_eq!(reader.problems[0].message, "unknown key `sevrity`");
        assert_eq!(
            reader.problems[0].hint.as_deref(),
            Some("did you mean `severity`?")
        );
    }
}
