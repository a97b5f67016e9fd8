//! A transaction as the pool keeps it, and the account facts the pool needs.

use basalt_primitives::{Address, SignedTransaction, H256, U256};

/// What the pool needs to know of a sender's account at the current head.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct AccountState {
    /// The account nonce: the next nonce a transaction may use.
    pub nonce: u64,
    /// The balance, in wei.
    pub balance: U256,
}

/// Where a pooled transaction sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TxStatus {
    /// Executable now: part of its sender's gapless, affordable nonce run from the account
    /// nonce (it may still wait for the base fee to drop below its fee cap).
    Pending,
    /// Waiting: a nonce gap, not enough balance for it and its predecessors, or beyond
    /// the per-sender pending limit.
    Queued,
}

/// A validated transaction with its recovered sender, its maximum cost and its arrival
/// order. Shared as `Arc<PooledTx>`: immutable once pooled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PooledTx {
    transaction: SignedTransaction,
    sender: Address,
    cost: U256,
    submission_id: u64,
}

impl PooledTx {
    /// Wraps a transaction whose stateless checks passed (so the cost fits in 256 bits;
    /// it saturates otherwise).
    pub(crate) fn new(transaction: SignedTransaction, sender: Address, submission_id: u64) -> Self {
        let tx = transaction.transaction();
        let cost = tx
            .max_fee_per_gas()
            .saturating_mul(U256::from(tx.gas_limit()))
            .saturating_add(tx.value());
        Self { transaction, sender, cost, submission_id }
    }

    /// The signed transaction.
    pub fn transaction(&self) -> &SignedTransaction {
        &self.transaction
    }

    /// The transaction hash.
    pub fn hash(&self) -> H256 {
        self.transaction.hash()
    }

    /// The recovered sender.
    pub fn sender(&self) -> Address {
        self.sender
    }

    /// The sender's nonce this transaction uses.
    pub fn nonce(&self) -> u64 {
        self.transaction.transaction().nonce()
    }

    /// The gas limit.
    pub fn gas_limit(&self) -> u64 {
        self.transaction.transaction().gas_limit()
    }

    /// The fee cap: `maxFeePerGas`, or `gasPrice` for the fixed-price types.
    pub fn max_fee_per_gas(&self) -> U256 {
        self.transaction.transaction().max_fee_per_gas()
    }

    /// The tip cap: `maxPriorityFeePerGas`, or `gasPrice` for the fixed-price types
    /// (geth's `GasTipCap`).
    pub fn tip_cap(&self) -> U256 {
        let tx = self.transaction.transaction();
        tx.max_priority_fee_per_gas().unwrap_or_else(|| tx.max_fee_per_gas())
    }

    /// The most the sender can be charged: `value + gas_limit * fee_cap`.
    pub fn cost(&self) -> U256 {
        self.cost
    }

    /// What the block producer earns per gas under `base_fee`:
    /// `min(tip_cap, fee_cap - base_fee)`; `None` when the fee cap is below the base fee
    /// (the transaction cannot be included yet).
    pub fn effective_tip(&self, base_fee: U256) -> Option<U256> {
        let headroom = self.max_fee_per_gas().checked_sub(base_fee)?;
        Some(self.tip_cap().min(headroom))
    }

    /// Arrival order in this pool (a replacement arrives anew); ties in fee order go to
    /// the earlier arrival.
    pub fn submission_id(&self) -> u64 {
        self.submission_id
    }
}
