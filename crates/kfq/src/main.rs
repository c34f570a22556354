//! `kfq` — the command line: a thin adapter over `kfq-app`'s use cases.

mod cli;

use std::process::ExitCode;

use clap::Parser;

#[tokio::main]
async fn main() -> ExitCode {
    let args = cli::Cli::parse();
    let lang = args.lang();
    match cli::run(args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{}", kfq_core::Localized::message(&e, lang));
            ExitCode::FAILURE
        }
    }
}
