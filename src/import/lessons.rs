//! Lessons (What went well / What went wrong or poorly / Where we got lucky,
//! with or without ✅ ❌ and question marks; Problems encountered and
//! Contributing factors count as went wrong; Lessons learned and Key
//! takeaways, which do not sort them, as what was learned), as list items,
//! paragraphs or marked paragraphs, and a list after a sentence that
//! announces lessons.

use super::document::{item_text, BlockKind, Document};
use super::draft::Draft;

/// The lessons list a heading names: `went_well`, `went_wrong`, `lucky`,
/// or `learned` for lessons a document does not sort.
fn kind_of(title: &str) -> Option<&'static str> {
    let t: String = title
        .to_lowercase()
        .replace('’', "'")
        .chars()
        .filter(|c| c.is_alphanumeric() || c.is_whitespace() || *c == '\'')
        .collect();
    let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
    use super::vocab::{LEARNED, LUCKY, WENT_WELL, WENT_WRONG};
    [
        (WENT_WELL, "went_well"),
        (WENT_WRONG, "went_wrong"),
        (LUCKY, "lucky"),
        (LEARNED, "learned"),
    ]
    .into_iter()
    .find(|(names, _)| names.contains(&t.as_str()))
    .map(|(_, kind)| kind)
}

/// A mark before a lesson that sorts it: ✅ went well, ❌ went wrong.
fn marked(text: &str) -> Option<&'static str> {
    let t = text.trim_start();
    if t.starts_with('✅') || t.starts_with("✔") || t.starts_with(":white_check_mark:") {
        Some("went_well")
    } else if t.starts_with('❌') || t.starts_with("✖") || t.starts_with(":x:") {
        Some("went_wrong")
    } else {
        None
    }
}

/// A paragraph that says the list after it holds the lessons (`The
/// lessons we take away are as follows:`).
fn lessons_lead_in(text: &str) -> bool {
    let t = text.trim_end().to_lowercase();
    t.ends_with(':')
        && ["lesson", "takeaway", "learned", "learnt", "learning"]
            .iter()
            .any(|w| t.contains(w))
}

fn push(d: &mut Draft, kind: &str, text: String) {
    match kind {
        "went_well" => d.went_well.push(text),
        "went_wrong" => d.went_wrong.push(text),
        "lucky" => d.lucky.push(text),
        _ => d.learned.push(text),
    }
}

/// A lesson's text as the page shows it, without its sorting mark.
fn lesson_text(source: &str) -> String {
    let plain = super::text::plain(source);
    plain
        .trim_start_matches(['✅', '✔', '❌', '✖', '\u{fe0f}', ' '])
        .trim()
        .to_string()
}

