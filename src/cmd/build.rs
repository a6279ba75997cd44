//! `blameless build`: validate like `check`, then render and publish.

use super::{free_in_background, Error, Global};
use crate::diagnostic;
use crate::output::Holder;
use crate::project::Project;
use crate::text::{display_path, plural};
use std::path::PathBuf;

/// Arguments of `blameless build`.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct BuildArgs {
    /// Include write-ups with status draft or review
    #[arg(long)]
    pub drafts: bool,
    /// Include write-ups dated after today
    #[arg(long)]
    pub future: bool,
    /// Override base_url from the configuration
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Output folder [default: build.output, public]
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Rebuild even if nothing changed since the last build
    #[arg(long)]
    pub force: bool,
    /// Write the site to an output folder that blameless did not make, deleting the files in it
    #[arg(long)]
    pub replace_foreign: bool,
    /// Exit (status 2) instead of waiting when another build or serve writes to the output
    #[arg(long)]
    pub no_wait: bool,
    /// The build date, for reproducible builds: future write-ups and overdue action items are judged against it [default: today]
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

/// `blameless build`.
pub fn build(global: &Global, args: &BuildArgs) -> Result<(), Error> {
    let started = std::time::Instant::now();
    crate::output::stop_builds_on_interrupt();
    let mut project = global.open()?;
    if let Some(url) = &args.base_url {
        project.set_base_url(url, "--base-url: ")?;
    }
    let output = project.output(args.output.as_deref());
    let today = project.today(args.today.as_deref())?;
    let waiting = |holder: &Holder| {
        if !global.quiet {
            eprintln!("{}", holder.waiting_message(&output));
        }
    };
    let lock = Project::lock_output(
        &global.root,
        &output,
        "build",
        (!args.no_wait).then_some(&waiting as &dyn Fn(&Holder)),
    )?;
    let options = project.options(&lock, args.drafts, args.future, args.replace_foreign, today);
    // Deciding this reads the write-ups but parses none; only an output
    // with a marker is worth it.
    if !args.force
        && crate::output::is_up_to_date(&output, || project.unchanged_fingerprint(&options))
    {
        if !global.quiet {
            eprintln!(
                "Nothing changed since the last build; {} is up to date ({:.2} s)",
                display_path(&global.root, &output),
                started.elapsed().as_secs_f64()
            );
        }
        return Ok(());
    }
    let mut loaded = project.load(global.notes());
    let load_time = started.elapsed();
    let content = std::mem::take(&mut loaded.content);
    global.eprint_diagnostics(&content.diagnostics);
    let (errors, _) = diagnostic::summary(&content.diagnostics);
    if errors > 0 {
        loaded.finish();
        return Err(Error::Content(Some(format!(
            "{} found; nothing was written",
            plural(errors, "error", "errors")
        ))));
    }
    project.load_highlight_cache();
    let built = project.build(&content, &options, None, &|_| {});
    let reused = match content.from_cache {
        0 => String::new(),
        n => format!(
            " ({} of {} from the parse cache)",
            crate::text::thousands(n),
            plural(content.files, "file", "files")
        ),
    };
    free_in_background(content);
    loaded.finish();
    let (report, plan) = built?;
    free_in_background(plan);
    if let Err(e) = project.save_highlight_cache() {
        global.note(&e.to_string());
    }
    if !global.quiet {
        eprintln!(
            "Built {}, {}, {} -> {} in {:.2} s",
            plural(report.writeups, "write-up", "write-ups"),
            plural(report.tags, "tag", "tags"),
            plural(report.services, "service", "services"),
            display_path(&global.root, &report.output),
            started.elapsed().as_secs_f64()
        );
    }
    if global.verbose {
        eprintln!("{} files written", crate::text::thousands(report.files));
        eprintln!(
            "  loading and validation: {:.3} s{reused}",
            load_time.as_secs_f64()
        );
        for (stage, took) in &report.timings {
            eprintln!("  {stage}: {:.3} s", took.as_secs_f64());
        }
    }
    Ok(())
}
