//! The commands of the CLI, a file each: what `main.rs` calls once it has
//! parsed the arguments. Each reads the site through [`crate::project`],
//! prints for people (or programs, with `--format`), and returns a
//! [`Error`] for [`finish`] to print and turn into the exit code.

mod build;
mod check;
mod import;
mod scaffold;
mod search;
mod serve;
mod stats;

pub use self::build::{build, BuildArgs};
pub use check::check;
pub use import::{import, ImportArgs};
pub use scaffold::{init, new};
pub use search::{search, SearchArgs};
pub use serve::serve;
pub use stats::stats;

use crate::diagnostic::{self, Diagnostic, Level};
pub use crate::project::{exit, Error};
use std::io::Write;
use std::path::PathBuf;

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
