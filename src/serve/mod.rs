//! `blameless serve`: build the site into a private folder, serve it, watch
//! the sources and rebuild on every change, telling open browsers to reload
//! (or showing them what is wrong). Never touches `public/` unless asked.

pub mod http;
mod live;

use crate::build;
use crate::config::SOURCE_DIRS;
use crate::diagnostic::{self, Diagnostic, Level};
use crate::output::{OutputError, OutputLock};
use crate::project::{Error, Project};
use live::{Hub, LiveState};
use notify::{RecursiveMode, Watcher};
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::{Duration, Instant};

pub struct Options {
    pub root: PathBuf,
    pub config: Option<PathBuf>,
    pub bind: IpAddr,
    pub port: u16,
    pub drafts: bool,
    pub future: bool,
    /// Where the site is written; `None`: a private temporary folder.
    pub output: Option<PathBuf>,
    pub open: bool,
    /// Host names answered besides `localhost` and IP addresses.
    pub allowed_hosts: Vec<String>,
    pub quiet: bool,
    /// Print how long each stage of each rebuild took.
    pub verbose: bool,
}

/// How long the sources must be quiet before a rebuild: an editor's
/// save-by-rename (events microseconds apart) or a `git checkout` of many
/// files makes one rebuild.
const DEBOUNCE: Duration = Duration::from_millis(30);

/// What the watcher keeps from one rebuild to the next.
#[derive(Default)]
struct State {
    loader: crate::content::Loader,
    /// The parse cache the first load reads, which is saved after it.
    parsed: crate::memo::Memo,
    /// The configuration the loader parsed with.
    config: String,
    /// The last build into the output, while the output holds it.
    plan: Option<build::Plan>,
    /// Browsers show the problems of a failed rebuild.
    failed: bool,
}

/// The URL paths of the pages among written files; a change to the search
/// index is a change to the search page, and one to a write-up's file a
/// change to its page.
fn page_paths(files: &[String]) -> Vec<String> {
    let mut pages: Vec<String> = files
        .iter()
        .filter_map(|f| {
            if let Some(dir) = f.strip_suffix("index.html") {
                Some(format!("/{dir}"))
            } else if f.starts_with("search/") {
                Some("/search/".to_string())
            } else if let Some(rest) = f.strip_prefix("incidents/") {
                // A file published beside a write-up: its page shows it.
                rest.split_once('/')
                    .map(|(slug, _)| format!("/incidents/{slug}/"))
            } else {
                None
            }
        })
        .collect();
    pages.sort();
    pages.dedup();
    pages
}

/// Why a rebuild failed.
#[derive(Debug)]
enum Failure {
    /// Problems in the site, as `check` prints them: shown in browsers.
    Site(String),
    /// The output folder cannot be written.
    Output(OutputError),
}

impl Failure {
    fn text(&self) -> String {
        match self {
            Failure::Site(text) => text.clone(),
            Failure::Output(e) => format!("error: {e}\n"),
        }
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text().trim_end())
    }
}

impl std::error::Error for Failure {}

