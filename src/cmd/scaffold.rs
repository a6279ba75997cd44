//! `blameless init` and `blameless new`: a new site, a new write-up.

use super::{Error, Global};
use crate::scaffold::{self, ScaffoldError};
use crate::text::display_path;
use std::path::PathBuf;

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

/// Arguments of `blameless new`.
#[derive(clap::Args, Debug, Clone)]
pub struct NewArgs {
    /// The title of the write-up
    pub title: String,
    /// Publication date, YYYY-MM-DD [default: today]
    #[arg(long)]
    pub date: Option<String>,
    /// One of the configured severities [default: SEV3]
    #[arg(long)]
    pub severity: Option<String>,
    /// Author [default: git config user.name]
    #[arg(long)]
    pub author: Option<String>,
}

/// Arguments of `blameless init`.
#[derive(clap::Args, Debug, Clone)]
pub struct InitArgs {
    /// Folder to create the site in [default: the site root]
    pub dir: Option<PathBuf>,
}

/// `blameless new`.
pub fn new(global: &Global, args: &NewArgs) -> Result<(), Error> {
    let (title, date, severity, author) = (
        args.title.as_str(),
        args.date.as_deref(),
        args.severity.as_deref(),
        args.author.as_deref(),
    );
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
pub fn init(global: &Global, args: &InitArgs) -> Result<(), Error> {
    let dir = args.dir.clone().unwrap_or_else(|| global.root.clone());
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
