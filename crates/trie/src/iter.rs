//! Reading every entry of a committed trie, in key order.
//!
//! [`Entries`] walks the trie with a given root in a [`NodeStore`] depth
//! first, a branch's own value before its children `0..=f`, so keys come
//! out sorted (a key before every key it prefixes). Nodes are loaded one at
//! a time as the walk reaches them; nothing is written. On a
//! [`SecureTrie`](crate::SecureTrie)'s root the keys are the `keccak256`
//! hashes of the original keys.

use basalt_primitives::{EMPTY_ROOT, H256};

use crate::error::{NodeDecodeError, Result, TrieError};
use crate::nibbles::Nibbles;
use crate::node::{Child, Node};
use crate::store::NodeStore;
use crate::trie::load;

/// The `(key, value)` entries of a committed trie, in key order.
///
/// A node the store cannot serve (or a leaf whose path is not a whole
/// number of bytes, which no byte key can produce) ends the walk with one
/// error item.
#[derive(Debug)]
pub struct Entries<'a, S> {
    store: &'a S,
    /// Subtrees still to walk: the node, the path to it, and the hash of the
    /// stored node it came in (itself, or the parent it is embedded in).
    /// The next one is last.
    stack: Vec<(Node, Nibbles, H256)>,
    /// An error to report before anything else.
    failed: Option<TrieError>,
}

impl<'a, S: NodeStore> Entries<'a, S> {
    /// The entries of the trie with root `root` in `store`.
    pub fn new(store: &'a S, root: H256) -> Self {
        let mut entries = Self { store, stack: Vec::new(), failed: None };
        if root != EMPTY_ROOT {
            entries.push(Child::Hash(root), Nibbles::new(), root);
        }
        entries
    }

    /// Schedules the subtree under `child` at path `prefix`; `stored` is the
    /// hash of the stored node `child` is referenced from.
    fn push(&mut self, child: Child, prefix: Nibbles, stored: H256) {
        let (node, stored) = match child {
            Child::Empty => return,
            Child::Node { node, .. } => (*node, stored),
            Child::Hash(hash) => match load(self.store, &hash) {
                Ok(node) => (node, hash),
                Err(e) => {
                    self.stack.clear();
                    self.failed = Some(e);
                    return;
                }
            },
        };
        self.stack.push((node, prefix, stored));
    }
}

/// `prefix ‖ path`.
fn joined(prefix: &[u8], path: &[u8]) -> Nibbles {
    let mut out = Nibbles::from_slice(prefix);
    out.extend_from_slice(path);
    out
}

/// Nibbles packed into bytes; `None` for an odd count.
fn packed(nibbles: &[u8]) -> Option<Vec<u8>> {
    nibbles
        .len()
        .is_multiple_of(2)
        .then(|| nibbles.chunks_exact(2).map(|pair| (pair[0] << 4) | pair[1]).collect())
}

