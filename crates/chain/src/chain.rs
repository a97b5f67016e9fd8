//! The chain: block 0 from the genesis file, blocks built locally or
//! imported, one store commit per block, the canonical head, and
//! notifications.

use crate::error::{BlockError, ChainError, Result};
use crate::stored::{decode_body, decode_receipts, encode_body, encode_receipts, StoredReceipt};
use basalt_chainspec::ChainSpec;
use basalt_consensus::{fork_choice_better, ConsensusError, Engine, EpochInputs, StakeSource};
use basalt_executor::{
    build_genesis_for, next_base_fee, transactions_root, BlockExecutor, ExecutedTx, TxError,
};
use basalt_primitives::{
    rlp, Address, Block, Bloom, Header, Log, SignedTransaction, EMPTY_OMMERS_HASH, H256, U256,
};
use basalt_state::{JournaledState, StateReader};
use basalt_store::{Store, TxLocation, WriteBatch};
use basalt_vm::{BlockEnv, Vm};
use parking_lot::{Mutex, RwLock};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::broadcast;
use tracing::{debug, info, warn};

const TARGET: &str = "basalt::chain";

/// The host type the chain's VM runs on.
pub type ChainState = JournaledState<Arc<Store>>;

/// Longest time a committed block waits before it is on disk.
///
/// parity-db's `commit` returns before its log reaches the disk. Within
/// about a millisecond its log thread has written the block's record to the
/// log file: from then on the block survives the node process dying (`kill
/// -9`, a panic), since the kernel still holds the file's pages and the
/// next open replays them. To survive the machine dying too, the log must be
/// fsynced: a background thread calls [`Store::sync_log`] every
/// `FLUSH_INTERVAL / 2`, so a block committed more than `FLUSH_INTERVAL`
/// before a power loss survives it (the rest is margin for the log thread
/// and a busy disk); anything later may be lost whole, never half. Neither
/// path makes readers or block production wait.
///
/// Why not sync more often: each sync also makes parity-db apply the log
/// to its memory-mapped tables and fsync them, which write-protects their
/// pages again; every 100 ms instead of 200 cost ~15 % of the dev node's
/// transfer throughput (the node_throughput bench).
pub const FLUSH_INTERVAL: Duration = Duration::from_millis(400);

/// How far behind the head a new block may branch off: a block whose parent is
/// more than this many blocks below the head is rejected as too old. Bounds the
/// work of a reorg and the side branches worth keeping.
pub const MAX_REORG_DEPTH: u64 = 1024;

/// Most blocks kept while waiting for their parent.
pub const MAX_ORPHANS: usize = 1024;

/// A header with its hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedHeader {
    /// The header.
    pub header: Header,
    /// Its hash.
    pub hash: H256,
}

impl SealedHeader {
    /// Seals `header` (computes its hash).
    pub fn new(header: Header) -> Self {
        let hash = header.hash();
        Self { header, hash }
    }
}

/// What subscribers hear about each new canonical block.
#[derive(Clone, Debug)]
pub struct NewBlock {
    /// The block's header.
    pub header: Arc<SealedHeader>,
    /// Its transactions' hashes, in order.
    pub transactions: Vec<H256>,
    /// Its receipts.
    pub receipts: Vec<StoredReceipt>,
    /// `true` when the block just left the canonical chain (a reorg or a
    /// rewind): subscribers report its logs again with `removed: true`.
    /// Removed blocks are announced newest first, before the blocks that
    /// replace them (oldest first).
    pub removed: bool,
}

/// What [`Chain::import_block`] did.
#[derive(Debug, Default)]
pub struct ImportOutcome {
    /// The block was already stored; nothing changed.
    pub known: bool,
    /// The block's parent is unknown: it is kept (bounded, see [`MAX_ORPHANS`])
    /// and imported when the parent arrives. Its ancestors should be fetched.
    pub orphan: bool,
    /// Blocks stored by this call, in order: the block and any kept orphans it
    /// let in.
    pub stored: Vec<Arc<SealedHeader>>,
    /// The new canonical head, if the call moved it.
    pub new_head: Option<Arc<SealedHeader>>,
    /// Transactions of blocks that left the canonical chain and are not in the
    /// new one: they belong in the pool again.
    pub dropped: Vec<SignedTransaction>,
}

