//! The pool against a simple model of the chain: random sequences of adds, mined blocks,
//! removals and balance changes, checking after every step that
//!
//! - each sender's pending transactions form a gapless nonce run starting at its account
//!   nonce, affordable in total, within the per-sender limit;
//! - queued, total and status counts agree with the content and stay within the limits;
//! - `best_transactions` yields every pending transaction exactly once (with no base fee),
//!   each sender's in nonce order, and under a base fee only prefixes of the pending runs,
//!   starting with the highest effective tip;
//! - mining what `best_transactions` yields always executes in nonce order and never
//!   overdraws an account;
//! - admission answers agree with the model (nonce too low, duplicates).

#![allow(clippy::unwrap_used)]

mod common;

use basalt_primitives::{Address, SignedTransaction, H256, U256};
use basalt_txpool::{AccountState, PoolConfig, PoolError, TxPool};
use common::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, HashSet};

const SENDERS: usize = 3;

#[derive(Clone, Debug)]
enum Op {
    /// Sign and add a transaction `nonce_offset - 1` past the sender's account nonce
    /// (so offset 0 is one below it).
    Add { sender: usize, nonce_offset: u64, legacy: bool, fee: u64, tip: u64, value: u64 },
    /// Re-add one of the transactions signed so far.
    Resend { index: prop::sample::Index },
    /// Mine up to `count` transactions from `best_transactions(base_fee)`.
    Mine { count: usize, base_fee: u64 },
    /// Remove one pooled transaction.
    Remove { index: prop::sample::Index },
    /// Set a sender's balance (an outside transfer) and tell the pool with an empty block.
    SetBalance { sender: usize, balance: u64 },
    /// Set a sender's balance to `percent` of what its pooled transactions cost together,
    /// where demotions and drops happen.
    Squeeze { sender: usize, percent: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0..SENDERS, 0u64..6, any::<bool>(), 1u64..5, 0u64..5, 0u64..3).prop_map(
            |(sender, nonce_offset, legacy, fee, tip, value)| Op::Add {
                sender, nonce_offset, legacy, fee, tip: tip.min(fee), value,
            }
        ),
        1 => any::<prop::sample::Index>().prop_map(|index| Op::Resend { index }),
        2 => (0usize..5, 0u64..4).prop_map(|(count, base_fee)| Op::Mine { count, base_fee }),
        1 => any::<prop::sample::Index>().prop_map(|index| Op::Remove { index }),
        1 => (0..SENDERS, 0u64..12).prop_map(|(sender, balance)| Op::SetBalance { sender, balance }),
        2 => (0..SENDERS, 0u64..130).prop_map(|(sender, percent)| Op::Squeeze { sender, percent }),
    ]
}

/// Value unit: a thousandth of an ether, so that a few transfers exhaust a small balance.
fn milli_eth(n: u64) -> U256 {
    U256::from(n) * U256::exp10(15)
}

struct Model {
    pool: TxPool,
    addresses: Vec<Address>,
    accounts: BTreeMap<Address, AccountState>,
    signed: Vec<SignedTransaction>,
    config: PoolConfig,
}

impl Model {
    fn new(initial_balances: &[u64]) -> Self {
        let mut config = PoolConfig::new(CHAIN_ID, BLOCK_GAS_LIMIT);
        config.max_pending_per_sender = 3;
        config.max_queued_per_sender = 3;
        config.max_total = 5;
        let addresses: Vec<_> = (0..SENDERS).map(addr).collect();
        let accounts = addresses
            .iter()
            .zip(initial_balances)
            .map(|(a, b)| (*a, AccountState { nonce: 0, balance: milli_eth(*b) }))
            .collect();
        Self { pool: TxPool::new(config.clone()), addresses, accounts, signed: vec![], config }
    }

    fn account(&self, sender: usize) -> AccountState {
        self.accounts[&self.addresses[sender]]
    }

