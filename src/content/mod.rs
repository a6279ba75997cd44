//! Content: write-ups read from their files, validated one by one and
//! across files. The model is `model.rs`; loading, parsing and the checks
//! are the other files. Nothing here renders.

mod assets;
mod cache;
mod checks;
mod frontmatter;
mod lint;
mod load;
mod model;
mod parse;
mod sources;
mod warnings;
mod when;

pub use assets::{active_kind, publish_path, publish_url, root_url, sanitize_svg, Active, Asset};
pub use cache::cache_file;
pub use checks::{overdue_warnings, resolve_content_link};
pub use lint::late_warnings;
pub use load::{load, load_cached, Content, Loader};
pub use model::{
    ActionItem, FollowUps, Impact, ItemStatus, Lessons, Moments, Status, TimelineEntry, WriteUp,
    ENTRY_TYPES,
};
pub use parse::{check_text, split_front_matter, FrontMatterSplit};
pub use sources::{find_sources, source_hashes, Found, MAX_FILE_BYTES};
