//! `blameless import`: existing postmortems into write-ups, with a report
//! of every guess and what the sources lacked.

use super::{Error, Global, ReportFormat};
use crate::import::{import as run, Defaults, Imported, Options, Outcome, Recognized};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Folders of at least this many documents show a progress line.
const PROGRESS_FROM: usize = 200;

/// Arguments of `blameless import`.
#[derive(clap::Args, Debug, Clone)]
pub struct ImportArgs {
    /// Markdown or HTML files, or folders of them
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,
    /// Where the write-ups are written [default: content/]
    #[arg(long, value_name = "DIR")]
    pub into: Option<PathBuf>,
    /// Severity for documents that give none
    #[arg(long, value_name = "SEV")]
    pub severity: Option<String>,
    /// Author (and action item owner) for documents that give none
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
    /// Zone of times that name none, when the document states none
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
    /// Status of the write-ups
    #[arg(long, value_name = "STATUS", default_value = "published")]
    pub status: String,
    /// Report what would be written, and write nothing
    #[arg(long)]
    pub dry_run: bool,
    /// Output format
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    pub format: ReportFormat,
}

/// The report for people: per document, the file written and each guess
/// with the line it came from.
pub fn report(imported: &[Imported], dry_run: bool) -> String {
    let mut out = String::new();
    let (mut written, mut already, mut skipped, mut failed) = (0, 0, 0, 0);
    for doc in imported {
        match &doc.outcome {
            Outcome::Written {
                file,
                guesses,
                missing,
                doubts,
                suggestions,
                links_kept,
                files_not_copied,
                files,
                kept_in_body,
                removed_controls,
            } => {
                written += 1;
                out.push_str(&format!("{file}  (from {})\n", doc.source));
                for g in guesses {
                    let value: String = g.value.chars().take(60).collect();
                    let more = if g.value.chars().count() > 60 {
                        "…"
                    } else {
                        ""
                    };
                    if g.line > 0 {
                        out.push_str(&format!(
                            "  {} {value}{more} from line {}: {:?}\n",
                            g.field, g.line, g.source
                        ));
                    } else {
                        out.push_str(&format!("  {} {value}{more} from {}\n", g.field, g.source));
                    }
                }
                for x in doubts {
                    out.push_str(&if x.field == "timeline" {
                        format!(
                            "  timeline of {} left in the body: not sure, {}\n",
                            x.candidate, x.why
                        )
                    } else {
                        format!(
                            "  {} left as # TODO with {}: not sure, {}\n",
                            x.field, x.candidate, x.why
                        )
                    });
                }
                for s in suggestions {
                    out.push_str(&format!(
                        "  an action item? line {} says {:?} (not written as one; add it to action_items if it is)\n",
                        s.line, s.source
                    ));
                }
                if !missing.is_empty() {
                    out.push_str(&format!(
                        "  not found: {} (left as # TODO for check to name)\n",
                        missing.join(", ")
                    ));
                }
                for link in links_kept {
                    out.push_str(&format!(
                        "  link to a document not imported (now text that keeps its address): {link}\n"
                    ));
                }
                for f in files {
                    out.push_str(&format!("  file copied: {f}\n"));
                }
                for f in files_not_copied {
                    out.push_str(&format!(
                        "  file not copied (the link is now text that keeps its address): {f}\n"
                    ));
                }
                if *removed_controls > 0 {
                    out.push_str(&format!(
                        "  {} left out (no page can show them)\n",
                        crate::text::plural(
                            *removed_controls,
                            "control character",
                            "control characters"
                        )
                    ));
                }
                if *kept_in_body {
                    out.push_str("  the sections read into fields also stay in the body: not all of their words fit the fields\n");
                }
            }
            Outcome::AlreadyImported { file, recognized } => {
                already += 1;
                let how = match recognized {
                    Recognized::SameText => "already imported, nothing written".to_string(),
                    Recognized::RecordedSource => "already imported (the write-up records this \
                         document as its source), nothing written"
                        .to_string(),
                    Recognized::SourceChanged => format!(
                        "imported before from this path and changed since (the write-up \
                         records other bytes), nothing written; to import it anew, move {file} away"
                    ),
                    Recognized::SameBytesAs(first) => {
                        format!("the same document as {first}, imported once, nothing written")
                    }
                };
                out.push_str(&format!("{file}  (from {}): {how}\n", doc.source));
            }
            Outcome::Skipped { reason } => {
                skipped += 1;
                out.push_str(&format!("{}: {reason}\n", doc.source));
            }
            Outcome::Failed { message } => {
                failed += 1;
                out.push_str(&format!("error: {}: {message}\n", doc.source));
            }
        }
    }
    out.push_str(&format!(
        "{} {written} of {} documents ({already} already imported, {failed} failed){}{}\n",
        if dry_run { "would import" } else { "imported" },
        imported.len() - skipped,
        if skipped > 0 {
            format!(
                ", {} skipped",
                crate::text::plural(skipped, "path", "paths")
            )
        } else {
            String::new()
        },
        if dry_run {
            "; --dry-run: nothing was written"
        } else {
            ""
        }
    ));
    out
}

