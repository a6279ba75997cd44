//! `blameless init` and `blameless new`: a new site, a new write-up.

use super::{Error, Global};
use crate::scaffold::{self, ScaffoldError};
use crate::text::display_path;
use std::path::{Path, PathBuf};

/// A scaffold error with its paths as the user's root shows them.
fn scaffold_error(global: &Global, error: ScaffoldError) -> Error {
    Error::Scaffold(match error {
        ScaffoldError::Exists(paths) => ScaffoldError::Exists(
            paths
                .iter()
                .map(|p| PathBuf::from(display_path(&global.root, p)))
                .collect(),
        ),
        io => io,
    })
}

/// `blameless new`.
pub fn new(
    global: &Global,
    title: &str,
    date: Option<&str>,
    severity: Option<&str>,
    author: Option<&str>,
) -> Result<(), Error> {
    let project = global.open()?;
    let config = &project.config;
    if title.trim().is_empty() {
        return Err(Error::Usage("the title must not be empty".into()));
    }
    let date = match date {
        None => crate::datetime::today(&config.tz),
        Some(text) => crate::datetime::parse_date(text, &config.tz)
            .map_err(|e| Error::Usage(format!("--date: {e}")))?,
    };
    let names = config.severity_names();
    let severity = match severity {
        Some(s) if names.contains(&s) => s.to_string(),
        Some(s) => {
            return Err(Error::Usage(format!(
                "--severity: {s:?} is not a configured severity (use one of {})",
                names.join(", ")
            )))
        }
        None if names.contains(&"SEV3") => "SEV3".to_string(),
        None => names[names.len() / 2].to_string(),
    };
    let author = author
        .map(str::to_string)
        .or_else(|| scaffold::git_user_name(&global.root))
        .unwrap_or_else(|| "your-name".into());
    let path = scaffold::new_writeup(&global.root, config, title, date, &severity, &author)
        .map_err(|e| scaffold_error(global, e))?;
    println!("{}", display_path(&global.root, &path));
    Ok(())
}

/// `blameless init [DIR]`.
pub fn init(global: &Global, dir: Option<&Path>) -> Result<(), Error> {
    let dir = dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| global.root.clone());
    let today = crate::datetime::today(&jiff::tz::TimeZone::UTC);
    let files = scaffold::init(&dir, today).map_err(|e| scaffold_error(global, e))?;
    if !global.quiet {
        for f in &files {
            println!("created {}", f.display());
        }
        println!(
            "Next: cd {} && blameless new \"What happened\" && blameless build",
            dir.display()
        );
    }
    Ok(())
}
