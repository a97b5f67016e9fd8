//! Errors of trie operations and proof verification.

use basalt_primitives::H256;

use crate::NodeStoreError;

/// Why a trie operation failed.
#[derive(Debug, thiserror::Error)]
pub enum TrieError {
    /// The backing store failed.
    #[error(transparent)]
    Store(#[from] NodeStoreError),
    /// A node the trie refers to is not in the store: the root is unknown
    /// or the store lost data.
    #[error("trie node {hash:?} is missing from the store")]
    MissingNode {
        /// Hash under which the node was looked up.
        hash: H256,
    },
    /// A stored node does not decode as a trie node.
    #[error("trie node {hash:?} is malformed: {reason}")]
    InvalidNode {
        /// Hash of the malformed node.
        hash: H256,
        /// What is wrong with it.
        reason: NodeDecodeError,
    },
}

/// Why bytes are not a valid trie node.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NodeDecodeError {
    /// Not well-formed RLP.
    #[error("bad RLP: {0}")]
    Rlp(#[from] basalt_primitives::rlp::DecoderError),
    /// A list that is neither 2 items (leaf / extension) nor 17 (branch).
    #[error("a node has 2 or 17 items, found {0}")]
    ItemCount(usize),
    /// The hex-prefix path is malformed.
    #[error("malformed hex-prefix path")]
    BadPath,
    /// An extension with an empty path.
    #[error("extension node with an empty path")]
    EmptyExtension,
    /// A child reference that is neither empty, a 32-byte hash nor an embedded node under 32 bytes.
    #[error("child reference is neither empty, a 32-byte hash nor an embedded node")]
    BadReference,
    /// Bytes after the end of the node.
    #[error("trailing bytes after the node")]
    TrailingBytes,
    /// A node that a canonical trie cannot contain (a leaf or extension with
    /// an empty value or child, a branch with fewer than two entries).
    #[error("node is not in canonical form: {0}")]
    NotCanonical(&'static str),
}

/// Why a proof does not prove anything about the given root.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The walk from the root needs a node that the proof does not contain.
    #[error("proof lacks node {hash:?}")]
    MissingNode {
        /// Hash of the node that is needed.
        hash: H256,
    },
    /// A proof node is not a valid trie node.
    #[error("proof node {hash:?} is malformed: {reason}")]
    InvalidNode {
        /// Hash of the malformed node.
        hash: H256,
        /// What is wrong with it.
        reason: NodeDecodeError,
    },
}

/// Result of trie operations.
pub type Result<T, E = TrieError> = std::result::Result<T, E>;
