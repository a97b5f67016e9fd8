//! Running a node: open the chain on a datadir, start the pool, the miner
//! and the JSON-RPC server, wait for SIGINT/SIGTERM, shut down cleanly.
//!
//! ```text
//!  Store::open(datadir/db) ─► Chain::open(spec, Vm) ─► TxPool ─► Miner thread (64 MiB+ stack)
//!                                                             ─► RPC server (tokio, 2 workers)
//!  signal ─► stop RPC ─► stop miner ─► Chain::flush ─► exit
//! ```

use anyhow::Context as _;
use basalt_chain::Chain;
use basalt_chainspec::ChainSpec;
use basalt_primitives::{secret_key_to_address, SigningKey, UnprotectedPolicy, U256};
use basalt_rpc::{start_server, DevAccounts, RpcConfig, RpcContext, ServerLimits};
use basalt_store::Store;
use basalt_txpool::{PoolConfig, TxPool};
use basalt_vm::{Vm, VmConfig};
use parking_lot::Mutex;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use tracing::info;

use crate::miner::Miner;
use crate::p2p::{ChainSource, NetAdapter};
use crate::sealer::{Sealer, SealerKind};
use crate::sync::{Importer, SyncShared};
use basalt_chainspec::ConsensusConfig;
use basalt_consensus::{Miner as PowMiner, PosEngine, Proposer};
use basalt_rpc::BlockProducer;

/// The running block producer, stopped at shutdown.
enum Producer {
    Dev(Miner),
    Sealer(Sealer),
    None,
}

impl Producer {
    fn stop(self) {
        match self {
            Producer::Dev(miner) => miner.stop(),
            Producer::Sealer(sealer) => sealer.stop(),
            Producer::None => {}
        }
    }
}

const TARGET: &str = "basalt::node";

/// Native stack of the RPC runtime's threads: basalt-vm's required stack
/// plus headroom, like the miner thread's.
const RPC_THREAD_STACK: usize = 72 << 20;

/// How to run a node.
#[derive(Debug)]
pub struct NodeConfig {
    /// The chain.
    pub spec: ChainSpec,
    /// Where the database lives.
    pub datadir: PathBuf,
    /// Where the RPC listens (port 0 picks one).
    pub rpc_addr: SocketAddr,
    /// Keys the node signs with (dev accounts).
    pub keys: Vec<SigningKey>,
    /// Instant engine: mine on every transaction.
    pub automine: bool,
    /// Instant engine: mine every N seconds.
    pub block_time: Option<u64>,
    /// Proof of work / proof of stake: how this node seals, if at all.
    pub sealing: Sealing,
    /// Accept pre-EIP-155 transactions over RPC.
    pub allow_unprotected_txs: bool,
    /// Print anvil's start-up banner (accounts, keys) on standard output.
    pub dev_banner: Option<DevBanner>,
    /// The peer-to-peer network, if the node joins one.
    pub network: Option<P2pConfig>,
}

/// How the node joins the peer-to-peer network.
#[derive(Debug, Clone)]
pub struct P2pConfig {
    /// Address to listen on.
    pub listen_ip: std::net::IpAddr,
    /// TCP port (0 picks one).
    pub port: u16,
    /// Peers to dial at start.
    pub bootnodes: Vec<basalt_network::Multiaddr>,
    /// Most connected peers.
    pub max_peers: u32,
}

/// How a proof-of-work or proof-of-stake node takes part in block production.
#[derive(Debug, Default)]
pub enum Sealing {
    /// It does not seal: it follows the chain (the instant engine ignores this).
    #[default]
    Off,
    /// `--mine`: proof-of-work mining.
    Mine {
        /// Mining threads.
        threads: usize,
        /// Beneficiary of mined blocks.
        coinbase: basalt_primitives::Address,
    },
    /// `--validator-key`: proof-of-stake proposing with this key.
    Validate {
        /// The validator's key.
        key: SigningKey,
    },
}

/// What `basalt dev` prints at start.
#[derive(Debug, Clone)]
pub struct DevBanner {
    /// The mnemonic the keys come from.
    pub mnemonic: String,
    /// Each account's balance.
    pub balance: U256,
}

