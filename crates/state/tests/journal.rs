//! The journaled overlay: nested checkpoints, the transaction boundary
//! (self-destruct, EIP-161, original values), access sets and errors.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use basalt_primitives::{Address, Log, H256, KECCAK_EMPTY, U256};
use basalt_state::{Error, JournaledState, MemoryBackend, StateReader};
use common::{addr, expected_root, genesis, slot, word, Expected};

const A: u8 = 0xa1;
const B: u8 = 0xb2;
const C: u8 = 0xc3;

/// What can be read of one account: existence, balance, nonce, code hash,
/// code and the words of a few slots.
type AccountView = (bool, U256, u64, H256, Vec<u8>, Vec<H256>);

/// Everything observable about a few addresses and slots.
#[derive(Clone, Debug, PartialEq, Eq)]
struct View {
    accounts: Vec<AccountView>,
    logs: Vec<Log>,
    warm_accounts: Vec<bool>,
    warm_slots: Vec<bool>,
    destructed: Vec<bool>,
}

fn view(state: &mut JournaledState<MemoryBackend>) -> View {
    let addresses = [addr(A), addr(B), addr(C)];
    let slots = [slot(1), slot(2), slot(3)];
    let mut accounts = Vec::new();
    let mut warm_slots = Vec::new();
    for a in addresses {
        let words = slots.iter().map(|s| state.storage(a, *s).unwrap()).collect();
        accounts.push((
            state.exists(a).unwrap(),
            state.balance(a).unwrap(),
            state.nonce(a).unwrap(),
            state.code_hash(a).unwrap(),
            state.code(a).unwrap().to_vec(),
            words,
        ));
        warm_slots.extend(slots.iter().map(|s| state.is_warm_slot(a, *s)));
    }
    View {
        accounts,
        logs: state.logs().to_vec(),
        warm_accounts: addresses.iter().map(|a| state.is_warm_account(*a)).collect(),
        warm_slots,
        destructed: addresses.iter().map(|a| state.is_self_destructed(*a)).collect(),
    }
}

fn log(n: u8) -> Log {
    Log { address: addr(n), topics: vec![H256::repeat_byte(n)], data: vec![n] }
}

/// A with balance 1000, nonce 1, code and two slots; B with balance 50; C absent.
fn base() -> (MemoryBackend, H256, BTreeMap<Address, Expected>) {
    let backend = MemoryBackend::new();
    let mut accounts = BTreeMap::new();
    accounts.insert(
        addr(A),
        Expected {
            nonce: 1,
            balance: U256::from(1000),
            code: b"\0asm-a".to_vec(),
            storage: [(slot(1), word(11)), (slot(2), word(22))].into(),
        },
    );
    accounts.insert(addr(B), Expected::with_balance(50));
    let root = genesis(&backend, &accounts);
    (backend, root, accounts)
}

/// Changes every kind of state: balance, nonce, storage, code, logs, warm sets.
fn frame_changes(state: &mut JournaledState<MemoryBackend>, n: u64) {
    state.transfer(addr(A), addr(C), U256::from(n)).unwrap();
    state.increment_nonce(addr(B)).unwrap();
    state.set_storage(addr(A), slot(n % 3 + 1), word(100 + n)).unwrap();
    state.set_storage(addr(C), slot(1), word(n)).unwrap();
    state.set_code(addr(B), format!("code-{n}").into_bytes()).unwrap();
    state.push_log(log(n as u8));
    state.access_account(addr(A));
    state.access_account(addr(C));
    state.access_slot(addr(B), slot(n % 3 + 1));
}

