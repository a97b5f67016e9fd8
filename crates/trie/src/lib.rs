//! Ethereum's hexary Merkle-Patricia trie.
//!
//! ```text
//!   Trie::open(store, root R) ──get/insert/remove──► changed nodes in memory
//!          ▲                                               │ commit()
//!          │ NodeStore::node(hash)                         ▼
//!   ┌──────┴──────┐         write the NodeSet        (root R', NodeSet of new nodes)
//!   │  NodeStore  │ ◄───────────────────────────────────────┘
//!   └─────────────┘   (old nodes untouched: R stays readable)
//! ```
//!
//! - **Nodes** are leaves `[hp(path), value]`, extensions `[hp(path), child]`
//!   and branches `[c0..c15, value]` in RLP, paths hex-prefix encoded. A child
//!   whose RLP is under 32 bytes is embedded in its parent; others are
//!   referenced by `keccak256(rlp)`. The root hash is `keccak256(rlp(root))`,
//!   and the empty trie's root is [`EMPTY_ROOT`](basalt_primitives::EMPTY_ROOT).
//! - **Persistence**: the [`NodeStore`] seam reads nodes by hash (an in-memory
//!   [`MemoryNodeStore`] here, parity-db in `basalt-store`). A [`Trie`] loads
//!   nodes lazily along the paths it touches; [`Trie::commit`] returns the new
//!   root and a [`NodeSet`] of new nodes. Nothing stored is ever changed, so
//!   every committed root stays readable: reorgs and `eth_getProof` at past
//!   blocks need no undo.
//! - **Proofs**: [`Trie::prove`] lists the nodes on a key's path (EIP-1186
//!   style); [`verify_proof`] checks such a list against a root with no store,
//!   proving presence or absence.
//! - **Secure trie**: [`SecureTrie`] keys by `keccak256(key)`, as Ethereum's
//!   state and storage tries do.
//! - **Bulk builds**: [`root_from_sorted`] builds a whole trie from sorted
//!   entries in one pass, with no node tree in memory (a genesis state; the
//!   nodes come out as a [`NodeSet`]); [`ordered_trie_root`] gives
//!   transactions and receipts roots (key = RLP of the index) and
//!   [`trie_root`] the root of any key/value set.
//! - **Iteration**: [`Entries`] walks a committed trie's entries in key
//!   order, loading nodes as it goes.
//!
//! Reading a store is trusted: a node's bytes are not re-hashed on load. A
//! proof is untrusted: every proof node is looked up by its hash.

mod error;
mod iter;
mod nibbles;
mod node;
mod proof;
mod root;
mod secure;
mod store;
mod trie;

pub use error::{NodeDecodeError, ProofError, Result, TrieError};
pub use iter::Entries;
pub use proof::verify_proof;
pub use root::{ordered_trie_root, root_from_sorted, trie_root, NullStore, UnsortedKeys};
pub use secure::{verify_secure_proof, SecureTrie};
pub use store::{MemoryNodeStore, NodeSet, NodeStore, NodeStoreError};
pub use trie::Trie;
