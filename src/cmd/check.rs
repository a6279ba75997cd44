//! `blameless check`: every problem of the configuration and the write-ups,
//! for people or as JSON or GitHub annotations.

use super::{free_in_background, Error, Global};
use crate::diagnostic::{self, Format, Level};
use crate::project::Project;
use crate::text::plural;
use std::io::Write;

/// Arguments of `blameless check`.
#[derive(clap::Args, Debug, Clone)]
pub struct CheckArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
    pub format: CheckFormat,
    /// Treat warnings as errors
    #[arg(long)]
    pub strict: bool,
    /// The date action items are overdue against [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

/// How `check` prints its problems.
#[derive(Clone, Copy, Debug, clap::ValueEnum)]
pub enum CheckFormat {
    Human,
    Json,
    Github,
}

/// `blameless check`.
pub fn check(global: &Global, args: &CheckArgs) -> Result<(), Error> {
    let format = match args.format {
        CheckFormat::Human => Format::Human,
        CheckFormat::Json => Format::Json,
        CheckFormat::Github => Format::Github,
    };
    let (strict, today) = (args.strict, args.today.as_deref());
    // With a configuration that failed, the defaults stand in (so that the
    // write-ups' problems are reported too), without the parse cache, so
    // that it keeps what the site's own settings made.
    let (project, mut all) = match Project::open(&global.root, global.config.as_deref()) {
        Ok(mut p) => {
            let warnings = std::mem::take(&mut p.warnings);
            (Ok(p), warnings)
        }
        Err(Error::Config(errors)) => (Err(()), errors),
        Err(e) => return Err(e),
    };
    let config_failed = project.is_err();
    let project = project.unwrap_or_else(|_| Project::with_defaults(&global.root));
    let today = project.today(today)?;
    let mut loaded = if config_failed {
        None
    } else {
        Some(project.load(global.notes()))
    };
    let content = match &mut loaded {
        Some(loaded) => std::mem::take(&mut loaded.content),
        None => project.load_uncached(),
    };
    all.extend(content.diagnostics);
    all.extend(crate::content::overdue_warnings(&content.writeups, today));
    all.extend(crate::content::late_warnings(
        &content.writeups,
        &project.config,
        today,
    ));
    let files = content.files;
    free_in_background(content.writeups);
    diagnostic::sort(&mut all);
    if strict {
        for d in &mut all {
            d.level = Level::Error;
        }
    }
    let (errors, warnings) = diagnostic::summary(&all);
    match format {
        Format::Json => print!("{}", diagnostic::render_json(&all)),
        Format::Github => {
            let mut out = std::io::stdout().lock();
            for d in &all {
                let _ = out.write_all(diagnostic::render_github(d).as_bytes());
            }
        }
        Format::Human => {
            global.eprint_diagnostics(&all);
            if !global.quiet || errors > 0 {
                let status = if errors == 0 { "ok" } else { "failed" };
                eprintln!(
                    "check {status}: {}, {} in {}",
                    plural(errors, "error", "errors"),
                    plural(warnings, "warning", "warnings"),
                    plural(files, "write-up", "write-ups"),
                );
            }
        }
    }
    if let Some(loaded) = &mut loaded {
        loaded.finish();
    }
    if config_failed {
        Err(Error::Config(Vec::new()))
    } else if errors > 0 {
        Err(Error::Content(None))
    } else {
        Ok(())
    }
}
