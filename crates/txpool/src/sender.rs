//! One sender's transactions and how they split into pending and queued.
//!
//! The split is a pure function of the sender's transactions, its account
//! (nonce, balance) and the per-sender pending limit:
//!
//! 1. transactions with a nonce below the account nonce are stale (mined or
//!    replaced on chain) and leave the pool;
//! 2. transactions costing more than the whole balance can never run and leave
//!    the pool (geth does the same), so the sender can resend cheaper ones;
//! 3. the pending run is the longest prefix of nonces `nonce, nonce+1, …` whose
//!    cumulative cost fits in the balance, at most `max_pending` long;
//! 4. everything after it is queued, at most `max_queued` transactions: when a
//!    demotion (a balance drop, a removal opening a gap) queues more, the highest
//!    nonces leave the pool, as in geth. (Admission refuses instead of dropping:
//!    see [`crate::PoolError::AccountLimitExceeded`].)
//!
//! Because pending is always a prefix of the nonce-ordered map, a sender
//! stores only its length.

use crate::pooled::{AccountState, PooledTx};
use basalt_primitives::{H256, U256};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

/// A sender's pooled transactions by nonce.
pub(crate) type ByNonce = BTreeMap<u64, Arc<PooledTx>>;

/// One sender's share of the pool.
#[derive(Clone, Debug, Default)]
pub(crate) struct SenderTxs {
    /// The account as last reported by the caller.
    pub(crate) account: AccountState,
    /// Transactions by nonce; all nonces are `>= account.nonce`.
    pub(crate) txs: ByNonce,
    /// How many of the first transactions are pending.
    pub(crate) pending: usize,
}

/// What an update did to one sender.
#[derive(Debug, Default)]
pub(crate) struct Moves {
    /// Transactions the edit took out (mined, replaced, removed by hand).
    pub(crate) edited_out: Vec<Arc<PooledTx>>,
    /// Transactions that left because they became stale or unpayable, or were queued
    /// beyond the per-sender limit.
    pub(crate) pruned: Vec<Arc<PooledTx>>,
    /// Hashes that became pending.
    pub(crate) promoted: Vec<H256>,
    /// Hashes that were pending and are now queued.
    pub(crate) demoted: Vec<H256>,
    /// Pending count before.
    pub(crate) pending_before: usize,
    /// Pending count after.
    pub(crate) pending_after: usize,
}

/// Removes stale (nonce below the account's) and unpayable (cost above the balance)
/// transactions, returning them.
pub(crate) fn prune(txs: &mut ByNonce, account: AccountState) -> Vec<Arc<PooledTx>> {
    let fresh = txs.split_off(&account.nonce);
    let mut removed: Vec<_> = std::mem::replace(txs, fresh).into_values().collect();
    txs.retain(|_, tx| {
        let payable = tx.cost() <= account.balance;
        if !payable {
            removed.push(Arc::clone(tx));
        }
        payable
    });
    removed
}

/// The length of the pending run of a pruned map (rule 3 of the module docs).
pub(crate) fn pending_len(txs: &ByNonce, account: AccountState, max_pending: usize) -> usize {
    let mut expected = Some(account.nonce);
    let mut spent = U256::zero();
    let mut count = 0;
    for (nonce, tx) in txs {
        if Some(*nonce) != expected || count >= max_pending {
            break;
        }
        match spent.checked_add(tx.cost()) {
            Some(total) if total <= account.balance => spent = total,
            _ => break,
        }
        count += 1;
        expected = nonce.checked_add(1);
    }
    count
}

impl SenderTxs {
    /// Hashes of the pending run.
    pub(crate) fn pending_hashes(&self) -> impl Iterator<Item = H256> + '_ {
        self.txs.values().take(self.pending).map(|tx| tx.hash())
    }

    /// Whether the transaction at `nonce` is in the pending run.
    pub(crate) fn is_pending(&self, nonce: u64) -> bool {
        // The pending run is exactly the nonces `account.nonce .. account.nonce + pending`.
        nonce
            .checked_sub(self.account.nonce)
            .is_some_and(|offset| offset < u64::try_from(self.pending).unwrap_or(u64::MAX))
    }

    /// The highest-nonce transaction and whether it is pending.
    pub(crate) fn tail(&self) -> Option<(&Arc<PooledTx>, bool)> {
        let (_, tx) = self.txs.last_key_value()?;
        Some((tx, self.txs.len() == self.pending))
    }

    /// Applies `edit` to the transactions, re-splits them against `account`, and reports
    /// what moved.
    pub(crate) fn update(
        &mut self,
        account: AccountState,
        (max_pending, max_queued): (usize, usize),
        edit: impl FnOnce(&mut ByNonce) -> Vec<Arc<PooledTx>>,
    ) -> Moves {
        let before: HashSet<H256> = self.pending_hashes().collect();
        let pending_before = self.pending;
        let edited_out = edit(&mut self.txs);
        let mut pruned = prune(&mut self.txs, account);
        self.account = account;
        self.pending = pending_len(&self.txs, account, max_pending);
        while self.txs.len() - self.pending > max_queued {
            match self.txs.pop_last() {
                Some((_, tx)) => pruned.push(tx),
                None => break,
            }
        }
        let promoted = self.pending_hashes().filter(|hash| !before.contains(hash)).collect();
        let demoted = self
            .txs
            .values()
            .skip(self.pending)
            .map(|tx| tx.hash())
            .filter(|hash| before.contains(hash))
            .collect();
        Moves { edited_out, pruned, promoted, demoted, pending_before, pending_after: self.pending }
    }
}
