//! The command line of the `basalt` binary (clap derive).
//!
//! ```text
//! basalt contract build <CRATE_DIR> --out <DIR> [--wasm-opt z|s|3] [--locked]
//! ```
//!
//! One subcommand group per concern; the node itself (`basalt dev`,
//! `basalt node ...`) joins [`Command`] as it is built.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::contract_build::{BuildOptions, WasmOptLevel};

/// Basalt: a smart-contract blockchain node with WebAssembly contracts.
#[derive(Debug, Parser)]
#[command(name = "basalt", version, about, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build and inspect contracts.
    #[command(subcommand)]
    Contract(ContractCommand),
}

/// `basalt contract ...`.
#[derive(Debug, Subcommand)]
pub enum ContractCommand {
    /// Build a contract crate for wasm32 and write `<out>/<contractName>.json`
    /// ({contractName, abi, bytecode, deployedBytecode}, as Hardhat and
    /// Foundry load it).
    Build(BuildArgs),
}

/// Arguments of `basalt contract build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// The contract crate's directory (with its Cargo.toml; a cdylib).
    #[arg(value_name = "CRATE_DIR")]
    pub crate_dir: PathBuf,
    /// Directory to write the artifact into (created if missing).
    #[arg(long, short, value_name = "DIR")]
    pub out: PathBuf,
    /// Also optimize with binaryen's wasm-opt at this level (-Oz, -Os, -O3);
    /// needs wasm-opt on PATH. Off by default, so the output depends only on
    /// the Rust toolchain.
    #[arg(long, value_name = "LEVEL")]
    pub wasm_opt: Option<WasmOptLevel>,
    /// Require Cargo.lock to be up to date (passed to cargo).
    #[arg(long)]
    pub locked: bool,
}

impl From<BuildArgs> for BuildOptions {
    fn from(args: BuildArgs) -> Self {
        BuildOptions {
            crate_dir: args.crate_dir,
            out_dir: args.out,
            wasm_opt: args.wasm_opt,
            locked: args.locked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn parses_contract_build() {
        let cli = Cli::try_parse_from([
            "basalt",
            "contract",
            "build",
            "c/token",
            "--out",
            "out",
            "--wasm-opt",
            "z",
        ])
        .unwrap();
        let Command::Contract(ContractCommand::Build(args)) = cli.command;
        let options = BuildOptions::from(args);
        assert_eq!(options.crate_dir, PathBuf::from("c/token"));
        assert_eq!(options.out_dir, PathBuf::from("out"));
        assert_eq!(options.wasm_opt, Some(WasmOptLevel::Oz));
        assert!(!options.locked);
        assert!(
            Cli::try_parse_from(["basalt", "contract", "build", "c"]).is_err(),
            "--out is required"
        );
        assert!(Cli::try_parse_from([
            "basalt",
            "contract",
            "build",
            "c",
            "-o",
            "o",
            "--wasm-opt",
            "9"
        ])
        .is_err());
    }
}
