//! Where each field of a YAML text is, found in one pass: `saphyr-parser`
//! reads the text into events with their positions (serde_yaml's values
//! keep none), and [`Positions`] records where every key and value along
//! the way starts. A file with 200 problems is read once, not 200 times.
//!
//! The same events bound what a hostile text could cost before serde_yaml
//! reads it ([`prescan`]): nesting deeper than [`MAX_DEPTH`] (libyaml's
//! scanner takes quadratic time on deep `[[[`), and aliases that would
//! repeat more than [`MAX_ALIAS_EXPANSION`] bytes (serde_yaml copies an
//! aliased value whole each time it is named).

use super::{FieldPath, Seg, SyntaxError};
use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use std::collections::HashMap;

/// Deepest nesting of lists and mappings a YAML text may have.
pub const MAX_DEPTH: usize = 100;

/// Most bytes a text's aliases may add by repeating what they name.
pub const MAX_ALIAS_EXPANSION: usize = 16 * 1024 * 1024;

/// What a node costs when an alias repeats it besides its text: about the
/// memory of one value.
const NODE_COST: usize = 64;

/// The 1-based line and column of an event.
fn start(span: &Span) -> (usize, usize) {
    (span.start.line(), span.start.col() + 1)
}

/// The character at a character index of a text, for indexes that only
/// grow: each call walks on from the last one.
struct Cursor<'t> {
    text: &'t str,
    chars: usize,
    bytes: usize,
}

impl Cursor<'_> {
    fn char_at(&mut self, index: usize) -> Option<char> {
        let mut rest = self.text[self.bytes..].chars();
        while self.chars < index {
            self.bytes += rest.next()?.len_utf8();
            self.chars += 1;
        }
        self.text[self.bytes..].chars().next()
    }
}

/// Where the keys and values of a text are, by field path.
#[derive(Default)]
pub struct Positions {
    values: HashMap<FieldPath, (usize, usize)>,
    keys: HashMap<FieldPath, (usize, usize)>,
}

/// A list or mapping being read: where its next node goes, and whether
/// it added a step to the path.
struct Frame {
    kind: Kind,
    pushed: bool,
}

enum Kind {
    Seq {
        next: usize,
    },
    Map {
        key: Option<String>,
        expect_key: bool,
    },
    /// A list or mapping used as a mapping key: nothing in it is a field.
    Key,
}

/// What a node is to the list or mapping it is in.
enum Role {
    /// A value, at this step below its parent's path (`None` at the root).
    Value(Option<Seg>),
    /// A mapping key, with its text when it is a scalar.
    Key(Option<String>),
    /// Inside a key.
    InKey,
}

impl Positions {
    /// Reads `text` once. Positions after a syntax error are not known;
    /// [`Positions::locate`] then gives the nearest enclosing field's.
    pub fn of(text: &str) -> Positions {
        let mut out = Positions::default();
        let mut frames: Vec<Frame> = Vec::new();
        let mut path: Vec<Seg> = Vec::new();
        let mut cursor = Cursor {
            text,
            chars: 0,
            bytes: 0,
        };
        for event in Parser::new_from_str(text) {
            let Ok((event, span)) = event else { break };
            let opens = match &event {
                Event::SequenceStart(..) | Event::MappingStart(..) => true,
                Event::Scalar(..) | Event::Alias(..) => false,
                Event::SequenceEnd | Event::MappingEnd => {
                    if frames.pop().is_some_and(|f| f.pushed) {
                        path.pop();
                    }
                    continue;
                }
                _ => continue,
            };
            let role = match frames.last_mut().map(|f| &mut f.kind) {
                None => Role::Value(None),
                Some(Kind::Key) => Role::InKey,
                Some(Kind::Seq { next }) => {
                    *next += 1;
                    Role::Value(Some(Seg::Index(*next - 1)))
                }
                Some(Kind::Map { key, expect_key }) if *expect_key => {
                    *expect_key = false;
                    *key = match &event {
                        Event::Scalar(text, ..) => Some(text.to_string()),
                        _ => None,
                    };
                    Role::Key(key.clone())
                }
                Some(Kind::Map { key, expect_key }) => {
                    *expect_key = true;
                    Role::Value(Some(Seg::Key(key.take().unwrap_or_default())))
                }
            };
            let mut at = start(&span);
            if let Event::Scalar(value, ScalarStyle::Plain, ..) = &event {
                // An empty value is placed after the `:` of its key, as
                // libyaml (and so serde_yaml's messages) place it.
                if value.is_empty() && cursor.char_at(span.start.index()) == Some(':') {
                    at.1 += 1;
                }
            }
            match role {
                Role::Value(seg) => {
                    let pushed = seg.is_some();
                    path.extend(seg);
                    out.values.entry(FieldPath(path.clone())).or_insert(at);
                    if opens {
                        let kind = if matches!(event, Event::SequenceStart(..)) {
                            Kind::Seq { next: 0 }
                        } else {
                            Kind::Map {
                                key: None,
                                expect_key: true,
                            }
                        };
                        frames.push(Frame { kind, pushed });
                    } else if pushed {
                        path.pop();
                    }
                }
                Role::Key(_) | Role::InKey if opens => {
                    frames.push(Frame {
                        kind: Kind::Key,
                        pushed: false,
                    });
                }
                Role::Key(Some(name)) => {
                    let mut key_path = FieldPath(path.clone());
                    key_path.0.push(Seg::Key(name));
                    out.keys.entry(key_path).or_insert(at);
                }
                Role::Key(None) | Role::InKey => {}
            }
        }
        out
    }

