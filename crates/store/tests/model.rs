//! Random batches, committed then read back (live and after a reopen), against
//! a model made of `BTreeMap`s.

#![allow(clippy::unwrap_used)] // tests may unwrap (CONVENTIONS.md, habit 4)

use std::collections::BTreeMap;

use basalt_primitives::{keccak256, H256};
use basalt_store::{Store, TxLocation, WriteBatch};
use basalt_trie::NodeStore;
use proptest::prelude::*;

/// Few distinct keys, so batches overwrite and delete each other's entries.
const KEYS: u8 = 6;

#[derive(Clone, Debug)]
enum Op {
    InsertNode(u8),
    DereferenceNode(u8),
    Code(u8),
    Header(u8, Vec<u8>),
    Body(u8, Vec<u8>),
    Receipts(u8, Vec<u8>),
    SetCanonical(u64, u8),
    DeleteCanonical(u64),
    SetTx(u8, u8, u32),
    DeleteTx(u8),
    Head(u8),
    Genesis(u8),
    SetMeta(u8, Vec<u8>),
    DeleteMeta(u8),
}

fn key() -> impl Strategy<Value = u8> {
    0..KEYS
}

fn bytes() -> impl Strategy<Value = Vec<u8>> {
    // Empty values, short ones, and some over the compression threshold.
    prop_oneof![
        4 => proptest::collection::vec(any::<u8>(), 0..48),
        1 => (any::<u8>(), 512usize..2048).prop_map(|(b, n)| vec![b; n]),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => key().prop_map(Op::InsertNode),
        2 => key().prop_map(Op::DereferenceNode),
        1 => key().prop_map(Op::Code),
        1 => (key(), bytes()).prop_map(|(k, v)| Op::Header(k, v)),
        1 => (key(), bytes()).prop_map(|(k, v)| Op::Body(k, v)),
        1 => (key(), bytes()).prop_map(|(k, v)| Op::Receipts(k, v)),
        1 => (0..8u64, key()).prop_map(|(n, k)| Op::SetCanonical(n, k)),
        1 => (0..8u64).prop_map(Op::DeleteCanonical),
        1 => (key(), key(), any::<u32>()).prop_map(|(t, b, i)| Op::SetTx(t, b, i)),
        1 => key().prop_map(Op::DeleteTx),
        1 => key().prop_map(Op::Head),
        1 => key().prop_map(Op::Genesis),
        1 => (key(), bytes()).prop_map(|(k, v)| Op::SetMeta(k, v)),
        1 => key().prop_map(Op::DeleteMeta),
    ]
}

fn hash(k: u8) -> H256 {
    H256::repeat_byte(k + 1)
}

/// The node (or code) value of key `k`: its hash is its key.
fn preimage(k: u8, what: u8) -> (H256, Vec<u8>) {
    let value = vec![
        k, what, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
        0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
        0xee, 0xee, 0xee,
    ];
    (keccak256(&value), value)
}

fn node(k: u8) -> (H256, Vec<u8>) {
    preimage(k, 1)
}

fn code(k: u8) -> (H256, Vec<u8>) {
    preimage(k, 2)
}

fn name(k: u8) -> String {
    format!("entry-{k}")
}

#[derive(Debug, Default)]
struct Model {
    /// Reference count of each stored node.
    nodes: BTreeMap<u8, u32>,
    code: BTreeMap<u8, ()>,
    headers: BTreeMap<u8, Vec<u8>>,
    bodies: BTreeMap<u8, Vec<u8>>,
    receipts: BTreeMap<u8, Vec<u8>>,
    canonical: BTreeMap<u64, u8>,
    txs: BTreeMap<u8, TxLocation>,
    head: Option<u8>,
    genesis: Option<u8>,
    meta: BTreeMap<u8, Vec<u8>>,
}

impl Model {
    /// Applies one batch: last write wins per key, one net reference per node.
    fn apply(&mut self, ops: &[Op]) {
        let mut node_delta: BTreeMap<u8, (bool, bool)> = BTreeMap::new();
        for op in ops {
            match op.clone() {
                Op::InsertNode(k) => node_delta.entry(k).or_default().0 = true,
                Op::DereferenceNode(k) => node_delta.entry(k).or_default().1 = true,
                Op::Code(k) => {
                    self.code.insert(k, ());
                }
                Op::Header(k, v) => {
                    self.headers.insert(k, v);
                }
                Op::Body(k, v) => {
                    self.bodies.insert(k, v);
                }
                Op::Receipts(k, v) => {
                    self.receipts.insert(k, v);
                }
                Op::SetCanonical(n, k) => {
                    self.canonical.insert(n, k);
                }
                Op::DeleteCanonical(n) => {
                    self.canonical.remove(&n);
                }
                Op::SetTx(t, b, i) => {
                    self.txs.insert(t, TxLocation { block_hash: hash(b), index: i });
                }
                Op::DeleteTx(t) => {
                    self.txs.remove(&t);
                }
                Op::Head(k) => self.head = Some(k),
                Op::Genesis(k) => self.genesis = Some(k),
                Op::SetMeta(k, v) => {
                    self.meta.insert(k, v);
                }
                Op::DeleteMeta(k) => {
                    self.meta.remove(&k);
                }
            }
        }
        for (k, delta) in node_delta {
            match delta {
                (true, false) => *self.nodes.entry(k).or_default() += 1,
                (false, true) => {
                    if let Some(count) = self.nodes.get_mut(&k) {
                        *count -= 1;
                        if *count == 0 {
                            self.nodes.remove(&k);
                        }
                    }
                }
                _ => {}
            }
        }
    }
}

