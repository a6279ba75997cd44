//! The commands of the CLI, a file each. Each file owns its command's
//! arguments (a `clap::Args` struct: adding a flag is a change to that
//! file alone) and its work: it reads the site through
//! [`crate::project`], prints for people (or programs, with `--format`),
//! and returns an [`Error`] for [`finish`] to print and turn into the exit
//! code. `main.rs` parses [`Cli`] and calls [`Command::run`].

mod build;
mod check;
mod import;
mod scaffold;
mod search;
mod serve;
mod stats;

pub use self::build::{build, BuildArgs};
pub use check::{check, CheckArgs};
pub use import::{import, ImportArgs};
pub use scaffold::{init, new, InitArgs, NewArgs};
pub use search::{search, SearchArgs};
pub use serve::{serve, ServeArgs};
pub use stats::{stats, StatsArgs};

use crate::diagnostic::{self, Diagnostic, Level};
pub use crate::project::{exit, Error};
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write;
use std::path::PathBuf;

/// The command line: the options every command takes, and the command.
#[derive(Parser)]
#[command(
    name = "blameless",
    version,
    about = "A static site generator for incident write-ups (blameless postmortems)",
    after_help = "Examples:\n  blameless init my-incidents\n  blameless new \"Database replaced with a stale snapshot\" --severity SEV2\n  blameless check\n  blameless build --base-url https://intranet.example.com/incidents/"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// The options every command takes, as given.
#[derive(clap::Args)]
pub struct GlobalArgs {
    /// Site root folder
    #[arg(long, global = true, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Configuration file [default: <root>/blameless.yaml]
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print only errors
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Print more about what is being done
    #[arg(short, long, global = true)]
    verbose: bool,
    /// When to color output (NO_COLOR is respected with auto)
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl GlobalArgs {
    /// The options, with `--color auto` decided for this terminal.
    pub fn resolve(self) -> Global {
        let color = match self.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            // anstream's reading of the terminal and of NO_COLOR,
            // CLICOLOR, CLICOLOR_FORCE and TERM=dumb.
            ColorChoice::Auto => {
                anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
            }
        };
        Global {
            root: self.root,
            config: self.config,
            quiet: self.quiet,
            verbose: self.verbose,
            color,
        }
    }
}

/// Output of `stats`, `search` and `import`: for people, or JSON for programs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Write a new site: blameless.yaml, content/_about.md and an example write-up
    #[command(after_help = "Example:\n  blameless init my-incidents")]
    Init(InitArgs),
    /// Write a new write-up from the template and print its path
    #[command(
        after_help = "Example:\n  blameless new \"Production database replaced with a stale snapshot\" --date 2018-10-07 --severity SEV2"
    )]
    New(NewArgs),
    /// Validate the configuration and every write-up; print every problem
    #[command(
        after_help = "Exit status: 0 no errors (warnings allowed), 1 content errors, 2 configuration error.\n\nExamples:\n  blameless check\n  blameless check --format github --strict"
    )]
    Check(CheckArgs),
    /// Validate and render the site to static files
    #[command(
        after_help = "Examples:\n  blameless build\n  blameless build --drafts -o /tmp/preview\n  blameless build --base-url https://intranet.example.com/eng/incidents/"
    )]
    Build(BuildArgs),
    /// Search a built site's write-ups, as its search page does
    #[command(
        after_help = "Query syntax: words (all must match; the last one may be the start of a word unless the query ends with a space), \"exact phrase\", -left-out, tag:dns, service:billing, severity:SEV1, author:name, year:2018, status:published.\n\nExamples:\n  blameless search 'snapshot restore'\n  blameless search 'replication -mysql year:2018' --sort newest\n  blameless search 'timeout' --filter severity=SEV1 --filter severity=SEV2 --format json"
    )]
    Search(SearchArgs),
    /// Build the site, serve it locally and rebuild on every change, reloading open browsers
    #[command(
        after_help = "Listens on 127.0.0.1 (this machine only) unless --bind says otherwise, and answers only requests for localhost or an IP address (or a name given with --allowed-host): a page of another site cannot read the preview through a DNS name of its own. The site is built into a private temporary folder; public/ is not touched unless --output is given.\n\nExamples:\n  blameless serve\n  blameless serve --port 8080 --drafts --open\n  blameless serve --bind 0.0.0.0 --allowed-host preview.internal"
    )]
    Serve(ServeArgs),
    /// Bring existing postmortems (Markdown, or HTML exports) in as write-ups
    #[command(
        after_help = "Examples:\n  blameless import old-postmortems/ --severity SEV2 --author sre --dry-run\n  blameless import pm-2019-004.md --timezone Europe/Copenhagen\n\nPrints what it wrote and every guess with the source line it came from. Never overwrites: a document imported before is reported as already imported. A value the source lacks is written as an empty key with a # TODO comment, which `blameless check` names."
    )]
    Import(ImportArgs),
    /// Print counts by severity and year, detection and resolution times, and open action items
    #[command(
        after_help = "Examples:\n  blameless stats\n  blameless stats --format json --today 2024-01-01"
    )]
    Stats(StatsArgs),
}