#[test]
fn nested_checkpoints_revert_exactly_their_own_frame() {
    let (backend, root, _) = base();
    let mut state = JournaledState::new(backend, root);

    let outer = state.checkpoint();
    frame_changes(&mut state, 1);
    let after_outer = view(&mut state);

    let middle = state.checkpoint();
    frame_changes(&mut state, 2);
    let after_middle = view(&mut state);

    // Inner frame: changes, then reverts: the state is as after the middle frame.
    let inner = state.checkpoint();
    assert_eq!(inner.depth(), 2);
    frame_changes(&mut state, 3);
    state.self_destruct(addr(B), addr(A)).unwrap();
    assert_ne!(view(&mut state), after_middle);
    state.revert_to(inner).unwrap();
    assert_eq!(view(&mut state), after_middle);
    assert_eq!(state.depth(), 2);

    // Another inner frame that commits: its changes join the middle frame.
    let inner = state.checkpoint();
    frame_changes(&mut state, 4);
    state.commit_checkpoint(inner).unwrap();
    let after_inner_commit = view(&mut state);
    assert_ne!(after_inner_commit, after_middle);

    // Reverting the middle frame undoes its own and its committed callee's changes.
    state.revert_to(middle).unwrap();
    assert_eq!(view(&mut state), after_outer);

    state.commit_checkpoint(outer).unwrap();
    assert_eq!(state.depth(), 0);
    assert_eq!(view(&mut state), after_outer);
    let logs = state.finalize_transaction();
    assert_eq!(logs, vec![log(1)]);
}

#[test]
fn warm_sets_follow_reverts_and_clear_at_finalize() {
    let (backend, root, _) = base();
    let mut state = JournaledState::new(backend, root);
    assert!(!state.access_account(addr(A)));
    let cp = state.checkpoint();
    assert!(state.access_account(addr(A)), "warmed before the frame: stays warm");
    assert!(!state.access_account(addr(B)));
    assert!(!state.access_slot(addr(A), slot(1)));
    assert!(state.access_slot(addr(A), slot(1)));
    state.revert_to(cp).unwrap();
    assert!(state.is_warm_account(addr(A)));
    assert!(!state.is_warm_account(addr(B)), "a reverted frame's access is cold again");
    assert!(!state.access_slot(addr(A), slot(1)));
    state.finalize_transaction();
    assert!(!state.is_warm_account(addr(A)));
    assert!(!state.is_warm_slot(addr(A), slot(1)));
}

#[test]
fn stale_checkpoints_are_refused_without_changes() {
    let (backend, root, _) = base();
    let mut state = JournaledState::new(backend, root);
    let outer = state.checkpoint();
    let inner = state.checkpoint();
    state.add_balance(addr(A), U256::one()).unwrap();
    state.revert_to(outer).unwrap();
    // `inner` was closed by reverting `outer`.
    assert!(matches!(state.revert_to(inner), Err(Error::StaleCheckpoint { depth: 1, .. })));

    // A checkpoint of a finalized transaction is stale, even at a depth reused since.
    let old = state.checkpoint();
    state.finalize_transaction();
    let fresh = state.checkpoint();
    state.add_balance(addr(A), U256::one()).unwrap();
    assert!(matches!(state.commit_checkpoint(old), Err(Error::StaleCheckpoint { depth: 0, .. })));
    assert_eq!(state.balance(addr(A)).unwrap(), U256::from(1001));
    state.revert_to(fresh).unwrap();
    assert_eq!(state.balance(addr(A)).unwrap(), U256::from(1000));
}

#[test]
fn balance_and_nonce_errors_carry_fields_and_change_nothing() {
    let (backend, root, _) = base();
    let mut state = JournaledState::new(backend, root);
    match state.sub_balance(addr(B), U256::from(51)) {
        Err(Error::InsufficientBalance { address, balance, needed }) => {
            assert_eq!((address, balance, needed), (addr(B), U256::from(50), U256::from(51)));
        }
        other => panic!("unexpected {other:?}"),
    }
    state.set_balance(addr(C), U256::MAX).unwrap();
    let before_transfer = view(&mut state);
    match state.transfer(addr(B), addr(C), U256::from(1)) {
        Err(Error::BalanceOverflow { address, balance, amount }) => {
            assert_eq!((address, balance, amount), (addr(C), U256::MAX, U256::one()));
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        state.transfer(addr(B), addr(A), U256::from(51)),
        Err(Error::InsufficientBalance { .. })
    ));
    assert_eq!(view(&mut state), before_transfer, "failed transfers change nothing");
    assert!(matches!(state.add_balance(addr(C), U256::one()), Err(Error::BalanceOverflow { .. })));

    state.set_nonce(addr(B), u64::MAX - 1).unwrap();
    assert_eq!(state.increment_nonce(addr(B)).unwrap(), u64::MAX - 1);
    assert!(
        matches!(state.increment_nonce(addr(B)), Err(Error::NonceOverflow { address }) if address == addr(B))
    );
    assert_eq!(state.nonce(addr(B)).unwrap(), u64::MAX);
}

