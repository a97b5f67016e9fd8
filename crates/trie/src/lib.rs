//! Ethereum's hexary Merkle-Patricia trie.
mod store;
pub use store::{MemoryNodeStore, NodeSet, NodeStore, NodeStoreError};