impl NewBlock {
    /// Every log of the block with its position: (tx index, tx hash, log
    /// index in the block, log).
    pub fn logs(&self) -> impl Iterator<Item = (usize, H256, usize, &Log)> {
        let mut index = 0;
        self.receipts
            .iter()
            .enumerate()
            .flat_map(move |(i, r)| {
                let tx = self.transactions.get(i).copied().unwrap_or_default();
                r.receipt.logs.iter().map(move |log| (i, tx, log)).collect::<Vec<_>>()
            })
            .map(move |(i, tx, log)| {
                let at = index;
                index += 1;
                (i, tx, at, log)
            })
    }
}

/// A block built on the head, executed, ready to commit.
#[derive(Debug)]
pub struct BuiltBlock {
    /// The block.
    pub block: Block,
    /// Results of its transactions.
    pub executed: Vec<ExecutedTx>,
    /// Transactions left out, with the reason.
    pub rejected: Vec<(H256, TxError)>,
    changes: basalt_state::StateChanges,
}

/// The thread that syncs the store's log every `FLUSH_INTERVAL / 2`.
struct Flusher {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Flusher {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Syncs the store's log; a failure is logged and retried on the next call.
fn sync_log(store: &Store) {
    if let Err(e) = store.sync_log() {
        warn!(target: TARGET, error = %e, "syncing the store's log failed; will retry");
    }
}

/// The chain over one store.
pub struct Chain {
    store: Arc<Store>,
    spec: Arc<ChainSpec>,
    vm: Vm<ChainState>,
    engine: Arc<dyn Engine>,
    /// The head and its total fork-choice weight.
    head: RwLock<(Arc<SealedHeader>, U256)>,
    orphans: Mutex<Orphans>,
    genesis_hash: H256,
    events: broadcast::Sender<Arc<NewBlock>>,
    /// Serialises writers (build/commit/import) so the head cannot move
    /// under a block being built.
    write_lock: Mutex<()>,
    _flusher: Flusher,
}

impl std::fmt::Debug for Chain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Chain").field("head", &self.head.read().0.hash).finish_non_exhaustive()
    }
}

