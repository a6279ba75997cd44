//! Any bytes as a write-up file: splitting, YAML parsing, validation and
//! positions must never panic.
#![no_main]

use blameless::config::Config;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fuzz_target!(|data: &[u8]| {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    let config = CONFIG.get_or_init(Config::default);
    let text = String::from_utf8_lossy(data);
    let (writeup, diagnostics) = blameless::content::check_text("content/fuzz.md", &text, config);
    for d in &diagnostics {
        let _ = blameless::diagnostic::render_human(d, false);
        let _ = blameless::diagnostic::render_github(d);
    }
    if let Some(w) = writeup {
        let _ = (w.time_to_detect(), w.summary_text().len());
    }
});
