//! The pool's rules, one scenario per test, with transactions signed by the dev keys.

#![allow(clippy::unwrap_used)]

mod common;

use basalt_primitives::{TxEip1559, TxKind, TxLegacy, ValidationError, H256, U256};
use basalt_txpool::{AccountState, PoolError, PoolStatus, TxStatus};
use common::*;

fn hashes(txs: impl IntoIterator<Item = std::sync::Arc<basalt_txpool::PooledTx>>) -> Vec<H256> {
    txs.into_iter().map(|tx| tx.hash()).collect()
}

#[test]
fn best_transactions_order_by_tip_across_senders_and_by_nonce_within() {
    let mut pool = pool();
    let base_fee = gwei(1);
    let a0 = legacy(0, 0, gwei(4)); // tip 3
    let b0 = eip1559(1, 0, gwei(10), gwei(2)); // tip 2
    let b1 = eip1559(1, 1, gwei(10), gwei(9)); // tip 9, but only after b0
    let c0 = eip1559(2, 0, gwei(3), gwei(3)); // tip min(3, 3 - 1) = 2, arrives after b0
    let d0 = eip1559(3, 0, gwei(1) / 2, U256::zero()); // fee cap below the base fee
    let d1 = eip1559(3, 1, gwei(50), gwei(50)); // waits for d0
    for (i, tx) in [(1, b1.clone()), (0, a0.clone()), (1, b0.clone()), (2, c0.clone())] {
        pool.add(tx, addr(i), rich(), base_fee).unwrap();
    }
    pool.add(d0.clone(), addr(3), rich(), base_fee).unwrap();
    pool.add(d1.clone(), addr(3), rich(), base_fee).unwrap();
    assert_eq!(pool.status(), PoolStatus { pending: 6, queued: 0 });
    assert_eq!(
        hashes(pool.best_transactions(base_fee)),
        vec![a0.hash(), b0.hash(), b1.hash(), c0.hash()]
    );
    // With no base fee the tips are the caps: a0 4, c0 3, b0 2 (then b1 9), and d0 (tip 0)
    // comes last and releases d1 (tip 50) right after.
    let all = hashes(pool.best_transactions(U256::zero()));
    assert_eq!(all, vec![a0.hash(), c0.hash(), b0.hash(), b1.hash(), d0.hash(), d1.hash()]);
    assert_eq!(all, hashes(pool.best_transactions(U256::zero())), "deterministic");
}

#[test]
fn equal_tips_go_by_arrival() {
    let mut pool = pool();
    let txs: Vec<_> = (0..4).map(|i| eip1559(i, 0, gwei(5), gwei(2))).collect();
    for i in [2, 0, 3, 1] {
        pool.add(txs[i].clone(), addr(i), rich(), gwei(1)).unwrap();
    }
    let order: Vec<_> = [2, 0, 3, 1].iter().map(|&i| txs[i].hash()).collect();
    assert_eq!(hashes(pool.best_transactions(gwei(1))), order);
}

#[test]
fn mark_invalid_skips_the_rest_of_a_sender() {
    let mut pool = pool();
    for nonce in 0..3 {
        pool.add(eip1559(0, nonce, gwei(10), gwei(5)), addr(0), rich(), gwei(1)).unwrap();
    }
    let b0 = eip1559(1, 0, gwei(10), gwei(1));
    pool.add(b0.clone(), addr(1), rich(), gwei(1)).unwrap();
    let mut best = pool.best_transactions(gwei(1));
    let first = best.next().unwrap();
    assert_eq!((first.sender(), first.nonce()), (addr(0), 0));
    best.mark_invalid(addr(0));
    assert_eq!(hashes(best), vec![b0.hash()]);
}

