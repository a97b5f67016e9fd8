//! Errors of the chain: storage, execution, and blocks that do not verify.

use basalt_primitives::H256;

/// Result of a chain operation.
pub type Result<T, E = ChainError> = std::result::Result<T, E>;

/// Why a block is rejected on import. The store is never touched by a
/// rejected block.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum BlockError {
    /// The parent is not stored.
    #[error("unknown parent {parent:?}")]
    UnknownParent {
        /// The block's parent hash.
        parent: H256,
    },
    /// The consensus engine rejects the header (seal, difficulty, slot, timing…).
    #[error("consensus: {0}")]
    Consensus(#[from] basalt_consensus::ConsensusError),
    /// The block branches off too far below the head (see `MAX_REORG_DEPTH`).
    #[error("block {number} branches off too far below the head {head}")]
    TooOld {
        /// The block's number.
        number: u64,
        /// The head's number.
        head: u64,
    },
    /// A header field breaks a rule relative to the parent.
    #[error("invalid header: {0}")]
    Header(&'static str),
    /// A transaction's signature does not recover.
    #[error("transaction {index}: bad signature")]
    BadSignature {
        /// Index in the block.
        index: usize,
    },
    /// A transaction is not valid at its place in the block.
    #[error("transaction {index}: {reason}")]
    InvalidTransaction {
        /// Index in the block.
        index: usize,
        /// Why.
        reason: String,
    },
    /// A computed value differs from the header's.
    #[error("{what} mismatch: header {expected:?}, computed {got:?}")]
    Mismatch {
        /// Which field.
        what: &'static str,
        /// The header's value.
        expected: String,
        /// What execution gave.
        got: String,
    },
}

/// What can go wrong in the chain.
#[derive(Debug, thiserror::Error)]
pub enum ChainError {
    /// The store failed.
    #[error(transparent)]
    Store(#[from] basalt_store::Error),
    /// The state failed.
    #[error(transparent)]
    State(#[from] basalt_state::Error),
    /// Execution failed fatally.
    #[error(transparent)]
    Execution(#[from] basalt_executor::ExecutionError),
    /// The genesis file cannot be turned into block 0.
    #[error(transparent)]
    Genesis(#[from] basalt_executor::GenesisError),
    /// The datadir holds another chain.
    #[error("datadir holds genesis {stored:?}, the genesis file gives {expected:?}")]
    GenesisMismatch {
        /// Stored genesis hash.
        stored: H256,
        /// Genesis hash of the given file.
        expected: H256,
    },
    /// Stored data does not decode: the database is damaged.
    #[error("stored {what} of {key:?} is damaged: {reason}")]
    Corrupt {
        /// What was read.
        what: &'static str,
        /// Its key.
        key: H256,
        /// Decoder message.
        reason: basalt_primitives::DecodeError,
    },
    /// Something the head refers to is missing from the store.
    #[error("stored {what} {key:?} is missing")]
    Missing {
        /// What was looked up.
        what: &'static str,
        /// Its key.
        key: H256,
    },
    /// An invalid block.
    #[error(transparent)]
    InvalidBlock(#[from] BlockError),
}
