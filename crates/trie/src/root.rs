//! Tries built in one pass from sorted entries: bulk loads (a genesis state),
//! transactions roots and receipts roots.
//!
//! [`Trie`](crate::Trie) is the engine for changing an existing trie; for a
//! trie built from scratch, walking sorted keys once (as geth's StackTrie and
//! alloy's HashBuilder do) avoids materialising a node tree: each node is
//! encoded and hashed as soon as its keys are known, in a single scratch buffer.

use basalt_primitives::{keccak256, rlp, EMPTY_ROOT, H256};

use crate::node::{reference_at, settle, write_branch, write_extension, write_leaf, ChildRef};
use crate::store::{NodeSet, NodeStore, NodeStoreError};

/// A store with no nodes, for tries that are built in memory and never persisted.
#[derive(Clone, Copy, Debug, Default)]
pub struct NullStore;

impl NodeStore for NullStore {
    fn node(&self, _hash: &H256) -> Result<Option<Vec<u8>>, NodeStoreError> {
        Ok(None)
    }
}

/// Keys given to [`root_from_sorted`] were not strictly increasing.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("keys must be strictly increasing: entry {index} is not greater than the one before")]
pub struct UnsortedKeys {
    /// Position of the first entry out of order (or repeated).
    pub index: usize,
}

/// Root of the trie holding exactly `entries`, which must be sorted by key
/// (byte order) without repeats; entries with an empty value are absent, as
/// in Ethereum. With `nodes`, every node referenced by hash, and the root,
/// is added to it, ready for the store.
pub fn root_from_sorted<K, V>(
    entries: &[(K, V)],
    nodes: Option<&mut NodeSet>,
) -> Result<H256, UnsortedKeys>
where
    K: AsRef<[u8]>,
    V: AsRef<[u8]>,
{
    if let Some(index) =
        entries.windows(2).position(|w| w[0].0.as_ref() >= w[1].0.as_ref()).map(|i| i + 1)
    {
        return Err(UnsortedKeys { index });
    }
    let present: Vec<(&[u8], &[u8])> = entries
        .iter()
        .map(|(k, v)| (k.as_ref(), v.as_ref()))
        .filter(|(_, v)| !v.is_empty())
        .collect();
    if present.is_empty() {
        return Ok(EMPTY_ROOT);
    }
    let mut builder = Builder { entries: &present, buf: Vec::with_capacity(4096), nodes };
    let root = match builder.subtrie(0, present.len(), 0) {
        ChildRef::Hash(h) => h,
        ChildRef::Inline(range) => {
            // The root is always referenced by hash, however short.
            let rlp = builder.buf[range].to_vec();
            let h = keccak256(&rlp);
            if let Some(nodes) = builder.nodes {
                nodes.push(h, rlp);
            }
            h
        }
        ChildRef::Empty => EMPTY_ROOT,
    };
    Ok(root)
}

/// Root of the trie holding the given key/value pairs, in any order (later
/// pairs win on repeated keys; empty values are absent).
pub fn trie_root<K, V>(pairs: impl IntoIterator<Item = (K, V)>) -> H256
where
    K: AsRef<[u8]>,
    V: AsRef<[u8]>,
{
    let mut sorted: Vec<(K, V)> = pairs.into_iter().collect();
    // A stable sort keeps repeated keys in input order; keep the last of each run.
    sorted.sort_by(|a, b| a.0.as_ref().cmp(b.0.as_ref()));
    let mut unique: Vec<(K, V)> = Vec::with_capacity(sorted.len());
    for pair in sorted {
        match unique.last_mut() {
            Some(last) if last.0.as_ref() == pair.0.as_ref() => *last = pair,
            _ => unique.push(pair),
        }
    }
    root_from_sorted(&unique, None).expect("sorted and deduplicated above")
}

/// Root of the trie that maps `rlp(i)` to the `i`-th item: Ethereum's
/// transactions root and receipts root (items are the encoded transactions or
/// receipts).
pub fn ordered_trie_root<V: AsRef<[u8]>>(items: impl IntoIterator<Item = V>) -> H256 {
    trie_root(items.into_iter().enumerate().map(|(i, v)| (rlp::encode(&(i as u64)), v)))
}

