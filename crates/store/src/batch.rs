//! [`WriteBatch`]: everything one imported block writes, committed at once.

use std::collections::{BTreeMap, BTreeSet};

use basalt_primitives::{H256, U256};
use basalt_trie::NodeSet;
use parity_db::Operation;

use crate::codec::{canonical_key, named_meta_key, StoreMeta, TxLocation};
use crate::column::Column;

/// One parity-db operation on one column.
pub(crate) type DbOp = (u8, Operation<Vec<u8>, Vec<u8>>);

/// The writes of one imported block, applied by [`Store::commit`](crate::Store::commit)
/// in one atomic parity-db commit.
///
/// Building a batch touches nothing: a batch that is dropped instead of
/// committed leaves the store as it was. Within a batch the last write to a key
/// wins (set then delete deletes; delete then set sets), except for trie nodes,
/// which are reference counted (see [`WriteBatch::insert_trie_nodes`]).
/// Operations are emitted in key order, so the same batch always produces the
/// same commit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use = "a batch writes nothing until it is passed to Store::commit"]
pub struct WriteBatch {
    trie_inserts: BTreeMap<H256, Vec<u8>>,
    trie_dereferences: BTreeSet<H256>,
    code: BTreeMap<H256, Vec<u8>>,
    headers: BTreeMap<H256, Vec<u8>>,
    bodies: BTreeMap<H256, Vec<u8>>,
    receipts: BTreeMap<H256, Vec<u8>>,
    weights: BTreeMap<H256, Vec<u8>>,
    preimages: BTreeMap<H256, Vec<u8>>,
    canonical: BTreeMap<u64, Option<H256>>,
    tx_locations: BTreeMap<H256, Option<TxLocation>>,
    meta: BTreeMap<Vec<u8>, Option<Vec<u8>>>,
}

impl WriteBatch {
    /// An empty batch.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds the new nodes of a trie commit (state trie or a storage trie).
    ///
    /// Nodes are deduplicated across every `NodeSet` of the batch, and the
    /// batch emits one net reference operation per node: a batch that inserts
    /// a node adds exactly one reference to it (a new node is stored with
    /// count 1; a node already stored, written by an earlier block, gets one
    /// more reference and is not rewritten), however many of its sets contain
    /// it. So the count of a node is the number of committed batches that
    /// inserted it, minus those that dereferenced it.
    pub fn insert_trie_nodes(&mut self, nodes: NodeSet) {
        for (hash, rlp) in nodes {
            self.insert_trie_node(hash, rlp);
        }
    }

    /// Adds one trie node; the caller guarantees `hash == keccak256(&rlp)`.
    pub fn insert_trie_node(&mut self, hash: H256, rlp: Vec<u8>) {
        debug_assert_eq!(hash, basalt_primitives::keccak256(&rlp), "trie node keyed by its hash");
        self.trie_inserts.insert(hash, rlp);
    }

    /// Removes one reference to a stored trie node; the node is deleted when its
    /// count reaches zero. Dereferencing an absent node does nothing.
    ///
    /// For pruning only: Basalt runs as an archive and normal block import never
    /// calls this, so every old state root stays readable. A pruner must call it
    /// once per batch that inserted the node (see
    /// [`insert_trie_nodes`](Self::insert_trie_nodes)), which means journaling
    /// what each block inserted; that journal is future work. Within one batch,
    /// repeated calls count once, and an insert and a dereference of the same
    /// node cancel out (nothing is written for it).
    ///
    /// parity-db does not record a dereference in its read overlay, so a
    /// dereferenced node may stay readable for a short while after the commit;
    /// never rely on its absence.
    pub fn dereference_trie_node(&mut self, hash: H256) {
        self.trie_dereferences.insert(hash);
    }

    /// Stores contract code; the caller guarantees `code_hash == keccak256(&code)`.
    /// Storing code that is already stored does nothing.
    pub fn insert_code(&mut self, code_hash: H256, code: Vec<u8>) {
        debug_assert_eq!(code_hash, basalt_primitives::keccak256(&code), "code keyed by its hash");
        self.code.insert(code_hash, code);
    }

    /// Stores a block header (its RLP) under the block hash.
    pub fn insert_header(&mut self, block_hash: H256, header_rlp: Vec<u8>) {
        self.headers.insert(block_hash, header_rlp);
    }