impl Chain {
    /// Opens the chain in `store`: writes block 0 on an empty store, checks
    /// the genesis hash on an existing one, and continues from its head.
    pub fn open(store: Arc<Store>, spec: ChainSpec, vm: Vm<ChainState>) -> Result<Self> {
        let engine = basalt_consensus::engine_for(&spec);
        let genesis = build_genesis_for(&spec)?;
        let genesis_header = SealedHeader::new(genesis.header.clone());
        let head_hash = match store.genesis_hash()? {
            Some(stored) if stored != genesis_header.hash => {
                return Err(ChainError::GenesisMismatch { stored, expected: genesis_header.hash });
            }
            Some(_) => store
                .head()?
                .ok_or(ChainError::Missing { what: "head", key: genesis_header.hash })?,
            None => {
                let mut batch = WriteBatch::new();
                batch.insert_trie_nodes(genesis.nodes);
                for (hash, code) in genesis.code {
                    batch.insert_code(hash, code);
                }
                for (hash, preimage) in genesis.preimages {
                    batch.insert_preimage(hash, preimage);
                }
                let hash = genesis_header.hash;
                batch.insert_header(hash, rlp::encode(&genesis_header.header).to_vec());
                batch.insert_body(hash, encode_body(&[]));
                batch.insert_receipts(hash, encode_receipts(&[]));
                batch.set_canonical(genesis_header.header.number, hash);
                batch.set_block_weight(hash, engine.weight(&genesis_header.header));
                batch.set_head(hash);
                batch.set_genesis_hash(hash);
                store.commit(batch)?;
                store.flush()?;
                info!(target: TARGET, ?hash, "wrote genesis block");
                hash
            }
        };
        let head = read_header(&store, head_hash)?;
        let head_weight = store
            .block_weight(&head_hash)?
            .ok_or(ChainError::Missing { what: "head weight", key: head_hash })?;
        info!(target: TARGET, number = head.header.number, hash = ?head.hash, "chain opened");
        let (events, _) = broadcast::channel(1024);
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (store, stop) = (store.clone(), stop.clone());
            std::thread::Builder::new()
                .name("basalt-flush".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        std::thread::sleep(FLUSH_INTERVAL / 2);
                        sync_log(&store);
                    }
                    sync_log(&store);
                })
                .ok()
        };
        Ok(Self {
            store,
            spec: Arc::new(spec),
            vm,
            engine,
            head: RwLock::new((Arc::new(head), head_weight)),
            orphans: Mutex::new(Orphans::default()),
            genesis_hash: genesis_header.hash,
            events,
            write_lock: Mutex::new(()),
            _flusher: Flusher { stop, thread },
        })
    }

    /// The chain spec.
    pub fn spec(&self) -> &ChainSpec {
        &self.spec
    }

    /// The VM blocks run on.
    pub fn vm(&self) -> &Vm<ChainState> {
        &self.vm
    }

    /// The store.
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// Hash of block 0.
    pub fn genesis_hash(&self) -> H256 {
        self.genesis_hash
    }

    /// The canonical head.
    pub fn head(&self) -> Arc<SealedHeader> {
        self.head.read().0.clone()
    }

    /// The head's total fork-choice weight (total difficulty under proof of work).
    pub fn head_weight(&self) -> U256 {
        self.head.read().1
    }

    /// The consensus engine the genesis file chose.
    pub fn engine(&self) -> &Arc<dyn Engine> {
        &self.engine
    }

    /// The proof-of-stake inputs (validator set, seed) as the chain's state
    /// gives them, for a proposer deciding whether a slot is its own.
    pub fn stakes(&self) -> ChainStakes<'_> {
        ChainStakes(self)
    }

    /// The total fork-choice weight of a stored block.
    pub fn block_weight(&self, hash: H256) -> Result<Option<U256>> {
        Ok(self.store.block_weight(&hash)?)
    }

    /// Subscribes to new canonical blocks.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<NewBlock>> {
        self.events.subscribe()
    }

    /// A journaled overlay on the state after `header`.
    pub fn state_at(&self, header: &Header) -> ChainState {
        JournaledState::new(self.store.clone(), header.state_root)
    }

    /// A reader of the state after `header` (for proofs).
    pub fn reader_at(&self, header: &Header) -> StateReader<Arc<Store>> {
        StateReader::new(self.store.clone(), header.state_root)
    }

    /// The block environment of a child of `parent`.
    ///
    /// `prevrandao` is the parent's `mix_hash` (its proof-of-work hash under
    /// PoW, zero otherwise): known before the child is sealed, so the block
    /// executes the same when built and when imported.
    pub fn child_env(&self, parent: &Header, timestamp: u64, coinbase: Address) -> BlockEnv {
        BlockEnv {
            number: parent.number + 1,
            timestamp,
            coinbase,
            gas_limit: parent.gas_limit,
            base_fee: self.child_base_fee(parent),
            prevrandao: parent.mix_hash,
            chain_id: self.spec.chain_id,
        }
    }

    /// The base fee of a child of `parent`.
    pub fn child_base_fee(&self, parent: &Header) -> U256 {
        next_base_fee(
            parent.gas_used,
            parent.gas_limit,
            parent.base_fee_per_gas.unwrap_or_default(),
        )
    }

    /// Builds (executes) a block on the head from `txs` in order; invalid
    /// ones are left out and reported. Nothing is written.
    pub fn build_block(
        &self,
        txs: impl IntoIterator<Item = (SignedTransaction, Address)>,
        timestamp: u64,
        coinbase: Address,
    ) -> Result<BuiltBlock> {
        self.build_block_with(|_| Ok(()), txs, timestamp, coinbase)
    }

    /// [`build_block`](Self::build_block) after `patch` changed the head's
    /// state: how a dev chain writes state outside any transaction
    /// (`anvil_setBalance` and the like). The patch lands in the block's
    /// state root, so peers re-executing the block would disagree with it:
    /// dev chains only.
    ///
    /// The header is [prepared](Engine::prepare) by the engine (difficulty)
    /// but not sealed: a proof-of-work miner or a proof-of-stake proposer
    /// seals `block.header` before [`commit_built`](Self::commit_built).
    pub fn build_block_with(
        &self,
        patch: impl FnOnce(&mut ChainState) -> basalt_state::Result<()>,
        txs: impl IntoIterator<Item = (SignedTransaction, Address)>,
        timestamp: u64,
        coinbase: Address,
    ) -> Result<BuiltBlock> {
        let parent = self.head();
        let env =
            self.child_env(&parent.header, timestamp.max(parent.header.timestamp + 1), coinbase);
        let mut state = self.state_at(&parent.header);
        patch(&mut state)?;
        let mut header = Header {
            parent_hash: parent.hash,
            ommers_hash: EMPTY_OMMERS_HASH,
            beneficiary: coinbase,
            number: env.number,
            gas_limit: env.gas_limit,
            timestamp: env.timestamp,
            base_fee_per_gas: Some(env.base_fee),
            ..Header::default()
        };
        self.engine.prepare(&parent.header, &mut header).map_err(BlockError::Consensus)?;
        let mut ex = self.block_executor(&parent.header, &header, state, env)?;
        let mut included = Vec::new();
        let mut rejected = Vec::new();
        for (tx, sender) in txs {
            match ex.execute(&tx, sender) {
                Ok(_) => included.push(tx),
                Err(TxError::Invalid(e)) => rejected.push((tx.hash(), TxError::Invalid(e))),
                Err(TxError::Fatal(e)) => return Err(e.into()),
            }
        }
        let out = ex.finish();
        let (state_root, changes) = out.state.commit()?;
        header.state_root = state_root;
        header.transactions_root = transactions_root(&included);
        header.receipts_root = out.receipts_root;
        header.logs_bloom = out.logs_bloom;
        header.gas_used = out.gas_used;
        Ok(BuiltBlock {
            block: Block { header, transactions: included },
            executed: out.executed,
            rejected,
            changes,
        })
    }

    /// The executor of a child of `parent` with header fields `header`,
    /// on `state` (the parent's, possibly patched).
    fn block_executor(
        &self,
        parent: &Header,
        header: &Header,
        state: ChainState,
        env: BlockEnv,
    ) -> Result<BlockExecutor<Arc<Store>>> {
        let mut ex = BlockExecutor::new(self.vm.clone(), state, env)
            .with_block_reward(self.engine.block_reward(header))?;
        ex.begin_block(parent)?;
        Ok(ex)
    }

    /// Stores a block built by [`build_block`](Self::build_block) (and sealed,
    /// for engines that seal) without executing it again: the engine checks
    /// the seal, then fork choice decides whether it becomes the head (it
    /// normally does; under PoW a competing block may have won meanwhile).
    pub fn commit_built(&self, built: BuiltBlock) -> Result<Arc<SealedHeader>> {
        let _w = self.write_lock.lock();
        let h = &built.block.header;
        let parent = self
            .header_by_hash(h.parent_hash)?
            .ok_or(BlockError::UnknownParent { parent: h.parent_hash })?;
        let parent_total = self
            .block_weight(parent.hash)?
            .ok_or(ChainError::Missing { what: "block weight", key: parent.hash })?;
        self.engine
            .verify_header(&parent.header, h, unix_now(), &ChainStakes(self))
            .map_err(BlockError::Consensus)?;
        let mut outcome = ImportOutcome::default();
        let sealed = self.store_block(
            built.block,
            &built.executed,
            built.changes,
            parent_total,
            &mut outcome,
        )?;
        Ok(sealed)
    }

    /// Imports a block from elsewhere (a peer, sync): checks the header
    /// against its parent with the engine, recovers senders, executes on the
    /// parent's state, compares every root, stores it (one commit), and moves
    /// the head if fork choice prefers the block's branch (a reorg when it is
    /// not the head's child). A block whose parent is unknown is kept until
    /// the parent arrives; a stored block may let such kept children in.
    pub fn import_block(&self, block: Block) -> Result<ImportOutcome> {
        let _w = self.write_lock.lock();
        let mut outcome = ImportOutcome::default();
        self.import_one(block, &mut outcome)?;
        let mut ready: Vec<H256> = outcome.stored.iter().map(|h| h.hash).collect();
        while let Some(parent) = ready.pop() {
            let children = self.orphans.lock().take_children(parent);
            for child in children {
                let hash = child.header.hash();
                let before = outcome.stored.len();
                match self.import_one(child, &mut outcome) {
                    Ok(()) if outcome.stored.len() > before => ready.push(hash),
                    Ok(()) => {}
                    Err(e) => warn!(target: TARGET, ?hash, error = %e, "dropped a kept orphan"),
                }
            }
        }
        Ok(outcome)
    }

    /// Blocks kept until their parent arrives.
    pub fn orphan_count(&self) -> usize {
        self.orphans.lock().len()
    }

    fn import_one(&self, block: Block, outcome: &mut ImportOutcome) -> Result<()> {
        let hash = block.header.hash();
        if self.store.block_weight(&hash)?.is_some() {
            outcome.known = true;
            return Ok(());
        }
        let h = &block.header;
        let Some(parent) = self.header_by_hash(h.parent_hash)? else {
            // Only blocks that prove what they can without their parent are
            // kept: fabricated orphans would otherwise evict real ones.
            self.engine.verify_standalone(h, unix_now()).map_err(BlockError::Consensus)?;
            if h.number <= self.head().header.number.saturating_sub(MAX_REORG_DEPTH) {
                return Err(BlockError::TooOld {
                    number: h.number,
                    head: self.head().header.number,
                }
                .into());
            }
            debug!(target: TARGET, ?hash, parent = ?h.parent_hash, "kept an orphan");
            self.orphans.lock().insert(block);
            outcome.orphan = true;
            return Ok(());
        };
        let parent_total = self
            .block_weight(parent.hash)?
            .ok_or(ChainError::Missing { what: "block weight", key: parent.hash })?;
        let head = self.head();
        if parent.header.number + MAX_REORG_DEPTH < head.header.number {
            return Err(BlockError::TooOld { number: h.number, head: head.header.number }.into());
        }
        self.engine
            .verify_header(&parent.header, h, unix_now(), &ChainStakes(self))
            .map_err(BlockError::Consensus)?;
        if h.base_fee_per_gas != Some(self.child_base_fee(&parent.header)) {
            return Err(BlockError::Header("wrong base fee").into());
        }
        if h.ommers_hash != EMPTY_OMMERS_HASH {
            return Err(BlockError::Header("ommers are not allowed").into());
        }
        if h.extra_data.len() > 32 {
            return Err(BlockError::Header("extra data longer than 32 bytes").into());
        }
        let tx_root = transactions_root(&block.transactions);
        check("transactions root", h.transactions_root, tx_root)?;
        let env = BlockEnv {
            number: h.number,
            timestamp: h.timestamp,
            coinbase: h.beneficiary,
            gas_limit: h.gas_limit,
            base_fee: h.base_fee_per_gas.unwrap_or_default(),
            prevrandao: parent.header.mix_hash,
            chain_id: self.spec.chain_id,
        };
        let mut ex = self.block_executor(&parent.header, h, self.state_at(&parent.header), env)?;
        for (index, tx) in block.transactions.iter().enumerate() {
            let sender = tx.recover_sender().map_err(|_| BlockError::BadSignature { index })?;
            match ex.execute(tx, sender) {
                Ok(_) => {}
                Err(TxError::Invalid(e)) => {
                    return Err(
                        BlockError::InvalidTransaction { index, reason: e.to_string() }.into()
                    )
                }
                Err(TxError::Fatal(e)) => return Err(e.into()),
            }
        }
        let out = ex.finish();
        check("gas used", h.gas_used, out.gas_used)?;
        check("receipts root", h.receipts_root, out.receipts_root)?;
        check("logs bloom", h.logs_bloom, out.logs_bloom)?;
        let (state_root, changes) = out.state.commit()?;
        check("state root", h.state_root, state_root)?;
        self.store_block(block, &out.executed, changes, parent_total, outcome)?;
        Ok(())
    }

    /// Writes a verified, executed block and applies fork choice, all in one
    /// store commit; then notifies (removed blocks newest first, then the new
    /// canonical blocks oldest first).
    fn store_block(
        &self,
        block: Block,
        executed: &[ExecutedTx],
        changes: basalt_state::StateChanges,
        parent_total: U256,
        outcome: &mut ImportOutcome,
    ) -> Result<Arc<SealedHeader>> {
        let started = Instant::now();
        let sealed = Arc::new(SealedHeader::new(block.header.clone()));
        let hash = sealed.hash;
        let total = parent_total.saturating_add(self.engine.weight(&block.header));
        let receipts: Vec<StoredReceipt> = executed
            .iter()
            .map(|e| StoredReceipt {
                receipt: e.receipt.clone(),
                sender: e.sender,
                gas_used: e.gas_used,
                contract_address: e.contract_address,
            })
            .collect();
        let mut batch = WriteBatch::new();
        changes.write_to(&mut batch);
        batch.insert_header(hash, rlp::encode(&block.header).to_vec());
        batch.insert_body(hash, encode_body(&block.transactions));
        batch.insert_receipts(hash, encode_receipts(&receipts));
        batch.set_block_weight(hash, total);

        let (head, head_total) = self.head.read().clone();
        let becomes_head = fork_choice_better(total, hash, head_total, head.hash);
        let this = Arc::new(NewBlock {
            header: sealed.clone(),
            transactions: block.transactions.iter().map(SignedTransaction::hash).collect(),
            receipts,
            removed: false,
        });
        let mut removed = Vec::new();
        let mut added = Vec::new();
        if becomes_head {
            if block.header.parent_hash != head.hash {
                let parent = read_header(&self.store, block.header.parent_hash)?;
                let (old, new) = self.branches(&head, &parent)?;
                removed = old;
                added = new;
            }
            added.push((this.clone(), block.transactions.clone()));
            for (old, _) in &removed {
                for tx in &old.transactions {
                    batch.delete_tx_location(*tx);
                }
                if old.header.header.number > block.header.number {
                    batch.delete_canonical(old.header.header.number);
                }
            }
            for (new, _) in &added {
                batch.set_canonical(new.header.header.number, new.header.hash);
                for (index, tx) in new.transactions.iter().enumerate() {
                    batch.set_tx_location(
                        *tx,
                        TxLocation { block_hash: new.header.hash, index: index as u32 },
                    );
                }
            }
            batch.set_head(hash);
        }
        self.store.commit(batch)?;
        outcome.stored.push(sealed.clone());
        if !becomes_head {
            info!(
                target: TARGET,
                number = block.header.number,
                ?hash,
                "stored a side-branch block"
            );
            return Ok(sealed);
        }
        *self.head.write() = (sealed.clone(), total);
        outcome.new_head = Some(sealed.clone());
        if !removed.is_empty() {
            let kept: HashSet<H256> =
                added.iter().flat_map(|(b, _)| b.transactions.iter().copied()).collect();
            for (_, txs) in &removed {
                outcome.dropped.extend(txs.iter().filter(|t| !kept.contains(&t.hash())).cloned());
            }
            info!(
                target: TARGET,
                removed = removed.len(),
                added = added.len(),
                number = block.header.number,
                ?hash,
                "reorg"
            );
        }
        info!(
            target: TARGET,
            number = block.header.number,
            txs = block.transactions.len(),
            gas_used = block.header.gas_used,
            ms = started.elapsed().as_millis() as u64,
            "imported block"
        );
        // No subscriber is fine.
        for (old, _) in removed {
            let _ = self.events.send(old);
        }
        for (new, _) in added {
            let _ = self.events.send(new);
        }
        Ok(sealed)
    }

    /// The blocks that leave and join the canonical chain when the head moves
    /// from `old_head` to a child of `new_parent`: (leaving, newest first and
    /// marked removed; joining, oldest first, `new_parent` included unless it
    /// is canonical already).
    #[allow(clippy::type_complexity)]
    fn branches(
        &self,
        old_head: &SealedHeader,
        new_parent: &SealedHeader,
    ) -> Result<(
        Vec<(Arc<NewBlock>, Vec<SignedTransaction>)>,
        Vec<(Arc<NewBlock>, Vec<SignedTransaction>)>,
    )> {
        let mut old = old_head.clone();
        let mut new = new_parent.clone();
        let mut leaving = Vec::new();
        let mut joining = Vec::new();
        while old.hash != new.hash {
            if old.header.number >= new.header.number {
                let parent = old.header.parent_hash;
                leaving.push(self.stored_block(old, true)?);
                old = read_header(&self.store, parent)?;
            } else {
                let parent = new.header.parent_hash;
                joining.push(self.stored_block(new, false)?);
                new = read_header(&self.store, parent)?;
            }
        }
        joining.reverse();
        Ok((leaving, joining))
    }

    /// A stored block as a notification, with its transactions.
    fn stored_block(
        &self,
        header: SealedHeader,
        removed: bool,
    ) -> Result<(Arc<NewBlock>, Vec<SignedTransaction>)> {
        let txs = self.body(header.hash)?.unwrap_or_default();
        let receipts = self.receipts(header.hash)?.unwrap_or_default();
        let transactions = txs.iter().map(SignedTransaction::hash).collect();
        Ok((Arc::new(NewBlock { header: Arc::new(header), transactions, receipts, removed }), txs))
    }

    /// Makes the canonical block `hash`, an ancestor of the head, the head
    /// again and forgets the canonical blocks after it (dev chains:
    /// `evm_revert`). One store commit; the forgotten blocks stay readable
    /// by hash, their transactions are no longer indexed, and subscribers
    /// hear of them as removed (newest first).
    pub fn rewind_to(&self, hash: H256) -> Result<Arc<SealedHeader>> {
        let _w = self.write_lock.lock();
        let target = read_header(&self.store, hash)?;
        if self.store.canonical_hash(target.header.number)? != Some(hash) {
            return Err(ChainError::Missing { what: "canonical block", key: hash });
        }
        let target_total = self
            .block_weight(hash)?
            .ok_or(ChainError::Missing { what: "block weight", key: hash })?;
        let head = self.head();
        let mut batch = WriteBatch::new();
        let mut removed = Vec::new();
        for number in (target.header.number + 1..=head.header.number).rev() {
            if let Some(forgotten) = self.store.canonical_hash(number)? {
                let (event, _) = self.stored_block(read_header(&self.store, forgotten)?, true)?;
                for tx in &event.transactions {
                    batch.delete_tx_location(*tx);
                }
                removed.push(event);
            }
            batch.delete_canonical(number);
        }
        batch.set_head(hash);
        self.store.commit(batch)?;
        let sealed = Arc::new(target);
        *self.head.write() = (sealed.clone(), target_total);
        info!(target: TARGET, number = sealed.header.number, ?hash, "rewound the head");
        for event in removed {
            let _ = self.events.send(event);
        }
        Ok(sealed)
    }

    /// Puts the committed blocks on disk now (e.g. before a clean shutdown):
    /// syncs the store's log, which holds every commit older than about a
    /// millisecond. Closing the store (dropping its last clone) then writes
    /// any commit still queued and applies the log to the tables; a full
    /// [`Store::flush`] here would do that work twice and stall shutdown on
    /// a busy disk.
    pub fn flush(&self) {
        sync_log(&self.store);
    }

    // ----- readers ------------------------------------------------------

    /// The canonical header at `number`.
    ///
    /// A block is indexed in the store a moment before the chain makes it the
    /// head; until then it is not part of the chain readers see, so numbers
    /// above the head answer `None` (likewise in
    /// [`transaction_location`](Self::transaction_location)).
    pub fn header_by_number(&self, number: u64) -> Result<Option<Arc<SealedHeader>>> {
        if number > self.head().header.number {
            return Ok(None);
        }
        match self.store.canonical_hash(number)? {
            Some(hash) => Ok(Some(Arc::new(read_header(&self.store, hash)?))),
            None => Ok(None),
        }
    }

    /// A stored header by hash.
    pub fn header_by_hash(&self, hash: H256) -> Result<Option<Arc<SealedHeader>>> {
        match self.store.header(&hash)? {
            Some(bytes) => {
                let header = Header::decode_rlp(&bytes).map_err(|reason| ChainError::Corrupt {
                    what: "header",
                    key: hash,
                    reason,
                })?;
                Ok(Some(Arc::new(SealedHeader { header, hash })))
            }
            None => Ok(None),
        }
    }

    /// A block's transactions.
    pub fn body(&self, hash: H256) -> Result<Option<Vec<SignedTransaction>>> {
        match self.store.body(&hash)? {
            Some(bytes) => Ok(Some(decode_body(&bytes).map_err(|reason| ChainError::Corrupt {
                what: "body",
                key: hash,
                reason,
            })?)),
            None => Ok(None),
        }
    }

    /// A block's receipts.
    pub fn receipts(&self, hash: H256) -> Result<Option<Vec<StoredReceipt>>> {
        match self.store.receipts(&hash)? {
            Some(bytes) => {
                Ok(Some(decode_receipts(&bytes).map_err(|reason| ChainError::Corrupt {
                    what: "receipts",
                    key: hash,
                    reason,
                })?))
            }
            None => Ok(None),
        }
    }

    /// Where a transaction was included.
    ///
    /// `None` while the including block is not yet the head (see
    /// [`header_by_number`](Self::header_by_number)), so a client never sees a
    /// receipt while `latest` still names the parent.
    pub fn transaction_location(&self, hash: H256) -> Result<Option<TxLocation>> {
        let Some(location) = self.store.tx_location(&hash)? else { return Ok(None) };
        let head = self.head();
        if location.block_hash != head.hash {
            let number = read_header(&self.store, location.block_hash)?.header.number;
            if number > head.header.number {
                return Ok(None);
            }
        }
        Ok(Some(location))
    }

    /// The bloom-filtered logs of canonical blocks `from..=to` matching
    /// `matches` (called per log), with their positions.
    pub fn logs(
        &self,
        from: u64,
        to: u64,
        may_contain: impl Fn(&Bloom) -> bool,
        matches: impl Fn(&Log) -> bool,
    ) -> Result<Vec<LogEntry>> {
        let mut out = Vec::new();
        for number in from..=to {
            let Some(header) = self.header_by_number(number)? else { break };
            if !may_contain(&header.header.logs_bloom) {
                continue;
            }
            let receipts = self.receipts(header.hash)?.unwrap_or_default();
            let txs = self.body(header.hash)?.unwrap_or_default();
            let mut log_index = 0u64;
            for (tx_index, r) in receipts.iter().enumerate() {
                for log in &r.receipt.logs {
                    if matches(log) {
                        out.push(LogEntry {
                            log: log.clone(),
                            block_number: number,
                            block_hash: header.hash,
                            transaction_hash: txs
                                .get(tx_index)
                                .map(SignedTransaction::hash)
                                .unwrap_or_default(),
                            transaction_index: tx_index as u64,
                            log_index,
                        });
                    }
                    log_index += 1;
                }
            }
        }
        debug!(target: TARGET, from, to, found = out.len(), "log query");
        Ok(out)
    }
}

