//! Basalt's world state: accounts, per-contract storage tries and code by
//! hash, over `basalt-trie` and `basalt-store`, with a journaled overlay for
//! executing transactions.
//!
//! ```text
//!  StateBackend (Store | MemoryBackend): trie nodes + code by hash, never mutated
//!        ▲ reads (lazy, cached)                              │
//!        │                                                   │ StateReader at any committed root:
//!  JournaledState ── overlay: accounts, written slots, code  │ account / storage / code / proof
//!        │  every change pushes its undo entry               │
//!        ▼                                                   │
//!  journal [e0 e1 │ e2 e3 │ e4]  checkpoint = position; revert_to pops and undoes
//!        │ finalize_transaction: self-destructs, EIP-161, logs out, journal + warm sets cleared
//!        ▼
//!  commit ─► storage tries (each at its account's root) ─► state trie (at the base root)
//!        │
//!        ▼
//!  (new state root, StateChanges { NodeSet, code }) ─► WriteBatch ─► Store::commit
//! ```
//!
//! # Seams
//!
//! - [`StateBackend`]: a [`NodeStore`](basalt_trie::NodeStore) plus code by
//!   hash; implemented for [`basalt_store::Store`] and for [`MemoryBackend`].
//! - [`StateReader`]: read-only access to a committed state at a root,
//!   including EIP-1186 proofs ([`AccountProof`]) for `eth_getProof`.
//! - [`JournaledState`]: the overlay the executor (and through it the VM's
//!   host) changes; [`JournaledState::commit`] returns the new root and
//!   [`StateChanges`], which [`StateChanges::write_to`] adds to the block's
//!   [`WriteBatch`](basalt_store::WriteBatch).
//!
//! # Encodings (Ethereum's, so proofs verify with any Ethereum library)
//!
//! - State trie: key `keccak256(address)`, value `rlp([nonce, balance,
//!   storageRoot, codeHash])` ([`basalt_primitives::Account`]).
//! - Storage trie of each account: key `keccak256(slot)`, value the RLP of
//!   the 32-byte word with its leading zeros trimmed
//!   ([`encode_storage_value`]); a zero word is not stored.
//! - Code: stored by `keccak256(code)`; no code is [`KECCAK_EMPTY`](basalt_primitives::KECCAK_EMPTY).
//!
//! # Journal and checkpoints
//!
//! Every change in the overlay pushes an entry that undoes it (the previous
//! account record, the previous overlay word of a slot, a cleared slot map,
//! a first touch, a creation or self-destruct mark, a warmed address or slot,
//! a recorded original value, a log), after geth's `core/state/journal.go`. A [`Checkpoint`] is a
//! journal position; checkpoints nest to any depth, and reverting one undoes
//! exactly the changes made since, including its callees' committed ones.
//! The EIP-2929 warm sets are journaled too, so a reverted frame's first
//! accesses are cold again, as in Ethereum.
//!
//! # Transaction-boundary rules
//!
//! - **EIP-161** (always on; Basalt has no pre-Spurious-Dragon history): an
//!   account is *touched* by any change to it (balance, nonce, code, storage,
//!   creation, self-destruct, even adding zero) or by [`JournaledState::touch`];
//!   touches are journaled, so a reverted frame's touches do not count. At
//!   [`JournaledState::finalize_transaction`], each touched account that is
//!   then dead (absent, or no nonce, no balance, no code) is deleted.
//! - **Self-destruct**: [`JournaledState::self_destruct`] moves the whole
//!   balance to the beneficiary at once (burning it when the beneficiary is
//!   the account itself) and marks the account; at finalize the account and
//!   its storage are removed. Until then it stays readable. These are the
//!   pre-Cancun semantics; EIP-6780 (delete only accounts created in the same
//!   transaction) is the caller's choice, with
//!   [`JournaledState::created_in_transaction`] to decide it.
//! - **Original values** (EIP-2200): [`JournaledState::original_storage`] is
//!   the slot's word at the start of the transaction (empty for an account
//!   created in the transaction, as in geth).
//!
//! # Determinism and persistence
//!
//! The overlay keeps accounts and written slots in `BTreeMap`s and commits
//! them in order; hash maps only serve as caches and access sets. A commit
//! writes new nodes only (the tries never change a stored node), so every
//! earlier root stays readable from the same backend.

mod backend;
mod error;
mod overlay;
mod proof;
mod reader;

pub use backend::{MemoryBackend, StateBackend};
pub use error::{BackendError, Error, Result};
pub use overlay::{Checkpoint, JournaledState, StateChanges};
pub use proof::{AccountProof, StorageProof};
pub use reader::{decode_storage_value, encode_storage_value, StateReader};
