//! Basalt's chain: block 0, blocks built or imported, the canonical head,
//! indexes and notifications.
//!
//! ```text
//!  genesis file ─► build_genesis ─► block 0 (first open of a datadir)
//!  pool txs ─► build_block (execute on the head) ─► commit_built ─┐
//!  peer block ─► import_block (verify header, recover senders,     ├─► one store commit
//!                execute, compare every root) ───────────────────┘   (state nodes, code, header,
//!                                                                     body, receipts, tx index,
//!                                                                     canonical number, head)
//!                                      ─► head moves ─► NewBlock on a bounded broadcast
//! ```
//!
//! One writer at a time; readers (RPC) read the store and the head freely.
//! Durability: see [`FLUSH_INTERVAL`].
//!
//! Fork choice: every valid block is stored with its total weight (the
//! engine's [`weight`](basalt_consensus::Engine::weight) summed from genesis),
//! and the head is the heaviest block, ties going to the lower hash
//! ([`basalt_consensus::fork_choice_better`]), so every import order of the
//! same blocks ends at the same head. When another branch wins, the canonical
//! index and the transaction index move to it in the same commit as the block,
//! subscribers hear of the abandoned blocks (`removed`) and then the new ones,
//! and [`ImportOutcome::dropped`] hands the abandoned transactions back to
//! the pool. State needs no undo: every root stays readable.

mod chain;
mod error;
mod stored;

pub use chain::{
    BuiltBlock, Chain, ChainStakes, ChainState, ImportOutcome, LogEntry, NewBlock, SealedHeader,
    FLUSH_INTERVAL, MAX_ORPHANS, MAX_REORG_DEPTH,
};
pub use error::{BlockError, ChainError, Result};
pub use stored::{decode_body, decode_receipts, encode_body, encode_receipts, StoredReceipt};
