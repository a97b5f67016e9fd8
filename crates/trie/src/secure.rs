//! The secure trie: keys are hashed with keccak256 before they enter the trie,
//! as Ethereum does for the state trie and every storage trie.

use basalt_primitives::{keccak256, H256};

use crate::error::{ProofError, Result};
use crate::store::{NodeSet, NodeStore};
use crate::Trie;

/// A [`Trie`] keyed by `keccak256(key)`.
#[derive(Debug)]
pub struct SecureTrie<S> {
    inner: Trie<S>,
}

impl<S: NodeStore> SecureTrie<S> {
    /// An empty secure trie over `store`.
    pub fn new(store: S) -> Self {
        Self { inner: Trie::new(store) }
    }

    /// The secure trie with the given root in `store`.
    pub fn open(store: S, root: H256) -> Self {
        Self { inner: Trie::open(store, root) }
    }

    /// The value stored under `key`.
    pub fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        self.inner.get(keccak256(key).as_bytes())
    }

    /// Sets `key` to `value`; an empty value removes the key.
    pub fn insert(&mut self, key: &[u8], value: impl Into<Vec<u8>>) -> Result<()> {
        self.inner.insert(keccak256(key).as_bytes(), value)
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &[u8]) -> Result<()> {
        self.inner.remove(keccak256(key).as_bytes())
    }

    /// The root hash as it is now; see [`Trie::root_hash`].
    pub fn root_hash(&self) -> H256 {
        self.inner.root_hash()
    }

    /// Commits the changes; see [`Trie::commit`].
    pub fn commit(&mut self) -> (H256, NodeSet) {
        self.inner.commit()
    }

    /// The proof for `key` (the path of `keccak256(key)`).
    pub fn prove(&self, key: &[u8]) -> Result<Vec<Vec<u8>>> {
        self.inner.prove(keccak256(key).as_bytes())
    }

    /// The plain trie underneath, keyed by hashes.
    pub fn as_trie(&self) -> &Trie<S> {
        &self.inner
    }

    /// True when the trie holds no key.
    pub fn is_empty(&self) -> bool {
        self.inner.is_empty()
    }
}

/// [`crate::verify_proof`] for a secure trie: checks the proof for `keccak256(key)`.
pub fn verify_secure_proof<N: AsRef<[u8]>>(
    root: H256,
    key: &[u8],
    proof: &[N],
) -> std::result::Result<Option<Vec<u8>>, ProofError> {
    crate::verify_proof(root, keccak256(key).as_bytes(), proof)
}