/// A log with where it sits in the chain.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogEntry {
    /// The log.
    pub log: Log,
    /// Block number.
    pub block_number: u64,
    /// Block hash.
    pub block_hash: H256,
    /// Transaction hash.
    pub transaction_hash: H256,
    /// Transaction index in the block.
    pub transaction_index: u64,
    /// Log index in the block.
    pub log_index: u64,
}

fn check<T: PartialEq + std::fmt::Debug>(what: &'static str, expected: T, got: T) -> Result<()> {
    if expected != got {
        return Err(BlockError::Mismatch {
            what,
            expected: format!("{expected:?}"),
            got: format!("{got:?}"),
        }
        .into());
    }
    Ok(())
}

fn read_header(store: &Store, hash: H256) -> Result<SealedHeader> {
    let bytes = store.header(&hash)?.ok_or(ChainError::Missing { what: "header", key: hash })?;
    let header = Header::decode_rlp(&bytes).map_err(|reason| ChainError::Corrupt {
        what: "header",
        key: hash,
        reason,
    })?;
    Ok(SealedHeader { header, hash })
}

/// Blocks waiting for their parent, by parent hash; the oldest go first when
/// full.
#[derive(Default)]
struct Orphans {
    by_parent: HashMap<H256, Vec<Block>>,
    order: std::collections::VecDeque<(H256, H256)>,
    hashes: HashSet<H256>,
}

