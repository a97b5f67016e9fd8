//! Fork choice and reorgs: competing branches imported in every order end at
//! the same head with the same state, indexes and receipts; subscribers hear
//! of abandoned blocks as removed; abandoned transactions are handed back.
#![allow(clippy::unwrap_used)]

mod common;

use basalt_chain::{Chain, NewBlock};
use basalt_primitives::{Address, Block, SignedTransaction, H256};
use common::{open, transfer};
use std::collections::HashSet;
use std::sync::Arc;

/// Builds `len` blocks from genesis on a fresh chain; `salt` varies the
/// transactions and timestamps so branches differ. Block `i` carries a
/// transfer from key 0 (nonce i) and, on salted branches, one from key 1.
fn branch(len: u64, salt: u64) -> Vec<Block> {
    let dir = tempfile::tempdir().unwrap();
    let chain = open(dir.path());
    let to = Address::from_low_u64_be(0xb0 + salt);
    (0..len)
        .map(|i| {
            let mut txs = vec![transfer(0, i, to, 1 + salt)];
            if salt % 2 == 1 {
                txs.push(transfer(1, i, to, 7));
            }
            let built = chain.build_block(txs, 1_000 + i * (salt + 1), Address::zero()).unwrap();
            assert!(built.rejected.is_empty());
            let block = built.block.clone();
            chain.commit_built(built).unwrap();
            block
        })
        .collect()
}

/// Everything fork choice must agree on: head, state root, canonical hashes,
/// tx locations and receipts of the canonical chain.
fn fingerprint(chain: &Chain) -> Vec<String> {
    let head = chain.head();
    let mut out = vec![format!("head {:?} {:?}", head.hash, head.header.state_root)];
    for n in 0..=head.header.number + 3 {
        let Some(h) = chain.header_by_number(n).unwrap() else {
            out.push(format!("{n}: none"));
            continue;
        };
        out.push(format!("{n}: {:?}", h.hash));
        for (i, tx) in chain.body(h.hash).unwrap().unwrap().iter().enumerate() {
            let loc = chain.transaction_location(tx.hash()).unwrap().unwrap();
            assert_eq!((loc.block_hash, loc.index), (h.hash, i as u32));
        }
        let receipts = chain.receipts(h.hash).unwrap().unwrap();
        out.push(format!("{n} receipts {:?}", receipts));
    }
    out
}

fn import_all(chain: &Chain, blocks: &[Block]) {
    for b in blocks {
        chain.import_block(b.clone()).unwrap();
    }
}

#[test]
fn every_import_order_ends_at_the_same_head() {
    let short = branch(3, 0);
    let long = branch(4, 1);
    let orders: Vec<Vec<Block>> = vec![
        short.iter().chain(&long).cloned().collect(),
        long.iter().chain(&short).cloned().collect(),
        // Interleaved, and reversed (children before parents: kept as orphans).
        short
            .iter()
            .zip(&long)
            .flat_map(|(a, b)| [a.clone(), b.clone()])
            .chain([long[3].clone()])
            .collect(),
        long.iter().rev().chain(short.iter().rev()).cloned().collect(),
    ];
    let mut prints = Vec::new();
    for order in orders {
        let dir = tempfile::tempdir().unwrap();
        let chain = open(dir.path());
        import_all(&chain, &order);
        assert_eq!(chain.head().hash, long[3].header.hash(), "the longer branch wins");
        assert_eq!(chain.orphan_count(), 0);
        // Transactions only the short branch had are not indexed.
        for b in &short {
            for tx in &b.transactions {
                let in_long =
                    long.iter().any(|l| l.transactions.iter().any(|t| t.hash() == tx.hash()));
                assert_eq!(chain.transaction_location(tx.hash()).unwrap().is_some(), in_long);
            }
        }
        prints.push(fingerprint(&chain));
    }
    assert!(prints.windows(2).all(|w| w[0] == w[1]));
}

#[test]
fn equal_weights_go_to_the_lower_hash_whatever_the_order() {
    let a = branch(2, 0);
    let b = branch(2, 1);
    let winner = a[1].header.hash().min(b[1].header.hash());
    for order in [[&a, &b], [&b, &a]] {
        let dir = tempfile::tempdir().unwrap();
        let chain = open(dir.path());
        import_all(&chain, order[0]);
        import_all(&chain, order[1]);
        assert_eq!(chain.head().hash, winner);
    }
}

#[test]
fn a_reorg_announces_removed_blocks_then_new_ones_and_returns_dropped_txs() {
    let short = branch(2, 0);
    let long = branch(3, 1);
    let dir = tempfile::tempdir().unwrap();
    let chain = open(dir.path());
    import_all(&chain, &short);
    let mut events = chain.subscribe();
    import_all(&chain, &long[..2]);
    // Weight 2 vs 2: only a lower hash would have switched already.
    let switched_early = chain.head().hash == long[1].header.hash();
    let outcome = chain.import_block(long[2].clone()).unwrap();
    assert_eq!(outcome.new_head.as_ref().unwrap().hash, long[2].header.hash());
    let mut seen: Vec<Arc<NewBlock>> = Vec::new();
    while let Ok(ev) = events.try_recv() {
        seen.push(ev);
    }
    let removed: Vec<H256> = seen.iter().filter(|e| e.removed).map(|e| e.header.hash).collect();
    assert_eq!(removed, vec![short[1].header.hash(), short[0].header.hash()], "newest first");
    let first_added = seen.iter().position(|e| !e.removed).unwrap();
    let last_removed = seen.iter().rposition(|e| e.removed).unwrap();
    assert!(last_removed < first_added, "removed blocks are announced before their replacements");
    let added: Vec<H256> = seen.iter().filter(|e| !e.removed).map(|e| e.header.hash).collect();
    assert_eq!(added, long.iter().map(|b| b.header.hash()).collect::<Vec<_>>());
    let removed_logs_blocks = seen.iter().filter(|e| e.removed).count();
    assert_eq!(removed_logs_blocks, 2);
    // The short branch's transfers (key 0, to 0xb0) are not in the long branch.
    let dropped: HashSet<H256> = if switched_early {
        HashSet::new()
    } else {
        outcome.dropped.iter().map(SignedTransaction::hash).collect()
    };
    if !switched_early {
        let expected: HashSet<H256> =
            short.iter().flat_map(|b| b.transactions.iter().map(SignedTransaction::hash)).collect();
        assert_eq!(dropped, expected);
    }
    // Side-branch blocks stay readable by hash.
    assert!(chain.header_by_hash(short[1].header.hash()).unwrap().is_some());
    assert_eq!(chain.header_by_number(2).unwrap().unwrap().hash, long[1].header.hash());
}

#[test]
fn invalid_side_blocks_are_rejected_and_change_nothing() {
    let good = branch(2, 0);
    let side = branch(2, 1);
    let dir = tempfile::tempdir().unwrap();
    let chain = open(dir.path());
    import_all(&chain, &good);
    let before = fingerprint(&chain);
    let mut bad = side[0].clone();
    bad.header.state_root = H256::repeat_byte(9);
    assert!(chain.import_block(bad).is_err());
    assert_eq!(fingerprint(&chain), before);
}