/// `blameless import`.
pub fn import(global: &Global, args: ImportArgs) -> Result<(), Error> {
    let project = global.open()?;
    if args.paths.is_empty() {
        return Err(Error::Usage(
            "name the documents or folders to import".into(),
        ));
    }
    let status = &args.status;
    if !crate::content::Status::NAMES.contains(&status.as_str()) {
        return Err(Error::Usage(format!(
            "--status: {status:?} is not one of draft, review, published"
        )));
    }
    let json = args.format == ReportFormat::Json;
    if let Some(severity) = &args.severity {
        let names = project.config.severity_names();
        if !names.contains(&severity.as_str()) {
            return Err(Error::Usage(format!(
                "--severity: {severity:?} is not one of {}",
                names.join(", ")
            )));
        }
    }
    if let Some(zone) = &args.timezone {
        crate::datetime::parse_zone(zone)
            .map_err(|(m, h)| Error::Usage(format!("--timezone: {m}; {h}")))?;
    }
    for path in &args.paths {
        if !path.exists() {
            return Err(Error::Usage(format!(
                "{}: no such file or folder",
                path.display()
            )));
        }
    }
    let into = args.into.unwrap_or_else(|| project.root.join("content"));
    // A line that counts the documents read, on a terminal, for large
    // folders: rewritten in place, cleared at the end.
    let show_progress = !global.quiet && !json && std::io::stderr().is_terminal();
    let progress = show_progress.then(|| {
        Box::new(|n: usize, total: usize| {
            if total >= PROGRESS_FROM && (n.is_multiple_of((total / 100).max(1)) || n == total) {
                eprint!("\rreading documents: {n} of {total}");
                if n == total {
                    eprint!("\r\x1b[K");
                }
            }
        }) as Box<dyn Fn(usize, usize) + Sync>
    });
    let imported = run(
        &Options {
            paths: args.paths,
            into,
            shown_root: project.root.clone(),
            defaults: Defaults {
                severity: args.severity,
                author: args.author,
                timezone: args.timezone,
                status: Some(args.status),
            },
            dry_run: args.dry_run,
            progress,
        },
        &project.config,
    );
    if global.quiet && !json {
        // Only what failed, as errors.
        for doc in &imported {
            if let Outcome::Failed { message } = &doc.outcome {
                eprintln!("error: {}: {message}", doc.source);
            }
        }
    } else if json {
        let mut json = serde_json::to_string_pretty(&imported).unwrap_or_else(|_| "[]".into());
        json.push('\n');
        print!("{json}");
    } else {
        print!("{}", report(&imported, args.dry_run));
    }
    let failed = imported
        .iter()
        .filter(|d| matches!(d.outcome, Outcome::Failed { .. }))
        .count();
    if failed > 0 {
        return Err(Error::Content(Some(format!(
            "{failed} of {} documents could not be imported",
            imported.len()
        ))));
    }
    Ok(())
}
