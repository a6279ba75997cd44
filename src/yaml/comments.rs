//! Text that YAML silently drops: in a plain (unquoted) value, ` #` starts
//! a comment, so `event: see issue #1094 for details` is read as
//! "see issue". Comments that read like text (`#` directly followed by a
//! word, as in ticket references and channel names) are found here, line by
//! line, so that `check` can warn; a comment written as one (`# note`) is
//! left alone.

/// A plain value cut short by a comment that reads like text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cut {
    /// 1-based line and column of the `#` in the YAML text.
    pub line: usize,
    pub column: usize,
    /// The key on that line, if any.
    pub key: Option<String>,
    /// What the value keeps, and the whole line's value as written.
    pub kept: String,
    pub written: String,
}

/// Where a quoted scalar that goes on over lines closes.
#[derive(Clone, Copy)]
enum Open {
    Nothing,
    Quote(u8),
    /// A `|` or `>` block whose key is indented this much.
    Block(usize),
}

/// The end of a quoted scalar that starts at `at` (its quote), if on the
/// line: the index after the closing quote.
fn quote_end(text: &[u8], at: usize, quote: u8) -> Option<usize> {
    scan_to_quote(text, at + 1, quote).map(|close| close + 1)
}

/// The index of the quote that closes a scalar, looking from `from`.
fn scan_to_quote(text: &[u8], from: usize, quote: u8) -> Option<usize> {
    let mut i = from;
    while i < text.len() {
        match text[i] {
            b'\\' if quote == b'"' => i += 2,
            b'\'' if quote == b'\'' && text.get(i + 1) == Some(&b'\'') => i += 2,
            c if c == quote => return Some(i),
            _ => i += 1,
        }
    }
    None
}

/// Where ` #` starts a comment in a plain value or a flow (`[a, b] #c`).
fn comment_start(value: &str) -> Option<usize> {
    let bytes = value.as_bytes();
    if bytes.first() == Some(&b'#') {
        return Some(0);
    }
    let flow = matches!(bytes.first(), Some(b'[' | b'{'));
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            q @ (b'"' | b'\'') if flow && (i == 0 || b"[{, ".contains(&bytes[i - 1])) => {
                i = quote_end(bytes, i, q).unwrap_or(bytes.len());
                continue;
            }
            b'#' if i > 0 && (bytes[i - 1] == b' ' || bytes[i - 1] == b'\t') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// The key of a line's content (`event: x`), and where its value starts.
fn split_key(content: &str) -> (Option<&str>, usize) {
    let bytes = content.as_bytes();
    if matches!(bytes.first(), Some(b'"' | b'\'' | b'[' | b'{' | b'#')) {
        return (None, 0);
    }
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'#' && i > 0 && bytes[i - 1] == b' ' {
            break;
        }
        if bytes[i] == b':'
            && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\t')
        {
            let value = content[i + 1..].len() - content[i + 1..].trim_start().len();
            return (Some(content[..i].trim_end()), i + 1 + value);
        }
        i += 1;
    }
    (None, 0)
}

/// Every plain value in `yaml` cut by a comment that starts with `#` and
/// a non-space.
pub fn cuts(yaml: &str) -> Vec<Cut> {
    let mut found = Vec::new();
    // Most front matter has no `#` at all.
    if !yaml.contains('#') {
        return found;
    }
    let mut open = Open::Nothing;
    for (n, line) in yaml.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let mut content = &line[indent..];
        match open {
            Open::Block(key_indent) => {
                if content.trim().is_empty() || indent > key_indent {
                    continue;
                }
                open = Open::Nothing;
            }
            Open::Quote(q) => {
                if scan_to_quote(content.as_bytes(), 0, q).is_some() {
                    open = Open::Nothing;
                }
                continue;
            }
            Open::Nothing => {}
        }
        let mut column = indent;
        // Sequence markers: `- `, `- - `.
        while content.starts_with("- ") || content == "-" {
            let step = if content == "-" { 1 } else { 2 };
            let after = &content[step..];
            let spaces = after.len() - after.trim_start().len();
            column += step + spaces;
            content = after.trim_start();
        }
        let (key, value_at) = split_key(content);
        let value = content[value_at..].trim_end();
        column += value_at;
        let bytes = value.as_bytes();
        match bytes.first() {
            None => continue,
            Some(&q @ (b'"' | b'\'')) => {
                if quote_end(bytes, 0, q).is_none() {
                    open = Open::Quote(q);
                }
                continue;
            }
            Some(b'|' | b'>') => {
                open = Open::Block(indent);
                continue;
            }
            _ => {}
        }
        let Some(hash) = comment_start(value) else {
            continue;
        };
        // `#` then a word: text, not a note to the reader.
        let reads_like_text = value[hash + 1..]
            .chars()
            .next()
            .is_some_and(|c| !c.is_whitespace() && c != '#');
        // A line that is all comment (`# note`) has no value to cut.
        if !reads_like_text || (key.is_none() && hash == 0 && value_at == 0 && column == indent) {
            continue;
        }
        found.push(Cut {
            line: n + 1,
            column: line[..column + hash].chars().count() + 1,
            key: key.map(str::to_string),
            kept: value[..hash].trim_end().to_string(),
            written: value.to_string(),
        });
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(yaml: &str) -> Vec<(usize, usize, String)> {
        cuts(yaml)
            .into_iter()
            .map(|c| (c.line, c.column, c.kept))
            .collect()
    }

    #[test]
    fn comments_that_read_like_text_are_found() {
        let yaml = "title: Lag\ntimeline:\n  - at: 17:20\n    event: see issue #1094 for details\n  - ticket: #1094\nsummary: Posted in #incidents\ntags: [db] #postgres\n";
        let found = cuts(yaml);
        assert_eq!(found.len(), 4, "{found:?}");
        assert_eq!((found[0].line, found[0].column), (4, 22));
        assert_eq!(found[0].key.as_deref(), Some("event"));
        assert_eq!(found[0].kept, "see issue");
        assert_eq!(found[0].written, "see issue #1094 for details");
        assert_eq!(
            (found[1].line, found[1].column, found[1].kept.as_str()),
            (5, 13, "")
        );
        assert_eq!(found[2].kept, "Posted in");
        assert_eq!(found[3].kept, "[db]");
    }

    #[test]
    fn real_comments_quotes_and_blocks_are_left_alone() {
        let yaml = "# a note\ntitle: Lag # the short name\nseverity: SEV2  ## see policy\nevent: \"see #1094\"\nlesson: 'it''s #1'\nsummary: |\n  Posted in #incidents\n  and #ops\nnext: \"multi\n  line #12\"\nurl: https://x.org/#frag\nlist:\n  - a#b\n";
        assert_eq!(texts(yaml), vec![]);
    }
}
