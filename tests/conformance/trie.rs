//! Official Ethereum TrieTests run against basalt-trie.
//!
//! Every case is checked three ways: built in memory and hashed; applied one
//! operation at a time with a commit and a reopen from the store between
//! operations (the persistent path); and, for the final contents, every key
//! read back and proven with a Merkle proof that verifies against the root.

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;

use basalt_primitives::{keccak256, H256};
use basalt_store::{Store, WriteBatch};
use basalt_tests::{hex_bytes, load_vector, report};
use basalt_trie::{verify_proof, MemoryNodeStore, Trie};
use serde_json::Value;

/// A vector string: `0x`-prefixed hex, or raw UTF-8 bytes otherwise.
fn vector_bytes(v: &str) -> Vec<u8> {
    if v.starts_with("0x") {
        hex_bytes(v)
    } else {
        v.as_bytes().to_vec()
    }
}

/// Operations of one case, in order: `(key, Some(value))` sets, `(key, None)` deletes.
fn operations(input: &Value) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    let op = |k: &str, v: &Value| (vector_bytes(k), v.as_str().map(vector_bytes));
    match input {
        Value::Array(items) => items
            .iter()
            .map(|pair| {
                let k = pair[0].as_str().expect("key is a string");
                op(k, &pair[1])
            })
            .collect(),
        Value::Object(map) => map.iter().map(|(k, v)| op(k, v)).collect(),
        other => panic!("unexpected 'in': {other}"),
    }
}

fn apply(trie: &mut Trie<MemoryNodeStore>, key: &[u8], value: &Option<Vec<u8>>) {
    match value {
        Some(v) => trie.insert(key, v.clone()).unwrap(),
        None => trie.remove(key).unwrap(),
    }
}

/// Runs every case of a file; `secure` hashes keys first. Returns the case count.
fn run_file(file: &str, secure: bool) -> usize {
    let cases = load_vector(file);
    let cases = cases.as_object().expect("a map of cases");
    for (name, case) in cases {
        let want: H256 = case["root"].as_str().unwrap().parse().unwrap();
        let ops: Vec<_> = operations(&case["in"])
            .into_iter()
            .map(|(k, v)| (if secure { keccak256(&k).as_bytes().to_vec() } else { k }, v))
            .collect();

        // 1. All in memory, one hash at the end.
        let mut trie = Trie::new(MemoryNodeStore::new());
        for (k, v) in &ops {
            apply(&mut trie, k, v);
        }
        assert_eq!(trie.root_hash(), want, "{file}/{name}: in-memory root");

        // 2. Persistent: commit and reopen from the store after every operation.
        let store = MemoryNodeStore::new();
        let mut root = basalt_primitives::EMPTY_ROOT;
        let mut roots = vec![root];
        for (k, v) in &ops {
            let mut trie = Trie::open(store.clone(), root);
            apply(&mut trie, k, v);
            let (new_root, nodes) = trie.commit();
            store.insert_nodes(nodes);
            root = new_root;
            roots.push(root);
        }
        assert_eq!(root, want, "{file}/{name}: root after commit/reopen per operation");

        // 3. The final contents read back and prove, from a fresh handle.
        let mut model = BTreeMap::new();
        for (k, v) in &ops {
            match v {
                Some(v) if !v.is_empty() => model.insert(k.clone(), v.clone()),
                _ => model.remove(k),
            };
        }
        let reopened = Trie::open(store.clone(), root);
        for (k, v) in &model {
            assert_eq!(reopened.get(k).unwrap().as_ref(), Some(v), "{file}/{name}: get");
            let proof = reopened.prove(k).unwrap();
            assert_eq!(verify_proof(root, k, &proof).unwrap(), Some(v.clone()));
        }
        for (k, _) in ops.iter().filter(|(k, _)| !model.contains_key(k)) {
            assert_eq!(reopened.get(k).unwrap(), None, "{file}/{name}: deleted key");
            let proof = reopened.prove(k).unwrap();
            assert_eq!(verify_proof(root, k, &proof).unwrap(), None, "{file}/{name}: absence");
        }

        // Every intermediate root is still readable: nothing was overwritten.
        for r in roots {
            Trie::open(store.clone(), r).prove(b"any key").unwrap();
        }
    }
    report(file, cases.len());
    cases.len()
}

/// The any-order files: the root must not depend on insertion order.
fn run_any_order(file: &str, secure: bool) {
    run_file(file, secure);
    let cases = load_vector(file);
    for (name, case) in cases.as_object().unwrap() {
        let want: H256 = case["root"].as_str().unwrap().parse().unwrap();
        let mut ops = operations(&case["in"]);
        if secure {
            for (k, _) in &mut ops {
                *k = keccak256(&*k).as_bytes().to_vec();
            }
        }
        ops.reverse();
        let mut trie = Trie::new(MemoryNodeStore::new());
        for (k, v) in &ops {
            apply(&mut trie, k, v);
        }
        assert_eq!(trie.root_hash(), want, "{file}/{name}: reversed order");
    }
}

/// Every ordered case again on parity-db: one block-like commit per
/// operation, the database closed and reopened, then every root read back.
fn run_file_on_paritydb(file: &str, secure: bool) {
    let cases = load_vector(file);
    for (name, case) in cases.as_object().unwrap() {
        let want: H256 = case["root"].as_str().unwrap().parse().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut roots = Vec::new();
        let mut models = Vec::new();
        {
            let store = Store::open(dir.path()).unwrap();
            let mut root = basalt_primitives::EMPTY_ROOT;
            let mut model = BTreeMap::new();
            for (k, v) in operations(&case["in"]) {
                let k = if secure { keccak256(&k).as_bytes().to_vec() } else { k };
                let mut trie = Trie::open(&store, root);
                match &v {
                    Some(v) if !v.is_empty() => {
                        trie.insert(&k, v.clone()).unwrap();
                        model.insert(k, v.clone());
                    }
                    _ => {
                        trie.remove(&k).unwrap();
                        model.remove(&k);
                    }
                }
                let (new_root, nodes) = trie.commit();
                let mut batch = WriteBatch::new();
                batch.insert_trie_nodes(nodes);
                store.commit(batch).unwrap();
                root = new_root;
                roots.push(root);
                models.push(model.clone());
            }
            assert_eq!(root, want, "{file}/{name}: root on parity-db");
        }
        let store = Store::open(dir.path()).unwrap();
        for (root, model) in roots.iter().zip(&models) {
            let trie = Trie::open(&store, *root);
            for (k, v) in model {
                assert_eq!(trie.get(k).unwrap(), Some(v.clone()), "{file}/{name}: after reopen");
            }
        }
    }
}

#[test]
fn trietest_on_paritydb() {
    run_file_on_paritydb("TrieTests/trietest.json", false);
    run_file_on_paritydb("TrieTests/trietest_secureTrie.json", true);
}

#[test]
fn trietest() {
    run_file("TrieTests/trietest.json", false);
}

#[test]
fn trietest_secure() {
    run_file("TrieTests/trietest_secureTrie.json", true);
}

#[test]
fn trieanyorder() {
    run_any_order("TrieTests/trieanyorder.json", false);
}

#[test]
fn trieanyorder_secure() {
    run_any_order("TrieTests/trieanyorder_secureTrie.json", true);
}

#[test]
fn hex_encoded_securetrie() {
    run_any_order("TrieTests/hex_encoded_securetrie_test.json", true);
}
