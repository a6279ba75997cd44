//! `blameless import`: existing postmortems (Markdown, or HTML exports
//! converted with `htmd`) into write-ups. Each document is read once into
//! sections (`document.rs`) and handed to small recognizers: title, date
//! and header (`head.rs`), timeline, action items, lessons and impact; what
//! they take leaves the body only when all of its words are in fields, and
//! every guess is reported with the line it came from. Nothing is
//! overwritten and nothing is invented: a required value the source lacks
//! is an empty key with a `# TODO`, which `check` names.

mod actions;
mod byline;
mod clock;
mod commitments;
mod compose;
mod document;
mod draft;
mod exports;
mod files;
mod head;
mod html_lines;
mod impact;
mod item;
mod lessons;
mod links;
mod moment;
mod provenance;
mod severity;
mod text;
mod timeline;
mod vet;
mod vocab;
mod when;
mod write;

pub use compose::{import_text, Defaults};
pub use provenance::Recognized;
pub use write::{import, Imported, Options, Outcome};

/// The words of a text, lower-cased, for the check that nothing is lost.
/// (An 8 MB document has a million words and some thousands of distinct
/// ones: only a new word is allocated.)
pub fn words(text: &str) -> rustc_hash::FxHashSet<String> {
    let mut out = rustc_hash::FxHashSet::default();
    let mut lower = String::new();
    for w in text.split(|c: char| !c.is_alphanumeric()) {
        if w.is_empty() {
            continue;
        }
        lower.clear();
        if w.is_ascii() {
            lower.push_str(w);
            lower.make_ascii_lowercase();
        } else {
            lower.push_str(&w.to_lowercase());
        }
        if !out.contains(lower.as_str()) {
            out.insert(lower.clone());
        }
    }
    out
}
