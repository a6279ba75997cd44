//! What each CLI command does, from loading to printing, returning the
//! process exit code. `main.rs` only parses arguments and calls these.

use crate::config::Config;
use crate::diagnostic::{self, Diagnostic, Format, Level};
use crate::scaffold::{self, ScaffoldError};
use crate::text::{display_path, plural};
use std::io::Write;
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

    /// Loads the config, printing its problems. `Err` is the exit code.
    pub fn load_config(&self) -> Result<Config, i32> {
        match Config::load(&self.root, self.config.as_deref()) {
            Ok((config, warnings)) => {
                self.eprint_diagnostics(&warnings);
                Ok(config)
            }
            Err(errors) => {
                self.eprint_diagnostics(&errors);
                Err(exit::USAGE)
            }
        }
    }
}

/// `--today YYYY-MM-DD`, else today in the site's time zone.
fn today(global: &Global, config: &Config, given: Option<&str>) -> Result<jiff::civil::Date, i32> {
    match given {
        None => Ok(crate::datetime::today(&config.tz)),
        Some(text) => crate::datetime::parse_date(text, &config.tz).map_err(|e| {
            global.error(&format!("--today: {e}"));
            exit::USAGE
        }),
    }
}

/// `blameless check`.
pub fn check(global: &Global, format: Format, strict: bool, today_arg: Option<&str>) -> i32 {
    let (config, config_diagnostics) = match Config::load(&global.root, global.config.as_deref()) {
        Ok((config, warnings)) => (Some(config), warnings),
        Err(errors) => (None, errors),
    };
    let config_failed = config.is_none();
    let config = config.unwrap_or_default();
    let today = match today(global, &config, today_arg) {
        Ok(d) => d,
        Err(code) => return code,
    };
    // With a configuration that failed, the defaults stand in; the cache
    // is not used, so that it keeps what the site's own settings made.
    let (content, cache_saved) = if config_failed {
        (crate::content::load(&global.root, &config), None)
    } else {
        load_content(global, &config)
    };
    let mut all = config_diagnostics;
    all.extend(content.diagnostics);
    all.extend(crate::content::overdue_warnings(&content.writeups, today));
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
    finish_saving(cache_saved);
    if config_failed {
        exit::USAGE
    } else if errors > 0 {
        exit::CONTENT
    } else {
        exit::OK
    }
}

/// `blameless new`.
pub fn new(
    global: &Global,
    title: &str,
    date: Option<&str>,
    severity: Option<&str>,
    author: Option<&str>,
) -> i32 {
    let config = match global.load_config() {
        Ok(c) => c,
        Err(code) => return code,
    };
    if title.trim().is_empty() {
        global.error("the title must not be empty");
        return exit::USAGE;
    }
    let date = match date {
        None => crate::datetime::today(&config.tz),
        Some(text) => match crate::datetime::parse_date(text, &config.tz) {
            Ok(d) => d,
            Err(e) => {
                global.error(&format!("--date: {e}"));
                return exit::USAGE;
            }
        },
    };
    let names = config.severity_names();
    let severity = match severity {
        Some(s) if names.contains(&s) => s.to_string(),
        Some(s) => {
            global.error(&format!(
                "--severity: {s:?} is not a configured severity (use one of {})",
                names.join(", ")
            ));
            return exit::USAGE;
        }
        None if names.contains(&"SEV3") => "SEV3".to_string(),
        None => names[names.len() / 2].to_string(),
    };
    let author = author
        .map(str::to_string)
        .or_else(|| scaffold::git_user_name(&global.root))
        .unwrap_or_else(|| "your-name".into());
    match scaffold::new_writeup(&global.root, &config, title, date, &severity, &author) {
        Ok(path) => {
            println!("{}", display_path(&global.root, &path));
            exit::OK
        }
        Err(e) => scaffold_error(global, e),
    }
}

