//! `basalt`: the node binary. See the library docs (`basalt_node`) for the
//! commands; this file parses the command line, sets up logging and reports
//! errors.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use anyhow::Context as _;
use basalt_node::cli::{Cli, Command, ContractCommand};
use basalt_node::contract_build::{build_contract, BuildOptions};
use clap::Parser as _;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to standard error, filtered by `RUST_LOG` (default `info`).
fn init_logging() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Contract(ContractCommand::Build(args)) => {
            let options = BuildOptions::from(args);
            let built = build_contract(&options).with_context(|| {
                format!("building the contract in {}", options.crate_dir.display())
            })?;
            // The command's result, on standard output for scripts.
            println!("{}", built.artifact_path.display());
            Ok(())
        }
    }
}
