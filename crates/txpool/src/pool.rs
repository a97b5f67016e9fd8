//! [`TxPool`]: admission, replacement, limits, block updates and queries.

use crate::best::BestTransactions;
use crate::config::PoolConfig;
use crate::error::{PoolError, Result};
use crate::pooled::{AccountState, PooledTx, TxStatus};
use crate::sender::{pending_len, prune, Moves, SenderTxs};
use basalt_primitives::{Address, SignedTransaction, H256, U256};
use ethereum_types::U512;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::Arc;
use tracing::debug;

const TARGET: &str = "basalt::txpool";

/// What [`TxPool::add`] did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddOutcome {
    /// The transaction's hash.
    pub hash: H256,
    /// Where it landed.
    pub status: TxStatus,
    /// The transaction it replaced (same sender and nonce), if any.
    pub replaced: Option<H256>,
    /// The sender's queued transactions it made pending (it filled their nonce gap).
    pub promoted: Vec<H256>,
    /// Transactions that left the pool on the way: another sender's cheapest evicted to
    /// make room, or the sender's own made stale or unpayable by the account state given.
    pub discarded: Vec<H256>,
}

/// What [`TxPool::on_new_block`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BlockUpdate {
    /// Mined transactions that were in the pool and left it.
    pub mined: Vec<H256>,
    /// Transactions dropped as stale (nonce now used), unpayable (cost above balance), or
    /// queued beyond the per-sender limit after a demotion (highest nonces first).
    pub discarded: Vec<H256>,
    /// Transactions that became pending.
    pub promoted: Vec<H256>,
    /// Transactions that went from pending back to queued.
    pub demoted: Vec<H256>,
}

/// Counts for `txpool_status`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// Pending (executable) transactions.
    pub pending: usize,
    /// Queued (waiting) transactions.
    pub queued: usize,
}

/// Every pooled transaction by status, sender and nonce, for `txpool_content` and
/// `txpool_inspect`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PoolContent {
    /// Pending transactions.
    pub pending: BTreeMap<Address, BTreeMap<u64, Arc<PooledTx>>>,
    /// Queued transactions.
    pub queued: BTreeMap<Address, BTreeMap<u64, Arc<PooledTx>>>,
}

/// The transaction pool. See the crate docs for the rules.
#[derive(Debug)]
pub struct TxPool {
    config: PoolConfig,
    by_hash: HashMap<H256, Arc<PooledTx>>,
    /// Ordered by address so that every walk (block updates, snapshots) is deterministic.
    senders: BTreeMap<Address, SenderTxs>,
    pending_total: usize,
    next_submission_id: u64,
    /// The base fee last given to `add` or `on_new_block`: ranks transactions for eviction.
    base_fee: U256,
    /// Hashes that became pending since the last [`TxPool::drain_new_pending`].
    new_pending: VecDeque<H256>,
}

