//! Problems found in a site (config or write-ups) and the three ways they are
//! reported: for people (`human`), for tools (`json`) and for GitHub Actions
//! annotations (`github`).
//!
//! A diagnostic always names a file; when it can, also the 1-based line and
//! column in that file's own lines, the field path (`timeline[3].at`), and
//! a hint saying how to fix it.

use serde::Serialize;
use std::fmt::Write as _;

/// Why a value, a document or a file cannot be used, in words for people
/// ("it is empty"). A function that judges one thing returns it; the
/// caller says where (a file and position, a flag) as it reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason(pub String);

impl From<String> for Reason {
    fn from(message: String) -> Reason {
        Reason(message)
    }
}

impl From<&str> for Reason {
    fn from(message: &str) -> Reason {
        Reason(message.to_string())
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Reason {}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Error,
    Warning,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Error => "error",
            Level::Warning => "warning",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    /// Path as shown to the user: relative to the site root when inside it.
    pub file: String,
    /// 1-based; 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based, counted in characters; 0 when unknown.
    pub column: usize,
    #[serde(rename = "severity")]
    pub level: Level,
    pub field: Option<String>,
    pub message: String,
    pub hint: Option<String>,
    /// The `check` rule that found it (`blame-language`), for a problem a
    /// site can turn off or a write-up allow.
    pub rule: Option<&'static str>,
    /// The offending source line, for the human format.
    #[serde(skip)]
    pub source_line: Option<String>,
}

/// Longest message or hint kept whole; a longer one (a hostile value
/// quoted in it) keeps its start and end.
const MAX_TEXT_CHARS: usize = 1000;

/// Longest source line shown whole; of a longer one, the part around the
/// column.
const MAX_SOURCE_CHARS: usize = 160;

/// `text` with the middle of what is over `max` characters left out.
fn shorten(text: String, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text;
    }
    let tail = max / 4;
    let head: String = text.chars().take(max - tail).collect();
    let end: String = text.chars().skip(count - tail).collect();
    format!("{head}…[{} characters left out]…{end}", count - max)
}

impl Diagnostic {
    pub fn new(level: Level, file: impl Into<String>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line: 0,
            column: 0,
            level,
            field: None,
            message: shorten(message.into(), MAX_TEXT_CHARS),
            hint: None,
            rule: None,
            source_line: None,
        }
    }

    pub fn error(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Level::Error, file, message)
    }

    pub fn warning(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::new(Level::Warning, file, message)
    }

    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = line;
        self.column = column;
        self
    }

    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(shorten(hint.into(), MAX_TEXT_CHARS));
        self
    }

    pub fn with_rule(mut self, rule: &'static str) -> Self {
        self.rule = Some(rule);
        self
    }

    pub fn with_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }

    /// Attaches the source line `self.line` of `text` (a whole file).
    pub fn with_source(mut self, text: &str) -> Self {
        if self.line > 0 {
            self.source_line = text
                .lines()
                .nth(self.line - 1)
                .map(|l| l.trim_end_matches('\r').to_string());
        }
        self
    }

    /// `file:line:col` with the parts that are known.
    pub fn location(&self) -> String {
        match (self.line, self.column) {
            (0, _) => self.file.clone(),
            (line, 0) => format!("{}:{}", self.file, line),
            (line, column) => format!("{}:{}:{}", self.file, line, column),
        }
    }
}

/// Orders diagnostics by file, then position, so output is stable.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.line, a.column, a.level, &a.message)
            .cmp(&(&b.file, b.line, b.column, b.level, &b.message))
    });
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Github,
}

/// ANSI styling for the human format; all empty when color is off.
struct Palette {
    bold: &'static str,
    red: &'static str,
    yellow: &'static str,
    blue: &'static str,
    reset: &'static str,
}

impl Palette {
    fn new(color: bool) -> Self {
        if color {
            Palette {
                bold: "\x1b[1m",
                red: "\x1b[1;31m",
                yellow: "\x1b[1;33m",
                blue: "\x1b[1;34m",
                reset: "\x1b[0m",
            }
        } else {
            Palette {
                bold: "",
                red: "",
                yellow: "",
                blue: "",
                reset: "",
            }
        }
    }
}

