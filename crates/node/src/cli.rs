//! The command line of the `basalt` binary (clap derive).
//!
//! ```text
//! basalt dev [--port 8545] [--host 127.0.0.1] [--chain-id 31337] [--accounts 10]
//!            [--balance 10000] [--mnemonic "..."] [--block-time N] [--no-mining] [--datadir DIR]
//! basalt node --genesis FILE --datadir DIR [--port 8545] [--host 127.0.0.1] [--block-time N]
//! basalt contract build <CRATE_DIR> --out <DIR> [--wasm-opt z|s|3] [--locked]
//! ```
//!
//! One subcommand group per concern.

use std::net::IpAddr;
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
    /// Run a development chain: instant mining, funded dev accounts with
    /// their keys, a temporary datadir unless `--datadir` is given.
    Dev(DevArgs),
    /// Run a persistent node from a genesis file; a restart continues from
    /// the stored head.
    Node(NodeArgs),
    /// Build and inspect contracts.
    #[command(subcommand)]
    Contract(ContractCommand),
}

/// Where the JSON-RPC server listens.
#[derive(Debug, Args, Clone)]
pub struct RpcArgs {
    /// JSON-RPC port (HTTP and WebSocket); 0 picks a free one.
    #[arg(long, short, default_value_t = 8545)]
    pub port: u16,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,
    /// Accept legacy transactions without EIP-155 replay protection over RPC
    /// (`basalt node` refuses them by default, as geth does; `basalt dev`
    /// always accepts them, as anvil does).
    #[arg(long)]
    pub allow_unprotected_txs: bool,
}

/// Arguments of `basalt dev`.
#[derive(Debug, Args)]
pub struct DevArgs {
    /// Where the RPC listens.
    #[command(flatten)]
    pub rpc: RpcArgs,
    /// Chain id.
    #[arg(long, default_value_t = 31337)]
    pub chain_id: u64,
    /// Number of funded dev accounts.
    #[arg(long, short, default_value_t = 10)]
    pub accounts: usize,
    /// Balance of each dev account, in ETH.
    #[arg(long, default_value_t = 10_000)]
    pub balance: u64,
    /// BIP-39 mnemonic of the dev accounts (keys on m/44'/60'/0'/0/i).
    #[arg(long, short, default_value = crate::dev::DEFAULT_MNEMONIC)]
    pub mnemonic: String,
    /// Mine a block every N seconds instead of on every transaction (as anvil).
    #[arg(long, short, value_name = "SECONDS")]
    pub block_time: Option<u64>,
    /// Do not mine on every transaction (mine with `evm_mine`, or `--block-time`).
    #[arg(long)]
    pub no_mining: bool,
    /// Keep the chain in this directory (default: a temporary one, deleted on exit).
    #[arg(long, value_name = "DIR")]
    pub datadir: Option<PathBuf>,
}

/// Arguments of `basalt node`.
#[derive(Debug, Args)]
pub struct NodeArgs {
    /// Where the RPC listens.
    #[command(flatten)]
    pub rpc: RpcArgs,
    /// The genesis file (geth's format with Basalt's `config.consensus`).
    #[arg(long, value_name = "FILE")]
    pub genesis: PathBuf,
    /// The node's database directory.
    #[arg(long, value_name = "DIR")]
    pub datadir: PathBuf,
    /// Instant engine only: mine a block every N seconds (default: on every
    /// transaction).
    #[arg(long, value_name = "SECONDS")]
    pub block_time: Option<u64>,
    /// Instant engine only: do not produce blocks (follow the network's).
    #[arg(long)]
    pub no_mining: bool,
    /// Proof of work: mine blocks.
    #[arg(long)]
    pub mine: bool,
    /// Proof of work: mining threads (default: one per core).
    #[arg(long = "miner.threads", value_name = "N")]
    pub miner_threads: Option<usize>,
    /// Proof of work: the address mined blocks pay (default: the first dev account).
    #[arg(long = "miner.coinbase", value_name = "ADDRESS")]
    pub miner_coinbase: Option<basalt_primitives::Address>,
    /// Proof of stake: propose blocks with the key in FILE (hex, with or without 0x).
    #[arg(long, value_name = "FILE")]
    pub validator_key: Option<PathBuf>,
    /// Peer-to-peer settings.
    #[command(flatten)]
    pub p2p: P2pArgs,
}

/// Peer-to-peer settings of `basalt node`.
#[derive(Debug, Args)]
pub struct P2pArgs {
    /// TCP port for peers (0 picks a free one; the node prints its address).
    #[arg(long = "p2p-port", default_value_t = 30303)]
    pub p2p_port: u16,
    /// Address peers connect to (0.0.0.0 for every interface).
    #[arg(long = "p2p-host", default_value = "127.0.0.1")]
    pub p2p_host: IpAddr,
    /// Peers to connect to at start, comma-separated multiaddrs with a peer id
    /// (`/ip4/127.0.0.1/tcp/30303/p2p/12D3Koo…`; `admin_nodeInfo` gives a node's).
    #[arg(long, value_delimiter = ',', value_name = "MULTIADDRS")]
    pub bootnodes: Vec<basalt_network::Multiaddr>,
    /// Most peers to keep connected.
    #[arg(long = "max-peers", default_value_t = 50)]
    pub max_peers: u32,
    /// Run without the peer-to-peer network (a lone node).
    #[arg(long = "no-p2p")]
    pub no_p2p: bool,
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
    fn parses_dev_and_node() {
        let cli = Cli::try_parse_from(["basalt", "dev", "--port", "0", "--accounts", "3"]).unwrap();
        let Command::Dev(args) = cli.command else { panic!("dev") };
        assert_eq!(args.rpc.port, 0);
        assert_eq!(args.accounts, 3);
        assert_eq!(args.chain_id, 31337);
        let cli = Cli::try_parse_from(["basalt", "node", "--genesis", "g.json", "--datadir", "d"])
            .unwrap();
        let Command::Node(args) = cli.command else { panic!("node") };
        assert_eq!(args.rpc.port, 8545);
        assert!(Cli::try_parse_from(["basalt", "node", "--datadir", "d"]).is_err());
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
        let Command::Contract(ContractCommand::Build(args)) = cli.command else {
            panic!("parsed as contract build")
        };
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
