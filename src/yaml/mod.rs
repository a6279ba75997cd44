//! All YAML handling: parsing (with serde_yaml), typed access to a parsed
//! document that records every problem instead of stopping at the first, and
//! locating a field path (`timeline[3].at`) back in the source text.
//!
//! serde_yaml keeps no positions in its `Value`, but it does attach the
//! position of the node being visited to any error a visitor raises. So to
//! find where `timeline[3].at` is, [`locate`] re-reads the text with a seed
//! that walks down that path and fails on arrival; the failure carries the
//! exact line and column. This costs a parse per reported problem, which is
//! nothing next to a human reading the problem, and nothing at all for a
//! clean file.

use crate::diagnostic::{Diagnostic, Level};
use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_yaml::Value;
use std::fmt;

/// One step of a field path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    Key(String),
    Index(usize),
}

/// A field path such as `timeline[3].at`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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

    fn parent(&self) -> Option<FieldPath> {
        if self.0.is_empty() {
            None
        } else {
            Some(FieldPath(self.0[..self.0.len() - 1].to_vec()))
        }
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
}

/// Parses one YAML document. serde_yaml guards against alias bombs
/// (repetition limit) and deep nesting (recursion limit) itself.
pub fn parse(text: &str) -> Result<Value, SyntaxError> {
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
/// exists, and to the document start.
pub fn locate(text: &str, path: &FieldPath, on_key: bool) -> (usize, usize) {
    let mut path = path.clone();
    let mut on_key = on_key;
    loop {
        if let Some(position) = locate_exact(text, &path.0, on_key) {
            return position;
        }
        match path.parent() {
            Some(parent) => {
                path = parent;
                on_key = false;
            }
            None => return (1, 1),
        }
    }
}

const FOUND: &str = "blameless: located";

fn locate_exact(text: &str, path: &[Seg], on_key: bool) -> Option<(usize, usize)> {
    if path.is_empty() {
        return None;
    }
    let deserializer = serde_yaml::Deserializer::from_str(text);
    match (Seek { path, on_key }).deserialize(deserializer) {
        Err(err) if err.to_string().contains(FOUND) => {
            err.location().map(|l| (l.line(), l.column()))
        }
        _ => None,
    }
}

struct Seek<'p> {
    path: &'p [Seg],
    on_key: bool,
}

impl<'de> DeserializeSeed<'de> for Seek<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

macro_rules! seek_scalar {
    ($($name:ident: $ty:ty),*) => {$(
        fn $name<E: de::Error>(self, _: $ty) -> Result<(), E> { self.arrive() }
    )*};
}

impl Seek<'_> {
    fn arrive<E: de::Error>(&self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(E::custom(FOUND))
        } else {
            Ok(())
        }
    }
}

impl<'de> Visitor<'de> for Seek<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any YAML value")
    }

    seek_scalar!(visit_bool: bool, visit_i64: i64, visit_u64: u64, visit_f64: f64,
                 visit_i128: i128, visit_u128: u128, visit_str: &str);

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.arrive()
    }

    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.arrive()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(de::Error::custom(FOUND));
        };
        let Seg::Index(wanted) = first else {
            return Ok(());
        };
        let mut index = 0;
        loop {
            let more = if index == *wanted {
                seq.next_element_seed(Seek {
                    path: rest,
                    on_key: self.on_key,
                })?
            } else {
                seq.next_element::<IgnoredAny>()?.map(|_| ())
            };
            if more.is_none() {
                return Ok(());
            }
            index += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(de::Error::custom(FOUND));
        };
        let Seg::Key(wanted) = first else {
            return Ok(());
        };
        let fail_on_key = rest.is_empty() && self.on_key;
        while let Some(matched) = map.next_key_seed(KeyProbe {
            wanted,
            fail_on_key,
        })? {
            if matched {
                map.next_value_seed(Seek {
                    path: rest,
                    on_key: self.on_key,
                })?;
                return Ok(());
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

/// Reads a mapping key and says whether it is the wanted one (or fails,
/// to report the key's own position).
struct KeyProbe<'w> {
    wanted: &'w str,
    fail_on_key: bool,
}

impl KeyProbe<'_> {
    fn check<E: de::Error>(&self, key: &str) -> Result<bool, E> {
        if key == self.wanted {
            if self.fail_on_key {
                return Err(E::custom(FOUND));
            }
            return Ok(true);
        }
        Ok(false)
    }
}

impl<'de> DeserializeSeed<'de> for KeyProbe<'_> {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyProbe<'_> {
    type Value = bool;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        self.check(v)
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<bool, E> {
        self.check(&v.to_string())
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<bool, E> {
        self.check(&v.to_string())
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<bool, E> {
        self.check(&v.to_string())
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<bool, E> {
        self.check(&v.to_string())
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        self.check("null")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
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
    let mut out: Vec<Diagnostic> = problems
        .into_iter()
        .take(MAX_LOCATED_PROBLEMS)
        .map(|p| {
            let (line, column) = locate(yaml, &p.path, p.on_key);
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
mod reader;

pub use comments::{cuts as comment_cuts, Cut};
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