    /// Where `path` is: the 1-based line and column of its value, or of its
    /// key when `on_key`. Falls back to the nearest enclosing field that
    /// exists, and to the document start.
    pub fn locate(&self, path: &FieldPath, on_key: bool) -> (usize, usize) {
        let mut path = path.clone();
        let mut on_key = on_key;
        loop {
            let found = if on_key {
                self.keys.get(&path)
            } else {
                self.values.get(&path)
            };
            if let (Some(&position), false) = (found, path.0.is_empty()) {
                return position;
            }
            if path.0.pop().is_none() {
                return (1, 1);
            }
            on_key = false;
        }
    }
}

/// Reads `text` for what would make parsing it costly: nesting deeper than
/// [`MAX_DEPTH`], aliases repeating more than [`MAX_ALIAS_EXPANSION`]
/// bytes. Syntax errors are left to serde_yaml, which names them as users
/// know them.
pub fn prescan(text: &str) -> Result<(), SyntaxError> {
    let mut depth = 0usize;
    // The size of each anchored node, by anchor id, once it is read; and
    // the anchored nodes being read, with their size so far.
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    let mut open: Vec<(usize, usize, usize)> = Vec::new();
    let mut added = 0usize;
    let too_deep = |line, column| SyntaxError {
        message: format!("lists and mappings nest more than {MAX_DEPTH} levels deep"),
        line,
        column,
        hint: Some("write the value with less nesting"),
    };
    for event in Parser::new_from_str(text) {
        let (event, span) = match event {
            Ok(event) => event,
            // The scanner's own bound on nesting, met before any event
            // that deep.
            Err(e) if e.info().contains("recursion limit") => {
                return Err(too_deep(e.marker().line(), e.marker().col() + 1));
            }
            Err(_) => return Ok(()),
        };
        let (line, column) = start(&span);
        let (cost, anchor) = match &event {
            Event::Scalar(value, style, anchor, _) => {
                let quoted = !matches!(style, ScalarStyle::Plain);
                (value.len() + NODE_COST + usize::from(quoted), *anchor)
            }
            Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(too_deep(line, column));
                }
                if *anchor > 0 {
                    open.push((*anchor, depth, 0));
                }
                (NODE_COST, 0)
            }
            Event::SequenceEnd | Event::MappingEnd => {
                if let Some(&(anchor, at, size)) = open.last() {
                    if at == depth {
                        open.pop();
                        sizes.insert(anchor, size);
                        for outer in &mut open {
                            outer.2 += size;
                        }
                    }
                }
                depth = depth.saturating_sub(1);
                continue;
            }
            Event::Alias(anchor) => {
                let size = sizes.get(anchor).copied().unwrap_or(0);
                added += size;
                if added > MAX_ALIAS_EXPANSION {
                    return Err(SyntaxError {
                        message: format!(
                            "its aliases repeat more than {} MiB of values",
                            MAX_ALIAS_EXPANSION / (1024 * 1024)
                        ),
                        line,
                        column,
                        hint: Some("an alias (`*name`) repeats all that its anchor (`&name`) names; write the values out, or alias smaller ones"),
                    });
                }
                (size, 0)
            }
            _ => continue,
        };
        if anchor > 0 {
            sizes.insert(anchor, cost);
        }
        for outer in &mut open {
            outer.2 += cost;
        }
    }
    Ok(())
}

