//! A source document read once into sections: each heading with the blocks
//! under it (paragraphs, lists and their items, tables, code, raw HTML), every
//! piece with its byte range in the text, so that recognizers work on
//! structure and the report can name the line a guess came from.

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use std::ops::Range;

/// One block at the top level of a section.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    pub range: Range<usize>,
}

#[derive(Debug, Clone)]
pub enum BlockKind {
    Paragraph,
    /// A list; each item's range in the text.
    List(Vec<Range<usize>>),
    /// A table: the header cells' text, then each row's.
    Table(Vec<String>, Vec<Vec<String>>),
    Other,
}

/// A heading and what follows it up to the next heading.
#[derive(Debug, Clone)]
pub struct Section {
    /// 0 for the text before the first heading.
    pub level: usize,
    /// The heading's text (without markup), and its range.
    pub title: String,
    pub heading: Option<Range<usize>>,
    pub blocks: Vec<Block>,
}

/// A document as sections, over its text.
pub struct Document<'t> {
    pub text: &'t str,
    pub sections: Vec<Section>,
    line_starts: Vec<usize>,
    /// Lines of the file before `text` (a foreign front matter).
    lines_before: usize,
    /// The link reference definitions (`[label]: url`), by label in lower
    /// case.
    refs: std::collections::HashMap<String, String>,
}