/// Nibble `i` of `key`, high nibble first.
fn nibble(key: &[u8], i: usize) -> u8 {
    let b = key[i / 2];
    if i.is_multiple_of(2) {
        b >> 4
    } else {
        b & 0x0f
    }
}

fn nibbles(key: &[u8], from: usize, to: usize) -> crate::nibbles::Nibbles {
    (from..to).map(|i| nibble(key, i)).collect()
}

struct Builder<'a, 'n> {
    entries: &'a [(&'a [u8], &'a [u8])],
    buf: Vec<u8>,
    nodes: Option<&'n mut NodeSet>,
}

impl Builder<'_, '_> {
    /// Encodes the subtrie of `entries[lo..hi]` below nibble `depth` (all
    /// these keys share their first `depth` nibbles) and returns its reference.
    fn subtrie(&mut self, lo: usize, hi: usize, depth: usize) -> ChildRef {
        let pos = self.buf.len();
        let (first, value) = self.entries[lo];
        if hi - lo == 1 {
            write_leaf(&mut self.buf, &nibbles(first, depth, first.len() * 2), value);
            return self.finish(pos);
        }
        // Sorted keys: the prefix shared by the first and last is shared by all.
        let last = self.entries[hi - 1].0;
        let max = first.len().min(last.len()) * 2;
        let mut split = depth;
        while split < max && nibble(first, split) == nibble(last, split) {
            split += 1;
        }
        if split == depth {
            return self.branch(lo, hi, depth);
        }
        let child = self.branch(lo, hi, split);
        let written = self.buf.len();
        write_extension(&mut self.buf, &nibbles(first, depth, split), &child);
        settle(&mut self.buf, pos, written);
        self.finish(pos)
    }

    /// Encodes a branch at nibble `depth` over `entries[lo..hi]`.
    fn branch(&mut self, lo: usize, hi: usize, depth: usize) -> ChildRef {
        let pos = self.buf.len();
        let mut i = lo;
        let mut value = None;
        // A key that ends here sorts first and becomes the branch's value.
        if self.entries[i].0.len() * 2 == depth {
            value = Some(self.entries[i].1);
            i += 1;
        }
        let mut refs: [ChildRef; 16] = std::array::from_fn(|_| ChildRef::Empty);
        while i < hi {
            let n = nibble(self.entries[i].0, depth);
            let mut j = i + 1;
            while j < hi && nibble(self.entries[j].0, depth) == n {
                j += 1;
            }
            refs[usize::from(n)] = self.subtrie(i, j, depth + 1);
            i = j;
        }
        let written = self.buf.len();
        write_branch(&mut self.buf, &refs, value);
        settle(&mut self.buf, pos, written);
        self.finish(pos)
    }

    /// The reference to the node at `buf[pos..]`: embedded when under 32
    /// bytes, else hashed (and recorded) and removed from the buffer.
    fn finish(&mut self, pos: usize) -> ChildRef {
        let nodes = &mut self.nodes;
        reference_at(&mut self.buf, pos, |h, rlp| {
            if let Some(nodes) = nodes.as_deref_mut() {
                nodes.push(h, rlp.to_vec());
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemoryNodeStore, Trie};

    #[test]
    fn unsorted_or_repeated_keys_are_rejected() {
        let e = [(vec![2u8], vec![1u8]), (vec![1], vec![1])];
        assert_eq!(root_from_sorted(&e, None), Err(UnsortedKeys { index: 1 }));
        let e = [(vec![1u8], vec![1u8]), (vec![1], vec![2])];
        assert_eq!(root_from_sorted(&e, None), Err(UnsortedKeys { index: 1 }));
    }

    #[test]
    fn built_nodes_open_as_a_trie() {
        let entries: Vec<(Vec<u8>, Vec<u8>)> =
            (0u32..500).map(|i| (keccak256(i.to_be_bytes()).0.to_vec(), vec![7u8; 40])).collect();
        let mut sorted = entries.clone();
        sorted.sort();
        let mut nodes = NodeSet::new();
        let root = root_from_sorted(&sorted, Some(&mut nodes)).unwrap();
        let store = MemoryNodeStore::new();
        store.insert_nodes(nodes);
        let trie = Trie::open(store, root);
        for (k, v) in &entries {
            assert_eq!(trie.get(k).unwrap().as_ref(), Some(v));
        }
    }
}
