//! Where a Markdown text's prose is: the byte ranges of its words as a
//! reader reads them, without code (blocks or spans), raw HTML, link
//! targets or the Markdown around them. What `check` reads for its
//! language rules.

use super::options;
use pulldown_cmark::{Event, LinkType, Parser, Tag, TagEnd};
use std::ops::Range;

/// The prose of `text`, as ranges of its source. A range runs across line
/// breaks and emphasis inside one paragraph, heading, list item or cell,
/// so that a phrase broken over two lines is one; it ends at anything
/// else between two words. The words of raw HTML blocks are not read.
pub fn prose_ranges(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    // Whether the next text may extend the last range.
    let mut joined = false;
    // Inside code, or an autolink, whose text is its target.
    let mut code = 0usize;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(_))
            | Event::Start(Tag::Link {
                link_type: LinkType::Autolink | LinkType::Email,
                ..
            }) => code += 1,
            Event::End(TagEnd::Link) if code > 0 => code -= 1,
            Event::End(TagEnd::CodeBlock) => {
                code = code.saturating_sub(1);
                joined = false;
            }
            Event::Text(_) if code == 0 => {
                match out.last_mut() {
                    Some(last)
                        if joined
                            && last.end <= range.start
                            && crate::phrases::is_gap(&text[last.end..range.start]) =>
                    {
                        last.end = range.end
                    }
                    _ => out.push(range),
                }
                joined = true;
            }
            Event::SoftBreak
            | Event::HardBreak
            | Event::Start(Tag::Emphasis | Tag::Strong | Tag::Strikethrough)
            | Event::End(TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough) => {}
            _ => joined = false,
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prose(text: &str) -> Vec<&str> {
        prose_ranges(text).into_iter().map(|r| &text[r]).collect()
    }

    #[test]
    fn code_html_and_link_targets_are_not_prose() {
        let text = "It was *human*\nerror, see [the log](human-error.html) and `blame` <https://x.org/blame>.\n\n\
                    ```\nblame\n```\n\n<div>\ncareless\n</div>\n\nAn <b>inline</b> tag\n";
        assert_eq!(
            prose(text),
            [
                "It was *human*\nerror, see ",
                "the log",
                " and ",
                " ",
                ".",
                "An ",
                "inline",
                " tag"
            ]
        );
    }

    #[test]
    fn blocks_are_apart() {
        assert_eq!(
            prose("# Human\n\nerror\n\n- a\n- b\n"),
            ["Human", "error", "a", "b"]
        );
    }
}
