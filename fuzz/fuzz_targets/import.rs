//! Any bytes as a document to import, read as Markdown and as an HTML
//! export: conversion, the recognizers and the write-up they make must
//! never panic, and what import writes must read back through `check`.
#![no_main]

use blameless::config::Config;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    let config = CONFIG.get_or_init(Config::default);
    for name in ["doc.md", "doc.html"] {
        if let Ok(writeup) = blameless::import::import_text(name, data, config) {
            let _ = blameless::content::check_text("content/imported.md", &writeup, config);
        }
    }
});
