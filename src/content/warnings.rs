//! Warnings about one write-up's text: values YAML cuts short at a comment
//! that reads like text (`#1094`), images without alt text, and body
//! sections that repeat one the page makes from the front matter.

use super::WriteUp;
use crate::diagnostic::Diagnostic;

/// The warnings of `w`, whose front matter is `yaml` (from line 2).
pub(super) fn warnings(w: &WriteUp, yaml: &str) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for cut in crate::yaml::comment_cuts(yaml) {
        let word = cut.written[cut.kept.len()..]
            .split_whitespace()
            .next()
            .unwrap_or("#")
            .to_string();
        let field = match &cut.key {
            Some(key) => format!("`{key}`"),
            None => "a value".to_string(),
        };
        let kept = if cut.kept.is_empty() {
            "the value is empty".to_string()
        } else {
            format!("the value is {:?}", cut.kept)
        };
        let quoted = if cut.written.contains('\'') {
            format!(
                "\"{}\"",
                cut.written.replace('\\', "\\\\").replace('"', "\\\"")
            )
        } else {
            format!("'{}'", cut.written)
        };
        let hint = match &cut.key {
            Some(key) => format!("quote the value: {key}: {quoted}"),
            None => format!("quote the value: {quoted}"),
        };
        out.push(
            Diagnostic::warning(
                &w.file,
                format!("{field} is cut at `{word}`: YAML reads \" #\" as the start of a comment, so {kept}"),
            )
            .at(cut.line + 1, cut.column)
            .with_source(&w.text)
            .with_hint(hint),
        );
    }
    for &offset in &w.scan.images_without_alt {
        let (line, column) = w.body_position(offset);
        let markdown = w.body()[offset..].starts_with('!');
        let hint = if markdown {
            "say what it shows, for readers who cannot see it: ![Replication lag on db2 from 17:00 to 18:00](lag.png)"
        } else {
            "add alt=\"...\" saying what it shows (alt=\"\" if it only decorates)"
        };
        out.push(
            Diagnostic::warning(&w.file, "image without alt text")
                .at(line, column)
                .with_source(&w.text)
                .with_hint(hint),
        );
    }
    for section in &w.scan.sections {
        if !w.has(&section.key) {
            continue;
        }
        let (line, column) = w.body_position(section.offset);
        let key = &section.key;
        out.push(
            Diagnostic::warning(
                &w.file,
                format!(
                    "the body has its own \"{}\" section and the front matter has `{key}`, which the page shows as a section too",
                    section.text
                ),
            )
            .at(line, column)
            .with_source(&w.text)
            .with_hint(format!(
                "keep one: move what the body's section says into `{key}:` and remove the section, or remove `{key}:`"
            )),
        );
    }
    out
}