#[test]
fn self_destruct_moves_balance_and_deletes_account_and_storage_at_finalize() {
    let (backend, root, mut expected) = base();
    let mut state = JournaledState::new(backend.clone(), root);

    // A reverted self-destruct leaves nothing behind.
    let cp = state.checkpoint();
    state.self_destruct(addr(A), addr(B)).unwrap();
    state.revert_to(cp).unwrap();
    assert!(!state.is_self_destructed(addr(A)));
    state.finalize_transaction();
    assert!(state.exists(addr(A)).unwrap());
    assert_eq!(state.storage(addr(A), slot(1)).unwrap(), word(11));

    state.set_storage(addr(A), slot(3), word(33)).unwrap();
    state.self_destruct(addr(A), addr(B)).unwrap();
    // Still readable until the end of the transaction, with a zero balance.
    assert!(state.is_self_destructed(addr(A)));
    assert!(state.exists(addr(A)).unwrap());
    assert_eq!(state.balance(addr(A)).unwrap(), U256::zero());
    assert_eq!(state.storage(addr(A), slot(1)).unwrap(), word(11));
    assert_eq!(state.balance(addr(B)).unwrap(), U256::from(1050));
    state.finalize_transaction();
    assert!(!state.exists(addr(A)).unwrap());
    assert_eq!(state.storage(addr(A), slot(1)).unwrap(), H256::zero());
    assert_eq!(state.storage(addr(A), slot(3)).unwrap(), H256::zero());
    assert_eq!(state.code_hash(addr(A)).unwrap(), KECCAK_EMPTY);

    // Re-created later in the block: a fresh account with empty storage.
    state.add_balance(addr(A), U256::from(5)).unwrap();
    assert_eq!(state.storage(addr(A), slot(2)).unwrap(), H256::zero());
    state.finalize_transaction();

    let (new_root, changes) = state.commit().unwrap();
    backend.apply(changes);
    expected.insert(addr(A), Expected::with_balance(5));
    expected.get_mut(&addr(B)).unwrap().balance = U256::from(1050);
    assert_eq!(new_root, expected_root(&expected));
    let reader = StateReader::new(backend.clone(), new_root);
    assert_eq!(reader.storage(&addr(A), &slot(1)).unwrap(), H256::zero());
    // The old root still has the old account.
    let old = StateReader::new(backend, root);
    assert_eq!(old.storage(&addr(A), &slot(1)).unwrap(), word(11));
}

#[test]
fn self_destruct_to_itself_burns_the_balance() {
    let (backend, root, _) = base();
    let mut state = JournaledState::new(backend, root);
    state.self_destruct(addr(B), addr(B)).unwrap();
    state.finalize_transaction();
    assert!(!state.exists(addr(B)).unwrap());
    assert_eq!(state.balance(addr(B)).unwrap(), U256::zero());
}

#[test]
fn eip161_deletes_touched_dead_accounts_only() {
    let backend = MemoryBackend::new();
    let mut accounts = BTreeMap::new();
    // Two empty accounts that exist (as pre-EIP-161 chains could leave them).
    accounts.insert(addr(A), Expected::default());
    accounts.insert(addr(B), Expected::default());
    accounts.insert(addr(C), Expected::with_balance(7));
    let root = genesis(&backend, &accounts);
    let mut state = JournaledState::new(backend.clone(), root);

    // A zero-value transfer touches A: deleted at finalize.
    state.transfer(addr(C), addr(A), U256::zero()).unwrap();
    // B is touched in a frame that reverts: kept.
    let cp = state.checkpoint();
    state.touch(addr(B)).unwrap();
    state.revert_to(cp).unwrap();
    // A fresh address that receives nothing but a touch never comes to exist.
    let d = addr(0xd4);
    state.add_balance(d, U256::zero()).unwrap();
    assert!(state.exists(d).unwrap());
    assert!(state.is_dead(d).unwrap());
    state.finalize_transaction();

    assert!(!state.exists(addr(A)).unwrap());
    assert!(state.exists(addr(B)).unwrap());
    assert!(state.exists(addr(C)).unwrap(), "touched but not empty");
    assert!(!state.exists(d).unwrap());

    // An account emptied by its transaction is deleted too.
    state.sub_balance(addr(C), U256::from(7)).unwrap();
    state.finalize_transaction();
    assert!(!state.exists(addr(C)).unwrap());

    let (new_root, _) = state.commit().unwrap();
    accounts.remove(&addr(A));
    accounts.remove(&addr(C));
    assert_eq!(new_root, expected_root(&accounts));
}