#[test]
fn nonce_gaps_queue_until_filled() {
    let mut pool = pool();
    let txs: Vec<_> = (0..4).map(|n| eip1559(0, n, gwei(2), gwei(1))).collect();
    let first = pool.add(txs[0].clone(), addr(0), rich(), gwei(1)).unwrap();
    assert_eq!(first.status, TxStatus::Pending);
    for n in [2, 3] {
        let outcome = pool.add(txs[n].clone(), addr(0), rich(), gwei(1)).unwrap();
        assert_eq!(outcome.status, TxStatus::Queued);
        assert!(outcome.promoted.is_empty());
    }
    assert_eq!(pool.status(), PoolStatus { pending: 1, queued: 2 });
    assert_eq!(pool.status_of(&txs[2].hash()), Some(TxStatus::Queued));
    assert_eq!(hashes(pool.best_transactions(gwei(1))), vec![txs[0].hash()]);
    assert_eq!(pool.drain_new_pending(), vec![txs[0].hash()]);

    let filled = pool.add(txs[1].clone(), addr(0), rich(), gwei(1)).unwrap();
    assert_eq!(filled.status, TxStatus::Pending);
    assert_eq!(filled.promoted, vec![txs[2].hash(), txs[3].hash()]);
    assert_eq!(pool.status(), PoolStatus { pending: 4, queued: 0 });
    assert_eq!(pool.status_of(&txs[3].hash()), Some(TxStatus::Pending));
    assert_eq!(pool.drain_new_pending(), hashes_of(&txs[1..]));
    assert!(pool.drain_new_pending().is_empty());
    assert_eq!(hashes(pool.best_transactions(gwei(1))), hashes_of(&txs));

    let content = pool.content();
    assert_eq!(content.pending[&addr(0)].keys().copied().collect::<Vec<_>>(), vec![0, 1, 2, 3]);
    assert!(content.queued.is_empty());
}

fn hashes_of(txs: &[basalt_primitives::SignedTransaction]) -> Vec<H256> {
    txs.iter().map(|tx| tx.hash()).collect()
}

#[test]
fn replacement_needs_a_ten_percent_bump_of_both_caps() {
    let mut pool = pool();
    let old = eip1559(0, 0, gwei(100), gwei(10));
    pool.add(old.clone(), addr(0), rich(), gwei(1)).unwrap();
    let underpriced = |pool: &mut basalt_txpool::TxPool, tx| {
        let err = pool.add(tx, addr(0), rich(), gwei(1)).unwrap_err();
        assert_eq!(err, PoolError::ReplacementUnderpriced { existing: old.hash() });
        assert_eq!(err.to_string(), "replacement transaction underpriced");
    };
    // 9%: rejected; a 10% fee bump with the tip at 9%: rejected; tip bumped alone: rejected.
    underpriced(&mut pool, eip1559(0, 0, gwei(109), gwei(10) * 109 / 100));
    underpriced(&mut pool, eip1559(0, 0, gwei(110), gwei(10) * 109 / 100));
    underpriced(&mut pool, eip1559(0, 0, gwei(100), gwei(20)));
    // 10% on both: accepted.
    let new = eip1559(0, 0, gwei(110), gwei(11));
    let outcome = pool.add(new.clone(), addr(0), rich(), gwei(1)).unwrap();
    assert_eq!(outcome.replaced, Some(old.hash()));
    assert_eq!(outcome.status, TxStatus::Pending);
    assert!(!pool.contains(&old.hash()));
    assert_eq!(pool.get(&new.hash()).unwrap().hash(), new.hash());
    assert_eq!(pool.status(), PoolStatus { pending: 1, queued: 0 });

    // Legacy: the gas price is both caps. Queued transactions are replaceable too.
    let queued = legacy(1, 5, U256::from(100u64));
    pool.add(queued.clone(), addr(1), rich(), gwei(1)).unwrap();
    let err = pool.add(legacy(1, 5, U256::from(109u64)), addr(1), rich(), gwei(1)).unwrap_err();
    assert!(matches!(err, PoolError::ReplacementUnderpriced { .. }));
    let outcome = pool.add(legacy(1, 5, U256::from(110u64)), addr(1), rich(), gwei(1)).unwrap();
    assert_eq!((outcome.status, outcome.replaced), (TxStatus::Queued, Some(queued.hash())));

    // geth rounds the threshold down (15 * 110 / 100 = 16) but always wants a strict raise.
    pool.add(legacy(2, 0, U256::from(15u64)), addr(2), rich(), gwei(1)).unwrap();
    pool.add(legacy(2, 0, U256::from(16u64)), addr(2), rich(), gwei(1)).unwrap();
    pool.add(legacy(3, 0, U256::from(1u64)), addr(3), rich(), gwei(1)).unwrap();
    pool.add(legacy(3, 0, U256::from(2u64)), addr(3), rich(), gwei(1)).unwrap();
    let err = pool.add(legacy(3, 0, U256::from(2u64) + 0), addr(3), rich(), gwei(1));
    assert!(matches!(err, Err(PoolError::AlreadyKnown { .. })));
}

