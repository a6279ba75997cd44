//! blameless: a static site generator for incident write-ups.
//!
//! Modules stand in layers, each using only those in the layers before it
//! (never one of its own layer, never one after it; `tests/it/architecture.rs`
//! holds this, and that no files of a folder use each other in a circle):
//!
//! 1. `text`
//! 2. `diagnostic`, `memo`, `tickets`, `phrases`, `confine`, `html_nesting`
//! 3. `yaml`
//! 4. `config`
//! 5. `datetime`
//! 6. `highlight`
//! 7. `markdown`
//! 8. `content`
//! 9. `import`, `taxonomy`
//! 10. `insight`, `search`
//! 11. `templates`, `feeds`
//! 12. `output`
//! 13. `build`
//! 14. `scaffold` (`init` and `new`)
//! 15. `project` (the driver the commands share)
//! 16. `serve`
//! 17. `cmd` (a file per CLI command)
//!
//! `ARCHITECTURE.md` maps them and says what must stay true.

pub mod build;
pub mod cmd;
pub mod config;
pub mod confine;
pub mod content;
pub mod datetime;
pub mod diagnostic;
pub mod feeds;
pub mod highlight;
pub mod html_nesting;
pub mod import;
pub mod insight;
pub mod markdown;
pub mod memo;
pub mod output;
pub mod phrases;
pub mod project;
pub mod scaffold;
pub mod search;
pub mod serve;
pub mod taxonomy;
pub mod templates;
pub mod text;
pub mod tickets;
pub mod yaml;