fn scaffold_error(global: &Global, error: ScaffoldError) -> i32 {
    match error {
        ScaffoldError::Exists(paths) => {
            for p in paths {
                global.error(&format!(
                    "{} already exists; not overwriting it",
                    display_path(&global.root, &p)
                ));
            }
            exit::USAGE
        }
        ScaffoldError::Io(path, e) => {
            global.error(&format!("cannot write {}: {e}", path.display()));
            exit::IO
        }
    }
}

/// `blameless init [DIR]`.
pub fn init(global: &Global, dir: Option<&Path>) -> i32 {
    let dir = dir
        .map(Path::to_path_buf)
        .unwrap_or_else(|| global.root.clone());
    let today = crate::datetime::today(&jiff::tz::TimeZone::UTC);
    match scaffold::init(&dir, today) {
        Ok(files) => {
            if !global.quiet {
                for f in &files {
                    println!("created {}", f.display());
                }
                println!(
                    "Next: cd {} && blameless new \"What happened\" && blameless build",
                    dir.display()
                );
            }
            exit::OK
        }
        Err(e) => scaffold_error(global, e),
    }
}

/// Arguments of `blameless build`.
#[derive(Debug, Clone, Default)]
pub struct BuildArgs {
    /// `--today`: the date for future write-ups and overdue action items.
    pub today: Option<String>,
    pub drafts: bool,
    pub future: bool,
    pub base_url: Option<String>,
    pub output: Option<PathBuf>,
    /// Rebuild even if nothing changed.
    pub force: bool,
    /// Replace an output folder that blameless did not make.
    pub replace_foreign: bool,
    /// Stop instead of waiting when another build holds the output.
    pub no_wait: bool,
}

/// Loads the content through the site's parse cache, and saves the cache
/// on a thread of its own: see [`finish_saving`].
fn load_content(
    global: &Global,
    config: &Config,
) -> (crate::content::Content, Option<std::thread::JoinHandle<()>>) {
    let file = crate::content::cache_file(&global.root);
    let memo = crate::memo::Memo::default();
    memo.load(&file);
    let content = crate::content::load_cached(&global.root, config, &memo);
    let global = global.clone();
    // When no thread can be started, the cache is not saved: it only saves
    // time.
    let saving = std::thread::Builder::new()
        .spawn(move || save_cache(&global, &memo, &file))
        .ok();
    (content, saving)
}

/// Waits for a save that [`load_content`] started.
fn finish_saving(saving: Option<std::thread::JoinHandle<()>>) {
    if let Some(saving) = saving {
        let _ = saving.join();
    }
}

/// Saves a cache; a failure is a note under `--verbose`, since the cache
/// only saves time and a read-only checkout must still work.
fn save_cache(global: &Global, memo: &crate::memo::Memo, file: &Path) {
    if let Err(e) = memo.save(file) {
        if global.verbose {
            eprintln!(
                "note: cannot save {}: {e}",
                display_path(&global.root, file)
            );
        }
    }
}

/// Frees `value` on a thread of its own. A large site's content and
/// snapshot take a noticeable moment to free, one allocation at a time, on
/// one core; the command need not wait for that, and when the process exits
/// first, the system reclaims the memory at once.
fn free_in_background<T: Send + 'static>(value: T) {
    // When no thread can be started, the closure, and so the value, is
    // dropped here instead.
    let _ = std::thread::Builder::new().spawn(move || drop(value));
}