#[test]
fn duplicates_are_already_known() {
    let mut pool = pool();
    let tx = eip1559(0, 0, gwei(2), gwei(1));
    pool.add(tx.clone(), addr(0), rich(), gwei(1)).unwrap();
    let err = pool.add(tx.clone(), addr(0), rich(), gwei(1)).unwrap_err();
    assert_eq!(err, PoolError::AlreadyKnown { hash: tx.hash() });
    assert_eq!(err.to_string(), "already known");
    assert_eq!(pool.len(), 1);
}

#[test]
fn funds_cover_the_senders_earlier_transactions_too() {
    let mut pool = pool();
    let value = U256::exp10(18);
    let cost = gwei(2) * 21_000 + value;
    let account = AccountState { nonce: 0, balance: cost * 2 };
    pool.add(eip1559_value(0, 0, gwei(2), gwei(1), value), addr(0), account, gwei(1)).unwrap();
    pool.add(eip1559_value(0, 1, gwei(2), gwei(1), value), addr(0), account, gwei(1)).unwrap();
    let err = pool
        .add(eip1559_value(0, 2, gwei(2), gwei(1), value), addr(0), account, gwei(1))
        .unwrap_err();
    assert_eq!(
        err,
        PoolError::InsufficientFunds { sender: addr(0), balance: cost * 2, cost: cost * 3 }
    );
    assert!(err.to_string().starts_with("insufficient funds for gas * price + value"));
    // A queued transaction behind a gap counts too.
    let err = pool
        .add(eip1559_value(0, 7, gwei(2), gwei(1), value), addr(0), account, gwei(1))
        .unwrap_err();
    assert!(matches!(err, PoolError::InsufficientFunds { .. }));
    // Alone, one transaction dearer than the whole balance.
    let poor = AccountState { nonce: 0, balance: cost - 1 };
    let err =
        pool.add(eip1559_value(1, 0, gwei(2), gwei(1), value), addr(1), poor, gwei(1)).unwrap_err();
    assert_eq!(err, PoolError::InsufficientFunds { sender: addr(1), balance: cost - 1, cost });
    // A replacement is charged instead of, not on top of, the transaction it replaces.
    pool.add(eip1559_value(0, 1, gwei(2), gwei(2), value), addr(0), account, gwei(1)).unwrap_err();
    let cheaper = eip1559_value(0, 1, gwei(3), gwei(2), U256::zero());
    pool.add(cheaper, addr(0), account, gwei(1)).unwrap();
    assert_eq!(pool.len(), 2);
}

#[test]
fn stateless_and_nonce_errors_use_geths_words() {
    let mut pool = pool_with(|c| c.min_priority_fee = U256::from(5u64));
    let account = AccountState { nonce: 3, ..rich() };
    let err = pool.add(eip1559(0, 2, gwei(2), gwei(1)), addr(0), account, gwei(1)).unwrap_err();
    assert_eq!(err, PoolError::NonceTooLow { sender: addr(0), nonce: 2, state_nonce: 3 });
    assert!(err.to_string().starts_with("nonce too low"));

    let other_chain =
        sign(0, TxEip1559 { chain_id: 1, nonce: 3, gas_limit: 21_000, ..Default::default() });
    let err = pool.add(other_chain, addr(0), account, gwei(1)).unwrap_err();
    assert_eq!(err, PoolError::WrongChainId { expected: CHAIN_ID, found: 1 });

    let huge = sign(
        0,
        TxLegacy {
            chain_id: Some(CHAIN_ID),
            nonce: 3,
            gas_price: gwei(1),
            gas_limit: BLOCK_GAS_LIMIT + 1,
            ..Default::default()
        },
    );
    let err = pool.add(huge, addr(0), account, gwei(1)).unwrap_err();
    assert_eq!(err.to_string(), "exceeds block gas limit");

    let starved = sign(
        0,
        TxLegacy {
            chain_id: Some(CHAIN_ID),
            nonce: 3,
            gas_price: gwei(1),
            gas_limit: 20_999,
            to: TxKind::Call(Default::default()),
            ..Default::default()
        },
    );
    let err = pool.add(starved, addr(0), account, gwei(1)).unwrap_err();
    assert!(matches!(err, PoolError::Invalid(ValidationError::IntrinsicGasTooLow { .. })));
    assert!(err.to_string().starts_with("intrinsic gas too low"));

    let err = pool.add(eip1559(0, 3, gwei(1), gwei(2)), addr(0), account, gwei(1)).unwrap_err();
    assert!(err.to_string().starts_with("max priority fee per gas higher than max fee per gas"));

    let err =
        pool.add(eip1559(0, 3, gwei(2), U256::from(4u64)), addr(0), account, gwei(1)).unwrap_err();
    assert_eq!(
        err,
        PoolError::Underpriced { tip_cap: U256::from(4u64), minimum: U256::from(5u64) }
    );
    assert!(err.to_string().starts_with("transaction underpriced"));
    pool.add(eip1559(0, 3, gwei(2), U256::from(5u64)), addr(0), account, gwei(1)).unwrap();

    // An unprotected legacy transaction has no chain id to check: the caller's policy
    // decided at recovery.
    let unprotected = sign(
        1,
        TxLegacy {
            chain_id: None,
            gas_price: gwei(1),
            gas_limit: 21_000,
            to: TxKind::Call(Default::default()),
            ..Default::default()
        },
    );
    pool.add(unprotected, addr(1), rich(), gwei(1)).unwrap();
    assert_eq!(pool.len(), 2);
}

