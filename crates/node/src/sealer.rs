//! Block production for `basalt node` under proof of work (`--mine`) and proof
//! of stake (`--validator-key`).
//!
//! ```text
//!  PoW: loop { build on the head from the pool ─► Miner::seal (all threads) ─► commit_built }
//!        a watcher aborts the search when the head moves, or when transactions
//!        arrived and the candidate is older than RECOMMIT (empty: at once)
//!  PoS: loop { sleep to the next slot start ─► proposer of the slot (stake-weighted
//!        draw from the parent's state) ─► ours? build at the slot's timestamp,
//!        Proposer::seal (slashing record on disk first) ─► commit_built }
//! ```
//!
//! The dev methods (`evm_mine`, `anvil_setBalance`, …) belong to `basalt dev`;
//! here they answer with an error naming the engine.

use crate::miner::{pool_candidates, update_pool};
use basalt_chain::Chain;
use basalt_consensus::{Miner as PowMiner, PosEngine, Proposer};
use basalt_primitives::{Address, SignedTransaction, H256};
use basalt_rpc::{BlockProducer, ProducerFuture, StatePatch};
use basalt_txpool::TxPool;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tracing::{info, warn};

const TARGET: &str = "basalt::sealer";

/// Stack of the sealing thread: block execution needs a deep native stack
/// (see basalt-vm); the same size as the dev miner's.
const SEALER_STACK: usize = 72 << 20;

/// How long a proof-of-work candidate keeps being mined when new transactions
/// wait (geth's default recommit interval is 2 s too). An empty candidate is
/// rebuilt at once.
pub const RECOMMIT: Duration = Duration::from_secs(2);

/// What the node seals with.
pub enum SealerKind {
    /// Proof of work: mine with these threads, pay this address.
    Pow {
        /// The miner (threads, hash-rate meter).
        miner: Arc<PowMiner>,
        /// The beneficiary of mined blocks.
        coinbase: Address,
    },
    /// Proof of stake: propose in this validator's slots.
    Pos {
        /// The signer with its slashing-protection record.
        proposer: Arc<Proposer>,
        /// Slot arithmetic and the proposer draw.
        engine: PosEngine,
    },
}

struct Shared {
    chain: Arc<Chain>,
    pool: Arc<Mutex<TxPool>>,
    stop: AtomicBool,
    /// Bumped whenever transactions become pending.
    tx_generation: AtomicU64,
}

/// The running block producer of a PoW or PoS node.
pub struct Sealer {
    shared: Arc<Shared>,
    thread: Option<JoinHandle<()>>,
    handle: SealerHandle,
}

/// The RPC's view of a [`Sealer`].
#[derive(Clone)]
pub struct SealerHandle {
    shared: Arc<Shared>,
    engine: &'static str,
    miner: Option<Arc<PowMiner>>,
    coinbase: Address,
    mining: bool,
}

impl Sealer {
    /// Starts sealing on its own thread; `on_fatal` runs if sealing cannot go on
    /// (a store failure).
    pub fn start(
        chain: Arc<Chain>,
        pool: Arc<Mutex<TxPool>>,
        kind: SealerKind,
        on_fatal: impl FnOnce() + Send + 'static,
    ) -> std::io::Result<Self> {
        let shared = Arc::new(Shared {
            chain,
            pool,
            stop: AtomicBool::new(false),
            tx_generation: AtomicU64::new(0),
        });
        let (engine, miner, coinbase) = match &kind {
            SealerKind::Pow { miner, coinbase } => ("pow", Some(miner.clone()), *coinbase),
            SealerKind::Pos { proposer, .. } => ("pos", None, proposer.address()),
        };
        let handle = SealerHandle { shared: shared.clone(), engine, miner, coinbase, mining: true };
        let worker = shared.clone();
        let thread = std::thread::Builder::new()
            .name("basalt-sealer".into())
            .stack_size(SEALER_STACK)
            .spawn(move || {
                let result = match kind {
                    SealerKind::Pow { miner, coinbase } => run_pow(&worker, &miner, coinbase),
                    SealerKind::Pos { proposer, engine } => run_pos(&worker, &proposer, &engine),
                };
                if let Err(e) = result {
                    warn!(target: TARGET, error = %e, "block production stopped");
                    on_fatal();
                }
            })?;
        Ok(Self { shared, thread: Some(thread), handle })
    }