/// Runs the node until SIGINT or SIGTERM.
pub fn run(config: NodeConfig) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // eth_call / eth_estimateGas run the VM on the blocking pool: give its
        // threads the native stack contract execution needs, or every call
        // would map (and unmap) a 64 MiB stack segment (see basalt-vm).
        .thread_stack_size(RPC_THREAD_STACK)
        .max_blocking_threads(16)
        .thread_name("basalt-rpc")
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(run_async(config))
}

async fn run_async(config: NodeConfig) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    std::fs::create_dir_all(&config.datadir)
        .with_context(|| format!("creating the datadir {}", config.datadir.display()))?;
    let store = Arc::new(
        Store::open(config.datadir.join("db"))
            .with_context(|| format!("opening the database in {}", config.datadir.display()))?,
    );
    let vm = Vm::new(VmConfig {
        artifact_dir: Some(config.datadir.join("modules")),
        ..VmConfig::default()
    })
    .context("building the VM")?;
    let chain_id = config.spec.chain_id;
    let gas_limit = config.spec.genesis.gas_limit;
    let chain = Arc::new(Chain::open(store, config.spec, vm).context("opening the chain")?);
    let pool = Arc::new(Mutex::new(TxPool::new(PoolConfig::new(chain_id, gas_limit))));

    let (fatal_tx, mut fatal_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let on_fatal = move || {
        let _ = fatal_tx.send(());
    };
    let (producer, handle): (Producer, Arc<dyn BlockProducer>) =
        match (chain.engine().name(), config.sealing) {
            ("instant", _) => {
                let miner = Miner::start(
                    chain.clone(),
                    pool.clone(),
                    config.automine,
                    config.block_time,
                    on_fatal,
                )
                .context("starting the miner thread")?;
                let handle = Arc::new(miner.handle());
                (Producer::Dev(miner), handle)
            }
            (_, Sealing::Off) => {
                (Producer::None, Arc::new(Sealer::passive(chain.clone(), pool.clone())))
            }
            ("pow", Sealing::Mine { threads, coinbase }) => {
                let kind = SealerKind::Pow { miner: Arc::new(PowMiner::new(threads)), coinbase };
                let sealer = Sealer::start(chain.clone(), pool.clone(), kind, on_fatal)
                    .context("starting the miner")?;
                let handle = Arc::new(sealer.handle());
                (Producer::Sealer(sealer), handle)
            }
            ("pos", Sealing::Validate { key }) => {
                let ConsensusConfig::Pos(pos) = &chain.spec().consensus else {
                    anyhow::bail!("the chain's engine is pos but its spec has no pos parameters");
                };
                let genesis_timestamp = chain.spec().genesis.timestamp;
                let proposer = Proposer::open(
                    key,
                    config.datadir.join("slashing-protection.bin"),
                    genesis_timestamp,
                    pos.slot_time,
                )
                .context("opening the slashing-protection record")?;
                let kind = SealerKind::Pos {
                    proposer: Arc::new(proposer),
                    engine: PosEngine::new(pos.clone(), genesis_timestamp),
                };
                let sealer = Sealer::start(chain.clone(), pool.clone(), kind, on_fatal)
                    .context("starting the proposer")?;
                let handle = Arc::new(sealer.handle());
                (Producer::Sealer(sealer), handle)
            }
            (engine, Sealing::Mine { .. }) => {
                anyhow::bail!("--mine needs a proof-of-work chain; this genesis uses {engine}")
            }
            (engine, Sealing::Validate { .. }) => anyhow::bail!(
                "--validator-key needs a proof-of-stake chain; this genesis uses {engine}"
            ),
        };

    let mut ctx = RpcContext::new(
        chain.clone(),
        pool,
        handle,
        DevAccounts::new(config.keys.clone()),
        RpcConfig {
            unprotected: if config.allow_unprotected_txs {
                UnprotectedPolicy::Accept
            } else {
                UnprotectedPolicy::Reject
            },
            ..RpcConfig::new(chain_id)
        },
    );
    let network = match &config.network {
        Some(p2p) => {
            let key =
                basalt_network::key::load_or_create(&config.datadir.join("p2p").join("node.key"))
                    .context("loading the node key")?;
            let (net, events) = basalt_network::start(
                basalt_network::NetworkConfig {
                    key,
                    listen_ip: p2p.listen_ip,
                    port: p2p.port,
                    bootnodes: p2p.bootnodes.clone(),
                    chain_id,
                    genesis_hash: chain.genesis_hash(),
                    max_peers: p2p.max_peers,
                },
                Arc::new(ChainSource(chain.clone())),
            )
            .await
            .context("starting the peer-to-peer network")?;
            let sync = Arc::new(SyncShared::new());
            ctx = ctx.with_network(Arc::new(NetAdapter {
                handle: net.clone(),
                sync: sync.clone(),
                chain: chain.clone(),
            }));
            Some((net, events, sync))
        }
        None => None,
    };
    let ctx = Arc::new(ctx);
    let network = network.map(|(net, events, sync)| {
        let importer =
            Arc::new(Importer { chain: chain.clone(), ctx: ctx.clone(), sync: sync.clone() });
        tokio::spawn(crate::p2p::run_events(events, net.clone(), ctx.clone(), importer.clone()));
        tokio::spawn(crate::sync::run(importer, net.clone()));
        tokio::spawn(crate::p2p::announce_local_blocks(chain.clone(), net.clone(), sync));
        let local = net.local();
        for addr in &local.listen_addrs {
            print_line(&format!("P2P listening on {addr}"));
        }
        info!(target: TARGET, peer_id = %local.peer_id, "peer-to-peer network started");
        net
    });
    let (local, server) = start_server(ctx, config.rpc_addr, &ServerLimits::default())
        .await
        .with_context(|| format!("starting the JSON-RPC server on {}", config.rpc_addr))?;
    if let Some(banner) = &config.dev_banner {
        print_banner(banner, &config.keys, &chain, local);
    } else {
        print_listening(local);
    }
    info!(
        target: TARGET,
        %local,
        chain_id,
        head = chain.head().header.number,
        ms = started.elapsed().as_millis() as u64,
        "node started"
    );

    let reason = tokio::select! {
        s = shutdown_signal() => s,
        _ = fatal_rx.recv() => "block production failed",
    };
    info!(target: TARGET, reason, "shutting down");
    let _ = server.stop();
    server.stopped().await;
    if let Some(net) = &network {
        net.shutdown();
    }
    tokio::task::spawn_blocking(move || producer.stop()).await.context("stopping the producer")?;
    chain.flush();
    info!(target: TARGET, head = chain.head().header.number, "chain flushed; bye");
    Ok(())
}

