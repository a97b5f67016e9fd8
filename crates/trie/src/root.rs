//! Roots of tries built wholly in memory: transactions and receipts roots.

use basalt_primitives::{rlp, H256};

use crate::store::{NodeStore, NodeStoreError};
use crate::Trie;

/// A store with no nodes, for tries that are built in memory and never persisted.
#[derive(Clone, Copy, Debug, Default)]
pub struct NullStore;

impl NodeStore for NullStore {
    fn node(&self, _hash: &H256) -> Result<Option<Vec<u8>>, NodeStoreError> {
        Ok(None)
    }
}

/// Root of the trie holding the given key/value pairs (later pairs win on repeated keys).
pub fn trie_root<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> H256
where
    K: AsRef<[u8]>,
    V: Into<Vec<u8>>,
{
    let mut trie = Trie::new(NullStore);
    for (k, v) in pairs {
        trie.insert(k.as_ref(), v)
            .expect("a trie that starts empty in memory never reads its store");
    }
    trie.root_hash()
}

/// Root of the trie that maps `rlp(i)` to the `i`-th item: Ethereum's
/// transactions root and receipts root (items are the encoded transactions or
/// receipts).
pub fn ordered_trie_root<V: Into<Vec<u8>>>(items: impl IntoIterator<Item = V>) -> H256 {
    trie_root(items.into_iter().enumerate().map(|(i, v)| (rlp::encode(&(i as u64)), v)))
}