    /// The producer of a node that does not seal (a PoW node without `--mine`,
    /// a PoS node without `--validator-key`): transactions wait in the pool for
    /// other nodes' blocks.
    pub fn passive(chain: Arc<Chain>, pool: Arc<Mutex<TxPool>>) -> SealerHandle {
        let engine = chain.engine().name();
        let shared = Arc::new(Shared {
            chain,
            pool,
            stop: AtomicBool::new(true),
            tx_generation: AtomicU64::new(0),
        });
        SealerHandle { shared, engine, miner: None, coinbase: Address::zero(), mining: false }
    }

    /// The RPC's handle.
    pub fn handle(&self) -> SealerHandle {
        self.handle.clone()
    }

    /// Stops sealing and waits for the thread (an ongoing search aborts).
    pub fn stop(mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for Sealer {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Relaxed);
    }
}

/// Seconds since the Unix epoch.
fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// Builds a block on the head, lets `seal` finish its header, stores it and
/// updates the pool. `Ok(None)` when `seal` gave up.
fn produce(
    shared: &Shared,
    timestamp: u64,
    coinbase: Address,
    seal: impl FnOnce(
        basalt_primitives::Header,
        usize,
    ) -> Result<Option<basalt_primitives::Header>, String>,
) -> Result<Option<H256>, String> {
    let txs = pool_candidates(&shared.chain, &shared.pool);
    let mut built =
        shared.chain.build_block(txs, timestamp, coinbase).map_err(|e| e.to_string())?;
    for (hash, reason) in &built.rejected {
        warn!(target: TARGET, ?hash, %reason, "left a transaction out");
    }
    let count = built.block.transactions.len();
    let Some(header) = seal(built.block.header.clone(), count)? else { return Ok(None) };
    built.block.header = header;
    let mined: Vec<H256> = built.block.transactions.iter().map(SignedTransaction::hash).collect();
    let sealed = shared.chain.commit_built(built).map_err(|e| e.to_string())?;
    let head = shared.chain.head();
    update_pool(&shared.chain, &shared.pool, &mined, &head.header);
    info!(
        target: TARGET,
        number = sealed.header.number,
        hash = ?sealed.hash,
        txs = count,
        head = head.hash == sealed.hash,
        "sealed a block"
    );
    Ok(Some(sealed.hash))
}

fn run_pow(shared: &Arc<Shared>, miner: &PowMiner, coinbase: Address) -> Result<(), String> {
    info!(target: TARGET, threads = miner.threads(), ?coinbase, "proof-of-work mining started");
    while !shared.stop.load(Ordering::Relaxed) {
        let head = shared.chain.head();
        // Never stamp a block ahead of the clock (peers reject blocks from the
        // future): when the parent is this second's, wait for the next one.
        if unix_now() <= head.header.timestamp {
            std::thread::sleep(Duration::from_millis(50));
            continue;
        }
        let parent = head.hash;
        let generation = shared.tx_generation.load(Ordering::Relaxed);
        let timestamp = unix_now();
        let result = produce(shared, timestamp, coinbase, |header, txs| {
            let abort = AtomicBool::new(false);
            let built_at = Instant::now();
            let done = AtomicBool::new(false);
            let found = std::thread::scope(|scope| {
                let watcher = scope.spawn(|| {
                    while !done.load(Ordering::Relaxed) {
                        std::thread::sleep(Duration::from_millis(50));
                        let stale = shared.stop.load(Ordering::Relaxed)
                            || shared.chain.head().hash != parent
                            || (shared.tx_generation.load(Ordering::Relaxed) != generation
                                && (txs == 0 || built_at.elapsed() >= RECOMMIT));
                        if stale {
                            abort.store(true, Ordering::Relaxed);
                            return;
                        }
                    }
                });
                let found = miner.seal(header, &abort);
                done.store(true, Ordering::Relaxed);
                let _ = watcher.join();
                found
            });
            Ok(found)
        });
        if let Err(e) = result {
            // A candidate that failed to build or verify costs a round, not the node.
            warn!(target: TARGET, error = %e, "mining round failed");
            std::thread::sleep(Duration::from_millis(500));
        }
    }
    Ok(())
}