fn batch(ops: &[Op]) -> WriteBatch {
    let mut batch = WriteBatch::new();
    for op in ops {
        match op.clone() {
            Op::InsertNode(k) => {
                let (h, v) = node(k);
                batch.insert_trie_node(h, v);
            }
            Op::DereferenceNode(k) => batch.dereference_trie_node(node(k).0),
            Op::Code(k) => {
                let (h, v) = code(k);
                batch.insert_code(h, v);
            }
            Op::Header(k, v) => batch.insert_header(hash(k), v),
            Op::Body(k, v) => batch.insert_body(hash(k), v),
            Op::Receipts(k, v) => batch.insert_receipts(hash(k), v),
            Op::SetCanonical(n, k) => batch.set_canonical(n, hash(k)),
            Op::DeleteCanonical(n) => batch.delete_canonical(n),
            Op::SetTx(t, b, i) => {
                batch.set_tx_location(hash(t), TxLocation { block_hash: hash(b), index: i })
            }
            Op::DeleteTx(t) => batch.delete_tx_location(hash(t)),
            Op::Head(k) => batch.set_head(hash(k)),
            Op::Genesis(k) => batch.set_genesis_hash(hash(k)),
            Op::SetMeta(k, v) => batch.set_meta(&name(k), v),
            Op::DeleteMeta(k) => batch.delete_meta(&name(k)),
        }
    }
    batch
}

/// Compares every key of every column. `exact_nodes` is false for live reads:
/// a node dereferenced to zero may stay readable until parity-db has applied the
/// commit, so only nodes the model holds are checked then.
fn check(store: &Store, model: &Model, exact_nodes: bool) -> Result<(), TestCaseError> {
    for k in 0..KEYS {
        let (h, v) = node(k);
        let stored = store.node(&h).unwrap();
        if model.nodes.contains_key(&k) {
            prop_assert_eq!(stored, Some(v), "node {}", k);
        } else if exact_nodes {
            prop_assert_eq!(stored, None, "node {}", k);
        }
        let (h, v) = code(k);
        prop_assert_eq!(store.code(&h).unwrap(), model.code.get(&k).map(|_| v));
        prop_assert_eq!(store.header(&hash(k)).unwrap(), model.headers.get(&k).cloned());
        prop_assert_eq!(store.body(&hash(k)).unwrap(), model.bodies.get(&k).cloned());
        prop_assert_eq!(store.receipts(&hash(k)).unwrap(), model.receipts.get(&k).cloned());
        prop_assert_eq!(store.tx_location(&hash(k)).unwrap(), model.txs.get(&k).copied());
        prop_assert_eq!(store.meta(&name(k)).unwrap(), model.meta.get(&k).cloned());
    }
    for n in 0..8 {
        prop_assert_eq!(
            store.canonical_hash(n).unwrap(),
            model.canonical.get(&n).map(|k| hash(*k))
        );
    }
    prop_assert_eq!(
        store.highest_canonical().unwrap(),
        model.canonical.last_key_value().map(|(n, k)| (*n, hash(*k)))
    );
    prop_assert_eq!(store.head().unwrap(), model.head.map(hash));
    prop_assert_eq!(store.genesis_hash().unwrap(), model.genesis.map(hash));
    Ok(())
}

proptest! {
    // Each case creates and reopens a database: keep the count modest.
    #![proptest_config(ProptestConfig::with_cases(32))]

    #[test]
    fn batches_read_back_as_the_model(
        batches in proptest::collection::vec(proptest::collection::vec(op(), 0..12), 1..8),
        reopen_after in 0usize..8,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let mut store = Store::open(dir.path()).unwrap();
        let mut model = Model::default();
        for (i, ops) in batches.iter().enumerate() {
            store.commit(batch(ops)).unwrap();
            model.apply(ops);
            check(&store, &model, false)?;
            if i == reopen_after {
                drop(store);
                store = Store::open(dir.path()).unwrap();
                check(&store, &model, true)?;
            }
        }
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        check(&store, &model, true)?;
    }
}