/// One diagnostic for people:
///
/// ```text
/// content/a.md:4:11: error: severity: "SEV9" is not a configured severity
///     4 | severity: SEV9
///       |           ^
///   = hint: use one of SEV1, SEV2, SEV3, SEV4, SEV5
/// ```
pub fn render_human(d: &Diagnostic, color: bool) -> String {
    let p = Palette::new(color);
    let level_color = match d.level {
        Level::Error => p.red,
        Level::Warning => p.yellow,
    };
    let rule = d.rule.map(|r| format!("[{r}]")).unwrap_or_default();
    let mut out = format!(
        "{}{}:{} {}{}{}:{} {}{}{}\n",
        p.bold,
        d.location(),
        p.reset,
        level_color,
        d.level.as_str(),
        rule,
        p.reset,
        p.bold,
        d.message,
        p.reset
    );
    if let Some(source) = &d.source_line {
        let number = d.line.to_string();
        let pad = " ".repeat(number.len());
        // A long line is shown around the column, with `…` where it is cut.
        let (source, column) = window(source, d.column);
        let _ = writeln!(out, " {}{} |{} {}", p.blue, number, p.reset, source);
        if column > 0 {
            let marker_pad: String = source
                .chars()
                .take(column - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let _ = writeln!(
                out,
                " {}{} |{} {}{}^{}",
                p.blue, pad, p.reset, marker_pad, level_color, p.reset
            );
        }
    }
    if let Some(hint) = &d.hint {
        let _ = writeln!(out, "  {}= hint:{} {}", p.blue, p.reset, hint);
    }
    out
}

/// At most [`MAX_SOURCE_CHARS`] of `line` around `column`, and the column
/// in what is shown.
fn window(line: &str, column: usize) -> (std::borrow::Cow<'_, str>, usize) {
    let count = line.chars().count();
    if count <= MAX_SOURCE_CHARS {
        return (line.into(), column);
    }
    let at = column.saturating_sub(1).min(count);
    let start = at.saturating_sub(MAX_SOURCE_CHARS / 2);
    let end = (start + MAX_SOURCE_CHARS).min(count);
    let mut shown: String = if start > 0 {
        "…".into()
    } else {
        String::new()
    };
    shown.extend(line.chars().skip(start).take(end - start));
    if end < count {
        shown.push('…');
    }
    let column = if column == 0 {
        0
    } else {
        at - start + 1 + usize::from(start > 0)
    };
    (shown.into(), column)
}

/// GitHub Actions workflow command; message text is escaped as the runner
/// expects (`%`, CR and LF in the message; also `:` and `,` in properties).
pub fn render_github(d: &Diagnostic) -> String {
    fn data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut props = format!("file={}", property(&d.file));
    if d.line > 0 {
        let _ = write!(props, ",line={}", d.line);
    }
    if d.column > 0 {
        let _ = write!(props, ",col={}", d.column);
    }
    if let Some(rule) = d.rule {
        let _ = write!(props, ",title={}", property(rule));
    }
    let mut message = d.message.clone();
    if let Some(hint) = &d.hint {
        let _ = write!(message, "\nhint: {hint}");
    }
    format!("::{} {}::{}\n", d.level.as_str(), props, data(&message))
}

/// All diagnostics as one JSON array.
pub fn render_json(diagnostics: &[Diagnostic]) -> String {
    let mut json = serde_json::to_string_pretty(diagnostics).unwrap_or_else(|_| "[]".into());
    json.push('\n');
    json
}

/// "2 errors, 1 warning".
pub fn summary(diagnostics: &[Diagnostic]) -> (usize, usize) {
    let errors = diagnostics
        .iter()
        .filter(|d| d.level == Level::Error)
        .count();
    (errors, diagnostics.len() - errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hostile_value_cannot_make_a_message_or_its_line_long() {
        let value = "x".repeat(1_000_000);
        let line = format!("timezone: \"{value}\"");
        let d = Diagnostic::error(
            "a.md",
            format!("timezone: {value:?} is not a known time zone"),
        )
        .at(1, 11)
        .with_source(&line)
        .with_hint(value.clone());
        assert!(d.message.starts_with("timezone: \"xxx"), "{}", d.message);
        assert!(
            d.message.ends_with("xxx\" is not a known time zone"),
            "{}",
            d.message
        );
        assert!(
            d.message.contains("…[999037 characters left out]…"),
            "{}",
            d.message
        );
        assert_eq!(
            d.message.chars().count(),
            1000 + "…[999037 characters left out]…".chars().count()
        );
        let shown = render_human(&d, false);
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(
            lines[1],
            format!(" 1 | timezone: \"{}…", "x".repeat(160 - 11))
        );
        assert_eq!(lines[2], format!("   | {}^", " ".repeat(10)));
        // Far into a long line: the part around the column, marked.
        let far = Diagnostic::error("a.md", "m")
            .at(1, 500_000)
            .with_source(&line);
        let shown = render_human(&far, false);
        let lines: Vec<&str> = shown.lines().collect();
        assert_eq!(lines[1], format!(" 1 | …{}…", "x".repeat(160)));
        assert_eq!(lines[2], format!("   | {}^", " ".repeat(81)));
    }

    fn sample() -> Diagnostic {
        Diagnostic::error(
            "content/a.md",
            "severity: \"SEV9\" is not a configured severity",
        )
        .at(4, 11)
        .with_field("severity")
        .with_hint("use one of SEV1, SEV2")
        .with_source("---\ntitle: x\ndate: 2020-01-01\nseverity: SEV9\n")
    }

    #[test]
    fn human_format_points_at_the_column() {
        assert_eq!(
            render_human(&sample(), false),
            "content/a.md:4:11: error: severity: \"SEV9\" is not a configured severity\n \
             4 | severity: SEV9\n   |           ^\n  = hint: use one of SEV1, SEV2\n"
        );
    }

    #[test]
    fn github_format_escapes() {
        assert_eq!(
            render_github(&sample()),
            "::error file=content/a.md,line=4,col=11::severity: \"SEV9\" is not a configured severity%0Ahint: use one of SEV1, SEV2\n"
        );
    }

    #[test]
    fn json_has_the_documented_keys() {
        let json: serde_json::Value = serde_json::from_str(&render_json(&[sample()])).unwrap();
        let first = &json[0];
        for key in [
            "file", "line", "column", "severity", "field", "message", "hint", "rule",
        ] {
            assert!(first.get(key).is_some(), "missing {key}");
        }
        assert_eq!(first["severity"], "error");
        assert_eq!(first["column"], 11);
        assert_eq!(first["rule"], serde_json::Value::Null);
    }

    #[test]
    fn a_rule_is_named_in_every_format() {
        let d = Diagnostic::warning("content/a.md", "\"careless\" puts the cause in a person")
            .at(2, 8)
            .with_rule("blame-language");
        assert!(render_human(&d, false)
            .starts_with("content/a.md:2:8: warning[blame-language]: \"careless\""));
        assert_eq!(
            render_github(&d),
            "::warning file=content/a.md,line=2,col=8,title=blame-language::\"careless\" puts the cause in a person\n"
        );
        let json: serde_json::Value = serde_json::from_str(&render_json(&[d])).unwrap();
        assert_eq!(json[0]["rule"], "blame-language");
    }
}
