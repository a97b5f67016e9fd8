//! Where trie nodes live: the [`NodeStore`] seam and an in-memory implementation.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use basalt_primitives::H256;

/// A failure of the backing store, carried through trie operations.
#[derive(Debug, thiserror::Error)]
#[error("node store: {0}")]
pub struct NodeStoreError(#[source] pub Box<dyn std::error::Error + Send + Sync>);

impl NodeStoreError {
    /// Wraps any error of a backing store.
    pub fn new(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        Self(Box::new(e))
    }
}

/// Read access to trie nodes by hash.
///
/// A node is stored under `keccak256(rlp(node))`. Nodes whose RLP is shorter
/// than 32 bytes are embedded in their parent and never stored on their own,
/// except a root, which is always referenced by hash.
pub trait NodeStore {
    /// The RLP of the node with this hash, or `None` when the store does not have it.
    fn node(&self, hash: &H256) -> Result<Option<Vec<u8>>, NodeStoreError>;
}

impl<S: NodeStore + ?Sized> NodeStore for &S {
    fn node(&self, hash: &H256) -> Result<Option<Vec<u8>>, NodeStoreError> {
        (**self).node(hash)
    }
}

impl<S: NodeStore + ?Sized> NodeStore for Arc<S> {
    fn node(&self, hash: &H256) -> Result<Option<Vec<u8>>, NodeStoreError> {
        (**self).node(hash)
    }
}

/// New nodes produced by committing changes to a trie: `(hash, rlp)` pairs, each hash once.
///
/// Writing them to the store makes the new root readable; nothing already
/// stored is changed, so every older root stays readable too.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSet {
    nodes: Vec<(H256, Vec<u8>)>,
}

impl NodeSet {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a node; the caller guarantees `hash == keccak256(&rlp)`.
    pub fn push(&mut self, hash: H256, rlp: Vec<u8>) {
        self.nodes.push((hash, rlp));
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when the commit produced no new node.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Iterates over `(hash, rlp)` pairs.
    pub fn iter(&self) -> impl Iterator<Item = (&H256, &[u8])> {
        self.nodes.iter().map(|(h, n)| (h, n.as_slice()))
    }

    /// Moves the nodes of `other` into this set.
    pub fn extend(&mut self, other: NodeSet) {
        self.nodes.extend(other.nodes);
    }
}

impl IntoIterator for NodeSet {
    type Item = (H256, Vec<u8>);
    type IntoIter = std::vec::IntoIter<(H256, Vec<u8>)>;

    fn into_iter(self) -> Self::IntoIter {
        self.nodes.into_iter()
    }
}

/// A node store in memory, for tests and for tries that are never persisted.
///
/// Cloning shares the same map.
#[derive(Clone, Debug, Default)]
pub struct MemoryNodeStore {
    nodes: Arc<RwLock<HashMap<H256, Vec<u8>>>>,
}

impl MemoryNodeStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds every node of a commit.
    pub fn insert_nodes(&self, set: NodeSet) {
        let mut map = self.nodes.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        map.extend(set);
    }

    /// Number of stored nodes.
    pub fn len(&self) -> usize {
        self.nodes.read().unwrap_or_else(|poisoned| poisoned.into_inner()).len()
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl NodeStore for MemoryNodeStore {
    fn node(&self, hash: &H256) -> Result<Option<Vec<u8>>, NodeStoreError> {
        Ok(self.nodes.read().unwrap_or_else(|poisoned| poisoned.into_inner()).get(hash).cloned())
    }
}