    /// Stores a block body (its RLP) under the block hash.
    pub fn insert_body(&mut self, block_hash: H256, body_rlp: Vec<u8>) {
        self.bodies.insert(block_hash, body_rlp);
    }

    /// Stores a block's receipts (the RLP list) under the block hash.
    pub fn insert_receipts(&mut self, block_hash: H256, receipts_rlp: Vec<u8>) {
        self.receipts.insert(block_hash, receipts_rlp);
    }

    /// Records that `keccak256(preimage) == hash` (a secure-trie key's origin:
    /// an address or a storage slot); the caller guarantees the hash.
    pub fn insert_preimage(&mut self, hash: H256, preimage: Vec<u8>) {
        self.preimages.insert(hash, preimage);
    }

    /// Records the total fork-choice weight of a stored block.
    pub fn set_block_weight(&mut self, block_hash: H256, total: U256) {
        self.weights.insert(block_hash, total.to_big_endian().to_vec());
    }

    /// Makes `block_hash` the canonical block at `number`.
    pub fn set_canonical(&mut self, number: u64, block_hash: H256) {
        self.canonical.insert(number, Some(block_hash));
    }

    /// Removes the canonical entry at `number` (a reorg to a shorter chain).
    pub fn delete_canonical(&mut self, number: u64) {
        self.canonical.insert(number, None);
    }

    /// Records where a transaction is (replacing an earlier location).
    pub fn set_tx_location(&mut self, tx_hash: H256, location: TxLocation) {
        self.tx_locations.insert(tx_hash, Some(location));
    }

    /// Forgets where a transaction is (its block left the canonical chain).
    pub fn delete_tx_location(&mut self, tx_hash: H256) {
        self.tx_locations.insert(tx_hash, None);
    }

    /// Sets the hash of the canonical head block.
    pub fn set_head(&mut self, block_hash: H256) {
        self.meta.insert(StoreMeta::Head.key(), Some(block_hash.as_bytes().to_vec()));
    }

    /// Sets the hash of block 0.
    pub fn set_genesis_hash(&mut self, block_hash: H256) {
        self.meta.insert(StoreMeta::Genesis.key(), Some(block_hash.as_bytes().to_vec()));
    }

    /// Sets the caller's metadata entry `name` (its own namespace: it cannot
    /// clash with the head, genesis or schema version entries).
    pub fn set_meta(&mut self, name: &str, value: Vec<u8>) {
        self.meta.insert(named_meta_key(name), Some(value));
    }

    /// Deletes the caller's metadata entry `name`.
    pub fn delete_meta(&mut self, name: &str) {
        self.meta.insert(named_meta_key(name), None);
    }

    /// Writes the store's own schema version entry.
    pub(crate) fn set_schema_version(&mut self, version: u32) {
        self.meta.insert(StoreMeta::SchemaVersion.key(), Some(version.to_be_bytes().to_vec()));
    }

    /// True when committing the batch would write nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of parity-db operations the batch commits (an insert and a
    /// dereference of the same trie node cancel out and count zero).
    pub fn len(&self) -> usize {
        let trie = self.trie_inserts.len() + self.trie_dereferences.len()
            - 2 * self.trie_inserts.keys().filter(|h| self.trie_dereferences.contains(h)).count();
        trie + self.code.len()
            + self.headers.len()
            + self.bodies.len()
            + self.receipts.len()
            + self.weights.len()
            + self.preimages.len()
            + self.canonical.len()
            + self.tx_locations.len()
            + self.meta.len()
    }

