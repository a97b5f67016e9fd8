//! Where committed state lives: the [`StateBackend`] seam, its implementation
//! for [`basalt_store::Store`], and [`MemoryBackend`] for tests.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use basalt_primitives::H256;
use basalt_store::Store;
use basalt_trie::{MemoryNodeStore, NodeStore, NodeStoreError};

use crate::error::BackendError;
use crate::overlay::StateChanges;

/// Read access to committed state: trie nodes by hash (through [`NodeStore`])
/// and contract code by hash.
///
/// Everything a backend holds is content-addressed and never changes, so any
/// number of readers may share one backend and every committed root stays
/// readable.
pub trait StateBackend: NodeStore {
    /// The code whose keccak256 is `code_hash`, or `None` when the backend
    /// does not have it. Callers never ask for [`KECCAK_EMPTY`](basalt_primitives::KECCAK_EMPTY).
    fn code_by_hash(&self, code_hash: &H256) -> Result<Option<Vec<u8>>, BackendError>;
}

impl<B: StateBackend + ?Sized> StateBackend for &B {
    fn code_by_hash(&self, code_hash: &H256) -> Result<Option<Vec<u8>>, BackendError> {
        (**self).code_by_hash(code_hash)
    }
}

impl<B: StateBackend + ?Sized> StateBackend for Arc<B> {
    fn code_by_hash(&self, code_hash: &H256) -> Result<Option<Vec<u8>>, BackendError> {
        (**self).code_by_hash(code_hash)
    }
}

impl StateBackend for Store {
    fn code_by_hash(&self, code_hash: &H256) -> Result<Option<Vec<u8>>, BackendError> {
        self.code(code_hash).map_err(BackendError::new)
    }
}

/// A backend in memory: a [`MemoryNodeStore`] plus a map of code by hash.
///
/// Cloning shares the same nodes and code. [`MemoryBackend::apply`] stores the
/// output of a commit, as a [`WriteBatch`](basalt_store::WriteBatch) does for
/// the real store.
#[derive(Clone, Debug, Default)]
pub struct MemoryBackend {
    nodes: MemoryNodeStore,
    code: Arc<RwLock<HashMap<H256, Vec<u8>>>>,
}

impl MemoryBackend {
    /// An empty backend (it holds the empty state, root [`EMPTY_ROOT`](basalt_primitives::EMPTY_ROOT)).
    pub fn new() -> Self {
        Self::default()
    }

    /// Stores the trie nodes and code of a commit.
    pub fn apply(&self, changes: StateChanges) {
        let (nodes, code) = changes.into_parts();
        self.nodes.insert_nodes(nodes);
        let mut map = self.code.write().unwrap_or_else(PoisonError::into_inner);
        map.extend(code);
    }

    /// Stores one code blob under its hash, which is returned.
    pub fn insert_code(&self, code: Vec<u8>) -> H256 {
        let hash = basalt_primitives::keccak256(&code);
        self.code.write().unwrap_or_else(PoisonError::into_inner).insert(hash, code);
        hash
    }

    /// The trie nodes of this backend.
    pub fn nodes(&self) -> &MemoryNodeStore {
        &self.nodes
    }
}

impl NodeStore for MemoryBackend {
    fn node(&self, hash: &H256) -> Result<Option<Vec<u8>>, NodeStoreError> {
        self.nodes.node(hash)
    }
}

impl StateBackend for MemoryBackend {
    fn code_by_hash(&self, code_hash: &H256) -> Result<Option<Vec<u8>>, BackendError> {
        Ok(self.code.read().unwrap_or_else(PoisonError::into_inner).get(code_hash).cloned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use basalt_primitives::{keccak256, KECCAK_EMPTY};

    #[test]
    fn memory_backend_clones_share_code() {
        let backend = MemoryBackend::new();
        let clone = backend.clone();
        let hash = backend.insert_code(b"wasm".to_vec());
        assert_eq!(hash, keccak256(b"wasm"));
        assert_eq!(clone.code_by_hash(&hash).unwrap(), Some(b"wasm".to_vec()));
        fn code_via<B: StateBackend>(backend: B, hash: &H256) -> Option<Vec<u8>> {
            backend.code_by_hash(hash).unwrap()
        }
        assert_eq!(code_via(&clone, &KECCAK_EMPTY), None);
        assert_eq!(code_via(Arc::new(clone), &hash), Some(b"wasm".to_vec()));
        assert!(backend.nodes().is_empty());
    }
}
