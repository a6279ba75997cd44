//! Tera templates: the default theme (`themes/escribe`, embedded in the
//! binary so a site needs no theme files), overridden file by file by the
//! site's own `templates/NAME.html`.

use std::collections::HashMap;
use std::path::Path;
use tera::{Tera, Value};
use unicode_segmentation::UnicodeSegmentation;

macro_rules! theme_files {
    ($kind:literal: $($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../themes/escribe/", $kind, "/", $name)))),*]
    };
}

/// The default theme's templates, by file name.
pub const THEME_TEMPLATES: &[(&str, &str)] = theme_files!("templates":
    "base.html", "macros.html", "sidebar.html", "index.html", "incident.html",
    "taxonomy.html", "term.html", "archive.html", "search.html", "404.html",
    "stats.html", "action-items.html", "entry.html",
);

/// The default theme's static files, by path in the output.
pub const THEME_STATIC: &[(&str, &str)] =
    theme_files!("static": "style.css", "favicon.svg", "search.js", "items.js");

#[derive(Debug)]
pub struct TemplateError {
    /// The template file as the user knows it (`templates/base.html` or
    /// `theme escribe: base.html`).
    pub file: String,
    pub message: String,
}

impl std::fmt::Display for TemplateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.file, self.message)
    }
}

impl std::error::Error for TemplateError {}

pub struct Templates {
    tera: Tera,
    overridden: Vec<String>,
    /// The source of each template, by name.
    sources: std::collections::HashMap<String, String>,
}

/// Tera's error and all its causes on one line each.
fn describe(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str("\n  caused by: ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// The entries of a template folder, sorted; `shown` names it in errors.
fn read_dir(dir: &Path, shown: &str) -> Result<Vec<std::fs::DirEntry>, TemplateError> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| TemplateError {
            file: shown.into(),
            message: e.to_string(),
        })?
        .filter_map(Result::ok)
        .collect();
    entries.sort_by_key(|e| e.file_name());
    Ok(entries)
}

fn is_template(path: &Path) -> bool {
    path.extension().is_some_and(|x| x == "html") && path.is_file()
}

impl Templates {
    /// The theme plus the `*.html` files in `<root>/templates` (and, for a
    /// taxonomy's own pages, in its folders).
    pub fn load(root: &Path) -> Result<Templates, TemplateError> {
        let mut sources: Vec<(String, String)> = THEME_TEMPLATES
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        let mut overridden = Vec::new();
        let dir = root.join("templates");
        if dir.is_dir() {
            // `templates/NAME.html` overrides the theme's NAME.html;
            // `templates/KEY/list.html` and `templates/KEY/term.html` the
            // pages of one taxonomy.
            let mut files: Vec<(String, std::path::PathBuf)> = Vec::new();
            for entry in read_dir(&dir, "templates/")? {
                let path = entry.path();
                let name = entry.file_name().to_string_lossy().to_string();
                if path.is_dir() {
                    for inner in read_dir(&path, &format!("templates/{name}/"))? {
                        let inner_name = inner.file_name().to_string_lossy().to_string();
                        if is_template(&inner.path()) {
                            files.push((format!("{name}/{inner_name}"), inner.path()));
                        }
                    }
                } else if is_template(&path) {
                    files.push((name, path));
                }
            }
            files.sort();
            for (name, path) in files {
                let text = std::fs::read_to_string(&path).map_err(|e| TemplateError {
                    file: format!("templates/{name}"),
                    message: e.to_string(),
                })?;
                sources.retain(|(n, _)| *n != name);
                sources.push((name.clone(), text));
                overridden.push(name);
            }
        }
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".xml"]);
        // Tera's default also escapes `/`, which is safe to leave: every
        // escaped value sits in quoted attributes or text. Not escaping it
        // keeps each URL readable and every page a few kilobytes smaller.
        tera.set_escape_fn(crate::text::escape_html);
        tera.register_filter("truncate", truncate);
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| TemplateError {
                file: "templates".into(),
                message: describe(&e),
            })?;
        Ok(Templates {
            tera,
            overridden,
            sources: sources.into_iter().collect(),
        })
    }

    /// Whether rendering `name` may read the variable `variable`: the
    /// source of the template, of one it extends or of one it imports
    /// macros from names it. A template that includes others or reads the
    /// whole context is taken to read everything. Lets a build leave out a
    /// costly value no template shows.
    pub fn may_use(&self, name: &str, variable: &str) -> bool {
        let Ok(template) = self.tera.get_template(name) else {
            return true;
        };
        std::iter::once(name)
            .chain(template.parents.iter().map(String::as_str))
            .chain(
                template
                    .imported_macro_files
                    .iter()
                    .map(|(file, _)| file.as_str()),
            )
            .any(|n| {
                self.sources.get(n).is_none_or(|source| {
                    source.contains(variable)
                        || source.contains("include")
                        || source.contains("__tera_context")
                })
            })
    }

    /// Whether a template `name` exists (a site's `teams/list.html`).
    pub fn has(&self, name: &str) -> bool {
        self.sources.contains_key(name)
    }

    fn shown_name(&self, name: &str) -> String {
        if self.overridden.iter().any(|n| n == name) {
            format!("templates/{name}")
        } else {
            format!("theme escribe: {name}")
        }
    }

    pub fn render(&self, name: &str, context: &tera::Context) -> Result<String, TemplateError> {
        self.tera
            .render(name, context)
            .map_err(|e| self.error(name, &e))
    }

    /// Renders `name` into `out` (cleared first). A page rendered into a
    /// buffer kept for the next one is not grown from Tera's 2 KB start and
    /// then checked as UTF-8 again: Tera writes only `str`s.
    pub fn render_into(
        &self,
        name: &str,
        context: &tera::Context,
        out: &mut Vec<u8>,
    ) -> Result<(), TemplateError> {
        out.clear();
        self.tera
            .render_to(name, context, &mut *out)
            .map_err(|e| self.error(name, &e))
    }

    fn error(&self, name: &str, e: &tera::Error) -> TemplateError {
        TemplateError {
            file: self.shown_name(name),
            message: describe(e),
        }
    }
}