impl Command {
    /// Runs the command.
    pub fn run(self, global: &Global) -> Result<(), Error> {
        match self {
            Command::Init(args) => init(global, &args),
            Command::New(args) => new(global, &args),
            Command::Check(args) => check(global, &args),
            Command::Build(args) => build(global, &args),
            Command::Search(args) => search(global, &args),
            Command::Serve(args) => serve(global, args),
            Command::Import(args) => import(global, args),
            Command::Stats(args) => stats(global, &args),
        }
    }
}

/// What a crash prints instead of a backtrace: one paragraph saying it is
/// a bug, where it happened, and where to report it.
pub fn crash_message(location: Option<(&str, u32)>, message: &str) -> String {
    let location = location
        .map(|(file, line)| format!(" at {file}:{line}"))
        .unwrap_or_default();
    format!(
        "blameless {} crashed{location}: {message}\n\
         This is a bug in blameless, not in your site. Please report it to blameless's \
         maintainers (the issue tracker of the repository you installed it from) with the \
         command you ran, `blameless --version` and, if you can, the file it was reading.",
        env!("CARGO_PKG_VERSION")
    )
}

/// Options every command takes.
#[derive(Debug, Clone)]
pub struct Global {
    pub root: PathBuf,
    pub config: Option<PathBuf>,
    pub quiet: bool,
    pub verbose: bool,
    /// Color on stderr/stdout for people.
    pub color: bool,
}

impl Global {
    fn eprint_diagnostics(&self, diagnostics: &[Diagnostic]) {
        let mut err = std::io::stderr().lock();
        for d in diagnostics {
            if self.quiet && d.level == Level::Warning {
                continue;
            }
            let _ = err.write_all(diagnostic::render_human(d, self.color).as_bytes());
        }
    }

    fn error(&self, message: &str) {
        let (red, reset) = if self.color {
            ("\x1b[1;31m", "\x1b[0m")
        } else {
            ("", "")
        };
        eprintln!("{red}error:{reset} {message}");
    }

    /// A note for `--verbose`.
    fn note(&self, message: &str) {
        (self.notes())(message.to_string());
    }

    /// [`Global::note`] for a thread of its own (the parse cache's save).
    fn notes(&self) -> impl FnOnce(String) + Send + 'static {
        let verbose = self.verbose;
        move |message| {
            if verbose {
                eprintln!("note: {message}");
            }
        }
    }

    /// The site, its configuration's warnings printed.
    fn open(&self) -> Result<crate::project::Project, Error> {
        let project = crate::project::Project::open(&self.root, self.config.as_deref())?;
        self.eprint_diagnostics(&project.warnings);
        Ok(project)
    }
}

/// Prints what a command's failure says; returns its exit code.
pub fn finish(global: &Global, result: Result<(), Error>) -> i32 {
    match result {
        Ok(()) => exit::OK,
        Err(e) => {
            if let Error::Config(diagnostics) = &e {
                global.eprint_diagnostics(diagnostics);
            }
            for message in e.messages() {
                global.error(&message);
            }
            e.exit_code()
        }
    }
}

/// Frees `value` on a thread of its own. A large site's content and
/// plan take a noticeable moment to free, one allocation at a time, on
/// one core; the command need not wait for that, and when the process exits
/// first, the system reclaims the memory at once.
fn free_in_background<T: Send + 'static>(value: T) {
    // When no thread can be started, the closure, and so the value, is
    // dropped here instead.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_crash_says_it_is_a_bug_and_where_to_report_it() {
        assert_eq!(
            super::crash_message(Some(("src/x.rs", 12)), "index out of bounds"),
            format!(
                "blameless {} crashed at src/x.rs:12: index out of bounds\nThis is a bug in blameless, not in your site. Please report it to blameless's maintainers (the issue tracker of the repository you installed it from) with the command you ran, `blameless --version` and, if you can, the file it was reading.",
                env!("CARGO_PKG_VERSION")
            )
        );
    }
}
