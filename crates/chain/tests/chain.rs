//! Genesis, build/commit, import with verification, restart, notifications.
#![allow(clippy::unwrap_used)]

mod common;

use basalt_chain::{BlockError, ChainError};
use basalt_primitives::{Address, H256, U256};
use common::{open, transfer};

#[test]
fn blocks_persist_and_reopen_at_the_same_head() {
    let dir = tempfile::tempdir().unwrap();
    let bob = Address::repeat_byte(0xb0);
    let (head, genesis) = {
        let chain = open(dir.path());
        let genesis = chain.head();
        assert_eq!(genesis.header.number, 0);
        let mut events = chain.subscribe();
        for i in 0..3 {
            let built =
                chain.build_block([transfer(0, i, bob, 100)], 1_000 + i, Address::zero()).unwrap();
            assert!(built.rejected.is_empty());
            chain.commit_built(built).unwrap();
            let ev = events.try_recv().unwrap();
            assert_eq!(ev.header.header.number, i + 1);
            assert_eq!(ev.receipts.len(), 1);
        }
        // A tx with a used nonce is left out, not fatal.
        let built = chain.build_block([transfer(0, 0, bob, 1)], 2_000, Address::zero()).unwrap();
        assert_eq!(built.rejected.len(), 1);
        assert!(built.block.transactions.is_empty());
        chain.flush();
        (chain.head(), genesis)
    };
    let chain = open(dir.path());
    assert_eq!(chain.head(), head);
    assert_eq!(chain.genesis_hash(), genesis.hash);
    assert_eq!(chain.state_at(&head.header).balance(bob).unwrap(), U256::from(300));
    let b2 = chain.header_by_number(2).unwrap().unwrap();
    let receipts = chain.receipts(b2.hash).unwrap().unwrap();
    assert_eq!(receipts[0].gas_used, 21_000);
    let body = chain.body(b2.hash).unwrap().unwrap();
    let loc = chain.transaction_location(body[0].hash()).unwrap().unwrap();
    assert_eq!((loc.block_hash, loc.index), (b2.hash, 0));
}

#[test]
fn imported_blocks_are_verified_root_by_root() {
    let (a_dir, b_dir) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let a = open(a_dir.path());
    let b = open(b_dir.path());
    let bob = Address::repeat_byte(0xb0);
    let built = a.build_block([transfer(0, 0, bob, 5)], 1_000, Address::repeat_byte(0xcb)).unwrap();
    let block = built.block.clone();
    a.commit_built(built).unwrap();

    // Tampered copies are rejected and change nothing.
    let mut bad = block.clone();
    bad.header.state_root = H256::repeat_byte(1);
    assert!(matches!(
        b.import_block(bad),
        Err(ChainError::InvalidBlock(BlockError::Mismatch { what: "state root", .. }))
    ));
    let mut bad = block.clone();
    bad.header.gas_used += 1;
    assert!(matches!(
        b.import_block(bad),
        Err(ChainError::InvalidBlock(BlockError::Mismatch { .. }))
    ));
    let mut bad = block.clone();
    bad.header.base_fee_per_gas = Some(U256::from(7));
    assert!(matches!(b.import_block(bad), Err(ChainError::InvalidBlock(BlockError::Header(_)))));
    let mut bad = block.clone();
    bad.transactions.clear();
    assert!(b.import_block(bad).is_err());
    assert_eq!(b.head().header.number, 0);

    let outcome = b.import_block(block).unwrap();
    let imported = outcome.new_head.unwrap();
    assert_eq!(imported, a.head());
    assert_eq!(outcome.stored, vec![imported.clone()]);
    assert!(
        b.import_block(
            a.header_by_number(1)
                .unwrap()
                .map(|h| {
                    basalt_primitives::Block {
                        header: h.header.clone(),
                        transactions: a.body(h.hash).unwrap().unwrap(),
                    }
                })
                .unwrap()
        )
        .unwrap()
        .known
    );
    assert_eq!(b.state_at(&imported.header).balance(bob).unwrap(), U256::from(5));
}