impl<S: NodeStore> Iterator for Entries<'_, S> {
    type Item = Result<(Vec<u8>, Vec<u8>)>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some(e) = self.failed.take() {
                return Some(Err(e));
            }
            let (node, prefix, stored) = self.stack.pop()?;
            let (path, value) = match node {
                Node::Leaf { path, value } => (joined(&prefix, &path), value),
                Node::Extension { path, child } => {
                    self.push(child, joined(&prefix, &path), stored);
                    continue;
                }
                Node::Branch { children, value } => {
                    let children: [Child; 16] = *children;
                    for (i, child) in (0u8..16).zip(children).rev() {
                        self.push(child, joined(&prefix, &[i]), stored);
                    }
                    match value {
                        Some(value) => (prefix, value),
                        None => continue,
                    }
                }
            };
            return Some(match packed(&path) {
                Some(key) => Ok((key, value)),
                None => {
                    self.stack.clear();
                    Err(TrieError::InvalidNode { hash: stored, reason: NodeDecodeError::BadPath })
                }
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use basalt_primitives::{keccak256, EMPTY_ROOT, H256};
    use proptest::prelude::*;

    use super::Entries;
    use crate::{MemoryNodeStore, NodeStore, SecureTrie, Trie, TrieError};

    fn collect<S: NodeStore>(store: &S, root: H256) -> Vec<(Vec<u8>, Vec<u8>)> {
        Entries::new(store, root).collect::<Result<_, _>>().unwrap()
    }

    /// Commits `trie` into `store`; its root.
    fn commit(store: &MemoryNodeStore, trie: &mut Trie<&MemoryNodeStore>) -> H256 {
        let (root, nodes) = trie.commit();
        store.insert_nodes(nodes);
        root
    }

    #[test]
    fn empty_trie_has_no_entries() {
        assert!(collect(&MemoryNodeStore::new(), EMPTY_ROOT).is_empty());
    }

    #[test]
    fn keys_that_prefix_others_come_first() {
        let store = MemoryNodeStore::new();
        let mut trie = Trie::new(&store);
        for key in [&b"doge"[..], b"do", b"dog", b"horse", b"", b"\x00"] {
            trie.insert(key, key.iter().rev().copied().chain([1]).collect::<Vec<u8>>()).unwrap();
        }
        let root = commit(&store, &mut trie);
        let keys: Vec<Vec<u8>> = collect(&store, root).into_iter().map(|(k, _)| k).collect();
        let expected: Vec<&[u8]> = vec![b"", b"\x00", b"do", b"dog", b"doge", b"horse"];
        assert_eq!(keys, expected);
    }

    #[test]
    fn committed_and_reopened_trie_reads_from_the_store() {
        let store = MemoryNodeStore::new();
        let mut trie = SecureTrie::new(&store);
        let mut model = BTreeMap::new();
        for i in 0u32..300 {
            let key = i.to_be_bytes();
            let value = vec![(i % 251) as u8 + 1; (i % 40) as usize + 1];
            trie.insert(&key, value.clone()).unwrap();
            model.insert(keccak256(key).as_bytes().to_vec(), value);
        }
        let (root, nodes) = trie.commit();
        store.insert_nodes(nodes);
        assert_eq!(collect(&store, root), model.into_iter().collect::<Vec<_>>());
        assert_eq!(
            SecureTrie::open(&store, root).get(&7u32.to_be_bytes()).unwrap(),
            Some(vec![8; 8])
        );
    }

    #[test]
    fn a_missing_node_is_one_error_then_the_end() {
        let store = MemoryNodeStore::new();
        let mut trie = Trie::new(&store);
        for i in 0u8..40 {
            trie.insert(&[i, i], vec![i; 40]).unwrap();
        }
        let (root, nodes) = trie.commit();
        let empty = MemoryNodeStore::new();
        let mut entries = Entries::new(&empty, root);
        assert!(
            matches!(entries.next(), Some(Err(TrieError::MissingNode { hash })) if hash == root)
        );
        assert!(entries.next().is_none());
        // Only the root stored: the walk stops at the first child it lacks.
        let partial = MemoryNodeStore::new();
        let mut only_root = crate::NodeSet::new();
        for (hash, rlp) in nodes.iter() {
            if *hash == root {
                only_root.push(*hash, rlp.to_vec());
            }
        }
        partial.insert_nodes(only_root);
        let items: Vec<_> = Entries::new(&partial, root).collect();
        assert!(matches!(items.last(), Some(Err(TrieError::MissingNode { .. }))), "{items:?}");
        assert_eq!(items.iter().filter(|i| i.is_err()).count(), 1);
    }

    proptest! {
        /// Against a BTreeMap: the entries after random inserts and removes
        /// (short keys over few nibbles: many shared prefixes, branch
        /// values, embedded nodes) are the map's, in order.
        #[test]
        fn entries_match_a_sorted_map(
            ops in prop::collection::vec(
                (prop::collection::vec(0u8..4, 0..5), prop::collection::vec(any::<u8>(), 0..40)),
                0..80,
            )
        ) {
            let store = MemoryNodeStore::new();
            let mut trie = Trie::new(&store);
            let mut model = BTreeMap::new();
            for (key, value) in ops {
                trie.insert(&key, value.clone()).unwrap();
                if value.is_empty() {
                    model.remove(&key);
                } else {
                    model.insert(key, value);
                }
            }
            let expected: Vec<_> = model.into_iter().collect();
            let root = commit(&store, &mut trie);
            prop_assert_eq!(collect(&store, root), expected);
        }
    }
}