fn run_pos(shared: &Arc<Shared>, proposer: &Proposer, engine: &PosEngine) -> Result<(), String> {
    let me = proposer.address();
    info!(target: TARGET, validator = ?me, "proof-of-stake proposing started");
    while !shared.stop.load(Ordering::Relaxed) {
        let head = shared.chain.head();
        let head_slot = engine.slot_of(head.header.timestamp).unwrap_or(0);
        let slot = engine.slot_at_or_after(unix_now()).max(head_slot + 1);
        let start = engine.slot_timestamp(slot);
        // Sleep to the slot's start, waking often enough to stop promptly.
        while unix_now() < start {
            if shared.stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let head = shared.chain.head();
        if engine.slot_of(head.header.timestamp).is_some_and(|s| s >= slot) {
            continue;
        }
        let proposer_of_slot = match engine.proposer_at(&head.header, slot, &shared.chain.stakes())
        {
            Ok(p) => p,
            Err(e) => {
                warn!(target: TARGET, slot, error = %e, "cannot draw the slot's proposer");
                std::thread::sleep(Duration::from_millis(200));
                continue;
            }
        };
        if proposer_of_slot != me {
            // Wait for the next slot (the loop recomputes it from the clock).
            std::thread::sleep(Duration::from_millis(100));
            continue;
        }
        let result = produce(shared, start, me, |header, _| {
            proposer.seal(header).map(Some).map_err(|e| e.to_string())
        });
        if let Err(e) = result {
            // A refused signature (slashing protection) or a block that did not
            // verify costs the slot, not the node.
            warn!(target: TARGET, slot, error = %e, "could not propose in our slot");
        }
    }
    Ok(())
}

fn refuse<T: Send + 'static>(engine: &'static str, method: &'static str) -> ProducerFuture<T> {
    Box::pin(async move {
        Err(format!("{method} is a dev-chain method (basalt dev); this chain's engine is {engine}"))
    })
}

impl BlockProducer for SealerHandle {
    fn transactions_ready(&self) -> ProducerFuture<()> {
        self.shared.tx_generation.fetch_add(1, Ordering::Relaxed);
        Box::pin(async { Ok(()) })
    }

    fn mine(&self, _blocks: u64, _timestamp: Option<u64>) -> ProducerFuture<Vec<H256>> {
        refuse(self.engine, "evm_mine")
    }

    fn apply_patch(&self, _patch: StatePatch) -> ProducerFuture<H256> {
        refuse(self.engine, "anvil_set*")
    }

    fn rewind(&self, _to: H256) -> ProducerFuture<()> {
        refuse(self.engine, "evm_revert")
    }

    fn set_automine(&self, _enabled: bool) {}

    fn automine(&self) -> bool {
        false
    }

    fn set_interval(&self, _seconds: u64) {}

    fn increase_time(&self, _seconds: u64) -> u64 {
        0
    }

    fn set_next_timestamp(&self, _timestamp: u64) {}

    fn hashrate(&self) -> u64 {
        self.miner.as_ref().map_or(0, |m| m.hashrate())
    }

    fn mining(&self) -> bool {
        self.mining
    }

    fn coinbase(&self) -> Option<Address> {
        self.mining.then_some(self.coinbase)
    }
}
