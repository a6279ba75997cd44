//! The `blameless` command line: parses the arguments and runs the
//! command; each command's arguments and work are in `blameless::cmd`.

use blameless::cmd::{self, exit, Cli};
use clap::Parser;

// Loading and rendering allocate many small strings on every thread;
// mimalloc measured faster than the system allocator here (see #8's note),
// and its version 2 a little faster and leaner than version 3 (10,000
// write-ups: 5.86 against 5.97 CPU seconds, 470 against 498 MB). Its
// `override` feature gives it the C code's allocations too: Oniguruma
// allocates on every regex search while code is highlighted (1,000
// write-ups, one thread: 5.36 G instructions with it, 5.42 G without).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
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
    let global = cli.global.resolve();
    let result = cli.command.run(&global);
    std::process::exit(cmd::finish(&global, result));
}
