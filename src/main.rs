//! The `blameless` command line: argument parsing only; the work is in the
//! library (`blameless::cmd`).

use blameless::cmd::{self, exit, Global};
use blameless::diagnostic::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;

// Loading and rendering allocate many small strings on every thread;
// mimalloc measured faster than the system allocator here (see #8's note),
// and its version 2 a little faster and leaner than version 3 (10,000
// write-ups: 5.86 against 5.97 CPU seconds, 470 against 498 MB). Its
// `override` feature gives it the C code's allocations too: Oniguruma
// allocates on every regex search while code is highlighted (1,000
// write-ups, one thread: 5.36 G instructions with it, 5.42 G without).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "blameless",
    version,
    about = "A static site generator for incident write-ups (blameless postmortems)",
    after_help = "Examples:\n  blameless init my-incidents\n  blameless new \"Database replaced with a stale snapshot\" --severity SEV2\n  blameless check\n  blameless build --base-url https://intranet.example.com/incidents/"
)]
struct Cli {
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
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Human,
    Json,
    Github,
}

/// Output of `stats` and `search`: for people, or JSON for programs.
#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Human,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Write a new site: blameless.yaml, content/_about.md and an example write-up
    #[command(after_help = "Example:\n  blameless init my-incidents")]
    Init {
        /// Folder to create the site in [default: the site root]
        dir: Option<PathBuf>,
    },
    /// Write a new write-up from the template and print its path
    #[command(
        after_help = "Example:\n  blameless new \"Production database replaced with a stale snapshot\" --date 2018-10-07 --severity SEV2"
    )]
    New {
        /// The title of the write-up
        title: String,
        /// Publication date, YYYY-MM-DD [default: today]
        #[arg(long)]
        date: Option<String>,
        /// One of the configured severities [default: SEV3]
        #[arg(long)]
        severity: Option<String>,
        /// Author [default: git config user.name]
        #[arg(long)]
        author: Option<String>,
    },
    /// Validate the configuration and every write-up; print every problem
    #[command(
        after_help = "Exit status: 0 no errors (warnings allowed), 1 content errors, 2 configuration error.\n\nExamples:\n  blameless check\n  blameless check --format github --strict"
    )]
    Check {
        /// Output format
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Treat warnings as errors
        #[arg(long)]
        strict: bool,
        /// The date action items are overdue against [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<String>,
    },
    /// Validate and render the site to static files
    #[command(
        after_help = "Examples:\n  blameless build\n  blameless build --drafts -o /tmp/preview\n  blameless build --base-url https://intranet.example.com/eng/incidents/"
    )]
    Build {
        /// Include write-ups with status draft or review
        #[arg(long)]
        drafts: bool,
        /// Include write-ups dated after today
        #[arg(long)]
        future: bool,
        /// Override base_url from the configuration
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Output folder [default: build.output, public]
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Rebuild even if nothing changed since the last build
        #[arg(long)]
        force: bool,
        /// Write the site to an output folder that blameless did not make, deleting the files in it
        #[arg(long)]
        replace_foreign: bool,
        /// Exit (status 2) instead of waiting when another build or serve writes to the output
        #[arg(long)]
        no_wait: bool,
        /// The build date, for reproducible builds: future write-ups and overdue action items are judged against it [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<String>,
    },
    /// Search a built site's write-ups, as its search page does
    #[command(
        after_help = "Query syntax: words (all must match; the last one may be the start of a word unless the query ends with a space), \"exact phrase\", -left-out, tag:dns, service:billing, severity:SEV1, author:name, year:2018, status:published.\n\nExamples:\n  blameless search 'snapshot restore'\n  blameless search 'replication -mysql year:2018' --sort newest\n  blameless search 'timeout' --filter severity=SEV1 --filter severity=SEV2 --format json"
    )]
    Search {
        /// The query
        query: String,
        /// The built site [default: build.output, public]
        #[arg(long, value_name = "DIR")]
        site: Option<PathBuf>,
        /// Select a facet value, FACET=VALUE (severity, service, tag, year, status, items, author); values of one facet are alternatives
        #[arg(long, value_name = "FACET=VALUE")]
        filter: Vec<String>,
        /// Order of results: relevance, newest, oldest, outage (longest first)
        #[arg(long, default_value = "relevance")]
        sort: String,
        /// How many results to print
        #[arg(long, default_value_t = 10)]
        limit: usize,
        /// Output format
        #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
        format: ReportFormat,
    },
    /// Build the site, serve it locally and rebuild on every change, reloading open browsers
    #[command(
        after_help = "Listens on 127.0.0.1 (this machine only) unless --bind says otherwise, and answers only requests for localhost or an IP address (or a name given with --allowed-host): a page of another site cannot read the preview through a DNS name of its own. The site is built into a private temporary folder; public/ is not touched unless --output is given.\n\nExamples:\n  blameless serve\n  blameless serve --port 8080 --drafts --open\n  blameless serve --bind 0.0.0.0 --allowed-host preview.internal"
    )]
    Serve {
        /// Port to listen on (the next free one is used if it is taken; 0 picks any)
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// Address to listen on; the default serves this machine only
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
        /// Open the site in the default browser
        #[arg(long)]
        open: bool,
        /// Include write-ups with status draft or review
        #[arg(long)]
        drafts: bool,
        /// Include write-ups dated after today
        #[arg(long)]
        future: bool,
        /// Write the site to this folder instead of a private temporary one
        #[arg(short, long, value_name = "DIR")]
        output: Option<PathBuf>,
        /// Also answer requests for this host name (repeat for more); localhost and IP addresses always are
        #[arg(long = "allowed-host", value_name = "NAME")]
        allowed_host: Vec<String>,
    },
    /// Bring existing postmortems (Markdown, or HTML exports) in as write-ups
    #[command(
        after_help = "Examples:\n  blameless import old-postmortems/ --severity SEV2 --author sre --dry-run\n  blameless import pm-2019-004.md --timezone Europe/Copenhagen\n\nPrints what it wrote and every guess with the source line it came from. Never overwrites: a document imported before is reported as already imported. A value the source lacks is written as an empty key with a # TODO comment, which `blameless check` names."
    )]
    Import {
        /// Markdown or HTML files, or folders of them
        #[arg(value_name = "PATH", required = true)]
        paths: Vec<PathBuf>,
        /// Where the write-ups are written [default: content/]
        #[arg(long, value_name = "DIR")]
        into: Option<PathBuf>,
        /// Severity for documents that give none
        #[arg(long, value_name = "SEV")]
        severity: Option<String>,
        /// Author (and action item owner) for documents that give none
        #[arg(long, value_name = "NAME")]
        author: Option<String>,
        /// Zone of times that name none, when the document states none
        #[arg(long, value_name = "ZONE")]
        timezone: Option<String>,
        /// Status of the write-ups
        #[arg(long, value_name = "STATUS", default_value = "published")]
        status: String,
        /// Report what would be written, and write nothing
        #[arg(long)]
        dry_run: bool,
        /// Output format
        #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
        format: ReportFormat,
    },
    /// Print counts by severity and year, detection and resolution times, and open action items
    #[command(
        after_help = "Examples:\n  blameless stats\n  blameless stats --format json --today 2024-01-01"
    )]
    Stats {
        /// Output format
        #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
        format: ReportFormat,
        /// The date that decides which write-ups are in the future [default: today]
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<String>,
    },
}

