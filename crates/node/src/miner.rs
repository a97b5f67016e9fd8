//! The block producer: one thread (with the VM's large stack) that builds
//! blocks from the pool's best transactions and commits them, on demand
//! (automine: every admitted transaction), every `--block-time` seconds,
//! or when asked (`evm_mine`). The RPC reaches it through
//! [`MinerHandle`], which implements [`BlockProducer`].
//!
//! ```text
//!  RPC ─► MinerHandle ─► mpsc Command ─► miner thread: build_block(best txs) ─► commit_built
//!                                   ◄── oneshot reply         ─► pool.on_new_block(mined, accounts)
//! ```

use basalt_chain::Chain;
use basalt_chain::ChainState;
use basalt_executor::{InvalidTransaction, TxError};
use basalt_primitives::{Address, SignedTransaction, H256};
use basalt_rpc::{BlockProducer, ProducerFuture, StatePatch};
use basalt_txpool::{AccountState, TxPool};
use parking_lot::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::sync::oneshot;
use tracing::{error, warn};

const TARGET: &str = "basalt::miner";

/// Stack of the miner thread: the VM's requirement plus room for the
/// executor and chain frames around it.
pub const MINER_STACK: usize = basalt_vm::config::REQUIRED_NATIVE_STACK + (8 << 20);

/// Blocks one automine round may produce while pending transactions remain.
const MAX_BLOCKS_PER_ROUND: usize = 64;

type Reply<T> = oneshot::Sender<Result<T, String>>;

enum Command {
    TransactionsReady(Reply<()>),
    Mine { blocks: u64, timestamp: Option<u64>, reply: Reply<Vec<H256>> },
    Patch { patch: StatePatch, reply: Reply<H256> },
    Rewind { to: H256, reply: Reply<()> },
    SetInterval(u64),
    Stop,
}

/// Block time: an offset from the wall clock and an optional fixed next
/// timestamp (the dev methods move them).
#[derive(Default)]
struct Clock {
    offset: AtomicU64,
    next: Mutex<Option<u64>>,
}

impl Clock {
    fn next_timestamp(&self) -> u64 {
        if let Some(ts) = self.next.lock().take() {
            return ts;
        }
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        now.saturating_add(self.offset.load(Ordering::Relaxed))
    }
}

/// The cloneable handle the RPC uses.
#[derive(Clone)]
pub struct MinerHandle {
    commands: Sender<Command>,
    automine: Arc<AtomicBool>,
    clock: Arc<Clock>,
}

/// The running miner thread.
pub struct Miner {
    handle: MinerHandle,
    thread: Option<JoinHandle<()>>,
}

struct Worker {
    chain: Arc<Chain>,
    pool: Arc<Mutex<TxPool>>,
    clock: Arc<Clock>,
    automine: Arc<AtomicBool>,
    coinbase: Address,
    interval: Option<Duration>,
    on_fatal: Box<dyn Fn() + Send>,
}

impl Miner {
    /// Starts the miner thread. `on_fatal` runs if a block cannot be built or
    /// committed (the node then shuts down rather than limp on).
    pub fn start(
        chain: Arc<Chain>,
        pool: Arc<Mutex<TxPool>>,
        automine: bool,
        block_time: Option<u64>,
        on_fatal: impl Fn() + Send + 'static,
    ) -> std::io::Result<Self> {
        let (commands, receiver) = std::sync::mpsc::channel();
        let clock = Arc::new(Clock::default());
        let automine = Arc::new(AtomicBool::new(automine));
        let coinbase = chain.head().header.beneficiary;
        let worker = Worker {
            chain,
            pool,
            clock: clock.clone(),
            automine: automine.clone(),
            coinbase,
            interval: block_time.filter(|s| *s > 0).map(Duration::from_secs),
            on_fatal: Box::new(on_fatal),
        };
        let thread = std::thread::Builder::new()
            .name("basalt-miner".into())
            .stack_size(MINER_STACK)
            .spawn(move || worker.run(receiver))?;
        Ok(Self { handle: MinerHandle { commands, automine, clock }, thread: Some(thread) })
    }

    /// The handle for the RPC.
    pub fn handle(&self) -> MinerHandle {
        self.handle.clone()
    }

