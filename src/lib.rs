//! blameless: a static site generator for incident write-ups.
//!
//! Modules stand in layers, each using only those listed before it:
//! `text`, `diagnostic`, `memo`, `tickets`, `phrases`, `confine`, `html_nesting` -> `yaml` -> `config` -> `datetime` -> `highlight`
//! -> `markdown` -> `content` -> `import`, `taxonomy` -> `insight`, `search` ->
//! `templates`, `feeds` -> `output` -> `build` -> `project` (the driver
//! commands share) -> `scaffold`, `serve` -> `cmd` (a file per CLI command).
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