fn level(l: HeadingLevel) -> usize {
    match l {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

impl<'t> Document<'t> {
    pub fn parse(text: &'t str) -> Document<'t> {
        let mut sections = vec![Section {
            level: 0,
            title: String::new(),
            heading: None,
            blocks: Vec::new(),
        }];
        let options = Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_FOOTNOTES;
        let mut depth = 0usize;
        let mut heading: Option<(usize, Range<usize>, String)> = None;
        let mut items: Vec<Range<usize>> = Vec::new();
        let mut table: Option<(Vec<String>, Vec<Vec<String>>, bool)> = None;
        let mut cell = String::new();
        let mut list_depth = 0usize;
        let parser = Parser::new_ext(text, options);
        let refs = parser
            .reference_definitions()
            .iter()
            .map(|(label, def)| (label.to_lowercase(), def.dest.to_string()))
            .collect();
        for (event, range) in parser.into_offset_iter() {
            match &event {
                Event::Start(tag) => {
                    if depth == 0 {
                        match tag {
                            Tag::Heading { level: l, .. } => {
                                heading = Some((level(*l), range.clone(), String::new()))
                            }
                            Tag::Table(_) => table = Some((Vec::new(), Vec::new(), true)),
                            _ => {}
                        }
                    }
                    match tag {
                        Tag::List(_) => list_depth += 1,
                        Tag::Item if list_depth == 1 => items.push(range.clone()),
                        Tag::TableHead => {
                            if let Some(t) = &mut table {
                                t.2 = true;
                            }
                        }
                        Tag::TableRow => {
                            if let Some(t) = &mut table {
                                t.2 = false;
                                t.1.push(Vec::new());
                            }
                        }
                        Tag::TableCell => cell.clear(),
                        _ => {}
                    }
                    depth += 1;
                }
                Event::End(end) => {
                    depth = depth.saturating_sub(1);
                    match end {
                        TagEnd::List(_) => list_depth = list_depth.saturating_sub(1),
                        TagEnd::TableCell => {
                            if let Some(t) = &mut table {
                                let text = cell.trim().to_string();
                                if t.2 {
                                    t.0.push(text);
                                } else if let Some(row) = t.1.last_mut() {
                                    row.push(text);
                                }
                            }
                        }
                        _ => {}
                    }
                    if depth == 0 {
                        let section = sections.last_mut().expect("a section");
                        match end {
                            TagEnd::Heading(_) => {
                                if let Some((level, range, title)) = heading.take() {
                                    sections.push(Section {
                                        level,
                                        title: title.trim().to_string(),
                                        heading: Some(range),
                                        blocks: Vec::new(),
                                    });
                                }
                            }
                            TagEnd::Paragraph => section.blocks.push(Block {
                                kind: BlockKind::Paragraph,
                                range,
                            }),
                            TagEnd::List(_) => section.blocks.push(Block {
                                kind: BlockKind::List(std::mem::take(&mut items)),
                                range,
                            }),
                            TagEnd::Table => {
                                let (head, rows, _) = table.take().unwrap_or_default();
                                section.blocks.push(Block {
                                    kind: BlockKind::Table(head, rows),
                                    range,
                                })
                            }
                            _ => section.blocks.push(Block {
                                kind: BlockKind::Other,
                                range,
                            }),
                        }
                    }
                }
                Event::Text(t) | Event::Code(t) => {
                    if let Some((_, _, title)) = &mut heading {
                        title.push_str(t);
                    }
                    if table.is_some() {
                        cell.push_str(t);
                    }
                }
                Event::Html(_) | Event::InlineHtml(_) if depth == 0 => {
                    sections.last_mut().expect("a section").blocks.push(Block {
                        kind: BlockKind::Other,
                        range,
                    })
                }
                Event::Rule if depth == 0 => {
                    sections.last_mut().expect("a section").blocks.push(Block {
                        kind: BlockKind::Other,
                        range,
                    })
                }
                _ => {}
            }
        }
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Document {
            text,
            sections,
            line_starts,
            lines_before: 0,
            refs,
        }
    }

    /// The document of a file's text after `lines_before` lines.
    pub fn parse_after(text: &'t str, lines_before: usize) -> Document<'t> {
        Document {
            lines_before,
            ..Document::parse(text)
        }
    }

    /// The address a link reference names (`[#2739]` with `[#2739]: url`).
    pub fn reference(&self, label: &str) -> Option<String> {
        self.refs.get(&label.to_lowercase()).cloned()
    }

    /// The 1-based line of a byte offset.
    pub fn line(&self, offset: usize) -> usize {
        self.lines_before + self.line_starts.partition_point(|&s| s <= offset)
    }

    /// The source of a range, trimmed.
    pub fn source(&self, range: &Range<usize>) -> &'t str {
        self.text[range.clone()].trim()
    }

    /// The sections under `index` (deeper headings), by index.
    pub fn children(&self, index: usize) -> Vec<usize> {
        let level = self.sections[index].level;
        (index + 1..self.sections.len())
            .take_while(|&i| self.sections[i].level > level || level == 0)
            .collect()
    }
}

/// A list item's text without its marker (`- `, `1. `, `* [ ] `).
pub fn item_text(source: &str) -> &str {
    let s = source.trim_start();
    let s = s
        .strip_prefix("- ")
        .or_else(|| s.strip_prefix("* "))
        .or_else(|| s.strip_prefix("+ "))
        .unwrap_or_else(|| {
            let digits = s.bytes().take_while(u8::is_ascii_digit).count();
            if digits > 0 && matches!(s.as_bytes().get(digits), Some(b'.' | b')')) {
                &s[digits + 1..]
            } else {
                s
            }
        });
    s.trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_hold_their_blocks_with_lines() {
        let text = "Title\n=====\n\nIntro.\n\n## Timeline\n\n- **16:58 UTC** - a\n- **17:02 UTC** - b\n\n| Time in CET | Event |\n|---|---|\n| 00:30 | x |\n";
        let doc = Document::parse(text);
        assert_eq!(doc.sections.len(), 3);
        assert_eq!(
            (doc.sections[1].level, doc.sections[1].title.as_str()),
            (1, "Title")
        );
        let timeline = &doc.sections[2];
        assert_eq!(timeline.title, "Timeline");
        let BlockKind::List(items) = &timeline.blocks[0].kind else {
            panic!()
        };
        assert_eq!(item_text(doc.source(&items[1])), "**17:02 UTC** - b");
        assert_eq!(doc.line(items[1].start), 9);
        let BlockKind::Table(head, rows) = &timeline.blocks[1].kind else {
            panic!()
        };
        assert_eq!(head, &["Time in CET", "Event"]);
        assert_eq!(rows, &[vec!["00:30".to_string(), "x".to_string()]]);
    }
}
