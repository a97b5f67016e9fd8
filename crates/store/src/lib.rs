//! Basalt's storage: one [parity-db] database per data directory, its columns
//! and key layout, and one atomic commit per imported block.
//!
//! # Role and seams
//!
//! The chain imports a block by filling one [`WriteBatch`] (the trie nodes of
//! its state changes, new code, header, body, receipts, canonical-index and
//! transaction-index changes, the new head) and passing it to
//! [`Store::commit`]. Everything is bytes here: headers, bodies and receipts
//! are RLP that basalt-primitives encodes and decodes; the store only encodes
//! the few values it owns (hashes, numbers, [`TxLocation`]).
//!
//! The trie reads nodes through `impl basalt_trie::NodeStore for Store` and
//! hands its new nodes back as a `NodeSet`, which
//! [`WriteBatch::insert_trie_nodes`] takes.
//!
//! ```text
//! chain import ──► WriteBatch { NodeSets, code, header, body, receipts,
//!                               canonical ±, tx locations ±, head }
//!                      │ Store::commit: one parity-db commit
//!                      ▼
//!   Store (Arc) ◄── NodeStore::node(hash) ◄── basalt-trie / basalt-state
//!        ▲
//!        └── header / body / receipts / canonical_hash / tx_location … ◄── rpc, sync
//! ```
//!
//! # Columns
//!
//! | column | key | value | parity-db options |
//! |---|---|---|---|
//! | [`Column::Meta`] (id 0) | `0x00 ‖ name` (store), `0x01 ‖ name` (caller) | schema version (u32 BE), head / genesis hash, caller bytes | hash index |
//! | [`Column::TrieNodes`] | keccak256(rlp) | node RLP | preimage, uniform, ref_counted |
//! | [`Column::Code`] | keccak256(code) | wasm module | preimage, uniform, LZ4 |
//! | [`Column::Headers`] | block hash | header RLP | uniform |
//! | [`Column::Bodies`] | block hash | body RLP | uniform, LZ4 |
//! | [`Column::Receipts`] | block hash | receipts RLP list | uniform, LZ4 |
//! | [`Column::Canonical`] | number (u64 BE) | block hash | btree_index (ordered) |
//! | [`Column::TxLocations`] | tx hash | block hash ‖ index (u32 BE) | uniform |
//!
//! [`Column`] says why each column has its options. The schema is versioned:
//! [`SCHEMA_VERSION`] is written into a new database, and [`Store::open`]
//! refuses a database of another version with [`Error::SchemaMismatch`]
//! (even when the column layout itself changed, see [`Column`]).
//!
//! # Trie nodes and pruning
//!
//! Basalt is an archive node: a commit never removes a trie node, so every old
//! state root stays readable. Nodes are reference counted all the same, one
//! reference per committed batch that inserted them (see
//! [`WriteBatch::insert_trie_nodes`]), and [`WriteBatch::dereference_trie_node`]
//! removes one, so a pruner can be added later; it would also need a journal of
//! the nodes each block inserted and made unreachable, which is future work.
//!
//! # Atomicity and durability
//!
//! What a caller gets, from parity-db 0.5.7's design (source references are to
//! its `src/`):
//!
//! - **Atomic.** One [`Store::commit`] is one parity-db commit, which becomes one
//!   write-ahead log record closed by a CRC32 (`log.rs`, `LogWriter` /
//!   `flush_to_file`). On open, parity-db replays the log record by record and
//!   stops at the first record that does not validate (`db.rs`, `enact_logs`
//!   in validation mode). After a crash the store therefore holds the commits
//!   up to some point, each entirely, never part of a batch.
//! - **Visible at once.** `commit` only queues the batch (`db.rs`,
//!   `commit_raw`: "Commit simply adds the data to the queue and to the
//!   overlay and exits as early as possible"); reads are served from that
//!   overlay until background threads have written the log and applied it.
//! - **Not durable when `commit` returns.** parity-db's log thread turns the
//!   queued commit into a log record and writes it to the current log file
//!   (`log.rs`, `flush_to_file` ends with `file.flush()`: the record reaches
//!   the OS, not the disk), usually within a millisecond. The flush thread
//!   fsyncs a log file only once it exceeds `MIN_LOG_SIZE_BYTES` = 64 MiB
//!   (`db.rs`, `flush_worker` → `log.rs`, `flush_one(min_size)`), and only
//!   fsynced logs are applied to the tables (`sync_wal`, on here). So a crash
//!   of the process loses at most the commits not yet written to the log file
//!   (the last instant's), while a crash of the machine (power, kernel) may
//!   lose everything since the last fsync, up to 64 MiB of log; in both cases
//!   what survives is a clean prefix of the commits. `sync_wal` / `sync_data`
//!   (both on, parity-db's defaults) keep the tables and the log consistent;
//!   they do not make a commit durable sooner.
//! - **Durable on [`Store::sync_log`].** It calls parity-db's `Db::flush_logs`
//!   (public only with parity-db's `instrumentation` feature, which this crate
//!   turns on for that call): the flush thread's own step with a threshold of
//!   0 instead of 64 MiB. It takes the current log file under the log's
//!   write lock, the same lock the log thread appends a whole record under,
//!   fsyncs it and queues it; parity-db's workers then apply it to the tables,
//!   fsync those (`sync_data`) and empty the file for reuse, as they do for a
//!   full log.
//!   Readers and writers do not wait. When it returns `Ok`, every commit the
//!   log thread had written is on disk; one still in the commit queue (it
//!   is written within about a millisecond) is covered by the next call.
//!   The feature's other effects, checked in parity-db 0.5.7's source: a
//!   per-thread counter of allowed I/O operations (`error.rs`, `try_io!`)
//!   that stays at `usize::MAX` unless a test arms it, and a zero salt
//!   disabling key hashing (`column.rs`; our salt is random, from metadata).
//! - **Durable on [`Store::flush`] and on close.** parity-db's clean shutdown
//!   (`Drop for Db` → `kill_logs`) logs, fsyncs and applies every queued
//!   commit, then fsyncs the tables (`clean_all_logs`). [`Store::flush`]
//!   closes and reopens the database to get exactly that: when it returns
//!   `Ok`, every commit that returned before it is on disk. Dropping the last
//!   clone of a [`Store`] closes it the same way. parity-db only logs (through
//!   the `log` crate) errors met while closing; the reopen in `flush` replays
//!   and syncs whatever log a failed close left behind and does return its
//!   errors.
//!
//! Cost: [`Store::flush`] measured on the 2-core development VM (ext4 on a
//! virtual disk) about 8–12 ms median after a block's worth of writes, and
//! 25–200 ms under a stream of blocks (the tables are memory-mapped; the
//! cost grows with the data written since the last flush); readers and
//! writers of every clone wait meanwhile, so a node calls it only when it
//! writes a new database's genesis block. [`Store::sync_log`] costs one
//! fsync of the log written since the last call on the calling thread, plus
//! the workers' table fsyncs in the background, and blocks no one: the
//! chain calls it on a timer (see `basalt_chain::FLUSH_INTERVAL`). A block counts as persisted against a
//! crash of the process once its commit is in the log file (about a
//! millisecond), and against a crash of the machine after the next
//! `sync_log` or `flush`.
//!
//! [parity-db]: https://github.com/paritytech/parity-db

mod batch;
mod codec;
mod column;
mod error;
mod store;

pub use batch::WriteBatch;
pub use codec::TxLocation;
pub use column::Column;
pub use error::{Error, Result};
pub use store::Store;

/// Version of the storage schema (the columns, their options and the key and
/// value layouts in this crate). Bump it on any change to them.
pub const SCHEMA_VERSION: u32 = 2;
