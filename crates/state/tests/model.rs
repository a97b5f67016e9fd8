//! Property test: random operation sequences, with random nested checkpoints,
//! reverts, transaction ends and block commits, against a simple model that
//! clones its whole state at every checkpoint. Every read and every committed
//! root must agree.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::{BTreeMap, BTreeSet};

use basalt_primitives::{Address, Log, H256, U256};
use basalt_state::{Checkpoint, JournaledState, MemoryBackend, StateReader};
use common::{expected_root, genesis, Expected};
use proptest::prelude::*;

const ADDRESSES: usize = 4;
const SLOTS: usize = 3;

fn address(i: usize) -> Address {
    Address::repeat_byte(0x10 + i as u8)
}

fn slot(i: usize) -> H256 {
    H256::from_low_u64_be(i as u64 + 1)
}

#[derive(Clone, Debug)]
enum Op {
    AddBalance(usize, U256),
    SubBalance(usize, U256),
    SetBalance(usize, U256),
    Transfer(usize, usize, U256),
    IncrementNonce(usize),
    SetNonce(usize, u64),
    SetStorage(usize, usize, H256),
    SetCode(usize, Vec<u8>),
    PushLog(usize),
    AccessAccount(usize),
    AccessSlot(usize, usize),
    Touch(usize),
    Create(usize),
    SelfDestruct(usize, usize),
    Checkpoint,
    Revert(usize),
    CommitCheckpoint(usize),
    FinalizeTransaction,
    CommitBlock,
}

fn amount() -> impl Strategy<Value = U256> {
    prop_oneof![
        Just(U256::zero()),
        Just(U256::one()),
        (1u64..2000).prop_map(U256::from),
        Just(U256::MAX),
    ]
}