/// `blameless build`: validate like `check`, then render.
pub fn build(global: &Global, args: &BuildArgs) -> i32 {
    let started = std::time::Instant::now();
    crate::output::stop_builds_on_interrupt();
    let mut config = match global.load_config() {
        Ok(c) => c,
        Err(code) => return code,
    };
    if let Some(url) = &args.base_url {
        if let Err(message) = config.set_base_url(url) {
            global.error(&format!("--base-url: {message}"));
            return exit::USAGE;
        }
    }
    let output = args
        .output
        .clone()
        .unwrap_or_else(|| global.root.join(&config.build.output));
    let today = match today(global, &config, args.today.as_deref()) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let waiting = |holder: &crate::output::Holder| {
        if !global.quiet {
            eprintln!("{}", holder.waiting_message(&output));
        }
    };
    if let Err(e) = crate::output::check_allowed(&output, &global.root) {
        return output_error(global, e);
    }
    let lock = match crate::output::OutputLock::acquire(
        &output,
        "build",
        (!args.no_wait).then_some(&waiting as &dyn Fn(&crate::output::Holder)),
    ) {
        Ok(lock) => lock,
        Err(e) => return output_error(global, e),
    };
    let options = crate::build::Options {
        drafts: args.drafts || config.build.drafts,
        future: args.future || config.build.future,
        output: &lock,
        replace_foreign: args.replace_foreign,
        today,
    };
    // Deciding this reads the write-ups but parses none; only an output
    // with a marker is worth it.
    let unchanged = || {
        let writeups = crate::content::source_hashes(&global.root)?;
        Some(crate::build::fingerprint(
            &global.root,
            &config,
            &options,
            &writeups,
        ))
    };
    if !args.force && crate::output::is_up_to_date(&output, unchanged) {
        if !global.quiet {
            eprintln!(
                "Nothing changed since the last build; {} is up to date ({:.2} s)",
                display_path(&global.root, &output),
                started.elapsed().as_secs_f64()
            );
        }
        return exit::OK;
    }
    let (content, cache_saved) = load_content(global, &config);
    let loaded = started.elapsed();
    global.eprint_diagnostics(&content.diagnostics);
    let (errors, _) = diagnostic::summary(&content.diagnostics);
    if errors > 0 {
        global.error(&format!(
            "{} found; nothing was written",
            plural(errors, "error", "errors")
        ));
        finish_saving(cache_saved);
        return exit::CONTENT;
    }
    let memo_file = crate::highlight::memo_file(&global.root);
    crate::highlight::memo().load(&memo_file);
    let inputs = || crate::build::content_fingerprint(&global.root, &config, &options, &content);
    let build = crate::build::build(
        &global.root,
        &config,
        &content,
        &options,
        &inputs,
        None,
        &|_| {},
    );
    let reused = match content.from_cache {
        0 => String::new(),
        n => format!(
            " ({} of {} from the parse cache)",
            crate::text::thousands(n),
            plural(content.files, "file", "files")
        ),
    };
    free_in_background(content);
    finish_saving(cache_saved);
    match build {
        Ok((report, snapshot)) => {
            free_in_background(snapshot);
            save_cache(global, crate::highlight::memo(), &memo_file);
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
                    loaded.as_secs_f64()
                );
                for (stage, took) in &report.timings {
                    eprintln!("  {stage}: {:.3} s", took.as_secs_f64());
                }
            }
            exit::OK
        }
        Err(crate::build::BuildError::Template(e)) => {
            global.error(&format!("{}: {}", e.file, e.message));
            global.error("the build failed; the previous output was left as it was");
            exit::CONTENT
        }
        Err(crate::build::BuildError::Output(e)) => output_error(global, e),
    }
}

/// Prints a problem with the output folder; returns its exit code.
fn output_error(global: &Global, error: crate::output::OutputError) -> i32 {
    use crate::output::OutputError;
    global.error(&error.to_string());
    match error {
        OutputError::Refused { .. } | OutputError::Busy { .. } => exit::USAGE,
        OutputError::NotWritable { .. } | OutputError::Io { .. } => exit::IO,
        OutputError::Interrupted => exit::INTERRUPTED,
    }
}