impl TxPool {
    /// An empty pool.
    pub fn new(config: PoolConfig) -> Self {
        Self {
            config,
            by_hash: HashMap::new(),
            senders: BTreeMap::new(),
            pending_total: 0,
            next_submission_id: 0,
            base_fee: U256::zero(),
            new_pending: VecDeque::new(),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &PoolConfig {
        &self.config
    }

    /// Admits a transaction whose `sender` the caller recovered (with
    /// `recover_sender_for_chain`), given the sender's `account` and the `base_fee` at the
    /// current head.
    ///
    /// Checks, in order: duplicate hash, chain id, block gas limit, the stateless rules,
    /// minimum tip, nonce below the account's, replacement bump, funds (this transaction's
    /// cost plus its pooled predecessors'), the per-sender queued limit, then the global
    /// limit (evicting another sender's cheapest tail transaction when the newcomer ranks
    /// higher). Nothing changes unless every check passes.
    pub fn add(
        &mut self,
        tx: SignedTransaction,
        sender: Address,
        account: AccountState,
        base_fee: U256,
    ) -> Result<AddOutcome> {
        let hash = tx.hash();
        if self.by_hash.contains_key(&hash) {
            return Err(PoolError::AlreadyKnown { hash });
        }
        self.check_stateless(&tx)?;
        let nonce = tx.transaction().nonce();
        if nonce < account.nonce {
            return Err(PoolError::NonceTooLow { sender, nonce, state_nonce: account.nonce });
        }
        let pooled = PooledTx::new(tx, sender, self.next_submission_id);

        // The sender's transactions as they will be under `account`, with the newcomer.
        let mut txs = self.senders.get(&sender).map(|s| s.txs.clone()).unwrap_or_default();
        prune(&mut txs, account);
        let replaced = txs.get(&nonce).cloned();
        if let Some(old) = &replaced {
            if !self.bump_is_enough(old, &pooled) {
                return Err(PoolError::ReplacementUnderpriced { existing: old.hash() });
            }
        }
        let earlier = txs
            .range(account.nonce..nonce)
            .fold(U256::zero(), |sum, (_, tx)| sum.saturating_add(tx.cost()));
        let cost = earlier.saturating_add(pooled.cost());
        if cost > account.balance {
            return Err(PoolError::InsufficientFunds { sender, balance: account.balance, cost });
        }
        let pooled = Arc::new(pooled);
        txs.insert(nonce, Arc::clone(&pooled));
        let pending = pending_len(&txs, account, self.config.max_pending_per_sender);
        if txs.len() - pending > self.config.max_queued_per_sender {
            return Err(PoolError::AccountLimitExceeded {
                sender,
                limit: self.config.max_queued_per_sender,
            });
        }
        let index = txs.range(..nonce).count();
        let status = if index < pending { TxStatus::Pending } else { TxStatus::Queued };

        // Room: the pool's size once the sender's own departures are counted.
        let own_before = self.senders.get(&sender).map_or(0, |s| s.txs.len());
        let size_after = self.by_hash.len() - own_before + txs.len();
        let evict = if size_after > self.config.max_total {
            let victim = (size_after == self.config.max_total + 1)
                .then(|| self.eviction_victim(sender, status, pooled.effective_tip(base_fee)))
                .flatten();
            Some(victim.ok_or(PoolError::PoolFull { max_total: self.config.max_total })?)
        } else {
            None
        };

        // Every check passed: commit.
        self.base_fee = base_fee;
        self.next_submission_id += 1;
        let mut discarded = Vec::new();
        if let Some(victim) = evict {
            discarded.extend(self.evict_tail(victim));
        }
        let moves = self.update_sender(sender, account, |txs| {
            let old = txs.insert(nonce, Arc::clone(&pooled));
            old.into_iter().collect()
        });
        self.by_hash.insert(hash, Arc::clone(&pooled));
        discarded.extend(moves.pruned.iter().map(|tx| tx.hash()));
        let promoted: Vec<H256> = moves.promoted.into_iter().filter(|h| *h != hash).collect();
        if status == TxStatus::Pending {
            self.push_new_pending(hash);
        }
        for promoted in &promoted {
            self.push_new_pending(*promoted);
        }
        let replaced = replaced.map(|old| old.hash());
        debug!(target: TARGET, ?hash, ?sender, nonce, ?status, ?replaced, "added transaction");
        Ok(AddOutcome { hash, status, replaced, promoted, discarded })
    }

    /// Chain id, block gas limit, the stateless rules and the minimum tip.
    fn check_stateless(&self, tx: &SignedTransaction) -> Result<()> {
        if let Some(found) = tx.chain_id() {
            if found != self.config.chain_id {
                return Err(PoolError::WrongChainId { expected: self.config.chain_id, found });
            }
        }
        let gas_limit = tx.transaction().gas_limit();
        if gas_limit > self.config.block_gas_limit {
            return Err(PoolError::ExceedsBlockGasLimit {
                gas_limit,
                block_gas_limit: self.config.block_gas_limit,
            });
        }
        tx.validate_stateless()?;
        let inner = tx.transaction();
        let tip_cap = inner.max_priority_fee_per_gas().unwrap_or_else(|| inner.max_fee_per_gas());
        if tip_cap < self.config.min_priority_fee {
            return Err(PoolError::Underpriced { tip_cap, minimum: self.config.min_priority_fee });
        }
        Ok(())
    }

    /// geth's rule: a replacement must raise both the fee cap and the tip cap, each to at
    /// least `old * (100 + bump) / 100` (integer division).
    fn bump_is_enough(&self, old: &PooledTx, new: &PooledTx) -> bool {
        let factor = U256::from(self.config.price_bump_percent.saturating_add(100));
        let threshold = |old: U256| old.full_mul(factor) / U512::from(100u64);
        let raises = |old: U256, new: U256| new > old && U512::from(new) >= threshold(old);
        raises(old.max_fee_per_gas(), new.max_fee_per_gas()) && raises(old.tip_cap(), new.tip_cap())
    }

    /// The other sender whose highest-nonce transaction ranks lowest, if it ranks below the
    /// newcomer. Rank: pending above queued, then by effective tip (a fee cap below the base
    /// fee ranks lowest); among equals the latest arrival goes first. Only a sender's last
    /// transaction is ever evicted, so no remaining transaction loses a predecessor.
    fn eviction_victim(
        &self,
        newcomer: Address,
        status: TxStatus,
        tip: Option<U256>,
    ) -> Option<Address> {
        let incoming = (status == TxStatus::Pending, tip);
        self.senders
            .iter()
            .filter(|(address, _)| **address != newcomer)
            .filter_map(|(address, sender)| {
                let (tx, pending) = sender.tail()?;
                let rank = (pending, tx.effective_tip(self.base_fee));
                Some((rank, std::cmp::Reverse(tx.submission_id()), *address))
            })
            .min()
            .filter(|(rank, _, _)| *rank < incoming)
            .map(|(_, _, address)| address)
    }

    /// Removes `sender`'s highest-nonce transaction, returning its hash.
    fn evict_tail(&mut self, sender: Address) -> Option<H256> {
        let entry = self.senders.get_mut(&sender)?;
        let (_, tx) = entry.txs.pop_last()?;
        if entry.pending > entry.txs.len() {
            entry.pending = entry.txs.len();
            self.pending_total -= 1;
        }
        if entry.txs.is_empty() {
            self.senders.remove(&sender);
        }
        let hash = tx.hash();
        self.by_hash.remove(&hash);
        debug!(target: TARGET, ?hash, ?sender, nonce = tx.nonce(), "evicted transaction");
        Some(hash)
    }

    /// Applies `edit` to `sender`'s transactions and re-splits them under `account`,
    /// keeping the hash index and counters in step. Edited-out and pruned transactions
    /// leave the hash index; the caller inserts any added one.
    fn update_sender(
        &mut self,
        sender: Address,
        account: AccountState,
        edit: impl FnOnce(&mut crate::sender::ByNonce) -> Vec<Arc<PooledTx>>,
    ) -> Moves {
        let entry = self.senders.entry(sender).or_default();
        let limits = (self.config.max_pending_per_sender, self.config.max_queued_per_sender);
        let moves = entry.update(account, limits, edit);
        if entry.txs.is_empty() {
            self.senders.remove(&sender);
        }
        for tx in moves.edited_out.iter().chain(&moves.pruned) {
            self.by_hash.remove(&tx.hash());
        }
        self.pending_total = self.pending_total - moves.pending_before + moves.pending_after;
        moves
    }

    fn push_new_pending(&mut self, hash: H256) {
        if self.new_pending.len() >= self.config.max_total.max(1) {
            self.new_pending.pop_front();
        }
        self.new_pending.push_back(hash);
    }

    /// Hashes that became pending (added or promoted) since the last call, oldest first:
    /// the feed for `newPendingTransactions` subscriptions and gossip. The pool is
    /// synchronous, so it records instead of pushing: whoever holds the pool's lock drains
    /// after each change. At most `max_total` hashes are kept (the oldest go first), so a
    /// pool nobody drains stays bounded. A hash may already have left the pool by the
    /// time it is drained.
    pub fn drain_new_pending(&mut self) -> Vec<H256> {
        self.new_pending.drain(..).collect()
    }

    /// Pending transactions, best first, under `base_fee` (see [`BestTransactions`]).
    pub fn best_transactions(&self, base_fee: U256) -> BestTransactions {
        BestTransactions::new(
            base_fee,
            self.senders.iter().map(|(address, sender)| {
                (*address, sender.txs.values().take(sender.pending).cloned().collect())
            }),
        )
    }

    /// Updates the pool after a new head: removes the `mined` transactions, then for every
    /// sender with pooled transactions reads its account at the new head (`accounts`),
    /// drops stale and unpayable transactions, and moves the rest between pending and
    /// queued. A reorg's returning transactions are re-added with [`Self::add`].
    pub fn on_new_block(
        &mut self,
        mined: &[H256],
        accounts: impl Fn(Address) -> AccountState,
        base_fee: U256,
    ) -> BlockUpdate {
        self.base_fee = base_fee;
        let mut by_sender: BTreeMap<Address, Vec<u64>> = BTreeMap::new();
        for hash in mined {
            if let Some(tx) = self.by_hash.get(hash) {
                by_sender.entry(tx.sender()).or_default().push(tx.nonce());
            }
        }
        let mut update = BlockUpdate::default();
        let senders: Vec<Address> = self.senders.keys().copied().collect();
        for sender in senders {
            let nonces = by_sender.remove(&sender).unwrap_or_default();
            let moves = self.update_sender(sender, accounts(sender), |txs| {
                nonces.iter().filter_map(|nonce| txs.remove(nonce)).collect()
            });
            update.mined.extend(moves.edited_out.iter().map(|tx| tx.hash()));
            update.discarded.extend(moves.pruned.iter().map(|tx| tx.hash()));
            update.demoted.extend(moves.demoted);
            for hash in moves.promoted {
                self.push_new_pending(hash);
                update.promoted.push(hash);
            }
        }
        debug!(
            target: TARGET,
            mined = update.mined.len(),
            discarded = update.discarded.len(),
            promoted = update.promoted.len(),
            demoted = update.demoted.len(),
            pending = self.pending_total,
            queued = self.by_hash.len() - self.pending_total,
            "pool updated for new block"
        );
        update
    }

    /// Removes one transaction (e.g. dropped by the user or found invalid by the block
    /// producer). The sender's later transactions stay, now queued behind the gap (its
    /// highest ones leave if that queues more than the per-sender limit).
    pub fn remove(&mut self, hash: &H256) -> Option<Arc<PooledTx>> {
        let tx = self.by_hash.get(hash).cloned()?;
        let sender = tx.sender();
        let account = self.senders.get(&sender).map(|s| s.account).unwrap_or_default();
        let nonce = tx.nonce();
        self.update_sender(sender, account, |txs| txs.remove(&nonce).into_iter().collect());
        Some(tx)
    }

    /// The pooled transaction with this hash.
    pub fn get(&self, hash: &H256) -> Option<Arc<PooledTx>> {
        self.by_hash.get(hash).cloned()
    }

    /// Whether the pool holds this hash.
    pub fn contains(&self, hash: &H256) -> bool {
        self.by_hash.contains_key(hash)
    }

    /// Whether this pooled transaction is pending or queued.
    pub fn status_of(&self, hash: &H256) -> Option<TxStatus> {
        let tx = self.by_hash.get(hash)?;
        let sender = self.senders.get(&tx.sender())?;
        Some(if sender.is_pending(tx.nonce()) { TxStatus::Pending } else { TxStatus::Queued })
    }

    /// How many transactions the pool holds.
    pub fn len(&self) -> usize {
        self.by_hash.len()
    }

    /// Whether the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.by_hash.is_empty()
    }

    /// Pending and queued counts.
    pub fn status(&self) -> PoolStatus {
        PoolStatus { pending: self.pending_total, queued: self.by_hash.len() - self.pending_total }
    }

    /// The nonce `eth_getTransactionCount(sender, "pending")` answers: the first nonce
    /// after the gapless run of the sender's pooled transactions starting at `state_nonce`
    /// (so `state_nonce` when that nonce is not pooled).
    pub fn pending_nonce(&self, sender: Address, state_nonce: u64) -> u64 {
        let mut next = state_nonce;
        if let Some(entry) = self.senders.get(&sender) {
            for nonce in entry.txs.range(state_nonce..).map(|(nonce, _)| *nonce) {
                if nonce != next {
                    break;
                }
                next = next.saturating_add(1);
            }
        }
        next
    }

    /// Every pooled transaction by status, sender and nonce.
    pub fn content(&self) -> PoolContent {
        let mut content = PoolContent::default();
        for (address, sender) in &self.senders {
            let mut txs = sender.txs.iter().map(|(nonce, tx)| (*nonce, Arc::clone(tx)));
            let pending: BTreeMap<_, _> = txs.by_ref().take(sender.pending).collect();
            let queued: BTreeMap<_, _> = txs.collect();
            if !pending.is_empty() {
                content.pending.insert(*address, pending);
            }
            if !queued.is_empty() {
                content.queued.insert(*address, queued);
            }
        }
        content
    }
}
