//! Integration tests of `Store`: what a commit writes, what a reopen reads back.

#![allow(clippy::unwrap_used)] // tests may unwrap (CONVENTIONS.md, habit 4)

use basalt_primitives::{keccak256, H256};
use basalt_store::{Store, TxLocation, WriteBatch};
use basalt_trie::{NodeSet, NodeStore};

fn node(tag: u8) -> (H256, Vec<u8>) {
    // Longer than 32 bytes, as a stored node is.
    let rlp = vec![tag; 48];
    (keccak256(&rlp), rlp)
}

fn h(byte: u8) -> H256 {
    H256::repeat_byte(byte)
}

/// A batch touching every column, as a block import would.
fn full_batch() -> WriteBatch {
    let mut nodes = NodeSet::new();
    for tag in 1..=3 {
        let (hash, rlp) = node(tag);
        nodes.push(hash, rlp);
    }
    let code = b"\0asm\x01\0\0\0 some module".to_vec();
    let mut batch = WriteBatch::new();
    batch.insert_trie_nodes(nodes);
    batch.insert_code(keccak256(&code), code);
    batch.insert_header(h(0xb1), b"header".to_vec());
    batch.insert_body(h(0xb1), vec![0xc0; 2000]);
    batch.insert_receipts(h(0xb1), vec![0; 3000]);
    batch.set_canonical(0, h(0xb0));
    batch.set_canonical(1, h(0xb1));
    batch.set_tx_location(h(0x71), TxLocation { block_hash: h(0xb1), index: 0 });
    batch.set_tx_location(h(0x72), TxLocation { block_hash: h(0xb1), index: 1 });
    batch.set_head(h(0xb1));
    batch.set_genesis_hash(h(0xb0));
    batch.set_meta("sync-stage", b"bodies".to_vec());
    batch.set_meta("empty", Vec::new());
    batch
}

fn assert_full_batch_readable(store: &Store) {
    for tag in 1..=3 {
        let (hash, rlp) = node(tag);
        assert_eq!(store.trie_node(&hash).unwrap(), Some(rlp.clone()));
        assert_eq!(store.node(&hash).unwrap(), Some(rlp));
    }
    let code = b"\0asm\x01\0\0\0 some module".to_vec();
    assert_eq!(store.code(&keccak256(&code)).unwrap(), Some(code));
    assert_eq!(store.header(&h(0xb1)).unwrap(), Some(b"header".to_vec()));
    assert_eq!(store.body(&h(0xb1)).unwrap(), Some(vec![0xc0; 2000]));
    assert_eq!(store.receipts(&h(0xb1)).unwrap(), Some(vec![0; 3000]));
    assert_eq!(store.canonical_hash(0).unwrap(), Some(h(0xb0)));
    assert_eq!(store.canonical_hash(1).unwrap(), Some(h(0xb1)));
    assert_eq!(
        store.tx_location(&h(0x72)).unwrap(),
        Some(TxLocation { block_hash: h(0xb1), index: 1 })
    );
    assert_eq!(store.head().unwrap(), Some(h(0xb1)));
    assert_eq!(store.genesis_hash().unwrap(), Some(h(0xb0)));
    assert_eq!(store.meta("sync-stage").unwrap(), Some(b"bodies".to_vec()));
    assert_eq!(store.meta("empty").unwrap(), Some(Vec::new()));
}

#[test]
fn empty_store_reads_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path().join("db")).unwrap();
    assert_eq!(store.head().unwrap(), None);
    assert_eq!(store.genesis_hash().unwrap(), None);
    assert_eq!(store.highest_canonical().unwrap(), None);
    assert_eq!(store.header(&h(1)).unwrap(), None);
    assert_eq!(store.node(&h(1)).unwrap(), None);
    assert_eq!(
        store.meta("schema_version").unwrap(),
        None,
        "caller names cannot see store entries"
    );
}

#[test]
fn commit_is_visible_at_once_and_after_reopen() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    store.commit(full_batch()).unwrap();
    assert_full_batch_readable(&store);
    assert_eq!(store.highest_canonical().unwrap(), Some((1, h(0xb1))));
    drop(store);

    let store = Store::open(dir.path()).unwrap();
    assert_full_batch_readable(&store);
    assert_eq!(store.highest_canonical().unwrap(), Some((1, h(0xb1))));
    assert_eq!(store.canonical_hash(2).unwrap(), None);
    // Nothing else appeared.
    assert_eq!(store.header(&h(0xb0)).unwrap(), None);
    assert_eq!(store.tx_location(&h(0x73)).unwrap(), None);
    assert_eq!(store.meta("other").unwrap(), None);
}

#[test]
fn uncommitted_batch_leaves_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let batch = full_batch();
    assert!(!batch.is_empty());
    drop(batch);
    store.commit(WriteBatch::new()).unwrap();
    drop(store);

    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.head().unwrap(), None);
    assert_eq!(store.highest_canonical().unwrap(), None);
    assert_eq!(store.header(&h(0xb1)).unwrap(), None);
    assert_eq!(store.node(&node(1).0).unwrap(), None);
    assert_eq!(store.meta("sync-stage").unwrap(), None);
}

