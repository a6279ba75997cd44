//! `blameless stats`: the figures of the published history in the terminal.

use super::{Error, Global, ReportFormat};
use crate::diagnostic::{self, Format};

/// Arguments of `blameless stats`.
#[derive(clap::Args, Debug, Clone)]
pub struct StatsArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
    /// The date that decides which write-ups are in the future [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

/// `blameless stats`.
pub fn stats(global: &Global, args: &StatsArgs) -> Result<(), Error> {
    let format = match args.format {
        ReportFormat::Human => Format::Human,
        ReportFormat::Json => Format::Json,
    };
    let today = args.today.as_deref();
    let project = global.open()?;
    let today = project.today(today)?;
    let mut loaded = project.load(global.notes());
    loaded.finish();
    let content = &loaded.content;
    let (errors, _) = diagnostic::summary(&content.diagnostics);
    if errors > 0 {
        global.eprint_diagnostics(&content.diagnostics);
        return Err(Error::Content(Some(
            "fix the errors above first (see `blameless check`)".into(),
        )));
    }
    let writeups = crate::build::select(content, false, false, today);
    let figures = crate::insight::Figures::of(&writeups, &project.config);
    match format {
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&figures).unwrap_or_else(|_| "{}".into());
            json.push('\n');
            print!("{json}");
        }
        _ => print!("{}", crate::insight::terminal_report(&figures)),
    }
    Ok(())
}
