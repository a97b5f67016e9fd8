//! Property tests for the trie against a simple model (a `BTreeMap`).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use basalt_primitives::{keccak256, EMPTY_ROOT, H256};
use basalt_trie::{
    root_from_sorted, trie_root, verify_proof, MemoryNodeStore, NodeSet, ProofError, Trie,
};
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;

/// Short keys over a small alphabet, so keys share prefixes and exercise
/// extensions, branch values and collapses.
fn key() -> impl Strategy<Value = Vec<u8>> {
    vec(prop_oneof![Just(0x00u8), Just(0x01), Just(0x10), Just(0x11), Just(0xff)], 0..6)
}

fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![vec(any::<u8>(), 1..4), vec(any::<u8>(), 30..70)]
}

fn entries() -> impl Strategy<Value = BTreeMap<Vec<u8>, Vec<u8>>> {
    btree_map(key(), value(), 0..40)
}

fn build(pairs: impl IntoIterator<Item = (Vec<u8>, Vec<u8>)>) -> Trie<MemoryNodeStore> {
    let mut trie = Trie::new(MemoryNodeStore::new());
    for (k, v) in pairs {
        trie.insert(&k, v).unwrap();
    }
    trie
}

fn committed(pairs: &BTreeMap<Vec<u8>, Vec<u8>>) -> (H256, MemoryNodeStore) {
    let mut trie = build(pairs.clone());
    let (root, nodes) = trie.commit();
    let store = MemoryNodeStore::new();
    store.insert_nodes(nodes);
    (root, store)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Reads of a trie opened from the store walk the stored nodes' RLP
    /// without decoding them (`lookup_step`): present keys, absent keys
    /// (prefixes and extensions of present ones included) and embedded
    /// nodes must all read as the model says.
    #[test]
    fn stored_reads_agree_with_the_model(map in entries(), probes in vec(key(), 0..20)) {
        let (root, store) = committed(&map);
        let trie = Trie::open(store, root);
        for (k, v) in &map {
            prop_assert_eq!(trie.get(k).unwrap(), Some(v.clone()));
        }
        for k in probes {
            prop_assert_eq!(trie.get(&k).unwrap(), map.get(&k).cloned());
        }
    }

    /// Whatever bytes a stored node holds, a read answers or fails cleanly.
    #[test]
    fn random_stored_node_bytes_never_panic_on_read(
        bytes in vec(any::<u8>(), 0..80),
        probe in key(),
    ) {
        let store = MemoryNodeStore::new();
        let hash = keccak256(&bytes);
        let mut set = basalt_trie::NodeSet::new();
        set.push(hash, bytes);
        store.insert_nodes(set);
        let _ = Trie::open(store, hash).get(&probe);
    }

    #[test]
    fn root_is_independent_of_insertion_order(map in entries(), seed in any::<u64>()) {
        let forward = build(map.clone()).root_hash();
        let backward = build(map.clone().into_iter().rev()).root_hash();
        // A seeded shuffle.
        let mut shuffled: Vec<_> = map.clone().into_iter().collect();
        let mut s = seed | 1;
        for i in (1..shuffled.len()).rev() {
            s ^= s << 13; s ^= s >> 7; s ^= s << 17;
            shuffled.swap(i, (s % (i as u64 + 1)) as usize);
        }
        let random = build(shuffled).root_hash();
        prop_assert_eq!(forward, backward);
        prop_assert_eq!(forward, random);
        prop_assert_eq!(forward, trie_root(map));
    }

    #[test]
    fn sorted_builder_agrees_with_incremental_trie(map in entries()) {
        let sorted: Vec<_> = map.clone().into_iter().collect();
        let mut nodes = NodeSet::new();
        let root = root_from_sorted(&sorted, Some(&mut nodes)).unwrap();
        let (want, want_nodes) = build(map.clone()).commit();
        prop_assert_eq!(root, want);
        // The same nodes, so either way of building persists the same trie.
        let mut got: Vec<_> = nodes.into_iter().collect();
        let mut want_nodes: Vec<_> = want_nodes.into_iter().collect();
        got.sort();
        want_nodes.sort();
        prop_assert_eq!(got, want_nodes);
    }

    #[test]
    fn deleting_every_key_gives_the_empty_root(map in entries()) {
        let (root, store) = committed(&map);
        let mut trie = Trie::open(store, root);
        for k in map.keys() {
            trie.remove(k).unwrap();
        }
        prop_assert_eq!(trie.root_hash(), EMPTY_ROOT);
        prop_assert!(trie.is_empty());
        prop_assert_eq!(trie.commit().0, EMPTY_ROOT);
    }

    #[test]
    fn matches_model_under_mixed_updates(
        initial in entries(),
        updates in vec((key(), prop::option::of(value())), 0..40),
    ) {
        let (root, store) = committed(&initial);
        let mut trie = Trie::open(store.clone(), root);
        let mut model = initial.clone();
        for (k, v) in &updates {
            match v {
                Some(v) => { trie.insert(k, v.clone()).unwrap(); model.insert(k.clone(), v.clone()); }
                None => { trie.remove(k).unwrap(); model.remove(k); }
            }
        }
        for (k, v) in &model {
            prop_assert_eq!(trie.get(k).unwrap(), Some(v.clone()));
        }
        for (k, _) in &updates {
            if !model.contains_key(k) {
                prop_assert_eq!(trie.get(k).unwrap(), None);
            }
        }
        // The incremental root equals a from-scratch build of the model.
        let (new_root, nodes) = trie.commit();
        prop_assert_eq!(new_root, build(model.clone()).root_hash());
        store.insert_nodes(nodes);
        // The old root is untouched.
        let old = Trie::open(store.clone(), root);
        for (k, v) in &initial {
            prop_assert_eq!(old.get(k).unwrap(), Some(v.clone()));
        }
        // The new root reads back from the store alone.
        let reopened = Trie::open(store, new_root);
        for (k, v) in &model {
            prop_assert_eq!(reopened.get(k).unwrap(), Some(v.clone()));
        }
    }

    #[test]
    fn proofs_verify_presence_and_absence(map in entries(), absent in vec(key(), 0..10)) {
        let (root, store) = committed(&map);
        let trie = Trie::open(store, root);
        for (k, v) in &map {
            let proof = trie.prove(k).unwrap();
            prop_assert_eq!(verify_proof(root, k, &proof).unwrap(), Some(v.clone()));
        }
        for k in absent.iter().filter(|k| !map.contains_key(*k)) {
            let proof = trie.prove(k).unwrap();
            prop_assert_eq!(verify_proof(root, k, &proof).unwrap(), None);
        }
    }

    #[test]
    fn proofs_of_uncommitted_tries_verify(map in entries()) {
        let trie = build(map.clone());
        let root = trie.root_hash();
        for (k, v) in &map {
            let proof = trie.prove(k).unwrap();
            prop_assert_eq!(verify_proof(root, k, &proof).unwrap(), Some(v.clone()));
        }
    }

    #[test]
    fn tampered_proofs_fail(
        map in btree_map(key(), value(), 1..40),
        pick in any::<prop::sample::Index>(),
        node_pick in any::<prop::sample::Index>(),
        byte_pick in any::<prop::sample::Index>(),
        flip in 1u8..=255,
    ) {
        let (root, store) = committed(&map);
        let trie = Trie::open(store, root);
        let pairs: Vec<_> = map.iter().collect();
        let (k, _) = pick.get(&pairs);
        let mut proof = trie.prove(k).unwrap();
        let node = node_pick.index(proof.len());
        let byte = byte_pick.index(proof[node].len());
        proof[node][byte] ^= flip;
        // Every proof node is found by hash, so a changed node is a missing one.
        prop_assert!(verify_proof(root, k, &proof).is_err());
    }

    #[test]
    fn proof_against_the_wrong_root_fails(map in btree_map(key(), value(), 1..20), other in any::<[u8; 32]>()) {
        let (root, store) = committed(&map);
        let trie = Trie::open(store, root);
        let (k, _) = map.iter().next().unwrap();
        let proof = trie.prove(k).unwrap();
        let wrong = H256(other);
        prop_assume!(wrong != root && wrong != EMPTY_ROOT);
        prop_assert_eq!(verify_proof(wrong, k, &proof), Err(ProofError::MissingNode { hash: wrong }));
    }

    #[test]
    fn random_proof_bytes_never_panic(
        nodes in vec(vec(any::<u8>(), 0..120), 0..6),
        key in vec(any::<u8>(), 0..8),
    ) {
        // Make the first random node the root so the walk starts decoding it.
        let root = nodes.first().map(keccak256).unwrap_or(H256::repeat_byte(1));
        let _ = verify_proof(root, &key, &nodes);
    }
}