async fn shutdown_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => tokio::select! {
                _ = tokio::signal::ctrl_c() => "SIGINT",
                _ = term.recv() => "SIGTERM",
            },
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "Ctrl-C"
    }
}

fn print_listening(local: SocketAddr) {
    print_line(&format!("Listening on {local}"));
}

fn print_line(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

fn format_ether(wei: U256) -> String {
    let unit = U256::exp10(18);
    let whole = wei / unit;
    let frac = wei % unit;
    if frac.is_zero() {
        whole.to_string()
    } else {
        let digits = format!("{:018}", frac.as_u128());
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

fn print_banner(banner: &DevBanner, keys: &[SigningKey], chain: &Chain, local: SocketAddr) {
    let head = chain.head();
    let mut s = String::new();
    s.push_str("\nbasalt dev: a development chain with WebAssembly contracts\n\n");
    s.push_str("Available Accounts\n==================\n\n");
    for (i, key) in keys.iter().enumerate() {
        s.push_str(&format!(
            "({i}) {:?} ({} ETH)\n",
            secret_key_to_address(key),
            format_ether(banner.balance)
        ));
    }
    s.push_str("\nPrivate Keys\n==================\n\n");
    for (i, key) in keys.iter().enumerate() {
        s.push_str(&format!("({i}) 0x{}\n", hex::encode(key.to_bytes())));
    }
    s.push_str(&format!(
        "\nWallet\n==================\nMnemonic:          {}\nDerivation path:   m/44'/60'/0'/0/\n\n",
        banner.mnemonic
    ));
    s.push_str(&format!("Chain ID\n==================\n\n{}\n\n", chain.spec().chain_id));
    s.push_str(&format!(
        "Base Fee\n==================\n\n{}\n\n",
        head.header.base_fee_per_gas.unwrap_or_default()
    ));
    s.push_str(&format!("Gas Limit\n==================\n\n{}\n\n", head.header.gas_limit));
    s.push_str(&format!("RPC URL: http://{local} (WebSocket: ws://{local})\n"));
    s.push_str(&format!("Listening on {local}\n"));
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}
