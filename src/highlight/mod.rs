//! Syntax highlighting of code blocks with syntect, as CSS classes (`hl-*`)
//! so light and dark themes are one stylesheet switched by
//! `prefers-color-scheme`, not inline styles baked into every page.

mod lines;

use crate::memo::Memo;
use std::sync::OnceLock;
use syntect::highlighting::{Color, Theme, ThemeSet};
use syntect::html::{css_for_theme_with_class_style, line_tokens_to_classed_spans, ClassStyle};
use syntect::parsing::{ParseState, ScopeStack, SyntaxSet};
use syntect::util::LinesWithEndings;

const CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Loading the syntax definitions takes tens of milliseconds: once a process.
fn syntaxes() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(SyntaxSet::load_defaults_newlines)
}

/// Languages shown as plain, scrollable text: logs and console output.
pub fn is_plain(lang: &str) -> bool {
    matches!(
        lang,
        "" | "text" | "txt" | "log" | "logs" | "plain" | "plaintext" | "output" | "console"
    )
}

/// Highlighted blocks already computed in this process or loaded from the
/// site's cache: highlighting is most of the cost of rendering Markdown.
pub fn memo() -> &'static Memo {
    static MEMO: OnceLock<Memo> = OnceLock::new();
    MEMO.get_or_init(Memo::default)
}

/// The file that holds [`memo`] between builds of the site at `root`.
pub fn memo_file(root: &std::path::Path) -> std::path::PathBuf {
    root.join(crate::memo::CACHE_DIR).join("highlight.bin")
}

/// The highlighted inner HTML of a code block, or `None` when the language
/// is unknown (the caller then shows it escaped and plain).
pub fn highlight(code: &str, lang: &str) -> Option<String> {
    if is_plain(lang) {
        return None;
    }
    let key = crate::memo::key(&["highlight", lang, code]);
    memo()
        .get_or_compute(key, || highlight_uncached(code, lang))
        .map(|html| html.to_string())
}

fn highlight_uncached(code: &str, lang: &str) -> Option<String> {
    let set = syntaxes();
    let syntax = set
        .find_syntax_by_token(lang)
        .or_else(|| set.find_syntax_by_extension(lang))?;
    // What syntect's ClassedHTMLGenerator does, with each line's parse
    // taken from the line memo when it can be.
    let mut state = ParseState::new(syntax);
    let mut scopes = ScopeStack::new();
    let mut html = String::with_capacity(code.len() * 4);
    let mut open_spans: isize = 0;
    for line in LinesWithEndings::from(code) {
        let ops = lines::parse_line(&mut state, line, set).ok()?;
        let (spans, delta) =
            line_tokens_to_classed_spans(line, &ops, CLASS_STYLE, &mut scopes).ok()?;
        open_spans += delta;
        html.push_str(&spans);
    }
    for _ in 0..open_spans {
        html.push_str("</span>");
    }
    Some(html)
}

/// Code block backgrounds of the escribe theme (`--code-bg`), light and dark.
const LIGHT_BACKGROUND: Color = Color {
    r: 0xf4,
    g: 0xf2,
    b: 0xec,
    a: 0xff,
};
const DARK_BACKGROUND: Color = Color {
    r: 0x1d,
    g: 0x20,
    b: 0x24,
    a: 0xff,
};

/// WCAG relative luminance.
fn luminance(c: Color) -> f64 {
    let channel = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)
}

pub fn contrast(a: Color, b: Color) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// `color`, darkened or lightened (away from `background`) just enough to
/// reach the 4.5:1 contrast WCAG asks of body text.
fn readable(color: Color, background: Color) -> Color {
    let target = if luminance(background) > 0.5 {
        0.0
    } else {
        255.0
    };
    let mut c = color;
    let mut step = 0.0;
    while contrast(c, background) < 4.5 && step < 1.0 {
        step += 0.05;
        let mix = |v: u8| (f64::from(v) + (target - f64::from(v)) * step).round() as u8;
        c = Color {
            r: mix(color.r),
            g: mix(color.g),
            b: mix(color.b),
            a: color.a,
        };
    }
    c
}

