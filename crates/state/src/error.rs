//! Errors of state reads, changes and commits.

use basalt_primitives::{Address, DecodeError, H256, U256};
use basalt_trie::TrieError;

/// Result of a state operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A failure of a [`StateBackend`](crate::StateBackend) while reading code.
#[derive(Debug, thiserror::Error)]
#[error("state backend: {0}")]
pub struct BackendError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

impl BackendError {
    /// Wraps any error of a backend.
    pub fn new(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Box::new(e))
    }
}

/// What can go wrong reading, changing or committing the state.
///
/// Balance, nonce and checkpoint errors leave the state exactly as it was
/// before the call that returned them.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The state trie or a storage trie failed: a node is missing (unknown
    /// root, lost data), malformed, or the node store failed.
    #[error(transparent)]
    Trie(#[from] TrieError),

    /// The backend failed while reading code.
    #[error(transparent)]
    Backend(#[from] BackendError),

    /// An account refers to code that the backend does not have.
    #[error("code {code_hash:?} is missing from the backend")]
    MissingCode {
        /// Hash of the missing code.
        code_hash: H256,
    },

    /// The state trie holds a value under an address that is not a valid
    /// account RLP: the database is damaged.
    #[error("account {address:?} is stored malformed: {reason}")]
    CorruptAccount {
        /// The account's address.
        address: Address,
        /// Why its RLP was rejected.
        reason: DecodeError,
    },

    /// A storage trie holds a value that is not the RLP of a trimmed 32-byte
    /// word: the database is damaged.
    #[error("storage slot {slot:?} of {address:?} is stored malformed: {reason}")]
    CorruptStorage {
        /// The account whose storage it is.
        address: Address,
        /// The slot.
        slot: H256,
        /// Why its value was rejected.
        reason: DecodeError,
    },

    /// Adding to a balance would exceed 2^256 - 1.
    #[error("balance of {address:?} ({balance}) cannot grow by {amount} without overflow")]
    BalanceOverflow {
        /// The account credited.
        address: Address,
        /// Its balance before the attempt.
        balance: U256,
        /// The amount that was to be added.
        amount: U256,
    },

    /// Subtracting from a balance would go below zero.
    #[error("insufficient balance of {address:?}: has {balance}, needs {needed}")]
    InsufficientBalance {
        /// The account debited.
        address: Address,
        /// Its balance.
        balance: U256,
        /// The amount that was to be taken.
        needed: U256,
    },

    /// Incrementing a nonce of `u64::MAX` (EIP-2681 caps nonces at 2^64 - 1).
    #[error("nonce of {address:?} is at u64::MAX and cannot be incremented")]
    NonceOverflow {
        /// The account.
        address: Address,
    },

    /// A [`Checkpoint`](crate::Checkpoint) that is no longer open: it was
    /// already reverted or committed (directly, or by an outer checkpoint), or
    /// belongs to a finalized transaction. The state is unchanged.
    #[error("checkpoint {id} at depth {depth} is not open")]
    StaleCheckpoint {
        /// The checkpoint's identifier.
        id: u64,
        /// The nesting depth it was taken at (0 = outermost).
        depth: usize,
    },
}
