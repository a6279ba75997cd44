//! Small text utilities shared by every stage: slugs, did-you-mean
//! suggestions, number formatting and escaping for HTML and XML.
//!
//! Nothing here knows about write-ups or the site; it is the bottom layer.

/// A URL- and file-system-safe slug: lowercase ASCII letters, digits and
/// single hyphens. Non-ASCII text is transliterated (via `deunicode`, through
/// the `slug` crate) so "Zürich-DB" becomes "zurich-db", not an empty string.
/// Never returns an empty string, never contains `/`, `.` or `\`.
pub fn slugify(text: &str) -> String {
    let slug = slug::slugify(text);
    if slug.is_empty() {
        "untitled".to_string()
    } else if is_reserved_file_name(&slug) {
        // `con/index.html` cannot be created on Windows.
        format!("{slug}-")
    } else {
        slug
    }
}

/// Names Windows reserves for devices, in any case and with any extension.
fn is_reserved_file_name(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or("").to_ascii_lowercase();
    matches!(stem.as_str(), "con" | "prn" | "aux" | "nul")
        || ((stem.starts_with("com") || stem.starts_with("lpt"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit())
}

/// The key under which two names count as the same taxonomy term:
/// case-folded, with runs of white space collapsed.
pub fn fold_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Longest word a did-you-mean is looked for: a longer one is no typo of a
/// name, and comparing it with every candidate would cost its length each.
const MAX_SUGGESTED_CHARS: usize = 256;

/// The candidate closest to `word`, if it is close enough to be a likely
/// typo (Levenshtein distance, from `strsim`, at most a third of the
/// candidate's length, and at least 2 allowed).
pub fn did_you_mean<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let length = word.chars().count();
    if length > MAX_SUGGESTED_CHARS {
        return None;
    }
    let word = word.to_lowercase();
    candidates
        .iter()
        // The distance is at least the difference in length.
        .filter(|c| length.abs_diff(c.chars().count()) <= 2.max(c.len() / 3))
        .map(|c| (strsim::levenshtein(&word, &c.to_lowercase()), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// `1234567` -> `"1,234,567"`.
pub fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// "1 incident", "2 incidents".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// Escapes text for HTML element content and attribute values.
pub fn escape_html(text: &str) -> String {
    escape(text, false)
}

/// Escapes text for XML and drops the characters XML 1.0 cannot carry at
/// all (most C0 controls, lone surrogates cannot occur in a `str`, U+FFFE/F).
pub fn escape_xml(text: &str) -> String {
    escape(text, true)
}

/// [`escape_html`], or with `xml` [`escape_xml`]. The runs between the
/// bytes to replace are copied whole: escaping is on the path of every
/// page, feed and template value. Every replaced byte starts a character
/// (ASCII, or the 0xEF of U+FFFE and U+FFFF), so the slices fall on
/// character boundaries.
fn escape(text: &str, xml: bool) -> String {
    // The bytes that may need replacing, for a tight loop over the others:
    // in XML also the C0 controls but tab, line feed and carriage return,
    // and 0xEF, which starts U+FFFE and U+FFFF.
    const fn table(xml: bool) -> [bool; 256] {
        let mut t = [false; 256];
        let mut b = 0;
        while b < 256 {
            let control = b < 0x20 && !matches!(b as u8, b'\t' | b'\n' | b'\r');
            t[b] = matches!(b as u8, b'&' | b'<' | b'>' | b'"' | b'\'')
                || (xml && (control || b == 0xEF));
            b += 1;
        }
        t
    }
    const HTML: [bool; 256] = table(false);
    const XML: [bool; 256] = table(true);
    let special = if xml { &XML } else { &HTML };
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + text.len() / 32 + 8);
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        if !special[usize::from(bytes[at])] {
            at += 1;
            continue;
        }
        let (with, len) = match bytes[at] {
            b'&' => ("&amp;", 1),
            b'<' => ("&lt;", 1),
            b'>' => ("&gt;", 1),
            b'"' => ("&quot;", 1),
            b'\'' if xml => ("&apos;", 1),
            b'\'' => ("&#39;", 1),
            b if b < 0x20 => ("", 1),
            // U+FFFE and U+FFFF; other characters from U+F000 up stay.
            0xEF if bytes.get(at + 1) == Some(&0xBF)
                && matches!(bytes.get(at + 2), Some(0xBE | 0xBF)) =>
            {
                ("", 3)
            }
            _ => {
                at += 1;
                continue;
            }
        };
        out.push_str(&text[copied..at]);
        out.push_str(with);
        at += len;
        copied = at;
    }
    out.push_str(&text[copied..]);
    out
}

/// True for URLs that must never become live links: they run code or embed
/// content where a reader expects a navigation.
pub fn is_dangerous_url(url: &str) -> bool {
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_whitespace() && !c.is_control())
        .take(16)
        .collect::<String>()
        .to_ascii_lowercase();
    ["javascript:", "vbscript:", "data:"]
        .iter()
        .any(|scheme| cleaned.starts_with(scheme))
}

/// Collapses runs of white space into single spaces and trims the ends.
pub fn squash_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// At most `max` characters of `text`, cut at a word boundary, with an
/// ellipsis when anything was cut.
pub fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if space > max / 2 => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

/// Decodes `%XX` escapes (with `percent-encoding`); `None` when an escape
/// is malformed or the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    // The crate keeps a `%` without two hex digits as it is; a path with
    // one is refused here, as no link a browser makes has it.
    let malformed = s.match_indices('%').any(|(i, _)| {
        !s.get(i + 1..i + 3)
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
    });
    if malformed {
        return None;
    }
    percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .ok()
        .map(|decoded| decoded.into_owned())
}

