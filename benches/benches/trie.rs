//! Trie benchmarks: a 100k-account secure trie built and hashed in memory
//! (beside alloy-trie's `HashBuilder` on the same data), committed to parity-db,
//! and 1k random updates with a new root on top of the persisted trie.

use alloy_trie::{HashBuilder, Nibbles};
use basalt_benches::state_entries;
use basalt_primitives::H256;
use basalt_store::{Store, WriteBatch};
use basalt_trie::{root_from_sorted, NodeSet, NullStore, Trie};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use rand::{rngs::StdRng, Rng, SeedableRng};

// The node runs on jemalloc (as reth does); measure with the allocator it ships with.
#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

const ACCOUNTS: u64 = 100_000;
const UPDATES: usize = 1_000;

fn basalt_root(entries: &[(H256, Vec<u8>)]) -> H256 {
    let mut trie = Trie::new(NullStore);
    for (k, v) in entries {
        trie.insert(k.as_bytes(), v.clone()).expect("in-memory trie");
    }
    trie.root_hash()
}

fn alloy_root(sorted: &[(H256, Vec<u8>)]) -> H256 {
    let mut hb = HashBuilder::default();
    for (k, v) in sorted {
        hb.add_leaf(Nibbles::unpack(k.as_bytes()), v);
    }
    H256(hb.root().0)
}

/// A fresh parity-db holding the 100k-account trie, bulk-built from sorted
/// entries (as a genesis state is): `(dir, store, root)`.
fn persisted(sorted: &[(H256, Vec<u8>)]) -> (tempfile::TempDir, Store, H256) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path()).expect("open parity-db");
    let mut nodes = NodeSet::new();
    let root = root_from_sorted(sorted, Some(&mut nodes)).expect("sorted");
    let mut batch = WriteBatch::new();
    batch.insert_trie_nodes(nodes);
    store.commit(batch).expect("commit");
    (dir, store, root)
}

fn bench_trie(c: &mut Criterion) {
    let entries = state_entries(ACCOUNTS);
    let mut sorted = entries.clone();
    sorted.sort();
    assert_eq!(basalt_root(&entries), alloy_root(&sorted), "both tries must agree");
    assert_eq!(root_from_sorted(&sorted, None), Ok(alloy_root(&sorted)));

    let mut g = c.benchmark_group("trie_100k");
    g.sample_size(10);
    g.bench_function("basalt_insert_each_then_root", |b| b.iter(|| basalt_root(&entries)));
    g.bench_function("basalt_root_from_sorted", |b| {
        b.iter(|| root_from_sorted(&sorted, None).expect("sorted"))
    });
    g.bench_function("alloy_hashbuilder_root_sorted", |b| b.iter(|| alloy_root(&sorted)));
    g.bench_function("basalt_build_commit_to_paritydb", |b| {
        b.iter_batched(|| (), |()| persisted(&sorted), BatchSize::PerIteration)
    });
    g.finish();

    let (_dir, store, root) = persisted(&sorted);
    let mut rng = StdRng::seed_from_u64(42);
    let updates: Vec<(H256, Vec<u8>)> = (0..UPDATES)
        .map(|_| {
            let (k, _) = &entries[rng.random_range(0..entries.len())];
            let mut v = vec![0u8; 70];
            rng.fill(&mut v[..]);
            (*k, v)
        })
        .collect();
    let mut g = c.benchmark_group("trie_1k_updates_on_100k");
    g.sample_size(20);
    g.bench_function("open_update_root", |b| {
        b.iter(|| {
            let mut trie = Trie::open(&store, root);
            for (k, v) in &updates {
                trie.insert(k.as_bytes(), v.clone()).expect("update");
            }
            trie.commit()
        })
    });
    g.bench_function("open_update_root_commit_to_paritydb", |b| {
        b.iter(|| {
            let mut trie = Trie::open(&store, root);
            for (k, v) in &updates {
                trie.insert(k.as_bytes(), v.clone()).expect("update");
            }
            let (new_root, nodes) = trie.commit();
            let mut batch = WriteBatch::new();
            batch.insert_trie_nodes(nodes);
            store.commit(batch).expect("commit");
            new_root
        })
    });
    g.finish();
}

criterion_group!(benches, bench_trie);
criterion_main!(benches);
