//! Any text as a write-up body: scanning and rendering (with sanitising and
//! highlighting) must never panic, and sanitised output must carry no script.
#![no_main]

use blameless::config::RawHtml;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let scan = blameless::markdown::scan(&text);
    let _ = scan.first_paragraph.len();
    let html = blameless::markdown::render(&text, RawHtml::Sanitize, &["timeline"], &|dest| {
        Some(format!("/incidents/{}/", dest.len()))
    });
    assert!(!html.to_ascii_lowercase().contains("<script"), "script survived: {html}");
});
