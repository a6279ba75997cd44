//! `blameless serve`: the preview server (see [`crate::serve`]).

use super::{Error, Global};
use std::net::IpAddr;
use std::path::PathBuf;

/// Arguments of `blameless serve`.
#[derive(clap::Args, Debug, Clone)]
pub struct ServeArgs {
    /// Port to listen on (the next free one is used if it is taken; 0 picks any)
    #[arg(long, default_value_t = 1111)]
    pub port: u16,
    /// Address to listen on; the default serves this machine only
    #[arg(long, default_value = "127.0.0.1")]
    pub bind: IpAddr,
    /// Open the site in the default browser
    #[arg(long)]
    pub open: bool,
    /// Include write-ups with status draft or review
    #[arg(long)]
    pub drafts: bool,
    /// Include write-ups dated after today
    #[arg(long)]
    pub future: bool,
    /// Write the site to this folder instead of a private temporary one
    #[arg(short, long, value_name = "DIR")]
    pub output: Option<PathBuf>,
    /// Also answer requests for this host name (repeat for more); localhost and IP addresses always are
    #[arg(long = "allowed-host", value_name = "NAME")]
    pub allowed_hosts: Vec<String>,
}

/// `blameless serve`.
pub fn serve(global: &Global, args: ServeArgs) -> Result<(), Error> {
    crate::serve::run(crate::serve::Options {
        root: global.root.clone(),
        config: global.config.clone(),
        bind: args.bind,
        port: args.port,
        drafts: args.drafts,
        future: args.future,
        output: args.output,
        open: args.open,
        allowed_hosts: args.allowed_hosts,
        quiet: global.quiet,
        verbose: global.verbose,
    })
}
