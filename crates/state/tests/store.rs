//! Persistence through `basalt_store::Store`: commit, write one batch, reopen,
//! read back at both roots.

#![allow(clippy::unwrap_used)]

mod common;

use basalt_primitives::{EMPTY_ROOT, H256, U256};
use basalt_state::{JournaledState, StateReader};
use basalt_store::{Store, WriteBatch};
use basalt_trie::verify_secure_proof;
use common::{addr, slot, word};

#[test]
fn state_survives_a_store_reopen_at_every_root() {
    let dir = tempfile::tempdir().unwrap();
    let code = b"\0asm\x01\0\0\0 contract".to_vec();

    let (root1, root2) = {
        let store = Store::open(dir.path()).unwrap();
        let mut state = JournaledState::new(store.clone(), EMPTY_ROOT);
        state.set_balance(addr(1), U256::from(1000)).unwrap();
        state.set_code(addr(2), code.clone()).unwrap();
        state.set_nonce(addr(2), 1).unwrap();
        for n in 0..20 {
            state.set_storage(addr(2), slot(n), word(n + 1)).unwrap();
        }
        state.finalize_transaction();
        let (root1, changes) = state.commit().unwrap();
        let mut batch = WriteBatch::new();
        changes.write_to(&mut batch);
        store.commit(batch).unwrap();

        // A second block on top, read from the store it was just written to.
        let mut state = JournaledState::new(store.clone(), root1);
        assert_eq!(state.storage(addr(2), slot(3)).unwrap(), word(4));
        assert_eq!(&*state.code(addr(2)).unwrap(), code.as_slice());
        state.set_storage(addr(2), slot(3), word(333)).unwrap();
        state.transfer(addr(1), addr(3), U256::from(10)).unwrap();
        state.finalize_transaction();
        let (root2, changes) = state.commit().unwrap();
        let mut batch = WriteBatch::new();
        changes.write_to(&mut batch);
        store.commit(batch).unwrap();
        (root1, root2)
    };

    let store = Store::open(dir.path()).unwrap();
    let at1 = StateReader::new(store.clone(), root1);
    let at2 = StateReader::new(store, root2);
    assert_eq!(at1.account(&addr(1)).unwrap().unwrap().balance, U256::from(1000));
    assert_eq!(at2.account(&addr(1)).unwrap().unwrap().balance, U256::from(990));
    assert_eq!(at1.account(&addr(3)).unwrap(), None);
    assert_eq!(at2.account(&addr(3)).unwrap().unwrap().balance, U256::from(10));
    assert_eq!(at1.storage(&addr(2), &slot(3)).unwrap(), word(4));
    assert_eq!(at2.storage(&addr(2), &slot(3)).unwrap(), word(333));
    for n in (0..20).filter(|n| *n != 3) {
        assert_eq!(at2.storage(&addr(2), &slot(n)).unwrap(), word(n + 1));
    }
    let account = at2.account(&addr(2)).unwrap().unwrap();
    assert_eq!(at2.code(&account.code_hash).unwrap(), code);

    // Proofs come straight from the store too.
    let proof = at2.proof(&addr(2), &[slot(3), slot(77)]).unwrap();
    assert!(verify_secure_proof(root2, addr(2).as_bytes(), &proof.account_proof)
        .unwrap()
        .is_some());
    assert_eq!(
        verify_secure_proof(
            proof.storage_root(),
            slot(77).as_bytes(),
            &proof.storage_proofs[1].proof
        ),
        Ok(None)
    );
    assert_eq!(proof.storage_proofs[0].value, word(333));
    assert_ne!(proof.storage_proofs[0].value, H256::zero());
}