/// Rebuilds after a change to `changed` (paths; empty for the first
/// build), telling browsers as soon as the pages they show are ready.
/// Returns the line for the terminal, or the problems.
fn rebuild(
    opts: &Options,
    output: &OutputLock,
    base_url: &str,
    verb: &str,
    state: &mut State,
    changed: &[PathBuf],
    hub: &Hub,
) -> Result<String, Failure> {
    let started = Instant::now();
    let render = |ds: &[Diagnostic]| {
        ds.iter()
            .map(|d| diagnostic::render_human(d, false))
            .collect::<String>()
    };
    let mut project = match Project::open(&opts.root, opts.config.as_deref()) {
        Ok(project) => project,
        Err(Error::Config(errors)) => return Err(Failure::Site(render(&errors))),
        Err(e) => return Err(Failure::Site(format!("{e}\n"))),
    };
    project
        .set_base_url(base_url, "")
        .map_err(|e| Failure::Site(format!("{e}\n")))?;
    let config = &project.config;
    let config_text = format!("{config:?}");
    if config_text != state.config {
        state.loader = crate::content::Loader::default();
        state.config = config_text;
    }
    for path in changed {
        state.loader.forget(path);
    }
    let content = state.loader.load(&opts.root, config, Some(&state.parsed));
    let loaded = started.elapsed();
    if content.diagnostics.iter().any(|d| d.level == Level::Error) {
        return Err(Failure::Site(render(&content.diagnostics)));
    }
    let today = crate::datetime::today(&config.tz);
    let options = project.options(output, opts.drafts, opts.future, false, today);
    // Browsers that show problems reload whatever changed.
    let everything = state.failed;
    let pages_ready = |files: build::PagesDone| {
        hub.publish(LiveState::Ready {
            pages: files.filter(|_| !everything).map(|f| page_paths(&f)),
            complete: false,
        });
    };
    // The preview folder is always rebuilt; the fingerprint is still
    // recorded, as `build` would, for a `--output` folder.
    let previous = state.plan.take();
    match project.build(&content, &options, previous, &pages_ready) {
        Ok((report, plan)) => {
            state.plan = Some(plan);
            if opts.verbose {
                eprintln!("  loading and validation: {:.3} s", loaded.as_secs_f64());
                for (stage, took) in &report.timings {
                    eprintln!("  {stage}: {:.3} s", took.as_secs_f64());
                }
            }
            hub.publish(LiveState::Ready {
                // After an update's first event (which reloaded every page
                // if it had to), only what was written since.
                pages: report.updated.then(|| page_paths(&report.written_late)),
                complete: true,
            });
            state.failed = false;
            Ok(format!(
                "{verb} {} in {:.0} ms{}",
                crate::text::plural(report.writeups, "write-up", "write-ups"),
                started.elapsed().as_secs_f64() * 1000.0,
                if report.updated {
                    format!(" (updated {} files)", report.files)
                } else {
                    String::new()
                }
            ))
        }
        // The output may be half updated: the next build is a whole one.
        Err(Error::Template(e)) => {
            Err(Failure::Site(format!("{}: error: {}\n", e.file, e.message)))
        }
        Err(Error::Output(e)) => Err(Failure::Output(e)),
        Err(e) => Err(Failure::Site(format!("{e}\n"))),
    }
}

/// Whether a changed path is a source of the site (not its output).
fn is_source(root: &Path, config: &Path, output: &Path, path: &Path) -> bool {
    if path.starts_with(output) || path == config {
        return path == config;
    }
    let Ok(relative) = path.strip_prefix(root) else {
        return false;
    };
    let mut parts = relative.components();
    let top = parts
        .next()
        .map(|c| c.as_os_str().to_string_lossy().to_string());
    top.is_some_and(|top| SOURCE_DIRS.contains(&top.as_str()))
        && !relative
            .components()
            .any(|c| c.as_os_str().to_string_lossy().starts_with(".blameless"))
}

/// Binds the port, or the next free one when it is taken.
fn bind(opts: &Options) -> Result<(std::net::TcpListener, SocketAddr), String> {
    let tries = if opts.port == 0 { 1 } else { 20 };
    for offset in 0..tries {
        let port = opts.port.saturating_add(offset);
        match std::net::TcpListener::bind(SocketAddr::new(opts.bind, port)) {
            Ok(listener) => {
                let addr = listener
                    .local_addr()
                    .unwrap_or_else(|_| SocketAddr::new(opts.bind, port));
                if offset > 0 && !opts.quiet {
                    eprintln!(
                        "Port {} is in use; using {} instead.",
                        opts.port,
                        addr.port()
                    );
                }
                return Ok((listener, addr));
            }
            Err(_) if offset + 1 < tries => continue,
            Err(e) => return Err(format!("cannot listen on {}:{}: {e}", opts.bind, port)),
        }
    }
    Err("no free port".into())
}