/// Tera's `truncate` filter, with the same arguments, results and errors,
/// without splitting the whole text into graphemes first: that was 0.8% of
/// a build's instructions for the one description per write-up page. A text
/// of at most `length` characters has at most `length` graphemes, so it is
/// returned as it is; a longer one is segmented only up to the cut.
fn truncate(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let Value::String(text) = value else {
        // Not text: Tera's own error.
        let text: String = tera::try_get_value!("truncate", "value", String, value);
        return truncate(&Value::String(text), args);
    };
    let length = match args.get("length") {
        Some(l) => tera::try_get_value!("truncate", "length", usize, l),
        None => 255,
    };
    let end = match args.get("end") {
        Some(l) => Some(tera::try_get_value!("truncate", "end", String, l)),
        None => None,
    };
    if text.chars().count() <= length {
        return Ok(value.clone());
    }
    Ok(match text.grapheme_indices(true).nth(length) {
        Some((at, _)) => Value::String(format!("{}{}", &text[..at], end.as_deref().unwrap_or("…"))),
        None => value.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_term_page_does_not_read_entries() {
        let templates = Templates::load(Path::new("/nonexistent")).unwrap();
        assert!(!templates.may_use("term.html", "entries"));
        assert!(templates.may_use("index.html", "entries"));
        assert!(templates.may_use("archive.html", "entries"));
        assert!(templates.may_use("term.html", "summaries"));
        // Through the parent it extends.
        assert!(templates.may_use("term.html", "sidebar"));
        assert!(templates.may_use("no-such.html", "entries"));
    }

    #[test]
    fn truncate_matches_teras_own_filter() {
        let mut ours = Tera::default();
        ours.register_filter("truncate", truncate);
        let render = |tera: &mut Tera, template: &str, text: &Value| {
            let mut ctx = tera::Context::new();
            ctx.insert("text", text);
            tera.render_str(template, &ctx).map_err(|e| describe(&e))
        };
        let texts = [
            "",
            "hello",
            "exactly ten",
            "an incident summary that runs on well past the cut",
            "日本語のテキスト",
            "e\u{301}e\u{301}e\u{301}e\u{301}e\u{301} combining accents",
            "👨‍👩‍👧‍👦 family 👨‍👩‍👧‍👦 and 🇫🇷 flags",
            "\r\n\r\n\r\n line ends",
        ];
        let templates = [
            "{{ text | truncate }}",
            "{{ text | truncate(length=0) }}",
            "{{ text | truncate(length=1) }}",
            "{{ text | truncate(length=5) }}",
            "{{ text | truncate(length=10) }}",
            "{{ text | truncate(length=11) }}",
            "{{ text | truncate(length=5, end=\"...\") }}",
            "{{ text | truncate(length=5, end=\"\") }}",
            "{{ text | truncate(length=\"5\") }}",
            "{{ text | truncate(length=50, end=3) }}",
        ];
        let mut values: Vec<Value> = texts.iter().map(|t| Value::from(*t)).collect();
        values.push(Value::from("a long summary ".repeat(20)));
        values.push(Value::from(42));
        values.push(Value::Null);
        values.push(Value::from(vec!["a", "b"]));
        for template in templates {
            for value in &values {
                assert_eq!(
                    render(&mut ours, template, value),
                    render(&mut Tera::default(), template, value),
                    "{template} on {value}"
                );
            }
        }
    }
}