#[test]
fn pending_nonce_follows_the_gapless_run() {
    let mut pool = pool();
    let account = AccountState { nonce: 5, ..rich() };
    assert_eq!(pool.pending_nonce(addr(0), 5), 5);
    for n in [5, 6, 8] {
        pool.add(eip1559(0, n, gwei(2), gwei(1)), addr(0), account, gwei(1)).unwrap();
    }
    assert_eq!(pool.pending_nonce(addr(0), 5), 7);
    assert_eq!(pool.pending_nonce(addr(0), 4), 4);
    assert_eq!(pool.pending_nonce(addr(1), 9), 9);
    pool.add(eip1559(0, 7, gwei(2), gwei(1)), addr(0), account, gwei(1)).unwrap();
    assert_eq!(pool.pending_nonce(addr(0), 5), 9);
}

#[test]
fn per_sender_limits_overflow_into_queued_then_refuse() {
    let mut pool = pool_with(|c| {
        c.max_pending_per_sender = 2;
        c.max_queued_per_sender = 2;
    });
    let txs: Vec<_> = (0..5).map(|n| eip1559(0, n, gwei(2), gwei(1))).collect();
    let statuses: Vec<_> = txs[..4]
        .iter()
        .map(|tx| pool.add(tx.clone(), addr(0), rich(), gwei(1)).unwrap().status)
        .collect();
    assert_eq!(
        statuses,
        [TxStatus::Pending, TxStatus::Pending, TxStatus::Queued, TxStatus::Queued]
    );
    let err = pool.add(txs[4].clone(), addr(0), rich(), gwei(1)).unwrap_err();
    assert_eq!(err, PoolError::AccountLimitExceeded { sender: addr(0), limit: 2 });
    assert!(err.to_string().starts_with("account limit exceeded"));
    assert_eq!(hashes(pool.best_transactions(gwei(1))), hashes_of(&txs[..2]));

    // Mining the first two promotes the overflow.
    let mined = hashes_of(&txs[..2]);
    let update = pool.on_new_block(&mined, |_| AccountState { nonce: 2, ..rich() }, gwei(1));
    assert_eq!(update.mined, mined);
    assert_eq!(update.promoted, hashes_of(&txs[2..4]));
    assert_eq!(pool.status(), PoolStatus { pending: 2, queued: 0 });
}

#[test]
fn a_gap_that_queues_too_many_drops_the_highest_nonces() {
    let mut pool = pool_with(|c| {
        c.max_pending_per_sender = 2;
        c.max_queued_per_sender = 2;
    });
    let txs: Vec<_> = (0..4).map(|n| eip1559(0, n, gwei(2), gwei(1))).collect();
    for tx in &txs {
        pool.add(tx.clone(), addr(0), rich(), gwei(1)).unwrap();
    }
    assert_eq!(pool.status(), PoolStatus { pending: 2, queued: 2 });
    pool.remove(&txs[0].hash()).unwrap();
    assert_eq!(pool.status(), PoolStatus { pending: 0, queued: 2 });
    assert!(!pool.contains(&txs[3].hash()));
    // The nonce can be filled again.
    let outcome = pool.add(txs[0].clone(), addr(0), rich(), gwei(1)).unwrap();
    assert_eq!(outcome.promoted, vec![txs[1].hash()]);
    assert_eq!(pool.status(), PoolStatus { pending: 2, queued: 1 });
}