    fn apply(&mut self, op: Op) {
        match op {
            Op::Add { sender, nonce_offset, legacy: is_legacy, fee, tip, value } => {
                let account = self.account(sender);
                let Some(nonce) = (account.nonce + nonce_offset).checked_sub(1) else { return };
                let tx = if is_legacy {
                    legacy(sender, nonce, gwei(fee))
                } else {
                    eip1559_value(sender, nonce, gwei(fee), gwei(tip), milli_eth(value))
                };
                self.signed.push(tx.clone());
                self.add(sender, tx);
            }
            Op::Resend { index } => {
                if self.signed.is_empty() {
                    return;
                }
                let tx = self.signed[index.index(self.signed.len())].clone();
                let sender = (0..SENDERS)
                    .find(|&i| tx.recover_sender().unwrap() == self.addresses[i])
                    .unwrap();
                self.add(sender, tx);
            }
            Op::Mine { count, base_fee } => self.mine(count, gwei(base_fee)),
            Op::Remove { index } => {
                let content = self.pool.content();
                let all: Vec<H256> = content
                    .pending
                    .values()
                    .chain(content.queued.values())
                    .flat_map(|txs| txs.values().map(|tx| tx.hash()))
                    .collect();
                if all.is_empty() {
                    return;
                }
                let hash = all[index.index(all.len())];
                assert_eq!(self.pool.remove(&hash).unwrap().hash(), hash);
                assert!(!self.pool.contains(&hash));
            }
            Op::SetBalance { sender, balance } => self.set_balance(sender, milli_eth(balance)),
            Op::Squeeze { sender, percent } => {
                let content = self.pool.content();
                let address = self.addresses[sender];
                let total = [&content.pending, &content.queued]
                    .iter()
                    .filter_map(|txs| txs.get(&address))
                    .flat_map(|txs| txs.values())
                    .fold(U256::zero(), |sum, tx| sum + tx.cost());
                self.set_balance(sender, total * percent / 100);
            }
        }
    }

    fn set_balance(&mut self, sender: usize, balance: U256) {
        let address = self.addresses[sender];
        self.accounts.get_mut(&address).unwrap().balance = balance;
        let accounts = self.accounts.clone();
        self.pool.on_new_block(&[], |a| accounts[&a], gwei(1));
    }

    fn add(&mut self, sender: usize, tx: SignedTransaction) {
        let account = self.account(sender);
        let nonce = tx.transaction().nonce();
        let known = self.pool.contains(&tx.hash());
        match self.pool.add(tx.clone(), self.addresses[sender], account, gwei(1)) {
            Ok(outcome) => {
                assert!(!known && nonce >= account.nonce);
                assert_eq!(outcome.hash, tx.hash());
                assert!(self.pool.contains(&tx.hash()));
                if let Some(old) = outcome.replaced {
                    assert!(!self.pool.contains(&old));
                }
            }
            Err(PoolError::AlreadyKnown { hash }) => assert!(known && hash == tx.hash()),
            Err(PoolError::NonceTooLow { .. }) => assert!(nonce < account.nonce),
            Err(
                PoolError::ReplacementUnderpriced { .. }
                | PoolError::InsufficientFunds { .. }
                | PoolError::AccountLimitExceeded { .. }
                | PoolError::PoolFull { .. },
            ) => assert!(!self.pool.contains(&tx.hash()) && nonce >= account.nonce),
            Err(other) => panic!("unexpected error {other}"),
        }
    }

    /// Executes up to `count` transactions in `best_transactions` order, charging each
    /// sender as the executor would (value + gas * effective price, all gas used).
    fn mine(&mut self, count: usize, base_fee: U256) {
        let mut mined = Vec::new();
        for tx in self.pool.best_transactions(base_fee).take(count) {
            let account = self.accounts.get_mut(&tx.sender()).unwrap();
            assert_eq!(tx.nonce(), account.nonce, "executed out of nonce order");
            let inner = tx.transaction().transaction();
            let price = inner.effective_gas_price(Some(base_fee));
            assert!(inner.max_fee_per_gas() >= base_fee);
            let charge = price * inner.gas_limit() + inner.value();
            account.balance = account.balance.checked_sub(charge).expect("overdrawn");
            account.nonce += 1;
            mined.push(tx.hash());
        }
        let accounts = self.accounts.clone();
        let update = self.pool.on_new_block(&mined, |a| accounts[&a], base_fee);
        assert_eq!(update.mined.iter().collect::<HashSet<_>>(), mined.iter().collect());
        for hash in &mined {
            assert!(!self.pool.contains(hash));
        }
    }

