//! The integration tests, in one binary (one link instead of one a file):
//! a module a command or concern, with the helpers in `common`. Run one
//! module with `cargo test --test it build::`.
//!
//! Stress tests (thousands of files, a 100,000-entry timeline, hundreds of
//! slow clients) are `#[ignore]`d, so `cargo test` lists them as ignored;
//! `.ci/run` runs them with `cargo test -- --include-ignored`.

mod common;

mod anchors;
mod architecture;
mod bounds;
mod build;
mod cache;
mod check;
mod cli;
mod confinement;
mod feeds;
mod fit;
mod glance;
mod hostile;
mod import;
mod incremental;
mod insight;
mod lint;
mod publish;
mod search;
mod serve;
mod taxonomies;
