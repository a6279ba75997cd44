//! Reading a parsed YAML value into typed fields, recording each problem
//! (a wrong type, an unknown key with a did-you-mean) at its field path for
//! [`super::locate_problems`] to place.

use super::{describe, FieldPath, Problem};
use crate::diagnostic::Level;
use crate::text::did_you_mean;
use serde_yaml::{Mapping, Value};

/// Typed reading of a parsed document that keeps going after a problem.
#[derive(Default)]
pub struct Reader {
    pub problems: Vec<Problem>,
}

impl Reader {
    pub fn problem(
        &mut self,
        level: Level,
        path: &FieldPath,
        message: String,
        hint: Option<String>,
    ) {
        self.problems.push(Problem {
            path: path.clone(),
            on_key: false,
            level,
            message,
            hint,
        });
    }

    pub fn error(&mut self, path: &FieldPath, message: impl Into<String>, hint: Option<String>) {
        self.problem(Level::Error, path, message.into(), hint);
    }

    pub fn warning(&mut self, path: &FieldPath, message: impl Into<String>, hint: Option<String>) {
        self.problem(Level::Warning, path, message.into(), hint);
    }

    fn wrong_type(&mut self, path: &FieldPath, expected: &str, found: &Value) {
        self.error(
            path,
            format!("{path}: expected {expected}, found {}", describe(found)),
            None,
        );
    }