    fn check_invariants(&self) {
        let content = self.pool.content();
        let mut pending_total = 0;
        let mut queued_total = 0;
        for (address, txs) in &content.pending {
            let account = self.accounts[address];
            let nonces: Vec<u64> = txs.keys().copied().collect();
            let run: Vec<u64> = (account.nonce..account.nonce + nonces.len() as u64).collect();
            assert_eq!(nonces, run, "pending of {address:?} is not a gapless run from the nonce");
            assert!(txs.len() <= self.config.max_pending_per_sender);
            let spent = txs.values().fold(U256::zero(), |sum, tx| sum + tx.cost());
            assert!(spent <= account.balance, "pending of {address:?} overdraws");
            assert!(
                self.pool.pending_nonce(*address, account.nonce)
                    >= account.nonce + txs.len() as u64
            );
            pending_total += txs.len();
        }
        for (address, txs) in &content.queued {
            let account = self.accounts[address];
            let pending_end =
                account.nonce + content.pending.get(address).map_or(0, |p| p.len() as u64);
            assert!(txs.keys().all(|n| *n >= pending_end), "queued below the pending run");
            assert!(txs.len() <= self.config.max_queued_per_sender);
            assert!(txs.values().all(|tx| tx.cost() <= account.balance));
            queued_total += txs.len();
        }
        assert!(pending_total + queued_total <= self.config.max_total);
        let status = self.pool.status();
        assert_eq!((status.pending, status.queued), (pending_total, queued_total));
        assert_eq!(self.pool.len(), pending_total + queued_total);

        // With no base fee, every pending transaction comes out once, in nonce order.
        let pending: HashSet<H256> =
            content.pending.values().flat_map(|txs| txs.values().map(|tx| tx.hash())).collect();
        let yielded: Vec<_> = self.pool.best_transactions(U256::zero()).collect();
        assert_eq!(yielded.len(), pending.len());
        assert_eq!(yielded.iter().map(|tx| tx.hash()).collect::<HashSet<_>>(), pending);
        check_nonce_order(&yielded, &self.accounts);

        // Under a base fee, a prefix of each run, starting with the best head.
        let base_fee = gwei(2);
        let yielded: Vec<_> = self.pool.best_transactions(base_fee).collect();
        check_nonce_order(&yielded, &self.accounts);
        assert!(yielded.iter().all(|tx| tx.max_fee_per_gas() >= base_fee));
        let best_head = content
            .pending
            .values()
            .filter_map(|txs| txs.values().next()?.effective_tip(base_fee))
            .max();
        assert_eq!(yielded.first().and_then(|tx| tx.effective_tip(base_fee)), best_head);
    }
}

/// Each sender's yielded nonces are `account.nonce, account.nonce + 1, …`.
fn check_nonce_order(
    yielded: &[std::sync::Arc<basalt_txpool::PooledTx>],
    accounts: &BTreeMap<Address, AccountState>,
) {
    let mut next: BTreeMap<Address, u64> =
        accounts.iter().map(|(a, account)| (*a, account.nonce)).collect();
    for tx in yielded {
        let expected = next.get_mut(&tx.sender()).unwrap();
        assert_eq!(tx.nonce(), *expected, "best_transactions broke nonce order");
        *expected += 1;
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn pool_matches_the_model(
        balances in prop::collection::vec(prop_oneof![Just(0u64), 1u64..8, Just(1_000_000)], SENDERS),
        ops in prop::collection::vec(op(), 1..40),
    ) {
        let mut model = Model::new(&balances);
        for op in ops {
            model.apply(op);
            model.check_invariants();
        }
    }
}