#[test]
fn same_node_in_two_sets_and_two_batches_stays_readable() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let (shared, shared_rlp) = node(1);
    let (old, old_rlp) = node(2);
    let (new, new_rlp) = node(3);

    // Block 1: two tries share a node.
    let mut a = NodeSet::new();
    a.push(shared, shared_rlp.clone());
    a.push(old, old_rlp.clone());
    let mut b = NodeSet::new();
    b.push(shared, shared_rlp.clone());
    let mut batch = WriteBatch::new();
    batch.insert_trie_nodes(a);
    batch.insert_trie_nodes(b);
    assert_eq!(batch.len(), 2);
    store.commit(batch).unwrap();

    // Block 2 writes the shared node again, and a new one.
    let mut c = NodeSet::new();
    c.push(shared, shared_rlp.clone());
    c.push(new, new_rlp.clone());
    let mut batch = WriteBatch::new();
    batch.insert_trie_nodes(c);
    store.commit(batch).unwrap();

    let check = |store: &Store| {
        assert_eq!(store.node(&shared).unwrap(), Some(shared_rlp.clone()));
        assert_eq!(store.node(&old).unwrap(), Some(old_rlp.clone()), "old root's nodes stay");
        assert_eq!(store.node(&new).unwrap(), Some(new_rlp.clone()));
    };
    check(&store);
    drop(store);
    check(&Store::open(dir.path()).unwrap());
}

#[test]
fn references_count_batches_for_pruning() {
    let dir = tempfile::tempdir().unwrap();
    let (hash, rlp) = node(9);
    let insert = || {
        let mut batch = WriteBatch::new();
        batch.insert_trie_node(hash, rlp.clone());
        batch
    };
    let dereference = || {
        let mut batch = WriteBatch::new();
        batch.dereference_trie_node(hash);
        batch
    };
    let reopen = |store: Store| {
        drop(store);
        Store::open(dir.path()).unwrap()
    };

    let mut store = Store::open(dir.path()).unwrap();
    store.commit(insert()).unwrap();
    store.commit(insert()).unwrap(); // count 2
    store.commit(dereference()).unwrap(); // count 1
    store = reopen(store);
    assert_eq!(store.node(&hash).unwrap(), Some(rlp.clone()));

    // Insert and dereference in one batch cancel out.
    let mut batch = insert();
    batch.dereference_trie_node(hash);
    assert!(batch.is_empty());
    store.commit(batch).unwrap();
    store = reopen(store);
    assert_eq!(store.node(&hash).unwrap(), Some(rlp.clone()));

    store.commit(dereference()).unwrap(); // count 0: deleted
    store = reopen(store);
    assert_eq!(store.node(&hash).unwrap(), None);

    store.commit(dereference()).unwrap(); // absent: ignored
    store.commit(insert()).unwrap(); // stored again with count 1
    store = reopen(store);
    assert_eq!(store.node(&hash).unwrap(), Some(rlp));
}

#[test]
fn reorg_deletes_canonical_and_tx_entries() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut batch = WriteBatch::new();
    for n in 0..5u8 {
        batch.set_canonical(u64::from(n), h(0xa0 + n));
        batch.set_tx_location(h(0x70 + n), TxLocation { block_hash: h(0xa0 + n), index: 0 });
    }
    batch.set_head(h(0xa4));
    store.commit(batch).unwrap();

    // Reorg to a shorter chain with another block 3: 4 goes, 3 is replaced,
    // tx 0x73 moves to the new block 3, tx 0x74 leaves the chain.
    let mut batch = WriteBatch::new();
    batch.delete_canonical(4);
    batch.set_canonical(3, h(0xd3));
    batch.delete_tx_location(h(0x74));
    batch.set_tx_location(h(0x73), TxLocation { block_hash: h(0xd3), index: 2 });
    batch.set_head(h(0xd3));
    store.commit(batch).unwrap();

    let check = |store: &Store| {
        assert_eq!(store.canonical_hash(4).unwrap(), None);
        assert_eq!(store.canonical_hash(3).unwrap(), Some(h(0xd3)));
        assert_eq!(store.canonical_hash(2).unwrap(), Some(h(0xa2)));
        assert_eq!(store.highest_canonical().unwrap(), Some((3, h(0xd3))));
        assert_eq!(store.tx_location(&h(0x74)).unwrap(), None);
        assert_eq!(
            store.tx_location(&h(0x73)).unwrap(),
            Some(TxLocation { block_hash: h(0xd3), index: 2 })
        );
        assert_eq!(store.head().unwrap(), Some(h(0xd3)));
    };
    check(&store);
    drop(store);
    check(&Store::open(dir.path()).unwrap());
}