#[test]
fn missing_root_is_a_clear_error() {
    let trie = Trie::open(MemoryNodeStore::new(), H256::repeat_byte(0xab));
    let err = trie.get(b"k").unwrap_err();
    assert!(err.to_string().contains("missing"), "{err}");
}

#[test]
fn corrupt_stored_node_is_an_error_not_a_panic() {
    use basalt_trie::{NodeSet, TrieError};
    let store = MemoryNodeStore::new();
    let bogus = vec![0xc3, 0x01, 0x02, 0x03];
    let hash = keccak256(&bogus);
    let mut set = NodeSet::new();
    set.push(hash, bogus);
    store.insert_nodes(set);
    let mut trie = Trie::open(store, hash);
    assert!(matches!(trie.get(b"x"), Err(TrieError::InvalidNode { .. })));
    assert!(matches!(trie.insert(b"x", b"y".to_vec()), Err(TrieError::InvalidNode { .. })));
}

#[test]
fn commit_writes_only_changed_nodes() {
    let mut trie = Trie::new(MemoryNodeStore::new());
    for i in 0u32..1000 {
        trie.insert(keccak256(i.to_be_bytes()).as_bytes(), vec![1u8; 40]).unwrap();
    }
    let (root, nodes) = trie.commit();
    let store = trie.store().clone();
    store.insert_nodes(nodes);
    let mut trie = Trie::open(store, root);
    trie.insert(keccak256(7u32.to_be_bytes()).as_bytes(), vec![2u8; 40]).unwrap();
    let (_, nodes) = trie.commit();
    // One leaf and the branches above it: a handful of nodes, not the whole trie.
    assert!(nodes.len() <= 5, "{} nodes written for one update", nodes.len());
    // Re-committing with no change writes nothing.
    assert!(trie.commit().1.is_empty());
    // Setting a value to what it already is changes nothing.
    trie.insert(keccak256(7u32.to_be_bytes()).as_bytes(), vec![2u8; 40]).unwrap();
    assert!(trie.commit().1.is_empty());
}

#[test]
fn ordered_root_of_nothing_is_the_empty_root() {
    assert_eq!(basalt_trie::ordered_trie_root(Vec::<Vec<u8>>::new()), EMPTY_ROOT);
}
