//! Committing the overlay: new storage roots, the new state root, and the
//! trie nodes and code to store.

use std::collections::BTreeMap;

use basalt_primitives::{keccak256, rlp, H256};
use basalt_store::WriteBatch;
use basalt_trie::{NodeSet, SecureTrie};
use tracing::debug;

use super::{JournaledState, TARGET};
use crate::backend::StateBackend;
use crate::error::Result;
use crate::reader::encode_storage_value;

/// What a commit adds to the backend: the new trie nodes (storage tries'
/// first, in address order, then the state trie's) and the new code blobs.
///
/// Storing it makes the new root readable and changes nothing stored before,
/// so older roots stay readable. A node may appear more than once (two
/// storage tries can share nodes); stores deduplicate.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[must_use = "the new root is readable only once its changes are stored"]
pub struct StateChanges {
    nodes: NodeSet,
    code: BTreeMap<H256, Vec<u8>>,
    preimages: BTreeMap<H256, Vec<u8>>,
}

impl StateChanges {
    /// The new trie nodes.
    pub fn nodes(&self) -> &NodeSet {
        &self.nodes
    }

    /// The new code, by hash.
    pub fn code(&self) -> &BTreeMap<H256, Vec<u8>> {
        &self.code
    }

    /// The secure-trie keys written, with what they hash from (addresses and
    /// storage slots), so the state can be listed by address later.
    pub fn preimages(&self) -> &BTreeMap<H256, Vec<u8>> {
        &self.preimages
    }

    /// True when the commit changed nothing.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.code.is_empty() && self.preimages.is_empty()
    }

    /// The nodes and the code.
    pub fn into_parts(self) -> (NodeSet, BTreeMap<H256, Vec<u8>>) {
        (self.nodes, self.code)
    }

    /// Adds the nodes and code to `batch`, the block's single store commit.
    pub fn write_to(self, batch: &mut WriteBatch) {
        batch.insert_trie_nodes(self.nodes);
        for (code_hash, code) in self.code {
            batch.insert_code(code_hash, code);
        }
        for (hash, preimage) in self.preimages {
            batch.insert_preimage(hash, preimage);
        }
    }
}

impl<B: StateBackend> JournaledState<B> {
    /// Writes the overlay into the tries and returns the new state root with
    /// the [`StateChanges`] to store (see [`StateChanges::write_to`]).
    ///
    /// An open transaction is finalized first (its logs are dropped: take
    /// them with [`finalize_transaction`](Self::finalize_transaction)
    /// beforehand). For each changed account, in address order: its written
    /// slots, in slot order, go into its storage trie (opened at its storage
    /// root, which is empty after a re-creation), giving its new storage
    /// root; then the account is written into (or, if deleted, removed from)
    /// the state trie opened at the base root. No hash map order reaches a
    /// trie, so the same changes always give the same root and nodes.
    ///
    /// Fails only when the backend cannot serve a node that a changed path
    /// needs; the backend is not modified either way.
    pub fn commit(mut self) -> Result<(H256, StateChanges)> {
        let dropped_logs = self.finalize_transaction().len();
        let backend = self.reader.backend();
        let mut state = SecureTrie::open(backend, self.reader.root());
        let mut changes = StateChanges::default();
        let (mut written, mut deleted, mut slots) = (0usize, 0usize, 0usize);
        for (address, entry) in &self.accounts {
            let Some(mut account) = entry.current else {
                if entry.base.is_some() {
                    state.remove(address.as_bytes())?;
                    deleted += 1;
                }
                continue;
            };
            if entry.storage.is_empty() && entry.base == Some(account) {
                continue;
            }
            if !entry.storage.is_empty() {
                let mut storage = SecureTrie::open(backend, account.storage_root);
                for (slot, word) in &entry.storage {
                    // A zero word encodes empty, which removes the slot.
                    storage.insert(slot.as_bytes(), encode_storage_value(word))?;
                    changes.preimages.insert(keccak256(slot.as_bytes()), slot.as_bytes().to_vec());
                }
                let (storage_root, nodes) = storage.commit();
                changes.nodes.extend(nodes);
                account.storage_root = storage_root;
                slots += entry.storage.len();
            }
            if self.new_code.contains(&account.code_hash) {
                if let Some(code) = self.code.get(&account.code_hash) {
                    changes.code.insert(account.code_hash, code.to_vec());
                }
            }
            state.insert(address.as_bytes(), rlp::encode(&account).to_vec())?;
            changes.preimages.insert(keccak256(address.as_bytes()), address.as_bytes().to_vec());
            written += 1;
        }
        let (root, nodes) = state.commit();
        changes.nodes.extend(nodes);
        debug!(
            target: TARGET,
            ?root,
            written,
            deleted,
            slots,
            nodes = changes.nodes.len(),
            code = changes.code.len(),
            dropped_logs,
            "committed state"
        );
        Ok((root, changes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MemoryBackend;
    use basalt_primitives::{Address, EMPTY_ROOT};

    #[test]
    fn write_to_puts_every_node_and_code_blob_in_the_batch() {
        let mut state = JournaledState::new(MemoryBackend::new(), EMPTY_ROOT);
        for n in 1..=5u8 {
            let a = Address::repeat_byte(n);
            state.set_code(a, vec![n; 40]).unwrap();
            state.set_storage(a, H256::repeat_byte(n), H256::repeat_byte(0x77)).unwrap();
        }
        let (_, changes) = state.commit().unwrap();
        let distinct: std::collections::BTreeSet<_> =
            changes.nodes().iter().map(|(h, _)| *h).collect();
        let expected = distinct.len() + changes.code().len() + changes.preimages().len();
        assert_eq!(changes.code().len(), 5);
        // Five addresses and five slots, each with what it hashes from.
        assert_eq!(changes.preimages().len(), 10);
        for (hash, preimage) in changes.preimages() {
            assert_eq!(*hash, keccak256(preimage));
        }
        let mut batch = WriteBatch::new();
        changes.write_to(&mut batch);
        assert_eq!(batch.len(), expected);
    }
}
