//! [`BestTransactions`]: pending transactions in the order a block producer wants them.

use crate::pooled::PooledTx;
use basalt_primitives::{Address, U256};
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::sync::Arc;

/// A sender's next transaction, ready to be yielded.
#[derive(Debug)]
struct Candidate {
    tip: U256,
    tx: Arc<PooledTx>,
    slot: usize,
}

impl Candidate {
    /// Higher tip first; on equal tips, the earlier arrival first.
    fn key(&self) -> (U256, std::cmp::Reverse<u64>) {
        (self.tip, std::cmp::Reverse(self.tx.submission_id()))
    }
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// An iterator over a snapshot of the pending transactions, best first.
///
/// Order: by effective tip under the base fee given to
/// [`crate::TxPool::best_transactions`] (highest first), ties by arrival (earliest first),
/// while each sender's transactions come out in nonce order: a sender's next transaction
/// competes only once its predecessor has been yielded. A transaction whose fee cap is
/// below the base fee is skipped, and with it the rest of its sender's run (they could
/// not execute before it). Each pending transaction comes out at most once.
///
/// The snapshot owns its transactions (`Arc`s): the pool may change meanwhile.
#[derive(Debug)]
pub struct BestTransactions {
    base_fee: U256,
    /// Per sender slot: the transactions after the one in the heap, in nonce order.
    rest: Vec<VecDeque<Arc<PooledTx>>>,
    slots: HashMap<Address, usize>,
    heap: BinaryHeap<Candidate>,
}

impl BestTransactions {
    /// Builds the iterator from each sender's pending run, in nonce order.
    pub(crate) fn new(
        base_fee: U256,
        runs: impl IntoIterator<Item = (Address, VecDeque<Arc<PooledTx>>)>,
    ) -> Self {
        let mut best =
            Self { base_fee, rest: Vec::new(), slots: HashMap::new(), heap: BinaryHeap::new() };
        for (sender, run) in runs {
            let slot = best.rest.len();
            best.slots.insert(sender, slot);
            best.rest.push(run);
            best.advance(slot);
        }
        best
    }

    /// Moves the slot's next transaction into the heap, or ends the slot when that
    /// transaction cannot pay the base fee.
    fn advance(&mut self, slot: usize) {
        let Some(run) = self.rest.get_mut(slot) else { return };
        let Some(tx) = run.pop_front() else { return };
        match tx.effective_tip(self.base_fee) {
            Some(tip) => self.heap.push(Candidate { tip, tx, slot }),
            None => run.clear(),
        }
    }

    /// Drops the rest of `sender`'s transactions: call it when the block producer could
    /// not include the last one yielded for that sender (its successors would fail too).
    pub fn mark_invalid(&mut self, sender: Address) {
        if let Some(&slot) = self.slots.get(&sender) {
            if let Some(run) = self.rest.get_mut(slot) {
                run.clear();
            }
            self.heap.retain(|candidate| candidate.slot != slot);
        }
    }
}

impl Iterator for BestTransactions {
    type Item = Arc<PooledTx>;

    fn next(&mut self) -> Option<Self::Item> {
        let Candidate { tx, slot, .. } = self.heap.pop()?;
        self.advance(slot);
        Some(tx)
    }
}