/// `blameless stats`: the figures of the published history in the terminal.
pub fn stats(global: &Global, format: Format, today_arg: Option<&str>) -> i32 {
    let config = match global.load_config() {
        Ok(c) => c,
        Err(code) => return code,
    };
    let today = match today(global, &config, today_arg) {
        Ok(d) => d,
        Err(code) => return code,
    };
    let (content, cache_saved) = load_content(global, &config);
    finish_saving(cache_saved);
    let (errors, _) = diagnostic::summary(&content.diagnostics);
    if errors > 0 {
        global.eprint_diagnostics(&content.diagnostics);
        global.error("fix the errors above first (see `blameless check`)");
        return exit::CONTENT;
    }
    let writeups = crate::build::select(&content, false, false, today);
    let figures = crate::insight::Figures::of(&writeups, &config);
    match format {
        Format::Json => {
            let mut json = serde_json::to_string_pretty(&figures).unwrap_or_else(|_| "{}".into());
            json.push('\n');
            print!("{json}");
        }
        _ => print!("{}", crate::insight::terminal_report(&figures)),
    }
    exit::OK
}

/// What `blameless search` is asked.
pub struct SearchArgs {
    pub query: String,
    /// The built site [default: the build output].
    pub site: Option<PathBuf>,
    /// `facet=value` selections.
    pub filters: Vec<String>,
    pub sort: String,
    pub limit: usize,
    pub json: bool,
}

/// `blameless search`: answers a query from a built site's index, as the
/// search page does in the browser.
pub fn search(global: &Global, args: &SearchArgs) -> i32 {
    use crate::search::{parse, Index, Sort};
    let site = match &args.site {
        Some(dir) => dir.clone(),
        None => match global.load_config() {
            Ok(config) => global.root.join(&config.build.output),
            Err(code) => return code,
        },
    };
    let Some(sort) = Sort::from_name(&args.sort) else {
        global.error(&format!(
            "--sort: `{}` is not one of {}",
            args.sort,
            Sort::NAMES.join(", ")
        ));
        return exit::USAGE;
    };
    let mut selected: Vec<(String, Vec<String>)> = Vec::new();
    for filter in &args.filters {
        let Some((key, value)) = filter.split_once('=') else {
            global.error(&format!(
                "--filter: `{filter}` is not FACET=VALUE (for example severity=SEV1)"
            ));
            return exit::USAGE;
        };
        match selected.iter_mut().find(|(k, _)| k == key) {
            Some((_, values)) => values.push(value.to_string()),
            None => selected.push((key.to_string(), vec![value.to_string()])),
        }
    }
    let mut index = match Index::open(&site) {
        Ok(i) => i,
        Err(e) => {
            global.error(&format!(
                "no search index in {}: {e}\nhint: run `blameless build` first, or give the built site with --site",
                display_path(&global.root, &site)
            ));
            return exit::USAGE;
        }
    };
    let query = parse(&args.query);
    let answer = index.search(&query, &selected, sort).and_then(|results| {
        let shown: Vec<_> = results
            .ids
            .iter()
            .zip(&results.scores)
            .take(args.limit)
            .map(|(&id, &score)| index.hit(id).map(|hit| (id, score, hit)))
            .collect::<Result<_, _>>()?;
        Ok((results, shown))
    });
    let (results, shown) = match answer {
        Ok(a) => a,
        Err(e) => {
            global.error(&format!(
                "the search index is damaged: {e}\nhint: rebuild the site"
            ));
            return exit::USAGE;
        }
    };
    if args.json {
        let json = serde_json::json!({
            "total": results.ids.len(),
            "results": shown.iter().map(|(id, score, hit)| serde_json::json!({
                "id": id, "score": score, "url": hit.url, "title": hit.title(), "date": hit.date,
            })).collect::<Vec<_>>(),
            "facets": results.facets.iter().map(|(k, values)| (k.clone(), values.clone())).collect::<std::collections::BTreeMap<_, _>>(),
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&json).unwrap_or_default()
        );
    } else {
        println!(
            "{}",
            plural(results.ids.len(), "write-up matches", "write-ups match")
        );
        for (_, _, hit) in &shown {
            println!(
                "  {}  {}  {}\n    {}",
                hit.date,
                hit.severity,
                hit.title(),
                hit.url
            );
        }
    }
    exit::OK
}
