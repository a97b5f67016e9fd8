//! The [`Host`] trait: the only door from a running contract to the world.
//!
//! The VM owns call frames (gas, checkpoints, nested calls and creates,
//! return data); everything a frame reads or changes outside itself goes
//! through these methods. [`basalt_state::JournaledState`] implements it
//! (see `journal_host.rs`); the executor passes one in per transaction.
//!
//! Errors returned here are *fatal*: the database failed or is damaged.
//! They abort the whole transaction (the block cannot be executed), unlike
//! contract failures, which are results.

use basalt_primitives::{Address, Log, H256, U256};
use std::sync::Arc;

/// A fatal failure of the host (the state's backend), boxed.
pub type HostError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Result of a host operation.
pub type HostResult<T> = Result<T, HostError>;

/// World state as a running contract sees it, with nested checkpoints.
///
/// Balance changes that cannot happen (insufficient balance, overflow) are
/// checked by the VM before it asks; the host may still refuse them with an
/// error, which is then fatal.
pub trait Host {
    /// A revertible point in the journal, one per call frame.
    type Checkpoint;

    /// Opens a checkpoint nested in the open ones.
    fn checkpoint(&mut self) -> Self::Checkpoint;
    /// Undoes every change since `checkpoint` (storage, balances, nonces,
    /// code, logs, warm sets, creations, self-destructs) and closes it.
    fn revert(&mut self, checkpoint: Self::Checkpoint) -> HostResult<()>;
    /// Keeps the changes since `checkpoint` and closes it.
    fn commit(&mut self, checkpoint: Self::Checkpoint) -> HostResult<()>;

    /// Whether the account exists and is not empty (EIP-161: nonce 0,
    /// balance 0 and no code is empty).
    fn is_live(&mut self, address: Address) -> HostResult<bool>;
    /// The account's balance (zero if absent).
    fn balance(&mut self, address: Address) -> HostResult<U256>;
    /// The account's nonce (zero if absent).
    fn nonce(&mut self, address: Address) -> HostResult<u64>;
    /// Sets the account's nonce.
    fn set_nonce(&mut self, address: Address, nonce: u64) -> HostResult<()>;
    /// The account's code hash: keccak256 of empty for an account without
    /// code, zero for an absent account (EIP-1052).
    fn code_hash(&mut self, address: Address) -> HostResult<H256>;
    /// The account's code (the bare wasm module; empty for none).
    fn code(&mut self, address: Address) -> HostResult<Arc<[u8]>>;
    /// Moves `amount` from `from` to `to` (the VM checked the balance).
    fn transfer(&mut self, from: Address, to: Address, amount: U256) -> HostResult<()>;
    /// Creates a fresh account at `address` for a contract creation (keeps a
    /// balance sent there before; clears storage) and marks it created.
    fn create_account(&mut self, address: Address) -> HostResult<()>;
    /// Sets the account's code (the bare module) and returns its hash.
    fn set_code(&mut self, address: Address, code: Arc<[u8]>) -> HostResult<H256>;
    /// Marks the account warm (EIP-2929) and returns whether it was already.
    fn access_account(&mut self, address: Address) -> HostResult<bool>;
    /// Marks the slot warm and returns whether it was already.
    fn access_slot(&mut self, address: Address, slot: H256) -> HostResult<bool>;
    /// The slot's current word.
    fn storage(&mut self, address: Address, slot: H256) -> HostResult<H256>;
    /// The slot's word at the start of the transaction (EIP-2200).
    fn original_storage(&mut self, address: Address, slot: H256) -> HostResult<H256>;
    /// Writes the slot.
    fn set_storage(&mut self, address: Address, slot: H256, word: H256) -> HostResult<()>;
    /// Records a log (reverted with its frame).
    fn log(&mut self, log: Log) -> HostResult<()>;
    /// Sends the account's whole balance to `beneficiary` and marks it for
    /// deletion at the end of the transaction.
    fn self_destruct(&mut self, address: Address, beneficiary: Address) -> HostResult<()>;
}

/// The block a transaction runs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlockEnv {
    /// Block number.
    pub number: u64,
    /// Block timestamp (seconds since the Unix epoch).
    pub timestamp: u64,
    /// The block's beneficiary.
    pub coinbase: Address,
    /// The block's gas limit.
    pub gas_limit: u64,
    /// EIP-1559 base fee per gas.
    pub base_fee: U256,
    /// The block's randomness (mix hash).
    pub prevrandao: H256,
    /// Chain id (EIP-155).
    pub chain_id: u64,
}

impl Default for BlockEnv {
    fn default() -> Self {
        Self {
            number: 0,
            timestamp: 0,
            coinbase: Address::zero(),
            gas_limit: 30_000_000,
            base_fee: U256::zero(),
            prevrandao: H256::zero(),
            chain_id: 1,
        }
    }
}

/// The transaction-wide context of a call tree.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TxEnv {
    /// The transaction's sender (`tx.origin`).
    pub origin: Address,
    /// The effective gas price.
    pub gas_price: U256,
}

/// Everything a contract can ask about its surroundings that is not state.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Env {
    /// The block.
    pub block: BlockEnv,
    /// The transaction.
    pub tx: TxEnv,
}