/// Removes the private folders of previews whose process is gone (killed
/// rather than stopped with Ctrl-C).
fn remove_dead_previews() {
    #[cfg(unix)]
    {
        let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
            return;
        };
        for entry in entries.filter_map(Result::ok) {
            let name = entry.file_name();
            let Some(pid) = name
                .to_str()
                .and_then(|n| n.strip_prefix("blameless-serve-"))
                .and_then(|p| p.parse::<i32>().ok())
                .and_then(rustix::process::Pid::from_raw)
            else {
                continue;
            };
            if rustix::process::test_kill_process(pid) == Err(rustix::io::Errno::SRCH) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
}

/// Runs until Ctrl-C.
pub fn run(mut opts: Options) -> Result<(), Error> {
    // Change events name absolute, resolved paths; so do the files loaded.
    if let Ok(root) = opts.root.canonicalize() {
        opts.root = root;
    }
    let (server, url) = listen(&opts)?;
    let private = opts.output.is_none();
    let (output, lock) = take_output(&opts)?;

    let hub = Hub::new();
    // Highlighted code from the last build or serve; later rebuilds reuse
    // it from memory.
    let memo_file = crate::highlight::memo_file(&opts.root);
    crate::highlight::memo().load(&memo_file);
    let parse_file = crate::content::cache_file(&opts.root);
    let mut state = State::default();
    state.parsed.load(&parse_file);
    match rebuild(&opts, &lock, &url, "Built", &mut state, &[], &hub) {
        Ok(line) => {
            let _ = crate::highlight::memo().save(&memo_file);
            let _ = state.parsed.save(&parse_file);
            if !opts.quiet {
                eprintln!("{line}");
            }
        }
        // A folder that must not be written to is not served either.
        Err(Failure::Output(
            e @ (OutputError::Refused { .. } | OutputError::NotWritable { .. }),
        )) => return Err(e.into()),
        Err(failure) => {
            let problems = failure.text();
            eprint!("{problems}");
            state.failed = true;
            hub.publish(LiveState::Failed(problems));
            // Serve something: the overlay explains the rest.
            let _ = std::fs::create_dir_all(&output);
        }
    }
    let root = match output.canonicalize() {
        Ok(r) => r,
        Err(e) => {
            return Err(Error::Io(format!("cannot use {}: {e}", output.display())));
        }
    };
    {
        let hub = std::sync::Arc::clone(&hub);
        let hosts = opts.allowed_hosts.clone();
        std::thread::spawn(move || http::run(server, root, hosts, hub));
    }

    let mut sources = Sources::watch(&opts, &output)?;
    if !opts.quiet {
        let dirs: Vec<String> = SOURCE_DIRS.iter().map(|d| format!("{d}/")).collect();
        eprintln!(
            "Watching {} and the configuration for changes.",
            dirs.join(", ")
        );
    }

    // Announced once changes are watched, so that none made after it is missed.
    eprintln!(
        "Serving {} at {url} (Ctrl-C to stop)",
        if private { "a preview" } else { "the site" }
    );
    if opts.open {
        let _ = std::process::Command::new(if cfg!(target_os = "macos") {
            "open"
        } else {
            "xdg-open"
        })
        .arg(&url)
        .spawn();
    }
    while let Some(changed) = sources.next_changes() {
        match rebuild(&opts, &lock, &url, "Rebuilt", &mut state, &changed, &hub) {
            Ok(line) => {
                if !opts.quiet {
                    eprintln!("{line}");
                }
            }
            Err(failure) => {
                let problems = failure.text();
                eprint!("{problems}");
                state.failed = true;
                hub.publish(LiveState::Failed(problems));
            }
        }
    }
    Ok(())
}

/// The listening socket and the address to browse, after warning when it
/// serves more than this machine.
fn listen(opts: &Options) -> Result<(std::net::TcpListener, String), Error> {
    let (server, addr) = bind(opts).map_err(Error::Usage)?;
    let host = if addr.ip().is_unspecified() {
        IpAddr::from([127, 0, 0, 1])
    } else {
        addr.ip()
    };
    let url = format!("http://{}/", SocketAddr::new(host, addr.port()));
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: serving on {}: anyone who can reach this machine can read the site",
            addr.ip()
        );
    }
    Ok((server, url))
}

/// The output folder, locked: `--output`, or a private preview folder that
/// Ctrl-C removes.
fn take_output(opts: &Options) -> Result<(PathBuf, OutputLock), Error> {
    // A private preview gets a folder of its own, with its lock and
    // staging folder inside, so that Ctrl-C removes all of it.
    remove_dead_previews();
    let private_dir = std::env::temp_dir().join(format!("blameless-serve-{}", std::process::id()));
    let output = opts
        .output
        .clone()
        .unwrap_or_else(|| private_dir.join("site"));
    let waiting = |holder: &crate::output::Holder| {
        eprintln!("{}", holder.waiting_message(&output));
    };
    let lock = Project::lock_output(&opts.root, &output, "serve", Some(&waiting))?;
    let cleanup = opts.output.is_none().then_some(private_dir);
    let _ = ctrlc::set_handler(move || {
        if let Some(dir) = &cleanup {
            let _ = std::fs::remove_dir_all(dir);
        }
        std::process::exit(0);
    });
    Ok((output, lock))
}