#[test]
fn a_full_pool_evicts_the_cheapest_tail_of_another_sender() {
    let mut pool = pool_with(|c| c.max_total = 4);
    let base_fee = gwei(1);
    // Sender 0: two pending with high tips. Sender 1: pending nonce 0 (cheap) and 1 (dear).
    // Sender 2: a queued transaction with a high tip.
    let a0 = eip1559(0, 0, gwei(20), gwei(10));
    let a1 = eip1559(0, 1, gwei(20), gwei(10));
    let b0 = eip1559(1, 0, gwei(20), gwei(1));
    let c5 = eip1559(2, 5, gwei(20), gwei(15));
    for (i, tx) in [(0, &a0), (0, &a1), (1, &b0), (2, &c5)] {
        pool.add(tx.clone(), addr(i), rich(), base_fee).unwrap();
    }
    assert_eq!(pool.len(), 4);

    // A pending newcomer evicts the queued transaction first, whatever its tip.
    let d0 = eip1559(3, 0, gwei(20), gwei(2));
    let outcome = pool.add(d0.clone(), addr(3), rich(), base_fee).unwrap();
    assert_eq!(outcome.discarded, vec![c5.hash()]);
    assert_eq!(pool.len(), 4);

    // Next the lowest-tip pending tail (b0, tip 1) of another sender.
    let a2 = eip1559(0, 2, gwei(20), gwei(3));
    let outcome = pool.add(a2.clone(), addr(0), rich(), base_fee).unwrap();
    assert_eq!(outcome.discarded, vec![b0.hash()]);

    // Now sender 0 holds three and sender 3 one, all tipping at least 2: a newcomer tipping
    // 2 cannot evict d0 (equal rank) nor a0/a1 (not tails), and is refused.
    let e0 = eip1559(1, 0, gwei(20), gwei(2));
    let err = pool.add(e0, addr(1), rich(), base_fee).unwrap_err();
    assert_eq!(err, PoolError::PoolFull { max_total: 4 });
    assert_eq!(err.to_string(), "txpool is full");
    // A queued newcomer cannot evict pending transactions.
    let err = pool.add(eip1559(1, 9, gwei(90), gwei(90)), addr(1), rich(), base_fee).unwrap_err();
    assert!(matches!(err, PoolError::PoolFull { .. }));
    // A richer newcomer evicts d0 (a tail); a0 and a1 stay, so a2 keeps its predecessors.
    let f0 = eip1559(2, 0, gwei(20), gwei(5));
    let outcome = pool.add(f0, addr(2), rich(), base_fee).unwrap();
    assert_eq!(outcome.discarded, vec![d0.hash()]);
    assert!(pool.contains(&a0.hash()) && pool.contains(&a1.hash()) && pool.contains(&a2.hash()));
    assert_eq!(pool.status(), PoolStatus { pending: 4, queued: 0 });

    // A sender never evicts its own transactions.
    let mut pool = pool_with(|c| c.max_total = 2);
    pool.add(eip1559(0, 0, gwei(2), gwei(1)), addr(0), rich(), base_fee).unwrap();
    pool.add(eip1559(0, 1, gwei(2), gwei(1)), addr(0), rich(), base_fee).unwrap();
    let err = pool.add(eip1559(0, 2, gwei(90), gwei(90)), addr(0), rich(), base_fee).unwrap_err();
    assert_eq!(err, PoolError::PoolFull { max_total: 2 });
    // Replacing does not grow the pool, so it needs no room.
    pool.add(eip1559(0, 1, gwei(90), gwei(90)), addr(0), rich(), base_fee).unwrap();
}