    /// The trie nodes this batch dereferences (see [`Self::dereference_trie_node`]).
    pub(crate) fn dereferenced_trie_nodes(&self) -> impl Iterator<Item = &H256> + '_ {
        self.trie_dereferences.iter()
    }

    /// The parity-db operations of the batch, one per key, in column then key order.
    pub(crate) fn into_operations(self) -> Vec<DbOp> {
        let WriteBatch {
            trie_inserts,
            trie_dereferences,
            code,
            headers,
            bodies,
            receipts,
            weights,
            preimages,
            canonical,
            tx_locations,
            meta,
        } = self;
        let mut ops = Vec::new();

        for (key, value) in meta {
            ops.push(set_or_delete(Column::Meta, key, value));
        }

        // One net reference operation per node: +1 is a `Set` (insert with count 1,
        // or one more reference when already stored), -1 a `Dereference`, 0 nothing.
        let mut net: BTreeMap<H256, Option<Vec<u8>>> =
            trie_inserts.into_iter().map(|(hash, rlp)| (hash, Some(rlp))).collect();
        for hash in trie_dereferences {
            if net.remove(&hash).is_none() {
                net.insert(hash, None);
            }
        }
        for (hash, rlp) in net {
            let key = hash.as_bytes().to_vec();
            let op = match rlp {
                Some(rlp) => Operation::Set(key, rlp),
                None => Operation::Dereference(key),
            };
            ops.push((Column::TrieNodes.id(), op));
        }

        for (column, values) in [
            (Column::Code, code),
            (Column::Headers, headers),
            (Column::Bodies, bodies),
            (Column::Receipts, receipts),
            (Column::BlockWeights, weights),
            (Column::Preimages, preimages),
        ] {
            for (hash, value) in values {
                ops.push((column.id(), Operation::Set(hash.as_bytes().to_vec(), value)));
            }
        }

        for (number, hash) in canonical {
            let value = hash.map(|h| h.as_bytes().to_vec());
            ops.push(set_or_delete(Column::Canonical, canonical_key(number).to_vec(), value));
        }

        for (tx_hash, location) in tx_locations {
            let value = location.map(|l| l.encode());
            ops.push(set_or_delete(Column::TxLocations, tx_hash.as_bytes().to_vec(), value));
        }

        ops
    }
}

fn set_or_delete(column: Column, key: Vec<u8>, value: Option<Vec<u8>>) -> DbOp {
    let op = match value {
        Some(value) => Operation::Set(key, value),
        // On a column that is not reference counted, `Dereference` deletes.
        None => Operation::Dereference(key),
    };
    (column.id(), op)
}

#[cfg(test)]
mod tests {
    use basalt_primitives::keccak256;

    use super::*;

    fn node(tag: u8) -> (H256, Vec<u8>) {
        let rlp = vec![tag; 40];
        (keccak256(&rlp), rlp)
    }

    fn trie_ops(batch: WriteBatch) -> Vec<Operation<Vec<u8>, Vec<u8>>> {
        batch
            .into_operations()
            .into_iter()
            .filter(|(c, _)| *c == Column::TrieNodes.id())
            .map(|(_, op)| op)
            .collect()
    }

    #[test]
    fn duplicate_nodes_give_one_set() {
        let (h, rlp) = node(1);
        let mut a = NodeSet::new();
        a.push(h, rlp.clone());
        let mut batch = WriteBatch::new();
        batch.insert_trie_nodes(a.clone());
        batch.insert_trie_nodes(a);
        batch.insert_trie_node(h, rlp.clone());
        assert_eq!(batch.len(), 1);
        assert_eq!(trie_ops(batch), vec![Operation::Set(h.as_bytes().to_vec(), rlp)]);
    }

    #[test]
    fn insert_and_dereference_cancel() {
        let (h1, rlp1) = node(1);
        let (h2, _) = node(2);
        let mut batch = WriteBatch::new();
        batch.insert_trie_node(h1, rlp1);
        batch.dereference_trie_node(h1);
        batch.dereference_trie_node(h2);
        batch.dereference_trie_node(h2);
        assert_eq!(batch.len(), 1);
        assert_eq!(trie_ops(batch), vec![Operation::Dereference(h2.as_bytes().to_vec())]);
    }

    #[test]
    fn last_write_wins_for_plain_columns() {
        let mut batch = WriteBatch::new();
        batch.set_canonical(5, H256::repeat_byte(1));
        batch.delete_canonical(5);
        batch.delete_tx_location(H256::repeat_byte(2));
        batch.set_tx_location(
            H256::repeat_byte(2),
            TxLocation { block_hash: H256::zero(), index: 3 },
        );
        let ops = batch.into_operations();
        assert_eq!(ops.len(), 2);
        assert!(
            matches!(&ops[0], (c, Operation::Dereference(k)) if *c == Column::Canonical.id() && k == &5u64.to_be_bytes())
        );
        assert!(
            matches!(&ops[1], (c, Operation::Set(_, v)) if *c == Column::TxLocations.id() && v.len() == 36)
        );
    }

    #[test]
    fn empty_batch_is_empty() {
        assert!(WriteBatch::new().is_empty());
        assert!(WriteBatch::new().into_operations().is_empty());
    }
}
