//! `basalt`: the node binary. See the library docs (`basalt_node`) for the
//! commands; this file parses the command line, sets up logging and reports
//! errors.

use std::io::IsTerminal as _;
use std::process::ExitCode;

use anyhow::Context as _;
use basalt_node::cli::{Cli, Command, ContractCommand, DevArgs, NodeArgs};
use basalt_node::contract_build::{build_contract, BuildOptions};
use basalt_node::dev::{dev_keys, dev_spec, DEFAULT_MNEMONIC};
use basalt_node::service::{self, DevBanner, NodeConfig, Sealing};
use basalt_primitives::U256;
use clap::Parser as _;
use std::net::SocketAddr;
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

/// Logs go to standard error, filtered by `RUST_LOG` (default `info`, with
/// gossipsub's own warnings at `error`).
fn init_logging() {
    // gossipsub warns when asked to publish what it already sent; the node
    // re-offers its pending transactions to new peers on purpose.
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,libp2p_gossipsub::behaviour=error"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Dev(args) => run_dev(args),
        Command::Node(args) => run_node(args),
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

fn run_dev(args: DevArgs) -> anyhow::Result<()> {
    let keys = dev_keys(&args.mnemonic, args.accounts)?;
    let balance = U256::from(args.balance).saturating_mul(U256::exp10(18));
    let spec = dev_spec(args.chain_id, &keys, balance);
    // A temporary datadir lives until the node stops, then is deleted.
    let (datadir, _temp) = match args.datadir {
        Some(dir) => (dir, None),
        None => {
            let temp = tempfile::Builder::new()
                .prefix("basalt-dev-")
                .tempdir()
                .context("creating a temporary datadir")?;
            (temp.path().to_path_buf(), Some(temp))
        }
    };
    service::run(NodeConfig {
        spec,
        datadir,
        rpc_addr: SocketAddr::new(args.rpc.host, args.rpc.port),
        // A dev chain takes pre-EIP-155 transactions, as anvil does
        // (deterministic-deployment transactions are signed without a chain id).
        allow_unprotected_txs: true,
        keys,
        automine: !args.no_mining && args.block_time.is_none(),
        block_time: args.block_time,
        sealing: Sealing::Off,
        dev_banner: Some(DevBanner { mnemonic: args.mnemonic, balance }),
        network: None,
    })
}

fn run_node(args: NodeArgs) -> anyhow::Result<()> {
    let spec = basalt_chainspec::ChainSpec::from_file(&args.genesis)
        .with_context(|| format!("reading the genesis file {}", args.genesis.display()))?;
    let sealing = if let Some(path) = &args.validator_key {
        if args.mine {
            anyhow::bail!("--mine and --validator-key exclude each other");
        }
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the validator key {}", path.display()))?;
        let hex_key = text.trim().trim_start_matches("0x");
        let bytes = hex::decode(hex_key)
            .with_context(|| format!("{}: the key is not hex", path.display()))?;
        let key = basalt_primitives::signing_key_from_bytes(&bytes)
            .map_err(|e| anyhow::anyhow!("{}: not a secp256k1 key: {e}", path.display()))?;
        Sealing::Validate { key }
    } else if args.mine {
        let threads = args.miner_threads.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        });
        let coinbase = match args.miner_coinbase {
            Some(address) => address,
            None => {
                let keys = dev_keys(DEFAULT_MNEMONIC, 1)?;
                basalt_primitives::secret_key_to_address(&keys[0])
            }
        };
        Sealing::Mine { threads, coinbase }
    } else {
        Sealing::Off
    };
    service::run(NodeConfig {
        spec,
        datadir: args.datadir,
        rpc_addr: SocketAddr::new(args.rpc.host, args.rpc.port),
        allow_unprotected_txs: args.rpc.allow_unprotected_txs,
        keys: Vec::new(),
        automine: !args.no_mining && args.block_time.is_none(),
        block_time: args.block_time,
        sealing,
        dev_banner: None,
        network: (!args.p2p.no_p2p).then(|| service::P2pConfig {
            listen_ip: args.p2p.p2p_host,
            port: args.p2p.p2p_port,
            bootnodes: args.p2p.bootnodes,
            max_peers: args.p2p.max_peers,
        }),
    })
}