/// Says so when `path` cannot be watched (the system's limit of watched
/// folders, say): its edits would otherwise be missed without a word.
fn watched(result: notify::Result<()>, path: &Path) {
    if let Err(e) = result {
        eprintln!("{}", unwatched(path, &e));
    }
}

fn unwatched(path: &Path, error: &notify::Error) -> String {
    format!(
        "warning: cannot watch {} for changes ({error}); edits there are not picked up until serve is restarted",
        path.display()
    )
}

/// The site's sources, watched for changes.
struct Sources {
    watcher: notify::RecommendedWatcher,
    events: mpsc::Receiver<notify::Result<notify::Event>>,
    root: PathBuf,
    config: PathBuf,
    /// The output, whose own writes are no change of the sources.
    output: PathBuf,
}

impl Sources {
    fn watch(opts: &Options, output: &Path) -> Result<Sources, Error> {
        let (tx, events) = mpsc::channel();
        let mut watcher = match notify::recommended_watcher(tx) {
            Ok(w) => w,
            Err(e) => {
                return Err(Error::Io(format!("cannot watch for changes: {e}")));
            }
        };
        let root = opts
            .root
            .canonicalize()
            .unwrap_or_else(|_| opts.root.clone());
        let config = opts
            .config
            .clone()
            .unwrap_or_else(|| opts.root.join("blameless.yaml"));
        let config = config.canonicalize().unwrap_or(config);
        let output = output.canonicalize().unwrap_or(output.to_path_buf());
        for dir in SOURCE_DIRS {
            let path = root.join(dir);
            if path.is_dir() {
                watched(watcher.watch(&path, RecursiveMode::Recursive), &path);
            }
        }
        // The root itself, not recursively: the config file, and source folders created later.
        watched(watcher.watch(&root, RecursiveMode::NonRecursive), &root);
        Ok(Sources {
            watcher,
            events,
            root,
            config,
            output,
        })
    }

    /// Whether `event` changes a source. Reading files (as every build
    /// does) makes access events: only changes count, or each build would
    /// start the next.
    fn relevant(&self, event: &notify::Event) -> bool {
        use notify::event::{EventKind, MetadataKind, ModifyKind};
        let changes = match event.kind {
            EventKind::Create(_) | EventKind::Remove(_) => true,
            EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
            EventKind::Modify(_) => true,
            _ => false,
        };
        changes
            && event
                .paths
                .iter()
                .any(|p| is_source(&self.root, &self.config, &self.output, p))
    }

    /// The paths of the next burst of changes, once it is over; `None`
    /// when no more can come.
    fn next_changes(&mut self) -> Option<Vec<PathBuf>> {
        while let Ok(first) = self.events.recv() {
            let Ok(event) = first else { continue };
            if !self.relevant(&event) {
                continue;
            }
            // New source folders need watching too.
            for dir in SOURCE_DIRS {
                let path = self.root.join(dir);
                if event.paths.contains(&path) && path.is_dir() {
                    watched(self.watcher.watch(&path, RecursiveMode::Recursive), &path);
                }
            }
            // Wait until the burst of changes is over.
            let mut changed = event.paths;
            while let Ok(more) = self.events.recv_timeout(DEBOUNCE) {
                if let Ok(event) = more {
                    changed.extend(event.paths);
                }
            }
            return Some(changed);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_that_cannot_be_watched_is_named_with_what_it_means() {
        let error = notify::Error::io(std::io::Error::other("no space left on device"));
        assert_eq!(
            unwatched(Path::new("/site/content"), &error),
            "warning: cannot watch /site/content for changes (no space left on device); edits there are not picked up until serve is restarted"
        );
    }

    #[test]
    fn written_files_name_the_pages_to_reload() {
        let files: Vec<String> = [
            "incidents/x/index.html",
            "incidents/y/img/lag.png",
            "index.html",
            "rss.xml",
            "search/shard-1.bin",
            "search/meta.json",
            "tags/db/page/2/index.html",
        ]
        .map(String::from)
        .to_vec();
        assert_eq!(
            page_paths(&files),
            [
                "/",
                "/incidents/x/",
                "/incidents/y/",
                "/search/",
                "/tags/db/page/2/"
            ]
        );
    }
}