/// All but the unreserved characters of RFC 3986.
const NOT_UNRESERVED: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// Percent-encodes all but the unreserved characters of RFC 3986, for a
/// value placed in a URL (a ticket id in `ticket_url`).
pub fn percent_encode(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, NOT_UNRESERVED).to_string()
}

/// The 1-based line and column (in characters) of byte `offset` in `text`.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

/// A path as shown in messages: relative to the site root when inside it,
/// with `/` separators.
pub fn display_path(root: &std::path::Path, path: &std::path::Path) -> String {
    let shown = path.strip_prefix(root).unwrap_or(path);
    let shown = shown.strip_prefix(".").unwrap_or(shown);
    shown.to_string_lossy().replace('\\', "/")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_safe_and_readable() {
        assert_eq!(slugify("Zürich DB outage"), "zurich-db-outage");
        assert_eq!(slugify("../../etc/passwd"), "etc-passwd");
        assert_eq!(slugify("C++ & Rust"), "c-rust");
        assert_eq!(slugify("!!!"), "untitled");
        assert_eq!(slugify("日本"), "ri-ben");
        assert_eq!(slugify("CON"), "con-");
        assert_eq!(slugify("lpt1"), "lpt1-");
        assert_eq!(slugify("console"), "console");
        assert_eq!(slugify("a\u{0}b\n/c"), "a-b-c");
    }

    #[test]
    fn suggestions_find_typos() {
        assert_eq!(
            did_you_mean("sevrity", &["severity", "services"]),
            Some("severity")
        );
        assert_eq!(did_you_mean("zzzzzz", &["severity", "services"]), None);
        // Candidates of another length are passed over, not lost.
        assert_eq!(
            did_you_mean(
                "Europe/Copenhagn",
                &["UTC", "Europe/Copenhagen", "Asia/Tokyo"]
            ),
            Some("Europe/Copenhagen")
        );
        // A word longer than any name is no typo of one.
        let long = format!("Europe/{}", "x".repeat(4 * 1024 * 1024));
        assert_eq!(did_you_mean(&long, &["Europe/Copenhagen"]), None);
    }

    #[test]
    fn numbers_get_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(plural(1, "tag", "tags"), "1 tag");
        assert_eq!(plural(1000, "tag", "tags"), "1,000 tags");
    }

    #[test]
    fn escaping_matches_the_character_by_character_rules() {
        let reference = |text: &str, xml: bool| -> String {
            let mut out = String::new();
            for ch in text.chars() {
                match ch {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '"' => out.push_str("&quot;"),
                    '\'' if xml => out.push_str("&apos;"),
                    '\'' => out.push_str("&#39;"),
                    '\t' | '\n' | '\r' => out.push(ch),
                    c if xml && ((c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}') => {}
                    _ => out.push(ch),
                }
            }
            out
        };
        for text in [
            "",
            "plain",
            "<a href=\"x\">Tom & Jerry's</a>",
            "Zürich \u{FFFD}\u{FFFE}\u{FFFF}\u{F000}\u{EFFF}\u{1F600} end\u{FFFE}",
            "\u{1}\u{8}\t\n\r\u{1f}x\u{7f}",
            "\u{FFFF}",
            "ends with <",
        ] {
            assert_eq!(escape_html(text), reference(text, false), "{text:?}");
            assert_eq!(escape_xml(text), reference(text, true), "{text:?}");
        }
    }

    #[test]
    fn xml_escape_drops_invalid_characters() {
        assert_eq!(escape_xml("a]]>&\u{1}b"), "a]]&gt;&amp;b");
    }

    #[test]
    fn dangerous_urls_are_recognised() {
        assert!(is_dangerous_url("javascript:alert(1)"));
        assert!(is_dangerous_url(" JaVa\tScript:alert(1)"));
        assert!(is_dangerous_url("data:text/html,x"));
        assert!(!is_dangerous_url("https://example.com/javascript:"));
        assert!(!is_dangerous_url("../other.md"));
    }

    #[test]
    fn percent_coding_round_trips() {
        assert_eq!(percent_decode("a%20b%2Fc").as_deref(), Some("a b/c"));
        assert_eq!(percent_decode("%zz"), None);
        assert_eq!(percent_decode("%e2%82"), None);
        assert_eq!(percent_encode("OPS 2/ä"), "OPS%202%2F%C3%A4");
    }

    #[test]
    fn truncation_cuts_at_words() {
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(
            truncate_words("the quick brown fox jumps", 12),
            "the quick…"
        );
    }
}
