//! The parity-db columns and their options: the storage schema.
//!
//! Changing anything here (adding, removing or reordering a column, or changing
//! one of its [`ColumnOptions`]) changes the on-disk format: bump
//! [`crate::SCHEMA_VERSION`]. parity-db refuses to open a database whose
//! column options differ from the ones it is given, and [`crate::Store::open`]
//! turns that refusal into [`crate::Error::SchemaMismatch`] by reading the
//! version from [`Column::Meta`], which therefore stays column 0 forever.

use std::fmt;

use parity_db::{ColumnOptions, CompressionType};

/// Values at least this long are tried for compression in the columns that
/// compress (parity-db's default is 4096, which would leave most receipts and
/// bodies of small blocks uncompressed). Not part of the schema: parity-db does
/// not record it, so it may change freely.
pub(crate) const COMPRESSION_THRESHOLD: u32 = 512;

/// One parity-db column per kind of data.
///
/// Every hash key is an [`H256`](basalt_primitives::H256) (exactly 32 bytes,
/// a keccak256 output), which is what parity-db's `uniform` option requires:
/// it then uses the key's own bits instead of hashing it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Column {
    /// Store metadata by name: the schema version, the head and genesis hashes,
    /// and entries of the caller's own. Key: one namespace byte then the name
    /// (`0x00 ‖ name` for the store's entries, `0x01 ‖ name` for the caller's),
    /// so caller names can never overwrite the schema version. Few short keys:
    /// plain hash index, keys hashed by parity-db.
    ///
    /// Must stay column 0 in every schema version (see the module docs).
    Meta = 0,
    /// Trie nodes: `keccak256(rlp) -> rlp`. `preimage` (the value is the
    /// preimage of its key, so a second `Set` never has to replace anything),
    /// `uniform` and `ref_counted`, as Substrate stores its state: a `Set` of a
    /// node already stored adds one reference, a `Dereference` removes one and
    /// deletes the node at zero. Not compressed (nodes are mostly hashes).
    TrieNodes = 1,
    /// Contract code: `keccak256(code) -> code` (a wasm module). `preimage` +
    /// `uniform`, not reference counted: identical code is stored once and kept
    /// forever. LZ4-compressed: wasm compresses well and is read rarely (the VM
    /// caches compiled modules by code hash).
    Code = 2,
    /// Block headers: `block hash -> header RLP`. `uniform`.
    Headers = 3,
    /// Block bodies: `block hash -> body RLP`. `uniform`, LZ4-compressed.
    Bodies = 4,
    /// Block receipts: `block hash -> RLP list of the block's receipts`.
    /// `uniform`, LZ4-compressed (blooms are mostly zeros).
    Receipts = 5,
    /// The canonical chain: `u64 big-endian block number -> block hash`.
    /// The only `btree_index` column: big-endian keys sort by number, so
    /// [`Store::highest_canonical`](crate::Store::highest_canonical) is one seek
    /// to the last key, and ranges of numbers can be walked in order (sync,
    /// reorg checks). A hash column could only answer point lookups.
    Canonical = 6,
    /// Where a transaction is: `tx hash -> block hash ‖ u32 big-endian index`
    /// ([`TxLocation`](crate::TxLocation)). `uniform`; a `Set` replaces (a
    /// reorg moves a transaction to another block).
    TxLocations = 7,
    /// Fork-choice weight of every stored block: `block hash -> total weight`
    /// (32-byte big-endian U256: the sum of the consensus engine's weights from
    /// genesis to the block, e.g. total difficulty). Kept for side branches too,
    /// so a branch that overtakes the head is recognised on import. `uniform`.
    BlockWeights = 8,
    /// Preimages of the secure tries' keys: `keccak256(address) -> address`
    /// and `keccak256(slot) -> slot`, for every account and storage slot ever
    /// written, so the state can be listed by address (`anvil_dumpState`).
    /// `preimage` + `uniform`: the value is what hashes to the key.
    Preimages = 9,
}

impl Column {
    /// Every column, in column-id order.
    pub const ALL: [Column; 10] = [
        Column::Meta,
        Column::TrieNodes,
        Column::Code,
        Column::Headers,
        Column::Bodies,
        Column::Receipts,
        Column::Canonical,
        Column::TxLocations,
        Column::BlockWeights,
        Column::Preimages,
    ];

    /// The parity-db column id.
    pub fn id(self) -> u8 {
        self as u8
    }

    /// A short name, for logs and errors.
    pub fn name(self) -> &'static str {
        match self {
            Column::Meta => "meta",
            Column::TrieNodes => "trie_nodes",
            Column::Code => "code",
            Column::Headers => "headers",
            Column::Bodies => "bodies",
            Column::Receipts => "receipts",
            Column::Canonical => "canonical",
            Column::TxLocations => "tx_locations",
            Column::BlockWeights => "block_weights",
            Column::Preimages => "preimages",
        }
    }

    /// Whether this column compresses its values.
    pub(crate) fn compresses(self) -> bool {
        self.options().compression != CompressionType::NoCompression
    }

    /// The parity-db options of this column (see each variant for why).
    pub fn options(self) -> ColumnOptions {
        let base = ColumnOptions::default();
        match self {
            Column::Meta => base,
            Column::TrieNodes => {
                ColumnOptions { preimage: true, uniform: true, ref_counted: true, ..base }
            }
            Column::Preimages => ColumnOptions { preimage: true, uniform: true, ..base },
            Column::Code => ColumnOptions {
                preimage: true,
                uniform: true,
                compression: CompressionType::Lz4,
                ..base
            },
            Column::Headers | Column::TxLocations | Column::BlockWeights => {
                ColumnOptions { uniform: true, ..base }
            }
            Column::Bodies | Column::Receipts => {
                ColumnOptions { uniform: true, compression: CompressionType::Lz4, ..base }
            }
            Column::Canonical => ColumnOptions { btree_index: true, ..base },
        }
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_dense_and_ordered() {
        for (i, c) in Column::ALL.iter().enumerate() {
            assert_eq!(usize::from(c.id()), i);
        }
    }

    #[test]
    fn options_are_valid_for_parity_db() {
        for c in Column::ALL {
            let mut options = parity_db::Options::with_columns(std::path::Path::new("unused"), 0);
            options.columns.push(c.options());
            assert!(options.is_valid(), "{c}");
        }
    }
}
