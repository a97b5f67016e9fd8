//! Helpers shared by the integration tests: an independent builder of
//! expected state roots (straight from `basalt-trie`, not through the crate
//! under test) and small constructors.

#![allow(dead_code, unreachable_pub, clippy::unwrap_used)]

use std::collections::BTreeMap;

use basalt_primitives::{keccak256, rlp, Account, Address, H256, KECCAK_EMPTY, U256};
use basalt_state::MemoryBackend;
use basalt_trie::{MemoryNodeStore, NodeStore, NullStore, SecureTrie};

/// An account as a test expects it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Expected {
    pub nonce: u64,
    pub balance: U256,
    pub code: Vec<u8>,
    /// Non-zero words only.
    pub storage: BTreeMap<H256, H256>,
}

impl Expected {
    pub fn with_balance(balance: u64) -> Self {
        Self { balance: U256::from(balance), ..Self::default() }
    }

    pub fn code_hash(&self) -> H256 {
        if self.code.is_empty() {
            KECCAK_EMPTY
        } else {
            keccak256(&self.code)
        }
    }
}

pub fn addr(n: u8) -> Address {
    Address::repeat_byte(n)
}

pub fn slot(n: u64) -> H256 {
    H256::from_low_u64_be(n)
}

pub fn word(n: u64) -> H256 {
    H256::from_low_u64_be(n)
}

/// The storage value encoding, written independently of the crate: RLP of
/// the word as an integer.
fn storage_value(word: &H256) -> Vec<u8> {
    rlp::encode(&U256::from_big_endian(word.as_bytes())).to_vec()
}

/// Inserts `accounts` into a fresh state trie over `store`, returning the
/// root, the account records and the tries (not yet committed).
fn build<S: NodeStore + Clone>(
    store: S,
    accounts: &BTreeMap<Address, Expected>,
) -> (SecureTrie<S>, Vec<SecureTrie<S>>, BTreeMap<Address, Account>) {
    let mut state = SecureTrie::new(store.clone());
    let mut storage_tries = Vec::new();
    let mut records = BTreeMap::new();
    for (address, expected) in accounts {
        let mut storage = SecureTrie::new(store.clone());
        for (slot, word) in &expected.storage {
            assert!(!word.is_zero(), "expected storage holds non-zero words only");
            storage.insert(slot.as_bytes(), storage_value(word)).unwrap();
        }
        let account = Account {
            nonce: expected.nonce,
            balance: expected.balance,
            storage_root: storage.root_hash(),
            code_hash: expected.code_hash(),
        };
        state.insert(address.as_bytes(), rlp::encode(&account).to_vec()).unwrap();
        storage_tries.push(storage);
        records.insert(*address, account);
    }
    (state, storage_tries, records)
}

/// The state root of `accounts`, built directly with `basalt-trie`.
pub fn expected_root(accounts: &BTreeMap<Address, Expected>) -> H256 {
    build(NullStore, accounts).0.root_hash()
}

/// The storage root of one expected account.
pub fn expected_storage_root(expected: &Expected) -> H256 {
    let mut storage = SecureTrie::new(NullStore);
    for (slot, word) in &expected.storage {
        storage.insert(slot.as_bytes(), storage_value(word)).unwrap();
    }
    storage.root_hash()
}

/// Writes `accounts` (tries and code) into `backend` without going through
/// the crate's commit path, and returns the state root.
pub fn genesis(backend: &MemoryBackend, accounts: &BTreeMap<Address, Expected>) -> H256 {
    let store = MemoryNodeStore::new();
    let (mut state, storage_tries, _) = build(store.clone(), accounts);
    for mut storage in storage_tries {
        let (_, nodes) = storage.commit();
        backend.nodes().insert_nodes(nodes);
    }
    let (root, nodes) = state.commit();
    backend.nodes().insert_nodes(nodes);
    for expected in accounts.values() {
        if !expected.code.is_empty() {
            backend.insert_code(expected.code.clone());
        }
    }
    root
}