/// A theme whose token colors all stay readable on `background`; many
/// bundled themes color comments too faintly for that.
fn with_readable_colors(theme: &Theme, background: Color) -> Theme {
    let mut theme = theme.clone();
    for item in &mut theme.scopes {
        if let Some(fg) = item.style.foreground {
            item.style.foreground = Some(readable(fg, background));
        }
    }
    theme
}

/// The stylesheet for highlighted code: `light` by default, `dark` inside a
/// `prefers-color-scheme: dark` media query. Names are checked by config.
pub fn stylesheet(light: &str, dark: &str) -> String {
    let themes = ThemeSet::load_defaults();
    let css_of = |name: &str, background: Color| {
        themes
            .themes
            .get(name)
            .map(|theme| with_readable_colors(theme, background))
            .and_then(|theme| css_for_theme_with_class_style(&theme, CLASS_STYLE).ok())
            .unwrap_or_default()
    };
    // Each theme inside its own media query, so that a rule of one never
    // leaks into the other where the other has no rule for that scope.
    let indent =
        |css: String| -> String { css.lines().map(|line| format!("  {line}\n")).collect() };
    format!(
        "/* Code highlighting: {light} (light), {dark} (dark). Generated by blameless. */\n\
         @media not all and (prefers-color-scheme: dark) {{\n{}}}\n\
         @media (prefers-color-scheme: dark) {{\n{}}}\n",
        indent(css_of(light, LIGHT_BACKGROUND)),
        indent(css_of(dark, DARK_BACKGROUND))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_languages_get_classes() {
        let html = highlight("fn main() {}\n", "rust").unwrap();
        assert!(html.contains("class=\"hl-"), "{html}");
        assert!(!html.contains("style="), "{html}");
    }

    #[test]
    fn html_is_syntect_generators_with_or_without_remembered_lines() {
        use syntect::html::ClassedHTMLGenerator;
        let generated = |code: &str, lang: &str| {
            let set = syntaxes();
            let syntax = set.find_syntax_by_token(lang).unwrap();
            let mut g = ClassedHTMLGenerator::new_with_class_style(syntax, set, CLASS_STYLE);
            for line in LinesWithEndings::from(code) {
                g.parse_html_for_line_which_includes_newline(line).unwrap();
            }
            g.finalize()
        };
        let blocks = [
            ("yaml", "replicas: 3\nlimits:\n  memory: 512Mi\n"),
            ("yaml", "a: |\n  replicas: 3\nreplicas: 3\n"),
            (
                "sql",
                "SELECT 1; -- SELECT 1;\nSELECT 1;\n/* unclosed\nSELECT 1;\n",
            ),
            ("rust", "fn f() {\n    let s = \"\n}\n\";\n}\n"),
        ];
        // Three rounds: lines are remembered from their second sighting.
        for _ in 0..3 {
            for (lang, code) in blocks {
                assert_eq!(
                    highlight_uncached(code, lang).unwrap(),
                    generated(code, lang)
                );
            }
        }
    }

    #[test]
    fn unknown_and_plain_languages_are_not_highlighted() {
        assert!(highlight("x", "no-such-language").is_none());
        assert!(highlight("x", "log").is_none());
    }

    #[test]
    fn faint_colors_are_made_readable() {
        let faint = Color {
            r: 0x96,
            g: 0x98,
            b: 0x96,
            a: 0xff,
        };
        assert!(contrast(faint, LIGHT_BACKGROUND) < 4.5);
        assert!(contrast(readable(faint, LIGHT_BACKGROUND), LIGHT_BACKGROUND) >= 4.5);
        let dim = Color {
            r: 0x40,
            g: 0x40,
            b: 0x40,
            a: 0xff,
        };
        assert!(contrast(readable(dim, DARK_BACKGROUND), DARK_BACKGROUND) >= 4.5);
    }

    #[test]
    fn stylesheet_switches_on_color_scheme() {
        let css = stylesheet("InspiredGitHub", "base16-ocean.dark");
        assert!(css.contains("prefers-color-scheme: dark"));
        assert!(css.contains(".hl-"));
    }
}