/// A panic is a bug: say so in one paragraph instead of a backtrace wall.
fn report_panics_as_bugs() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_default();
        let location = info.location().map(|l| (l.file(), l.line()));
        eprintln!("{}", cmd::crash_message(location, &message));
    }));
}

fn main() {
    report_panics_as_bugs();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            std::process::exit(if e.use_stderr() {
                exit::USAGE
            } else {
                exit::OK
            });
        }
    };
    let color = match cli.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::io::stderr().is_terminal()
        }
    };
    let global = Global {
        root: cli.root,
        config: cli.config,
        quiet: cli.quiet,
        verbose: cli.verbose,
        color,
    };
    let result = match cli.command {
        Command::Init { dir } => cmd::init(&global, dir.as_deref()),
        Command::New {
            title,
            date,
            severity,
            author,
        } => cmd::new(
            &global,
            &title,
            date.as_deref(),
            severity.as_deref(),
            author.as_deref(),
        ),
        Command::Serve {
            port,
            bind,
            open,
            drafts,
            future,
            output,
            allowed_host,
        } => cmd::serve(
            &global,
            bind,
            port,
            open,
            drafts,
            future,
            output,
            allowed_host,
        ),
        Command::Import {
            paths,
            into,
            severity,
            author,
            timezone,
            status,
            dry_run,
            format,
        } => cmd::import(
            &global,
            cmd::ImportArgs {
                paths,
                into,
                severity,
                author,
                timezone,
                status: Some(status),
                dry_run,
                json: matches!(format, ReportFormat::Json),
            },
        ),
        Command::Stats { format, today } => cmd::stats(
            &global,
            match format {
                ReportFormat::Human => Format::Human,
                ReportFormat::Json => Format::Json,
            },
            today.as_deref(),
        ),
        Command::Check {
            format,
            strict,
            today,
        } => {
            let format = match format {
                CheckFormat::Human => Format::Human,
                CheckFormat::Json => Format::Json,
                CheckFormat::Github => Format::Github,
            };
            cmd::check(&global, format, strict, today.as_deref())
        }
        Command::Search {
            query,
            site,
            filter,
            sort,
            limit,
            format,
        } => cmd::search(
            &global,
            &cmd::SearchArgs {
                query,
                site,
                filters: filter,
                sort,
                limit,
                json: matches!(format, ReportFormat::Json),
            },
        ),
        Command::Build {
            drafts,
            future,
            base_url,
            output,
            force,
            replace_foreign,
            no_wait,
            today,
        } => cmd::build(
            &global,
            &cmd::BuildArgs {
                today,
                drafts,
                future,
                base_url,
                output,
                force,
                replace_foreign,
                no_wait,
            },
        ),
    };
    std::process::exit(cmd::finish(&global, result));
}