impl Orphans {
    fn len(&self) -> usize {
        self.hashes.len()
    }

    fn insert(&mut self, block: Block) {
        let hash = block.header.hash();
        if !self.hashes.insert(hash) {
            return;
        }
        while self.hashes.len() > MAX_ORPHANS {
            let Some((parent, old)) = self.order.pop_front() else { break };
            if let Some(list) = self.by_parent.get_mut(&parent) {
                list.retain(|b| b.header.hash() != old);
                if list.is_empty() {
                    self.by_parent.remove(&parent);
                }
            }
            self.hashes.remove(&old);
        }
        self.order.push_back((block.header.parent_hash, hash));
        self.by_parent.entry(block.header.parent_hash).or_default().push(block);
    }

    fn take_children(&mut self, parent: H256) -> Vec<Block> {
        let children = self.by_parent.remove(&parent).unwrap_or_default();
        for child in &children {
            let hash = child.header.hash();
            self.hashes.remove(&hash);
            self.order.retain(|(_, h)| *h != hash);
        }
        children
    }
}

/// The engine's view of stake: the staking contract's state after a block
/// (see [`Chain::stakes`]).
#[derive(Clone, Copy, Debug)]
pub struct ChainStakes<'a>(&'a Chain);

impl StakeSource for ChainStakes<'_> {
    fn epoch_inputs(&self, parent: &Header, epoch: u64) -> Result<EpochInputs, ConsensusError> {
        basalt_executor::staking::epoch_inputs(&self.0.reader_at(parent), epoch)
            .map_err(|e| ConsensusError::Inputs(e.to_string()))
    }
}

/// Seconds since the Unix epoch.
fn unix_now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs())
}
