//! Commits: roots against tries built independently, old roots after new
//! commits, and EIP-1186 proofs.

#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use basalt_primitives::{keccak256, rlp, Account, Address, EMPTY_ROOT, H256, U256};
use basalt_state::{
    encode_storage_value, Error, JournaledState, MemoryBackend, StateChanges, StateReader,
};
use basalt_trie::{verify_secure_proof, ProofError};
use common::{addr, expected_root, expected_storage_root, genesis, slot, word, Expected};

/// Applies `expected` through the overlay onto an empty state.
fn commit_from_empty(
    backend: &MemoryBackend,
    expected: &BTreeMap<Address, Expected>,
) -> (H256, StateChanges) {
    let mut state = JournaledState::new(backend.clone(), EMPTY_ROOT);
    for (address, account) in expected {
        state.set_nonce(*address, account.nonce).unwrap();
        state.set_balance(*address, account.balance).unwrap();
        if !account.code.is_empty() {
            state.set_code(*address, account.code.clone()).unwrap();
        }
        for (slot, word) in &account.storage {
            state.set_storage(*address, *slot, *word).unwrap();
        }
    }
    state.finalize_transaction();
    state.commit().unwrap()
}

fn sample() -> BTreeMap<Address, Expected> {
    let mut accounts = BTreeMap::new();
    accounts.insert(addr(1), Expected::with_balance(1_000_000));
    accounts.insert(
        addr(2),
        Expected {
            nonce: 1,
            balance: U256::from(10).pow(U256::from(20)),
            code: b"\0asm\x01\0\0\0".to_vec(),
            storage: (1..=40u64)
                .map(|n| (slot(n), H256::from_low_u64_be(n * 0x0101_0101)))
                .chain([(H256::repeat_byte(0xee), H256::repeat_byte(0xff))])
                .collect(),
        },
    );
    accounts.insert(
        addr(3),
        Expected { nonce: 7, storage: [(slot(0), word(1))].into(), ..Expected::default() },
    );
    accounts
}

#[test]
fn commit_root_equals_independently_built_tries() {
    let backend = MemoryBackend::new();
    let expected = sample();
    let (root, changes) = commit_from_empty(&backend, &expected);
    assert_eq!(root, expected_root(&expected));
    assert_eq!(changes.code().len(), 1);
    assert_eq!(changes.code()[&keccak256(&expected[&addr(2)].code)], expected[&addr(2)].code);
    backend.apply(changes);

    let reader = StateReader::new(backend, root);
    for (address, account) in &expected {
        let got = reader.account(address).unwrap().unwrap();
        assert_eq!(got.storage_root, expected_storage_root(account), "storage root of {address:?}");
        assert_eq!(got.nonce, account.nonce);
        assert_eq!(got.balance, account.balance);
        assert_eq!(got.code_hash, account.code_hash());
        assert_eq!(reader.code(&got.code_hash).unwrap(), account.code);
        for (slot, word) in &account.storage {
            assert_eq!(reader.storage(address, slot).unwrap(), *word);
        }
    }
    assert_eq!(reader.account(&addr(9)).unwrap(), None);
    assert_eq!(reader.storage(&addr(9), &slot(1)).unwrap(), H256::zero());
}

#[test]
fn commit_over_a_base_root_and_old_roots_stay_readable() {
    let backend = MemoryBackend::new();
    let mut expected = sample();
    let root1 = genesis(&backend, &expected);

    // Block 2: change, clear and add slots; change balances; delete an account.
    let mut state = JournaledState::new(backend.clone(), root1);
    state.set_storage(addr(2), slot(1), word(0xabc)).unwrap();
    state.set_storage(addr(2), slot(2), H256::zero()).unwrap();
    state.set_storage(addr(2), slot(99), word(99)).unwrap();
    state.set_storage(addr(3), slot(0), H256::zero()).unwrap();
    state.transfer(addr(1), addr(4), U256::from(5)).unwrap();
    state.self_destruct(addr(3), addr(1)).unwrap();
    state.finalize_transaction();
    let (root2, changes) = state.commit().unwrap();
    backend.apply(changes);

    let old = expected.clone();
    let a2 = expected.get_mut(&addr(2)).unwrap();
    a2.storage.insert(slot(1), word(0xabc));
    a2.storage.remove(&slot(2));
    a2.storage.insert(slot(99), word(99));
    expected.get_mut(&addr(1)).unwrap().balance = U256::from(1_000_000 - 5);
    expected.insert(addr(4), Expected::with_balance(5));
    expected.remove(&addr(3));
    assert_eq!(root2, expected_root(&expected));
    let new = StateReader::new(backend.clone(), root2);
    assert_eq!(
        new.account(&addr(2)).unwrap().unwrap().storage_root,
        expected_storage_root(&expected[&addr(2)])
    );

    // The first root still reads the first state.
    let reader1 = StateReader::new(backend.clone(), root1);
    for (address, account) in &old {
        assert_eq!(reader1.account(address).unwrap().unwrap().balance, account.balance);
        for (slot, word) in &account.storage {
            assert_eq!(reader1.storage(address, slot).unwrap(), *word);
        }
    }
    assert_eq!(reader1.storage(&addr(2), &slot(99)).unwrap(), H256::zero());
    assert_eq!(reader1.account(&addr(4)).unwrap(), None);

    // A commit that changes nothing keeps the root and writes nothing.
    let mut state = JournaledState::new(backend.clone(), root2);
    state.balance(addr(1)).unwrap();
    state.storage(addr(2), slot(1)).unwrap();
    let cp = state.checkpoint();
    state.set_storage(addr(2), slot(5), word(1)).unwrap();
    state.add_balance(addr(1), U256::one()).unwrap();
    state.revert_to(cp).unwrap();
    let (root3, changes) = state.commit().unwrap();
    assert_eq!(root3, root2);
    assert!(changes.is_empty());
}