/// Whether `text` could cost more to parse than its size says: only then
/// is it [`prescan`]ned. Deep flow nesting needs many `[` or `{`, and an
/// alias bomb both `&` and `*`.
pub fn needs_prescan(text: &str) -> bool {
    let bytes = text.as_bytes();
    let anchors = memchr::memchr(b'&', bytes).is_some() && memchr::memchr(b'*', bytes).is_some();
    anchors
        || memchr::memchr2_iter(b'[', b'{', bytes)
            .nth(MAX_DEPTH - 1)
            .is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Plain fields are placed in `yaml::tests`; here what `Positions`
    // does beyond them.
    const DOC: &str =
        "d: &x {k: v}\ne: *x\n? [complex]\n: value\nempty:   # TODO\nlist:\n  -\n  - x\nafter: 1\n";

    fn path(s: &[Seg]) -> FieldPath {
        FieldPath(s.to_vec())
    }

    #[test]
    fn anchors_aliases_complex_keys_and_empty_values_are_placed() {
        let k = |s: &str| Seg::Key(s.into());
        let p = Positions::of(DOC);
        assert_eq!(p.locate(&path(&[k("d"), k("k")]), false), (1, 11));
        assert_eq!(p.locate(&path(&[k("d"), k("k")]), true), (1, 8));
        // An alias is a value of its own; what it names is not walked.
        assert_eq!(p.locate(&path(&[k("e")]), false), (2, 4));
        assert_eq!(p.locate(&path(&[k("e"), k("k")]), false), (2, 4));
        // Nothing inside a complex key is a field; the fields after it are.
        assert_eq!(p.locate(&path(&[k("after")]), false), (9, 8));
        // An empty value just after its `:`, as libyaml places it.
        assert_eq!(p.locate(&path(&[k("empty")]), false), (5, 7));
        assert_eq!(p.locate(&path(&[k("list"), Seg::Index(0)]), false), (7, 4));
        assert_eq!(p.locate(&path(&[k("list"), Seg::Index(1)]), false), (8, 5));
    }

    #[test]
    fn deep_nesting_and_alias_bombs_are_refused_where_they_start() {
        let deep = format!("tags: {}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(needs_prescan(&deep));
        let err = prescan(&deep).unwrap_err();
        assert_eq!(err.line, 1);
        assert_eq!(
            err.message,
            "lists and mappings nest more than 100 levels deep"
        );
        let block = format!("tags:\n{}x\n", "- ".repeat(101));
        let err = prescan(&block).unwrap_err();
        assert_eq!((err.line, err.column), (2, 199));
        assert!(prescan(&format!("tags: {}{}", "[".repeat(99), "]".repeat(99))).is_ok());
        let big = "A".repeat(110 * 1024);
        let aliases = vec!["*big"; 10_000].join(", ");
        let bomb = format!("summary: &big \"{big}\"\ntags: [{aliases}]\n");
        assert!(needs_prescan(&bomb));
        let err = prescan(&bomb).unwrap_err();
        assert_eq!(err.line, 2);
        assert!(err.message.contains("16 MiB"), "{}", err.message);
        // Nested anchors count what they hold.
        let nested = "a: &a [x, y]\nb: &b [*a, *a]\nc: [*b, *b]\n";
        assert!(prescan(nested).is_ok());
        assert!(
            !needs_prescan("title: a & b\nsummary: 2 * 3\n") || prescan("title: a & b\n").is_ok()
        );
    }
}
