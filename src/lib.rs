//! blameless: a static site generator for incident write-ups.
//!
//! Modules stand in layers, each using only those listed before it:
//! `text`, `diagnostic` -> `yaml` -> `config` -> `datetime` -> `highlight`
//! -> `markdown` -> `content` -> `taxonomy` -> `templates`, `feeds` ->
//! `output` -> `build` -> `scaffold` -> `commands` (what the CLI calls).

pub mod text;
pub mod diagnostic;
pub mod yaml;
pub mod config;
pub mod datetime;
pub mod highlight;
pub mod markdown;
pub mod content;
pub mod taxonomy;
pub mod templates;
pub mod feeds;
pub mod output;
pub mod build;
pub mod scaffold;
pub mod commands;
