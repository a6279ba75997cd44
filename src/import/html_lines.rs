//! The lines of an HTML document that the report names. Recognizers read
//! the Markdown an HTML page is converted to, so the lines they find are
//! the converted text's; a person opens the HTML file. Each guess's text
//! is found again in the page's visible text (tags left out, entities
//! resolved, whitespace squashed), whose every character knows its line;
//! a guess not found there is shown without a line rather than with a
//! wrong one.

use super::draft::Guess;

/// The text a reader of a page sees, whitespace squashed, with the source
/// line of each byte.
struct Visible {
    text: String,
    lines: Vec<u32>,
}

fn entity(name: &str) -> Option<char> {
    match name {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        "nbsp" => Some(' '),
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => n.parse().ok()?,
            };
            char::from_u32(code)
        }
    }
}

fn visible(html: &str) -> Visible {
    let mut out = Visible {
        text: String::with_capacity(html.len() / 2),
        lines: Vec::with_capacity(html.len() / 2),
    };
    let mut line = 1u32;
    let push = |out: &mut Visible, c: char, line: u32| {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c == ' ' && (out.text.is_empty() || out.text.ends_with(' ')) {
            return;
        }
        out.text.push(c);
        out.lines.extend(std::iter::repeat_n(line, c.len_utf8()));
    };
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    while i < html.len() {
        let rest = &html[i..];
        let c = rest.chars().next().unwrap_or(' ');
        if c == '<' {
            // Text inside script and style is not seen.
            let skip_to = ["script", "style"].iter().find_map(|t| {
                lower[i + 1..]
                    .starts_with(t)
                    .then(|| lower[i..].find(&format!("</{t}")).map(|e| i + e))
                    .flatten()
            });
            let from = skip_to.unwrap_or(i);
            let end = html[from..].find('>').map_or(html.len(), |e| from + e + 1);
            line += html[i..end].matches('\n').count() as u32;
            // A tag separates words.
            push(&mut out, ' ', line);
            i = end;
            continue;
        }
        if c == '&' {
            if let Some(semi) = rest[1..].find(';').filter(|&s| s <= 10) {
                if let Some(decoded) = entity(&rest[1..=semi]) {
                    push(&mut out, decoded, line);
                    i += semi + 2;
                    continue;
                }
            }
        }
        push(&mut out, c, line);
        if c == '\n' {
            line += 1;
        }
        i += c.len_utf8();
    }
    out
}

/// The most searches from the start a document's guesses may cost.
const MAX_SEARCHES: usize = 200;

/// Sets each guess's line to the line of `html` its text is on, or to 0
/// (no line) with the text kept as where it came from.
pub fn relocate(html: &str, guesses: &mut [&mut Guess]) {
    let page = visible(html);
    let mut cursor = 0;
    let mut searches = 0;
    for g in guesses.iter_mut().filter(|g| g.line > 0) {
        // A table row's cells are words apart on the page; a check box is
        // an input, not text.
        let source = g
            .source
            .replace("[x] ", "")
            .replace("[X] ", "")
            .replace("[ ] ", "");
        let plain = super::text::plain(&source).replace('|', " ");
        let plain = crate::text::squash_whitespace(&plain);
        // The text, else its value without the label (`title: "..."`, which
        // the conversion wrote from the page's <title>).
        let value = plain
            .split_once(": ")
            .map(|(_, v)| v.trim_matches('"').to_string());
        let mut found = None;
        // The first words are enough (a truncation is not in the page); fewer
        // of them where the conversion added words after them.
        let short: String = plain.chars().take(24).collect();
        let tries = [
            (plain.clone(), 40),
            (value.unwrap_or_default(), 40),
            (short, 24),
        ];
        for (text, take) in tries {
            let needle: String = text.chars().take(take).collect();
            let needle = needle.trim();
            if needle.chars().count() < 3 {
                continue;
            }
            let finder = memchr::memmem::Finder::new(needle.as_bytes());
            found = finder
                .find(&page.text.as_bytes()[cursor..])
                .map(|at| cursor + at)
                .or_else(|| {
                    searches += 1;
                    (searches <= MAX_SEARCHES)
                        .then(|| finder.find(&page.text.as_bytes()[..cursor]))
                        .flatten()
                });
            if found.is_some() {
                break;
            }
        }
        match found {
            Some(at) => {
                g.line = page.lines[at] as usize;
                cursor = at;
            }
            None => {
                g.line = 0;
                g.source = format!("the converted page: {:?}", g.source);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn guess(line: usize, source: &str) -> Guess {
        Guess {
            field: "f".into(),
            value: "v".into(),
            line,
            source: source.into(),
        }
    }

    #[test]
    fn a_guess_is_found_on_its_html_line() {
        let html = "<html><head><title>Pool change</title>\n<style>p{}</style></head>\n<body>\n<p><span class=\"c4\">Date:\n</span> <span>2024-03-12</span></p>\n<ul><li>Fix &amp; test\nthe pool</li></ul>\n<table><tr><td>2024-03-12 14:02</td><td>Pool lowered</td><td>ana</td></tr></table>\n<ul><li data-inline-task-id=\"1\">Raise the pool limit to 40 <a>Ana</a></li></ul></body></html>";
        let mut date = guess(3, "**Date:** 2024-03-12");
        let mut item = guess(9, "*   Fix & test the pool");
        let mut row = guess(12, "| 2024-03-12 14:02 | Pool lowered | ana |");
        let mut task = guess(
            13,
            "- [x] Raise the pool limit to 40 (owner: Ana, due 2024-03-20)",
        );
        let mut lost = guess(5, "Words the page does not have");
        let mut none = guess(0, "the file name");
        let mut title = guess(2, "title: \"Pool change\"");
        relocate(
            html,
            &mut [
                &mut date, &mut item, &mut lost, &mut none, &mut title, &mut row, &mut task,
            ],
        );
        assert_eq!((row.line, task.line), (8, 9));
        assert_eq!(title.line, 1);
        assert_eq!(date.line, 4);
        assert_eq!(item.line, 6);
        assert_eq!(
            (lost.line, lost.source.as_str()),
            (0, "the converted page: \"Words the page does not have\"")
        );
        assert_eq!((none.line, none.source.as_str()), (0, "the file name"));
    }
}
