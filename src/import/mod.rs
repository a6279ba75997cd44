//! `blameless import`: existing postmortems (Markdown, or HTML exports
//! converted with `htmd`) into write-ups. Each document is read once into
//! sections (`document.rs`) and handed to small recognizers: title, date
//! and header (`head.rs`), timeline, action items, lessons and impact; what
//! they take leaves the body only when all of its words are in fields, and
//! every guess is reported with the line it came from. Nothing is
//! overwritten and nothing is invented: a required value the source lacks
//! is an empty key with a `# TODO`, which `check` names.

mod actions;
mod clock;
mod document;
mod draft;
mod files;
mod head;
mod item;
mod lessons;
mod links;
mod moment;
mod text;
mod timeline;
mod vet;
mod when;
mod write;

pub use write::{import, import_text, Imported, Options, Outcome};

/// The words of a text, lower-cased, for the check that nothing is lost.
pub fn words(text: &str) -> std::collections::BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}