#[test]
fn original_storage_is_the_value_at_transaction_start() {
    let (backend, root, _) = base();
    let mut state = JournaledState::new(backend, root);
    let (a, s) = (addr(A), slot(1));
    assert_eq!(state.original_storage(a, s).unwrap(), word(11));
    assert_eq!(state.set_storage(a, s, word(12)).unwrap(), word(11));
    let cp = state.checkpoint();
    state.set_storage(a, s, word(13)).unwrap();
    state.revert_to(cp).unwrap();
    state.set_storage(a, s, word(14)).unwrap();
    assert_eq!(state.storage(a, s).unwrap(), word(14));
    assert_eq!(state.original_storage(a, s).unwrap(), word(11));
    state.finalize_transaction();
    // The next transaction of the block starts from the previous one's result.
    assert_eq!(state.original_storage(a, s).unwrap(), word(14));
    state.set_storage(a, s, H256::zero()).unwrap();
    assert_eq!(state.original_storage(a, s).unwrap(), word(14));
    assert_eq!(state.storage(a, s).unwrap(), H256::zero());
}

#[test]
fn create_account_clears_storage_keeps_balance_and_reverts() {
    let (backend, root, _) = base();
    let mut state = JournaledState::new(backend, root);
    let a = addr(A);
    state.set_storage(a, slot(3), word(3)).unwrap();
    let before = view(&mut state);
    let cp = state.checkpoint();
    state.create_account(a).unwrap();
    assert!(state.created_in_transaction(a));
    assert_eq!(state.balance(a).unwrap(), U256::from(1000));
    assert_eq!(state.nonce(a).unwrap(), 0);
    assert_eq!(state.code_hash(a).unwrap(), KECCAK_EMPTY);
    for n in 1..=3 {
        assert_eq!(state.storage(a, slot(n)).unwrap(), H256::zero());
    }
    state.set_storage(a, slot(2), word(5)).unwrap();
    state.revert_to(cp).unwrap();
    assert!(!state.created_in_transaction(a));
    assert_eq!(view(&mut state), before);

    // Kept: the commit holds only what was written after the creation.
    state.create_account(a).unwrap();
    state.set_nonce(a, 1).unwrap();
    state.set_storage(a, slot(2), word(5)).unwrap();
    state.finalize_transaction();
    assert!(!state.created_in_transaction(a));
    let (new_root, _) = state.commit().unwrap();
    let mut expected = BTreeMap::new();
    expected.insert(
        a,
        Expected {
            nonce: 1,
            balance: U256::from(1000),
            storage: [(slot(2), word(5))].into(),
            ..Expected::default()
        },
    );
    expected.insert(addr(B), Expected::with_balance(50));
    assert_eq!(new_root, expected_root(&expected));
}

#[test]
fn code_is_readable_by_account_and_by_hash() {
    let (backend, root, expected) = base();
    let mut state = JournaledState::new(backend, root);
    assert_eq!(&*state.code(addr(A)).unwrap(), expected[&addr(A)].code.as_slice());
    assert!(state.code(addr(B)).unwrap().is_empty());
    assert!(state.code(addr(C)).unwrap().is_empty());
    let hash = state.set_code(addr(C), b"new".to_vec()).unwrap();
    assert_eq!(&*state.code_by_hash(hash).unwrap(), b"new");
    let missing = H256::repeat_byte(9);
    assert!(
        matches!(state.code_by_hash(missing), Err(Error::MissingCode { code_hash }) if code_hash == missing)
    );
}
