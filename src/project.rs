//! The driver that every command reading a site shares (`check`, `build`,
//! `stats`, `serve`): the configuration, with the base URL a command gives;
//! the build date; the site's caches (parsed write-ups, highlighted code);
//! loading the write-ups; and building them into an output. Its failures
//! are [`Error`]s, each with the exit code the README documents, so that a
//! command is a few calls and a match.

use crate::build::{self, BuildError, Options, Plan, Report};
use crate::config::Config;
use crate::content::{self, Content};
use crate::diagnostic::Diagnostic;
use crate::memo::Memo;
use crate::output::{Holder, OutputError, OutputLock};
use crate::scaffold::ScaffoldError;
use crate::templates::TemplateError;
use jiff::civil::Date;
use std::fmt;
use std::path::{Path, PathBuf};

/// Exit codes, as documented in the README.
pub mod exit {
    pub const OK: i32 = 0;
    pub const CONTENT: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const IO: i32 = 3;
    /// Stopped by Ctrl-C (128 + SIGINT, as shells report it).
    pub const INTERRUPTED: i32 = 130;
}

/// Why a command failed.
#[derive(Debug)]
pub enum Error {
    /// The configuration has errors: these (none when already shown).
    Config(Vec<Diagnostic>),
    /// A wrong command-line value, or a request that cannot be met as
    /// asked (`--today: …`, no search index).
    Usage(String),
    /// Write-ups have errors, which were shown; the line saying what was
    /// not done, if any.
    Content(Option<String>),
    /// A template failed while the site was rendered.
    Template(TemplateError),
    /// The output folder could not be written, or must not be.
    Output(OutputError),
    /// `init` or `new` would overwrite files, or could not write one.
    Scaffold(ScaffoldError),
    /// Something else the system refused (`serve` cannot watch for changes).
    Io(String),
}

