//! `blameless serve`: the preview server (see [`crate::serve`]).

use super::{Error, Global};
use std::net::IpAddr;
use std::path::PathBuf;

/// `blameless serve`.
#[allow(clippy::too_many_arguments)]
pub fn serve(
    global: &Global,
    bind: IpAddr,
    port: u16,
    open: bool,
    drafts: bool,
    future: bool,
    output: Option<PathBuf>,
    allowed_hosts: Vec<String>,
) -> Result<(), Error> {
    crate::serve::run(crate::serve::Options {
        root: global.root.clone(),
        config: global.config.clone(),
        bind,
        port,
        drafts,
        future,
        output,
        open,
        allowed_hosts,
        quiet: global.quiet,
        verbose: global.verbose,
    })
}