#[test]
fn commits_are_deterministic() {
    let expected = sample();
    let (root_a, changes_a) = commit_from_empty(&MemoryBackend::new(), &expected);
    // Same accounts, written in reverse order.
    let backend = MemoryBackend::new();
    let mut state = JournaledState::new(backend, EMPTY_ROOT);
    for (address, account) in expected.iter().rev() {
        for (slot, word) in account.storage.iter().rev() {
            state.set_storage(*address, *slot, *word).unwrap();
        }
        if !account.code.is_empty() {
            state.set_code(*address, account.code.clone()).unwrap();
        }
        state.set_balance(*address, account.balance).unwrap();
        state.set_nonce(*address, account.nonce).unwrap();
    }
    let (root_b, changes_b) = state.commit().unwrap();
    assert_eq!(root_a, root_b);
    assert_eq!(changes_a, changes_b);
}

#[test]
fn proofs_verify_for_present_and_absent_accounts_and_slots() {
    let backend = MemoryBackend::new();
    let expected = sample();
    let root = genesis(&backend, &expected);
    let reader = StateReader::new(backend, root);

    let slots = [slot(1), slot(40), H256::repeat_byte(0xee), slot(1234)];
    let proof = reader.proof(&addr(2), &slots).unwrap();
    let account = proof.account.unwrap();
    let value = verify_secure_proof(root, addr(2).as_bytes(), &proof.account_proof).unwrap();
    assert_eq!(value, Some(rlp::encode(&account).to_vec()));
    assert_eq!(Account::decode_rlp(&value.unwrap()).unwrap(), account);
    assert_eq!(proof.storage_root(), expected_storage_root(&expected[&addr(2)]));
    assert_eq!(proof.storage_proofs.len(), slots.len());
    for sp in &proof.storage_proofs {
        let want = expected[&addr(2)].storage.get(&sp.slot).copied().unwrap_or_default();
        assert_eq!(sp.value, want);
        let proven = verify_secure_proof(proof.storage_root(), sp.slot.as_bytes(), &sp.proof);
        let proven = proven.unwrap();
        if want.is_zero() {
            assert_eq!(proven, None, "absence of {:?}", sp.slot);
        } else {
            assert_eq!(proven, Some(encode_storage_value(&want)));
        }
    }

    // An absent account: a proof of absence, and empty storage proofs.
    let absent = reader.proof(&addr(0x77), &[slot(1)]).unwrap();
    assert_eq!(absent.account, None);
    assert!(!absent.account_proof.is_empty());
    assert_eq!(verify_secure_proof(root, addr(0x77).as_bytes(), &absent.account_proof), Ok(None));
    assert_eq!(absent.storage_root(), EMPTY_ROOT);
    assert_eq!(absent.storage_proofs[0].value, H256::zero());
    assert_eq!(
        verify_secure_proof(EMPTY_ROOT, slot(1).as_bytes(), &absent.storage_proofs[0].proof),
        Ok(None)
    );

    // A tampered proof does not verify.
    let mut bad = proof.account_proof.clone();
    bad[0][5] ^= 1;
    assert!(matches!(
        verify_secure_proof(root, addr(2).as_bytes(), &bad),
        Err(ProofError::MissingNode { .. })
    ));
}

#[test]
fn an_unknown_root_fails_with_a_trie_error() {
    let reader = StateReader::new(MemoryBackend::new(), H256::repeat_byte(1));
    assert!(matches!(reader.account(&addr(1)), Err(Error::Trie(_))));
    let mut state = JournaledState::new(MemoryBackend::new(), H256::repeat_byte(1));
    assert!(matches!(state.balance(addr(1)), Err(Error::Trie(_))));
}
