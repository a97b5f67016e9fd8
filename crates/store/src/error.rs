//! Errors of the store.

use std::path::PathBuf;

use crate::column::Column;

/// Result of a store operation.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong when opening, reading or writing the store.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// parity-db failed: I/O, a locked database directory (another process has
    /// it open), corruption parity-db detected itself, or a failed background
    /// worker (after which every commit fails).
    #[error("parity-db: {0}")]
    Db(#[from] parity_db::Error),

    /// A stored value does not decode as what its column holds (wrong length,
    /// for instance). The database is damaged or was written by other software;
    /// nothing was read past the bad value.
    #[error("corrupt value in column {column} at key 0x{}: {reason}", hex::encode(key))]
    Corrupt {
        /// Column of the bad value.
        column: Column,
        /// Its key, as stored (see [`Column`] for the key layout).
        key: Vec<u8>,
        /// What is wrong with it.
        reason: String,
    },

    /// The database was written with another storage schema version than this
    /// build understands. Nothing was changed on disk.
    #[error(
        "database at {} has storage schema version {found}, this build reads version {expected}",
        path.display()
    )]
    SchemaMismatch {
        /// Database directory.
        path: PathBuf,
        /// Version recorded in the database.
        found: u32,
        /// Version this build writes and reads ([`crate::SCHEMA_VERSION`]).
        expected: u32,
    },

    /// The directory holds a parity-db database that is not a Basalt store this
    /// build can identify: its column layout differs and no schema version can be
    /// read from it, or it has data but no schema version.
    #[error("database at {} is not a Basalt store of schema version {expected}: {reason}", path.display())]
    UnknownSchema {
        /// Database directory.
        path: PathBuf,
        /// Version this build writes and reads ([`crate::SCHEMA_VERSION`]).
        expected: u32,
        /// Why it was not recognised.
        reason: String,
    },

    /// The store was closed by a failed [`crate::Store::flush`] (the database
    /// could not be reopened after its durable close); every later call fails.
    #[error("store is closed: reopening after a flush failed")]
    Closed,
}