pub fn lessons(doc: &Document, d: &mut Draft) {
    for (i, section) in doc.sections.iter().enumerate() {
        let kind = kind_of(&section.title);
        // Lessons under a heading that sorts them into children are those
        // children's; what stands before them is an introduction, but for
        // a list.
        let sorted_children = doc
            .children(i)
            .iter()
            .any(|&c| kind_of(&doc.sections[c].title).is_some_and(|k| k != "learned"));
        let mut all = kind.is_some();
        let mut lead_in = false;
        for (b, block) in section.blocks.iter().enumerate() {
            let source = doc.source(&block.range);
            let take_list = kind.is_some() || lead_in;
            lead_in = false;
            match &block.kind {
                BlockKind::List(items) if take_list => {
                    let kind = kind.unwrap_or("learned");
                    let mut whole = true;
                    for r in items {
                        let source = doc.source(r);
                        let text = lesson_text(item_text(source));
                        whole &= !source.contains("\n\n");
                        let kind = marked(item_text(source)).unwrap_or(kind);
                        d.guess(&format!("lessons.{kind}"), &text, doc.line(r.start), source);
                        push(d, kind, text);
                    }
                    if whole {
                        d.taken.push(block.range.clone());
                    } else {
                        all = false;
                    }
                }
                BlockKind::Paragraph => {
                    let next_is_list = matches!(
                        section.blocks.get(b + 1).map(|n| &n.kind),
                        Some(BlockKind::List(_))
                    );
                    if lessons_lead_in(source)
                        || (kind.is_some() && source.trim_end().ends_with(':') && next_is_list)
                    {
                        lead_in = true;
                        all = false;
                        continue;
                    }
                    // Paragraphs are the lessons of a section without a
                    // list; beside a list they introduce or comment it.
                    let has_list = section
                        .blocks
                        .iter()
                        .any(|b| matches!(b.kind, BlockKind::List(_)));
                    let own = match kind {
                        Some("learned") => !sorted_children && !has_list,
                        Some(_) => !has_list,
                        None => false,
                    };
                    let Some(kind) = marked(source)
                        .or(kind)
                        .filter(|_| own || marked(source).is_some() && kind.is_some())
                    else {
                        all = false;
                        continue;
                    };
                    let text = lesson_text(source);
                    d.guess(
                        &format!("lessons.{kind}"),
                        &text,
                        doc.line(block.range.start),
                        source,
                    );
                    push(d, kind, text);
                    d.taken.push(block.range.clone());
                }
                _ => all = false,
            }
        }
        if all && !section.blocks.is_empty() {
            if let Some(h) = &section.heading {
                d.taken.push(h.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Draft {
        let doc = Document::parse(text);
        let mut d = Draft::default();
        lessons(&doc, &mut d);
        d
    }

    #[test]
    fn lesson_headings_in_their_shapes() {
        let d = read("## Lessons Learned\n\nWe learned a lot.\n\n### ✅ What went well?\n\n- Backups existed\n\n### ❌ What could have gone better?\n\n- Alerts were late\n\n#### Where we got lucky\n\n- A colleague had a copy\n\n## Contributing Factors\n\n- Priority classes missing\n\nSome prose stays.\n");
        assert_eq!(d.went_well, ["Backups existed"]);
        assert_eq!(
            d.went_wrong,
            ["Alerts were late", "Priority classes missing"]
        );
        assert_eq!(d.lucky, ["A colleague had a copy"]);
        // Three whole sections and the list of the fourth (whose prose stays).
        assert_eq!(d.taken.len(), 7);
        assert_eq!(kind_of("Key insights"), Some("learned"));
        assert_eq!(kind_of("Insights:"), Some("learned"));
    }

    #[test]
    fn lessons_as_paragraphs_marks_and_unsorted_takeaways() {
        let d = read("## Lessons learned\n\n- Keep the runbook next to the alert\n- Rehearse the restore\n\n### What went well\n\nThe restore was quick once it started.\n\n### What went poorly\n\nNobody could reach the registrar.\n\n### Mixed\n\n✅ **Fast rollback** – it took two minutes\n\n❌ **Late page** – the alert waited an hour\n\n## Afterwards\n\nThe lessons we take away are these:\n\n- Expire tokens\n- Build from clean checkouts\n\n## Key takeaways\n\n1. **Small nodes hurt** – pods were packed too tightly\n2. **Test under load** – staging never saw this\n");
        assert_eq!(d.went_well, ["The restore was quick once it started."]);
        assert_eq!(d.went_wrong, ["Nobody could reach the registrar."]);
        assert_eq!(
            d.learned,
            [
                "Keep the runbook next to the alert",
                "Rehearse the restore",
                "Expire tokens",
                "Build from clean checkouts",
                "Small nodes hurt – pods were packed too tightly",
                "Test under load – staging never saw this"
            ]
        );
        // Marks sort lessons under a heading that does not.
        let d = read("## Retrospective\n\n### Lessons\n\n✅ **Fast rollback** – it took two minutes\n\n❌ **Late page** – the alert waited an hour\n");
        assert_eq!(d.went_well, ["Fast rollback – it took two minutes"]);
        assert_eq!(d.went_wrong, ["Late page – the alert waited an hour"]);
        assert!(d.learned.is_empty());
    }
}
