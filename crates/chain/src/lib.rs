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
//! Durability: see [`FLUSH_INTERVAL`]. Fork choice and reorgs arrive with the
//! consensus engines; today a block must extend the head.

mod chain;
mod error;
mod stored;

pub use chain::{BuiltBlock, Chain, ChainState, LogEntry, NewBlock, SealedHeader, FLUSH_INTERVAL};
pub use error::{BlockError, ChainError, Result};
pub use stored::{decode_body, decode_receipts, encode_body, encode_receipts, StoredReceipt};