    /// A mapping whose keys must all be in `allowed`; unknown keys are
    /// reported with a did-you-mean hint.
    pub fn mapping<'v>(
        &mut self,
        value: &'v Value,
        path: &FieldPath,
        allowed: &[&str],
    ) -> Option<&'v Mapping> {
        self.mapping_hinted(value, path, allowed, &[])
    }

    /// Like [`Reader::mapping`], with the hint of `hints` for a known
    /// mistake (`author` for `authors`) in place of the did-you-mean.
    pub fn mapping_hinted<'v>(
        &mut self,
        value: &'v Value,
        path: &FieldPath,
        allowed: &[&str],
        hints: &[(&str, &str)],
    ) -> Option<&'v Mapping> {
        let Value::Mapping(map) = value else {
            self.wrong_type(path, "a mapping of keys to values", value);
            return None;
        };
        for key in map.keys() {
            let name = match key {
                Value::String(s) => std::borrow::Cow::Borrowed(s.as_str()),
                other => std::borrow::Cow::Owned(describe(other)),
            };
            if !allowed.contains(&&*name) {
                let known = hints.iter().find(|(mistake, _)| *mistake == name);
                let hint = match (known, did_you_mean(&name, allowed)) {
                    (Some((_, hint)), _) => hint.to_string(),
                    (None, Some(suggestion)) => format!("did you mean `{suggestion}`?"),
                    (None, None) => format!("allowed keys here: {}", allowed.join(", ")),
                };
                let where_ = if path.0.is_empty() {
                    String::new()
                } else {
                    format!(" in `{path}`")
                };
                self.problems.push(Problem {
                    path: path.key(&name),
                    on_key: true,
                    level: Level::Error,
                    message: format!("unknown key `{name}`{where_}"),
                    hint: Some(hint),
                });
            }
        }
        Some(map)
    }

    /// Text; numbers and booleans are taken as written (`title: 1984`).
    /// A control character (from an escape such as `"\0"`) is an error:
    /// a page, a feed or a CSV file cannot carry it.
    pub fn string(&mut self, value: &Value, path: &FieldPath) -> Option<String> {
        match value {
            Value::String(s) => {
                // Every control character's UTF-8 starts with a byte below
                // 0x20, 0x7F or 0xC2: a byte scan finds none in most texts.
                let suspect = s.bytes().fold(false, |found, b| {
                    found
                        | ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
                        | (b == 0x7F)
                        | (b == 0xC2)
                });
                let control = suspect
                    .then(|| {
                        s.chars()
                            .find(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
                    })
                    .flatten();
                if let Some(c) = control {
                    self.error(
                        path,
                        format!("{path}: contains the control character U+{:04X}", c as u32),
                        Some("remove it; pages, feeds and exports cannot carry it (an escape such as \"\\0\" or \"\\x07\" in quotes writes one)".into()),
                    );
                }
                Some(s.clone())
            }
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            other => {
                self.wrong_type(path, "text", other);
                None
            }
        }
    }

    /// Text that must not be empty.
    pub fn text(&mut self, value: &Value, path: &FieldPath) -> Option<String> {
        let s = self.string(value, path)?;
        if s.trim().is_empty() {
            self.error(path, format!("{path}: must not be empty"), None);
            return None;
        }
        Some(s)
    }

    pub fn boolean(&mut self, value: &Value, path: &FieldPath) -> Option<bool> {
        match value {
            Value::Bool(b) => Some(*b),
            other => {
                self.wrong_type(path, "true or false", other);
                None
            }
        }
    }

    pub fn whole_number(&mut self, value: &Value, path: &FieldPath) -> Option<u64> {
        match value {
            Value::Number(n) if n.as_u64().is_some() => n.as_u64(),
            other => {
                self.wrong_type(path, "a whole number of at least 0", other);
                None
            }
        }
    }

    pub fn number(&mut self, value: &Value, path: &FieldPath) -> Option<f64> {
        match value {
            Value::Number(n) => n.as_f64().filter(|f| f.is_finite()),
            other => {
                self.wrong_type(path, "a number", other);
                None
            }
        }
    }

    /// A list; a single scalar is not accepted, so `tags: dns` is reported
    /// rather than silently read as one tag.
    pub fn list<'v>(&mut self, value: &'v Value, path: &FieldPath) -> Option<&'v [Value]> {
        match value {
            Value::Sequence(items) => Some(items),
            Value::Null => Some(&[]),
            other => {
                self.wrong_type(path, "a list such as [a, b]", other);
                None
            }
        }
    }

    /// Text that names a page (`/tags/<slug>/`): not empty, and its slug
    /// no longer than a file name may be.
    pub fn page_name(&mut self, value: &Value, path: &FieldPath) -> Option<String> {
        let name = self.text(value, path)?;
        let slug = crate::text::slugify(&name);
        if slug.len() > crate::confine::MAX_NAME_BYTES {
            self.error(
                path,
                format!(
                    "{path}: its page would be named with {} bytes; a file name may be at most {}",
                    slug.len(),
                    crate::confine::MAX_NAME_BYTES
                ),
                Some("shorten it; a longer text belongs in the summary or the body".into()),
            );
            return None;
        }
        Some(name)
    }

    /// One of a setting's named `choices`; another text is an error that
    /// names them all, with `hint`.
    pub fn choice<T: Copy>(
        &mut self,
        value: &Value,
        path: &FieldPath,
        choices: &[(&str, T)],
        hint: &str,
    ) -> Option<T> {
        let text = self.text(value, path)?;
        if let Some(&(_, chosen)) = choices.iter().find(|(name, _)| *name == text) {
            return Some(chosen);
        }
        let names: Vec<&str> = choices.iter().map(|(name, _)| *name).collect();
        self.error(
            path,
            format!("{path}: {text:?} is not one of {}", names.join(", ")),
            Some(hint.to_string()),
        );
        None
    }

    /// A text that must be one of `allowed`; another is an error naming
    /// them, with a did-you-mean when one is close.
    pub fn one_of(
        &mut self,
        value: &Value,
        path: &FieldPath,
        allowed: &[&str],
        what: &str,
    ) -> Option<String> {
        let text = self.text(value, path)?;
        if allowed.contains(&text.as_str()) {
            return Some(text);
        }
        let hint = match did_you_mean(&text, allowed) {
            Some(s) => format!("did you mean `{s}`? Allowed: {}", allowed.join(", ")),
            None => format!("use one of {}", allowed.join(", ")),
        };
        self.error(path, format!("{path}: {text:?} is not {what}"), Some(hint));
        None
    }

    /// A list of non-empty texts.
    pub fn text_list(&mut self, value: &Value, path: &FieldPath) -> Vec<String> {
        let Some(items) = self.list(value, path) else {
            return Vec::new();
        };
        items
            .iter()
            .enumerate()
            .filter_map(|(i, item)| self.text(item, &path.index(i)))
            .collect()
    }
}