impl Error {
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Config(_) | Error::Usage(_) => exit::USAGE,
            Error::Content(_) | Error::Template(_) => exit::CONTENT,
            Error::Output(e) => match e {
                OutputError::Refused { .. } | OutputError::Busy { .. } => exit::USAGE,
                OutputError::NotWritable { .. } | OutputError::Io { .. } => exit::IO,
                OutputError::Source { .. } => exit::CONTENT,
                OutputError::Interrupted => exit::INTERRUPTED,
            },
            Error::Scaffold(ScaffoldError::Exists(_)) => exit::USAGE,
            Error::Scaffold(ScaffoldError::Io(..)) | Error::Io(_) => exit::IO,
        }
    }

    /// The messages to show, one `error:` each (configuration problems are
    /// diagnostics, shown as `check` shows them, and not among these).
    pub fn messages(&self) -> Vec<String> {
        match self {
            Error::Config(_) | Error::Content(None) => Vec::new(),
            Error::Usage(message) | Error::Content(Some(message)) | Error::Io(message) => {
                vec![message.clone()]
            }
            Error::Template(e) => vec![
                e.to_string(),
                "the build failed; the previous output was left as it was".into(),
            ],
            Error::Output(e) => vec![e.to_string()],
            Error::Scaffold(e) => e.lines(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if let Error::Config(diagnostics) = self {
            for d in diagnostics {
                f.write_str(&crate::diagnostic::render_human(d, false))?;
            }
            return Ok(());
        }
        f.write_str(&self.messages().join("\n"))
    }
}

impl std::error::Error for Error {}

impl From<BuildError> for Error {
    fn from(e: BuildError) -> Self {
        match e {
            BuildError::Template(e) => Error::Template(e),
            BuildError::Output(e) => Error::Output(e),
        }
    }
}

impl From<OutputError> for Error {
    fn from(e: OutputError) -> Self {
        Error::Output(e)
    }
}

/// A site: its folder and its configuration.
pub struct Project {
    pub root: PathBuf,
    pub config: Config,
    /// The configuration's warnings.
    pub warnings: Vec<Diagnostic>,
}

/// Write-ups loaded through the parse cache, which is saved on a thread of
/// its own meanwhile: see [`Loaded::finish`].
pub struct Loaded {
    pub content: Content,
    saving: Option<std::thread::JoinHandle<()>>,
}

impl Loaded {
    /// Waits for the parse cache to be saved.
    pub fn finish(&mut self) {
        if let Some(saving) = self.saving.take() {
            let _ = saving.join();
        }
    }
}

impl Project {
    /// Reads the configuration of the site at `root` (`config`, or
    /// `<root>/blameless.yaml`).
    pub fn open(root: &Path, config: Option<&Path>) -> Result<Project, Error> {
        let (config, warnings) = Config::load(root, config).map_err(Error::Config)?;
        Ok(Project {
            root: root.to_path_buf(),
            config,
            warnings,
        })
    }

    /// A site whose configuration failed: the defaults stand in, so that
    /// `check` still reports the write-ups' problems.
    pub fn with_defaults(root: &Path) -> Project {
        Project {
            root: root.to_path_buf(),
            config: Config::default(),
            warnings: Vec::new(),
        }
    }

    /// Publishes under `url` instead of the configuration's `base_url`;
    /// `flag` names where it came from in the message.
    pub fn set_base_url(&mut self, url: &str, flag: &str) -> Result<(), Error> {
        self.config
            .set_base_url(url)
            .map_err(|message| Error::Usage(format!("{flag}{message}")))
    }

    /// `given` (`--today YYYY-MM-DD`), else today in the site's time zone.
    pub fn today(&self, given: Option<&str>) -> Result<Date, Error> {
        match given {
            None => Ok(crate::datetime::today(&self.config.tz)),
            Some(text) => crate::datetime::parse_date(text, &self.config.tz)
                .map_err(|e| Error::Usage(format!("--today: {e}"))),
        }
    }

    /// The output folder: `given` (`-o`), else `build.output`.
    pub fn output(&self, given: Option<&Path>) -> PathBuf {
        given
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.root.join(&self.config.build.output))
    }

    /// Takes output folder `output` for `command` (`build`, `serve`): one
    /// that is no place for a site (the root, a source folder, the home
    /// folder) is refused; while another build or serve writes to it, this
    /// waits, telling `waiting`, or with no `waiting` fails at once.
    pub fn lock_output(
        root: &Path,
        output: &Path,
        command: &str,
        waiting: Option<&dyn Fn(&Holder)>,
    ) -> Result<OutputLock, Error> {
        crate::output::check_allowed(output, root)?;
        Ok(OutputLock::acquire(output, command, waiting)?)
    }

    /// Loads the write-ups through the parse cache, which is saved on a
    /// thread of its own (when none can be started, it is not saved: it
    /// only saves time). `on_save_error` hears a failure to save it.
    pub fn load(&self, on_save_error: impl FnOnce(String) + Send + 'static) -> Loaded {
        let file = content::cache_file(&self.root);
        let memo = Memo::default();
        memo.load(&file);
        let content = content::load_cached(&self.root, &self.config, &memo);
        let shown = crate::text::display_path(&self.root, &file);
        let saving = std::thread::Builder::new()
            .spawn(move || {
                if let Err(e) = memo.save(&file) {
                    on_save_error(format!("cannot save {shown}: {e}"));
                }
            })
            .ok();
        Loaded { content, saving }
    }

    /// Loads the write-ups without the parse cache.
    pub fn load_uncached(&self) -> Content {
        content::load(&self.root, &self.config)
    }

    /// Reads the highlighted code that earlier builds kept.
    pub fn load_highlight_cache(&self) {
        crate::highlight::memo().load(&crate::highlight::memo_file(&self.root));
    }

    /// Keeps the highlighted code for the next build; a failure only costs
    /// time, so the caller shows it as a note.
    pub fn save_highlight_cache(&self) -> Result<(), Error> {
        let file = crate::highlight::memo_file(&self.root);
        crate::highlight::memo().save(&file).map_err(|e| {
            Error::Io(format!(
                "cannot save {}: {e}",
                crate::text::display_path(&self.root, &file)
            ))
        })
    }

    /// The options of a build into `output`: drafts and future write-ups
    /// when asked for here or in the configuration.
    pub fn options<'a>(
        &self,
        output: &'a OutputLock,
        drafts: bool,
        future: bool,
        replace_foreign: bool,
        today: Date,
    ) -> Options<'a> {
        Options {
            drafts: drafts || self.config.build.drafts,
            future: future || self.config.build.future,
            output,
            replace_foreign,
            today,
        }
    }

    /// What [`build::fingerprint`] makes of this site and `options`, from
    /// the write-ups read but not parsed: `None` when one cannot be read.
    pub fn unchanged_fingerprint(&self, options: &Options) -> Option<String> {
        let writeups = content::source_hashes(&self.root)?;
        Some(build::fingerprint(
            &self.root,
            &self.config,
            options,
            &writeups,
        ))
    }

    /// Builds `content` (which must have no errors) into the output of
    /// `options`; with the previous build's [`Plan`], only what changed.
    pub fn build(
        &self,
        content: &Content,
        options: &Options,
        previous: Option<Plan>,
        pages_done: &dyn Fn(build::PagesDone),
    ) -> Result<(Report, Plan), Error> {
        let inputs = || build::content_fingerprint(&self.root, &self.config, options, content);
        Ok(build::build(
            &self.root,
            &self.config,
            content,
            options,
            &inputs,
            previous,
            pages_done,
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_carry_their_exit_codes_and_messages() {
        let io = || std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let cases: Vec<(Error, i32, Vec<&str>)> = vec![
            (Error::Config(Vec::new()), exit::USAGE, vec![]),
            (
                Error::Usage("--today: no".into()),
                exit::USAGE,
                vec!["--today: no"],
            ),
            (Error::Content(None), exit::CONTENT, vec![]),
            (
                Error::Content(Some("1 error found; nothing was written".into())),
                exit::CONTENT,
                vec!["1 error found; nothing was written"],
            ),
            (
                Error::Template(TemplateError {
                    file: "templates/x.html".into(),
                    message: "broken".into(),
                }),
                exit::CONTENT,
                vec![
                    "templates/x.html: broken",
                    "the build failed; the previous output was left as it was",
                ],
            ),
            (
                Error::Output(OutputError::Interrupted),
                exit::INTERRUPTED,
                vec!["interrupted; the previous output was left as it was"],
            ),
            (
                Error::Output(OutputError::Io {
                    path: "public".into(),
                    error: io(),
                }),
                exit::IO,
                vec!["cannot write public: permission denied"],
            ),
            (
                Error::Scaffold(ScaffoldError::Exists(vec!["a.md".into(), "b.md".into()])),
                exit::USAGE,
                vec![
                    "a.md already exists; not overwriting it",
                    "b.md already exists; not overwriting it",
                ],
            ),
            (
                Error::Io("cannot watch".into()),
                exit::IO,
                vec!["cannot watch"],
            ),
        ];
        for (error, code, messages) in cases {
            assert_eq!(error.exit_code(), code, "{error:?}");
            assert_eq!(error.messages(), messages, "{error:?}");
            assert_eq!(error.to_string(), messages.join("\n"));
        }
    }
}