fn word() -> impl Strategy<Value = H256> {
    prop_oneof![
        2 => Just(H256::zero()),
        3 => (1u64..4).prop_map(H256::from_low_u64_be),
        1 => Just(H256::repeat_byte(0xab)),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let a = 0..ADDRESSES;
    let s = 0..SLOTS;
    prop_oneof![
        1 => (a.clone(), amount()).prop_map(|(a, x)| Op::AddBalance(a, x)),
        1 => (a.clone(), amount()).prop_map(|(a, x)| Op::SubBalance(a, x)),
        1 => (a.clone(), amount()).prop_map(|(a, x)| Op::SetBalance(a, x)),
        1 => (a.clone(), a.clone(), amount()).prop_map(|(a, b, x)| Op::Transfer(a, b, x)),
        1 => a.clone().prop_map(Op::IncrementNonce),
        1 => (a.clone(), prop_oneof![Just(0u64), Just(1), Just(u64::MAX)])
            .prop_map(|(a, n)| Op::SetNonce(a, n)),
        3 => (a.clone(), s.clone(), word()).prop_map(|(a, s, w)| Op::SetStorage(a, s, w)),
        1 => (a.clone(), prop_oneof![Just(vec![]), Just(b"c1".to_vec()), Just(b"c2".to_vec())])
            .prop_map(|(a, c)| Op::SetCode(a, c)),
        1 => a.clone().prop_map(Op::PushLog),
        1 => a.clone().prop_map(Op::AccessAccount),
        1 => (a.clone(), s).prop_map(|(a, s)| Op::AccessSlot(a, s)),
        1 => a.clone().prop_map(Op::Touch),
        1 => a.clone().prop_map(Op::Create),
        1 => (a.clone(), a).prop_map(|(a, b)| Op::SelfDestruct(a, b)),
        3 => Just(Op::Checkpoint),
        2 => any::<usize>().prop_map(Op::Revert),
        2 => any::<usize>().prop_map(Op::CommitCheckpoint),
        1 => Just(Op::FinalizeTransaction),
        1 => Just(Op::CommitBlock),
    ]
}

/// What a checkpoint saves: everything that a revert restores.
#[derive(Clone, Debug, Default)]
struct Frame {
    accounts: BTreeMap<Address, Expected>,
    touched: BTreeSet<Address>,
    created: BTreeSet<Address>,
    destructed: BTreeSet<Address>,
    warm_accounts: BTreeSet<Address>,
    warm_slots: BTreeSet<(Address, H256)>,
    logs: Vec<Log>,
}

#[derive(Debug)]
struct Model {
    now: Frame,
    saved: Vec<Frame>,
    tx_start: BTreeMap<Address, Expected>,
}

impl Model {
    fn balance(&self, a: Address) -> U256 {
        self.now.accounts.get(&a).map_or(U256::zero(), |x| x.balance)
    }

    fn account(&mut self, a: Address) -> &mut Expected {
        self.now.touched.insert(a);
        self.now.accounts.entry(a).or_default()
    }

    fn word(accounts: &BTreeMap<Address, Expected>, a: Address, s: H256) -> H256 {
        accounts.get(&a).and_then(|x| x.storage.get(&s).copied()).unwrap_or_default()
    }

    fn finalize(&mut self) -> Vec<Log> {
        let now = &mut self.now;
        for a in now.touched.union(&now.destructed).copied().collect::<Vec<_>>() {
            let dead = now
                .accounts
                .get(&a)
                .is_none_or(|x| x.nonce == 0 && x.balance.is_zero() && x.code.is_empty());
            if now.destructed.contains(&a) || (now.touched.contains(&a) && dead) {
                now.accounts.remove(&a);
            }
        }
        now.touched.clear();
        now.created.clear();
        now.destructed.clear();
        now.warm_accounts.clear();
        now.warm_slots.clear();
        self.saved.clear();
        self.tx_start = now.accounts.clone();
        std::mem::take(&mut now.logs)
    }
}

fn log_of(a: Address, n: usize) -> Log {
    Log { address: a, topics: vec![H256::from_low_u64_be(n as u64)], data: vec![n as u8] }
}

fn genesis_accounts() -> BTreeMap<Address, Expected> {
    let mut accounts = BTreeMap::new();
    accounts.insert(
        address(0),
        Expected {
            nonce: 1,
            balance: U256::from(1000),
            code: b"c0".to_vec(),
            storage: [(slot(0), H256::from_low_u64_be(5)), (slot(1), H256::from_low_u64_be(6))]
                .into(),
        },
    );
    accounts.insert(address(1), Expected { balance: U256::MAX - 5, ..Expected::default() });
    // An empty account that exists: EIP-161 deletes it once touched.
    accounts.insert(address(2), Expected::default());
    accounts
}

fn check_reads(
    state: &mut JournaledState<MemoryBackend>,
    model: &Model,
) -> Result<(), TestCaseError> {
    for i in 0..ADDRESSES {
        let a = address(i);
        let want = model.now.accounts.get(&a);
        prop_assert_eq!(state.exists(a).unwrap(), want.is_some(), "exists {}", i);
        prop_assert_eq!(state.balance(a).unwrap(), model.balance(a));
        prop_assert_eq!(state.nonce(a).unwrap(), want.map_or(0, |x| x.nonce));
        prop_assert_eq!(
            state.code(a).unwrap().to_vec(),
            want.map(|x| x.code.clone()).unwrap_or_default()
        );
        prop_assert_eq!(state.is_warm_account(a), model.now.warm_accounts.contains(&a));
        prop_assert_eq!(state.is_self_destructed(a), model.now.destructed.contains(&a));
        prop_assert_eq!(state.created_in_transaction(a), model.now.created.contains(&a));
        for j in 0..SLOTS {
            let s = slot(j);
            prop_assert_eq!(state.storage(a, s).unwrap(), Model::word(&model.now.accounts, a, s));
            prop_assert_eq!(state.is_warm_slot(a, s), model.now.warm_slots.contains(&(a, s)));
            if !model.now.created.contains(&a) {
                prop_assert_eq!(
                    state.original_storage(a, s).unwrap(),
                    Model::word(&model.tx_start, a, s)
                );
            }
        }
    }
    prop_assert_eq!(state.logs(), model.now.logs.as_slice());
    prop_assert_eq!(state.depth(), model.saved.len());
    Ok(())
}

fn run(ops: Vec<Op>) -> Result<(), TestCaseError> {
    let backend = MemoryBackend::new();
    let accounts = genesis_accounts();
    let genesis_root = genesis(&backend, &accounts);
    let mut model = Model {
        now: Frame { accounts: accounts.clone(), ..Frame::default() },
        saved: Vec::new(),
        tx_start: accounts.clone(),
    };
    let mut state = JournaledState::new(backend.clone(), genesis_root);
    let mut checkpoints: Vec<Checkpoint> = Vec::new();
    let mut roots = vec![(genesis_root, accounts)];

    for (n, op) in ops.into_iter().enumerate() {
        match op {
            Op::AddBalance(i, x) => {
                let a = address(i);
                let sum = model.balance(a).checked_add(x);
                prop_assert_eq!(state.add_balance(a, x).is_ok(), sum.is_some());
                if let Some(sum) = sum {
                    model.account(a).balance = sum;
                }
            }
            Op::SubBalance(i, x) => {
                let a = address(i);
                let rest = model.balance(a).checked_sub(x);
                prop_assert_eq!(state.sub_balance(a, x).is_ok(), rest.is_some());
                if let Some(rest) = rest {
                    model.account(a).balance = rest;
                }
            }
            Op::SetBalance(i, x) => {
                state.set_balance(address(i), x).unwrap();
                model.account(address(i)).balance = x;
            }
            Op::Transfer(i, j, x) => {
                let (a, b) = (address(i), address(j));
                let ok =
                    model.balance(a) >= x && (a == b || model.balance(b).checked_add(x).is_some());
                prop_assert_eq!(state.transfer(a, b, x).is_ok(), ok);
                if ok {
                    model.account(a).balance -= x;
                    model.account(b).balance += x;
                }
            }
            Op::IncrementNonce(i) => {
                let a = address(i);
                let nonce = model.now.accounts.get(&a).map_or(0, |x| x.nonce);
                let got = state.increment_nonce(a);
                if nonce == u64::MAX {
                    prop_assert!(got.is_err());
                } else {
                    prop_assert_eq!(got.unwrap(), nonce);
                    model.account(a).nonce = nonce + 1;
                }
            }
            Op::SetNonce(i, x) => {
                state.set_nonce(address(i), x).unwrap();
                model.account(address(i)).nonce = x;
            }
            Op::SetStorage(i, j, w) => {
                let (a, s) = (address(i), slot(j));
                let prev = Model::word(&model.now.accounts, a, s);
                prop_assert_eq!(state.set_storage(a, s, w).unwrap(), prev);
                let account = model.account(a);
                if w.is_zero() {
                    account.storage.remove(&s);
                } else {
                    account.storage.insert(s, w);
                }
            }
            Op::SetCode(i, code) => {
                state.set_code(address(i), code.clone()).unwrap();
                model.account(address(i)).code = code;
            }
            Op::PushLog(i) => {
                state.push_log(log_of(address(i), n));
                model.now.logs.push(log_of(address(i), n));
            }
            Op::AccessAccount(i) => {
                let a = address(i);
                let warm = !model.now.warm_accounts.insert(a);
                prop_assert_eq!(state.access_account(a), warm);
            }
            Op::AccessSlot(i, j) => {
                let key = (address(i), slot(j));
                let warm = !model.now.warm_slots.insert(key);
                prop_assert_eq!(state.access_slot(key.0, key.1), warm);
            }
            Op::Touch(i) => {
                state.touch(address(i)).unwrap();
                model.now.touched.insert(address(i));
            }
            Op::Create(i) => {
                let a = address(i);
                state.create_account(a).unwrap();
                let balance = model.balance(a);
                *model.account(a) = Expected { balance, ..Expected::default() };
                model.now.created.insert(a);
            }
            Op::SelfDestruct(i, j) => {
                let (a, b) = (address(i), address(j));
                let balance = model.balance(a);
                let ok = a == b || model.balance(b).checked_add(balance).is_some();
                prop_assert_eq!(state.self_destruct(a, b).is_ok(), ok);
                if ok {
                    if a != b {
                        model.account(b).balance += balance;
                    }
                    model.account(a).balance = U256::zero();
                    model.now.destructed.insert(a);
                }
            }
            Op::Checkpoint => {
                checkpoints.push(state.checkpoint());
                model.saved.push(model.now.clone());
            }
            Op::Revert(k) => {
                if !checkpoints.is_empty() {
                    let k = k % checkpoints.len();
                    checkpoints.truncate(k + 1);
                    state.revert_to(checkpoints.pop().unwrap()).unwrap();
                    model.now = model.saved[k].clone();
                    model.saved.truncate(k);
                }
            }
            Op::CommitCheckpoint(k) => {
                if !checkpoints.is_empty() {
                    let k = k % checkpoints.len();
                    checkpoints.truncate(k + 1);
                    state.commit_checkpoint(checkpoints.pop().unwrap()).unwrap();
                    model.saved.truncate(k);
                }
            }
            Op::FinalizeTransaction => {
                prop_assert_eq!(state.finalize_transaction(), model.finalize());
                checkpoints.clear();
            }
            Op::CommitBlock => {
                prop_assert_eq!(state.finalize_transaction(), model.finalize());
                checkpoints.clear();
                let (root, changes) = state.commit().unwrap();
                prop_assert_eq!(root, expected_root(&model.now.accounts));
                backend.apply(changes);
                roots.push((root, model.now.accounts.clone()));
                state = JournaledState::new(backend.clone(), root);
            }
        }
        check_reads(&mut state, &model)?;
    }

    model.finalize();
    let (root, changes) = state.commit().unwrap();
    prop_assert_eq!(root, expected_root(&model.now.accounts));
    backend.apply(changes);
    roots.push((root, model.now.accounts.clone()));

    // Every root committed along the way still reads its own state.
    for (root, accounts) in roots {
        let reader = StateReader::new(backend.clone(), root);
        for i in 0..ADDRESSES {
            let a = address(i);
            let got = reader.account(&a).unwrap();
            prop_assert_eq!(got.map(|x| x.balance), accounts.get(&a).map(|x| x.balance));
            prop_assert_eq!(got.map(|x| x.nonce), accounts.get(&a).map(|x| x.nonce));
            for j in 0..SLOTS {
                let s = slot(j);
                prop_assert_eq!(reader.storage(&a, &s).unwrap(), Model::word(&accounts, a, s));
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn journaled_state_matches_a_clone_on_checkpoint_model(
        ops in proptest::collection::vec(op(), 1..80)
    ) {
        run(ops)?;
    }
}
