//! A memo of syntect's line parses, keyed by the parser state before the
//! line and the line itself. syntect's `ParseState` is designed to be kept
//! and compared for this (it is `Clone + Eq`): the same line met in the
//! same state parses to the same scope operations and the same next state,
//! so a line that recurs across code blocks (a shebang, `set -euo
//! pipefail`, `metadata:`, a query pasted into many write-ups) is parsed
//! once per thread instead of once per block.
//!
//! A line is remembered only from its second sighting on: the first leaves
//! just a 64-bit hash, so lines that never recur (most of a log or a stack
//! trace) cost 8 bytes each, not a copy of two parser states. The memo is
//! per thread (rayon's threads live for the process, so `serve` keeps it)
//! and bounded: a full memo keeps what it has and adds nothing more, and
//! the hashes of lines seen once start afresh when they pass their bound.

use rustc_hash::{FxHashMap, FxHashSet, FxHasher};
use std::cell::RefCell;
use std::fmt::Write as _;
use std::hash::Hasher;
use syntect::parsing::{ParseState, ParsingError, ScopeStackOp, SyntaxSet};

/// Parses remembered per thread; about 1 KB each.
const MAX_ENTRIES: usize = 100_000;
/// Lines seen once per thread, 8 bytes each.
const MAX_SEEN: usize = 2_000_000;

pub type Ops = Vec<(usize, ScopeStackOp)>;

struct Entry {
    before: ParseState,
    line: Box<str>,
    after: ParseState,
    ops: Ops,
}

#[derive(Default)]
struct LineMemo {
    seen: FxHashSet<u64>,
    entries: FxHashMap<u64, Vec<Entry>>,
    len: usize,
    /// Reused for each state's description.
    scratch: String,
}

thread_local! {
    static MEMO: RefCell<LineMemo> = RefCell::new(LineMemo::default());
}

/// What `state.parse_line(line, set)` returns, from the memo when this
/// thread has parsed `line` in an equal state before.
pub fn parse_line(
    state: &mut ParseState,
    line: &str,
    set: &SyntaxSet,
) -> Result<Ops, ParsingError> {
    MEMO.with(|memo| memo.borrow_mut().parse_line(state, line, set))
}

impl LineMemo {
    fn parse_line(
        &mut self,
        state: &mut ParseState,
        line: &str,
        set: &SyntaxSet,
    ) -> Result<Ops, ParsingError> {
        // ParseState has no Hash; its Debug form names every field. A state
        // that holds captured text (a heredoc's delimiter, say) shows the
        // captures' addresses, so it can never be found again: skip it.
        self.scratch.clear();
        let _ = write!(self.scratch, "{state:?}");
        if self.scratch.contains("captures: Some") {
            return state.parse_line(line, set);
        }
        let mut hasher = FxHasher::default();
        hasher.write(self.scratch.as_bytes());
        hasher.write_u8(0xff);
        hasher.write(line.as_bytes());
        let key = hasher.finish();

        if let Some(found) = self.entries.get(&key).and_then(|bucket| {
            bucket
                .iter()
                .find(|e| &*e.line == line && e.before == *state)
        }) {
            *state = found.after.clone();
            return Ok(found.ops.clone());
        }
        let first_sighting = self.seen.insert(key);
        if first_sighting || self.len >= MAX_ENTRIES {
            if self.seen.len() > MAX_SEEN {
                self.seen.clear();
            }
            return state.parse_line(line, set);
        }
        let before = state.clone();
        let ops = state.parse_line(line, set)?;
        self.entries.entry(key).or_default().push(Entry {
            before,
            line: line.into(),
            after: state.clone(),
            ops: ops.clone(),
        });
        self.len += 1;
        Ok(ops)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use syntect::util::LinesWithEndings;

    /// Each line's operations, parsed directly or through the memo.
    fn parse_all(code: &str, lang: &str, memo: bool) -> Vec<Ops> {
        let set = super::super::syntaxes();
        let mut state = ParseState::new(set.find_syntax_by_token(lang).unwrap());
        LinesWithEndings::from(code)
            .map(|line| {
                if memo {
                    parse_line(&mut state, line, set).unwrap()
                } else {
                    state.parse_line(line, set).unwrap()
                }
            })
            .collect()
    }

    #[test]
    fn remembered_lines_parse_as_syntect_parses_them() {
        // The same lines in other states: inside a string, a comment, a
        // heredoc (whose state holds captures), and after each.
        let blocks = [
            (
                "bash",
                "#!/usr/bin/env bash\nset -euo pipefail\necho \"x\"\n",
            ),
            (
                "bash",
                "cat <<EOF\nset -euo pipefail\nEOF\nset -euo pipefail\n",
            ),
            (
                "bash",
                "echo \"\nset -euo pipefail\n\"\nset -euo pipefail\n",
            ),
            (
                "python",
                "x = '''\nreturn fn()\n'''\nreturn fn()\n# return fn()\n",
            ),
            ("python", "def f():\n    return fn()\n"),
        ];
        for _ in 0..3 {
            for (lang, code) in blocks {
                assert_eq!(
                    parse_all(code, lang, true),
                    parse_all(code, lang, false),
                    "{code}"
                );
            }
        }
        let remembered = MEMO.with(|m| m.borrow().len);
        assert!(remembered > 0, "the lines seen again were remembered");
    }
}
