//! The journal: one revertible entry per change, in the order the changes
//! were made (geth's `core/state/journal.go` is the model).
//!
//! Every change of the overlay inside a transaction pushes the entry that
//! undoes it; a [`Checkpoint`] is a position in the journal. Reverting to a
//! checkpoint pops and undoes the entries after it, newest first, so a
//! reverted call frame undoes exactly its own changes, whatever its callees
//! did and however deep they nested. Committing a checkpoint only forgets
//! the position: the entries stay, so an outer revert still undoes them.

use std::collections::BTreeMap;

use basalt_primitives::{Account, Address, H256};

/// One change, recorded as what it takes to undo it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum JournalEntry {
    /// The account's nonce, balance, code hash, storage root or existence
    /// changed; `prev` is the whole previous record (`None`: absent).
    Account { address: Address, prev: Option<Account> },
    /// A slot was written; `prev` is the slot's previous entry in the
    /// overlay (`None`: the slot was read through to the trie).
    Storage { address: Address, slot: H256, prev: Option<H256> },
    /// `create_account` wiped the overlay's written slots; these were they.
    StorageCleared { address: Address, prev: BTreeMap<H256, H256> },
    /// The account was marked created in this transaction (it was not before).
    Created { address: Address },
    /// The account was marked self-destructed (it was not before).
    SelfDestructed { address: Address },
    /// The account was touched for the first time in this transaction (EIP-161).
    Touched { address: Address },
    /// The address was warmed (EIP-2929).
    AccountWarmed { address: Address },
    /// The storage slot was warmed (EIP-2929).
    SlotWarmed { address: Address, slot: H256 },
    /// The slot's original (transaction-start) word was recorded before its
    /// first write in this transaction.
    OriginalRecorded { address: Address, slot: H256 },
    /// A log was pushed.
    Log,
}

/// An open checkpoint: a position in the journal, recorded by
/// [`JournaledState::checkpoint`](crate::JournaledState::checkpoint) and
/// consumed by [`revert_to`](crate::JournaledState::revert_to) or
/// [`commit_checkpoint`](crate::JournaledState::commit_checkpoint).
///
/// It cannot be cloned, so each checkpoint is ended once; ending an outer
/// checkpoint also ends the ones taken after it, and using one of those
/// afterwards fails with [`Error::StaleCheckpoint`](crate::Error::StaleCheckpoint).
#[derive(Debug, PartialEq, Eq)]
#[must_use = "a checkpoint must be reverted to or committed"]
pub struct Checkpoint {
    pub(super) id: u64,
    pub(super) depth: usize,
}

impl Checkpoint {
    /// Nesting depth: 0 for the outermost open checkpoint of a transaction.
    pub fn depth(&self) -> usize {
        self.depth
    }
}

/// An open checkpoint as the state keeps it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Mark {
    pub(super) id: u64,
    pub(super) journal_len: usize,
}