#[test]
fn a_new_block_removes_mined_and_stale_and_revalidates_balances() {
    let mut pool = pool();
    let value = U256::exp10(18);
    let txs: Vec<_> = (0..4).map(|n| eip1559_value(0, n, gwei(2), gwei(1), value)).collect();
    let cost = txs_cost(&txs[0]);
    let account = AccountState { nonce: 0, balance: cost * 4 };
    for tx in &txs {
        pool.add(tx.clone(), addr(0), account, gwei(1)).unwrap();
    }
    let other = eip1559(1, 0, gwei(2), gwei(1));
    pool.add(other.clone(), addr(1), rich(), gwei(1)).unwrap();
    assert_eq!(pool.status(), PoolStatus { pending: 5, queued: 0 });
    pool.drain_new_pending();

    // Block 1 mines txs[0]; the sender paid for it and lost more elsewhere: enough is left
    // for txs[1] and txs[2] only, so txs[3] is demoted (still affordable alone).
    let update = pool.on_new_block(
        &[txs[0].hash(), H256::repeat_byte(0x77)],
        |a| if a == addr(0) { AccountState { nonce: 1, balance: cost * 2 } } else { rich() },
        gwei(1),
    );
    assert_eq!(update.mined, vec![txs[0].hash()]);
    assert_eq!(update.demoted, vec![txs[3].hash()]);
    assert!(update.discarded.is_empty() && update.promoted.is_empty());
    assert_eq!(pool.status(), PoolStatus { pending: 3, queued: 1 });
    assert_eq!(pool.status_of(&txs[3].hash()), Some(TxStatus::Queued));

    // Block 2 mines txs[1] under another hash (nonce 2 now), and the balance falls below
    // one transaction's cost: txs[1] is stale, txs[2] and txs[3] unpayable.
    let update = pool.on_new_block(
        &[],
        |a| if a == addr(0) { AccountState { nonce: 2, balance: cost - 1 } } else { rich() },
        gwei(1),
    );
    assert_eq!(update.discarded, hashes_of(&txs[1..]));
    assert_eq!(pool.status(), PoolStatus { pending: 1, queued: 0 });
    assert!(pool.contains(&other.hash()));
    assert!(pool.drain_new_pending().is_empty());
}

#[test]
fn funds_arriving_promote_queued_transactions() {
    let mut pool = pool();
    let tx0 = eip1559(0, 0, gwei(2), gwei(1));
    let tx1 = eip1559(0, 1, gwei(2), gwei(1));
    let cost = txs_cost(&tx0);
    let account = AccountState { nonce: 0, balance: cost * 2 };
    pool.add(tx0.clone(), addr(0), account, gwei(1)).unwrap();
    pool.add(tx1.clone(), addr(0), account, gwei(1)).unwrap();
    pool.on_new_block(&[], |_| AccountState { nonce: 0, balance: cost + 1 }, gwei(1));
    assert_eq!(pool.status(), PoolStatus { pending: 1, queued: 1 });
    let update = pool.on_new_block(&[], |_| AccountState { nonce: 0, balance: cost * 3 }, gwei(1));
    assert_eq!(update.promoted, vec![tx1.hash()]);
    assert_eq!(pool.status(), PoolStatus { pending: 2, queued: 0 });
}

#[test]
fn removing_a_transaction_queues_its_successors() {
    let mut pool = pool();
    let txs: Vec<_> = (0..3).map(|n| eip1559(0, n, gwei(2), gwei(1))).collect();
    for tx in &txs {
        pool.add(tx.clone(), addr(0), rich(), gwei(1)).unwrap();
    }
    let removed = pool.remove(&txs[1].hash()).unwrap();
    assert_eq!(removed.nonce(), 1);
    assert!(pool.remove(&txs[1].hash()).is_none());
    assert_eq!(pool.status(), PoolStatus { pending: 1, queued: 1 });
    let content = pool.content();
    assert_eq!(content.pending[&addr(0)].keys().copied().collect::<Vec<_>>(), vec![0]);
    assert_eq!(content.queued[&addr(0)].keys().copied().collect::<Vec<_>>(), vec![2]);
    pool.remove(&txs[0].hash()).unwrap();
    pool.remove(&txs[2].hash()).unwrap();
    assert!(pool.is_empty());
    assert_eq!(pool.status(), PoolStatus::default());
    assert_eq!(pool.content(), Default::default());
}

fn txs_cost(tx: &basalt_primitives::SignedTransaction) -> U256 {
    let inner = tx.transaction();
    inner.max_fee_per_gas() * inner.gas_limit() + inner.value()
}

#[test]
fn the_pool_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<basalt_txpool::TxPool>();
    assert_send_sync::<basalt_txpool::BestTransactions>();
    assert_send_sync::<basalt_txpool::PooledTx>();
}