#[test]
fn meta_entries_can_be_deleted() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut batch = WriteBatch::new();
    batch.set_meta("a", vec![1]);
    batch.set_meta("b", vec![2]);
    store.commit(batch).unwrap();
    let mut batch = WriteBatch::new();
    batch.delete_meta("a");
    store.commit(batch).unwrap();
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.meta("a").unwrap(), None);
    assert_eq!(store.meta("b").unwrap(), Some(vec![2]));
}

#[test]
fn highest_canonical_orders_numerically() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let mut batch = WriteBatch::new();
    for n in [255u64, 256, 1, 65_536, 7] {
        batch.set_canonical(n, H256::from_low_u64_be(n));
    }
    store.commit(batch).unwrap();
    assert_eq!(store.highest_canonical().unwrap(), Some((65_536, H256::from_low_u64_be(65_536))));
    drop(store);
    let store = Store::open(dir.path()).unwrap();
    assert_eq!(store.highest_canonical().unwrap(), Some((65_536, H256::from_low_u64_be(65_536))));
}

/// Copies the database directory as it is on disk now, as a crash would leave it
/// (the page cache included: this is a process crash, not a power loss).
fn snapshot(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            std::fs::copy(entry.path(), to.join(entry.file_name())).unwrap();
        }
    }
}

#[test]
fn after_flush_the_files_on_disk_hold_every_commit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = Store::open(&db).unwrap();
    store.commit(full_batch()).unwrap();
    let mut batch = WriteBatch::new();
    batch.set_canonical(2, h(0xb2));
    batch.insert_header(h(0xb2), b"header 2".to_vec());
    store.commit(batch).unwrap();
    store.flush().unwrap();

    // The store stays usable after a flush.
    let mut batch = WriteBatch::new();
    batch.set_meta("after-flush", vec![1]);
    store.commit(batch).unwrap();
    assert_eq!(store.header(&h(0xb2)).unwrap(), Some(b"header 2".to_vec()));
    store.flush().unwrap();

    // A copy of the files, taken while the store is open, is a complete database.
    let copy = dir.path().join("copy");
    snapshot(&db, &copy);
    let recovered = Store::open(&copy).unwrap();
    assert_full_batch_readable(&recovered);
    assert_eq!(recovered.header(&h(0xb2)).unwrap(), Some(b"header 2".to_vec()));
    assert_eq!(recovered.canonical_hash(2).unwrap(), Some(h(0xb2)));
    assert_eq!(recovered.meta("after-flush").unwrap(), Some(vec![1]));
}

#[test]
fn clones_share_one_database_across_threads() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path()).unwrap();
    let writers: Vec<_> = (0..4u8)
        .map(|t| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..25u8 {
                    let mut batch = WriteBatch::new();
                    batch.insert_header(
                        H256::from_low_u64_be(u64::from(t) << 8 | u64::from(i)),
                        vec![t, i],
                    );
                    store.commit(batch).unwrap();
                    if i % 10 == 0 {
                        store.flush().unwrap();
                    }
                }
            })
        })
        .collect();
    for w in writers {
        w.join().unwrap();
    }
    for t in 0..4u8 {
        for i in 0..25u8 {
            let key = H256::from_low_u64_be(u64::from(t) << 8 | u64::from(i));
            assert_eq!(store.header(&key).unwrap(), Some(vec![t, i]));
        }
    }
}

/// The parity-db log files in a database directory that hold records
/// (parity-db truncates an applied log and keeps it for reuse).
fn log_files(db: &std::path::Path) -> Vec<String> {
    std::fs::read_dir(db)
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| e.metadata().unwrap().len() > 0)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|name| name.strip_prefix("log").is_some_and(|id| id.parse::<u64>().is_ok()))
        .collect()
}

/// Waits up to 10 s for `done`.
fn eventually(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while !done() {
        assert!(std::time::Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn sync_log_puts_commits_in_the_tables_without_closing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = Store::open(&db).unwrap();
    store.commit(full_batch()).unwrap();
    // parity-db's log thread writes the record to a log file and, the file
    // being far below 64 MiB, leaves it there unsynced.
    eventually("the log file", || !log_files(&db).is_empty());
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(!log_files(&db).is_empty(), "parity-db synced a small log by itself");

    // sync_log: fsynced, applied to the tables (fsynced too) and emptied by
    // parity-db's workers, while the store stays open and readable.
    store.sync_log().unwrap();
    assert_full_batch_readable(&store);
    eventually("the log to be applied and emptied", || log_files(&db).is_empty());

    // The tables alone now hold the batch: a copy of the files without any
    // log is a complete database.
    let copy = dir.path().join("copy");
    snapshot(&db, &copy);
    assert!(log_files(&copy).is_empty());
    assert_full_batch_readable(&Store::open(&copy).unwrap());

    // Nothing logged since: a no-op. Later commits work as before.
    store.sync_log().unwrap();
    let mut batch = WriteBatch::new();
    batch.set_meta("after-sync", vec![7]);
    store.commit(batch).unwrap();
    store.sync_log().unwrap();
    assert_eq!(store.meta("after-sync").unwrap(), Some(vec![7]));
}