    /// Stops the thread after the block in progress.
    pub fn stop(mut self) {
        let _ = self.handle.commands.send(Command::Stop);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Worker {
    fn run(mut self, commands: Receiver<Command>) {
        let mut next_tick = self.interval.map(|i| Instant::now() + i);
        loop {
            let command = match next_tick {
                Some(at) => {
                    match commands.recv_timeout(at.saturating_duration_since(Instant::now())) {
                        Ok(c) => Some(c),
                        Err(RecvTimeoutError::Timeout) => None,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                None => match commands.recv() {
                    Ok(c) => Some(c),
                    Err(_) => return,
                },
            };
            let result = match command {
                None => {
                    next_tick = self.interval.map(|i| Instant::now() + i);
                    self.mine_block(None).map(|_| ())
                }
                Some(Command::Stop) => return,
                Some(Command::SetInterval(seconds)) => {
                    self.interval = (seconds > 0).then(|| Duration::from_secs(seconds));
                    next_tick = self.interval.map(|i| Instant::now() + i);
                    Ok(())
                }
                Some(Command::TransactionsReady(reply)) => {
                    // Answer every waiting sender with one round.
                    let mut replies = vec![reply];
                    let mut rest = Vec::new();
                    while let Ok(c) = commands.try_recv() {
                        match c {
                            Command::TransactionsReady(r) => replies.push(r),
                            other => rest.push(other),
                        }
                    }
                    let result = if self.automine.load(Ordering::Relaxed) {
                        self.mine_pending()
                    } else {
                        Ok(())
                    };
                    for r in replies {
                        let _ = r.send(result.clone());
                    }
                    for c in rest {
                        if !self.handle_other(c) {
                            return;
                        }
                    }
                    result
                }
                Some(other) => {
                    if !self.handle_other(other) {
                        return;
                    }
                    Ok(())
                }
            };
            if let Err(e) = result {
                error!(target: TARGET, error = %e, "block production failed; stopping the node");
                (self.on_fatal)();
                return;
            }
        }
    }

    /// Handles a command other than TransactionsReady; false on Stop.
    fn handle_other(&mut self, command: Command) -> bool {
        match command {
            Command::Stop => false,
            Command::SetInterval(seconds) => {
                self.interval = (seconds > 0).then(|| Duration::from_secs(seconds));
                true
            }
            Command::TransactionsReady(reply) => {
                let _ = reply.send(self.mine_pending());
                true
            }
            Command::Rewind { to, reply } => {
                let _ = reply.send(self.rewind(to));
                true
            }
            Command::Patch { patch, reply } => {
                let result = self.mine_block_patched(None, Some(&patch)).map(|(h, _)| h);
                let _ = reply.send(result);
                true
            }
            Command::Mine { blocks, timestamp, reply } => {
                let mut hashes = Vec::new();
                let mut result = Ok(());
                for i in 0..blocks {
                    match self.mine_block(if i == 0 { timestamp } else { None }) {
                        Ok(h) => hashes.push(h),
                        Err(e) => {
                            result = Err(e);
                            break;
                        }
                    }
                }
                let _ = reply.send(result.map(|_| hashes));
                true
            }
        }
    }

    /// Rewinds the chain to `to` and re-checks the pool against its state.
    fn rewind(&self, to: H256) -> Result<(), String> {
        let head = self.chain.rewind_to(to).map_err(|e| e.to_string())?;
        self.update_pool(&[], &head.header);
        Ok(())
    }

    /// Tells the pool about a new head: `mined` left, accounts changed.
    fn update_pool(&self, mined: &[H256], head: &basalt_primitives::Header) {
        update_pool(&self.chain, &self.pool, mined, head);
    }

    /// Mines until no pending transaction can be included (bounded).
    fn mine_pending(&self) -> Result<(), String> {
        // An earlier round may have mined these transactions already.
        if self.includable() == 0 {
            return Ok(());
        }
        for _ in 0..MAX_BLOCKS_PER_ROUND {
            let (_, included) = self.mine_block_counted(None)?;
            if included == 0 || self.includable() == 0 {
                break;
            }
        }
        Ok(())
    }

    fn includable(&self) -> usize {
        let base_fee = self.chain.child_base_fee(&self.chain.head().header);
        self.pool.lock().best_transactions(base_fee).count()
    }

    fn mine_block(&self, timestamp: Option<u64>) -> Result<H256, String> {
        self.mine_block_counted(timestamp).map(|(h, _)| h)
    }

    /// Builds a block on the head from the pool's best transactions, commits
    /// it and updates the pool. Returns its hash and transaction count.
    fn mine_block_counted(&self, timestamp: Option<u64>) -> Result<(H256, usize), String> {
        self.mine_block_patched(timestamp, None)
    }

    /// [`Self::mine_block_counted`], applying `patch` to the head's state first.
    fn mine_block_patched(
        &self,
        timestamp: Option<u64>,
        patch: Option<&StatePatch>,
    ) -> Result<(H256, usize), String> {
        let txs = pool_candidates(&self.chain, &self.pool);
        let timestamp = timestamp.unwrap_or_else(|| self.clock.next_timestamp());
        let built = self
            .chain
            .build_block_with(
                |state| patch.map_or(Ok(()), |p| apply_patch(state, p)),
                txs,
                timestamp,
                self.coinbase,
            )
            .map_err(|e| e.to_string())?;
        for (hash, reason) in &built.rejected {
            let keep = matches!(
                reason,
                TxError::Invalid(
                    InvalidTransaction::NonceTooHigh { .. }
                        | InvalidTransaction::BlockGasLimit { .. }
                )
            );
            if !keep {
                warn!(target: TARGET, ?hash, %reason, "dropping a transaction the block refused");
                self.pool.lock().remove(hash);
            }
        }
        let mined: Vec<H256> =
            built.block.transactions.iter().map(SignedTransaction::hash).collect();
        let sealed = self.chain.commit_built(built).map_err(|e| e.to_string())?;
        self.update_pool(&mined, &sealed.header);
        Ok((sealed.hash, mined.len()))
    }
}

/// The pool's best transactions for a child of the head, with their senders,
/// in the order a block should take them.
pub(crate) fn pool_candidates(
    chain: &Chain,
    pool: &Mutex<TxPool>,
) -> Vec<(SignedTransaction, Address)> {
    let base_fee = chain.child_base_fee(&chain.head().header);
    pool.lock().best_transactions(base_fee).map(|p| (p.transaction().clone(), p.sender())).collect()
}

/// Tells the pool about a new head: `mined` left, accounts changed, the base
/// fee moved.
pub(crate) fn update_pool(
    chain: &Chain,
    pool: &Mutex<TxPool>,
    mined: &[H256],
    head: &basalt_primitives::Header,
) {
    let reader = chain.reader_at(head);
    let next_base_fee = chain.child_base_fee(head);
    pool.lock().on_new_block(
        mined,
        |address| match reader.account(&address) {
            Ok(Some(a)) => AccountState { nonce: a.nonce, balance: a.balance },
            Ok(None) => AccountState::default(),
            Err(e) => {
                warn!(target: TARGET, ?address, error = %e, "cannot read account for the pool");
                AccountState::default()
            }
        },
        next_base_fee,
    );
}

/// Writes a dev patch into the state, as its own finished "transaction".
fn apply_patch(state: &mut ChainState, patch: &StatePatch) -> basalt_state::Result<()> {
    write_patch(state, patch)?;
    state.finalize_transaction();
    Ok(())
}

fn write_patch(state: &mut ChainState, patch: &StatePatch) -> basalt_state::Result<()> {
    match patch {
        StatePatch::Balance(a, v) => state.set_balance(*a, *v)?,
        StatePatch::Nonce(a, n) => state.set_nonce(*a, *n)?,
        StatePatch::Code(a, code) => {
            state.set_code(*a, code.clone())?;
        }
        StatePatch::Storage(a, slot, word) => {
            state.set_storage(*a, *slot, *word)?;
        }
        StatePatch::Batch(patches) => {
            for patch in patches {
                write_patch(state, patch)?;
            }
        }
    }
    Ok(())
}

fn gone<T: Send + 'static>() -> ProducerFuture<T> {
    Box::pin(async { Err("the miner has stopped".to_owned()) })
}

impl BlockProducer for MinerHandle {
    fn transactions_ready(&self) -> ProducerFuture<()> {
        if !self.automine.load(Ordering::Relaxed) {
            return Box::pin(async { Ok(()) });
        }
        // Like anvil, answer at once and mine in the background: clients
        // poll for the receipt, and senders that do not wait on each other's
        // blocks let the miner pack every transaction that arrived meanwhile
        // into one block. A failed block stops the node (see `run`).
        let (reply, _answer) = oneshot::channel();
        if self.commands.send(Command::TransactionsReady(reply)).is_err() {
            return gone();
        }
        Box::pin(async { Ok(()) })
    }

    fn mine(&self, blocks: u64, timestamp: Option<u64>) -> ProducerFuture<Vec<H256>> {
        let (reply, answer) = oneshot::channel();
        if self.commands.send(Command::Mine { blocks, timestamp, reply }).is_err() {
            return gone();
        }
        Box::pin(async move { answer.await.map_err(|_| "the miner has stopped".to_owned())? })
    }

    fn apply_patch(&self, patch: StatePatch) -> ProducerFuture<H256> {
        let (reply, answer) = oneshot::channel();
        if self.commands.send(Command::Patch { patch, reply }).is_err() {
            return gone();
        }
        Box::pin(async move { answer.await.map_err(|_| "the miner has stopped".to_owned())? })
    }

    fn rewind(&self, to: H256) -> ProducerFuture<()> {
        let (reply, answer) = oneshot::channel();
        if self.commands.send(Command::Rewind { to, reply }).is_err() {
            return gone();
        }
        Box::pin(async move { answer.await.map_err(|_| "the miner has stopped".to_owned())? })
    }

    fn set_automine(&self, enabled: bool) {
        self.automine.store(enabled, Ordering::Relaxed);
        if enabled {
            // Mine what waits, as anvil does when automine comes back on.
            let (reply, _) = oneshot::channel();
            let _ = self.commands.send(Command::TransactionsReady(reply));
        }
    }

    fn automine(&self) -> bool {
        self.automine.load(Ordering::Relaxed)
    }

    fn set_interval(&self, seconds: u64) {
        let _ = self.commands.send(Command::SetInterval(seconds));
    }

    fn increase_time(&self, seconds: u64) -> u64 {
        self.clock.offset.fetch_add(seconds, Ordering::Relaxed).saturating_add(seconds)
    }

    fn set_next_timestamp(&self, timestamp: u64) {
        *self.clock.next.lock() = Some(timestamp);
    }
}
