//! EIP-1186 account and storage proofs (what `eth_getProof` returns).

use basalt_primitives::{Account, Address, EMPTY_ROOT, H256};

/// The proof of one account and some of its storage slots against a state root.
///
/// Each proof is the list of trie node RLPs on the key's path, root first.
/// [`basalt_trie::verify_secure_proof`] checks `account_proof` for the key
/// `address` against the state root (the value is the account's RLP, or
/// absence), and each [`StorageProof::proof`] for the key `slot` against
/// [`AccountProof::storage_root`] (the value is
/// [`encode_storage_value`](crate::encode_storage_value) of the word, or
/// absence for zero).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountProof {
    /// The account proven.
    pub address: Address,
    /// The account, or `None` when the proof shows it absent.
    pub account: Option<Account>,
    /// Nodes of the state trie on the path of `keccak256(address)`.
    pub account_proof: Vec<Vec<u8>>,
    /// One proof per requested slot, in request order.
    pub storage_proofs: Vec<StorageProof>,
}

impl AccountProof {
    /// The account's storage root ([`EMPTY_ROOT`] for an absent account), the
    /// root the storage proofs are checked against.
    pub fn storage_root(&self) -> H256 {
        self.account.map_or(EMPTY_ROOT, |a| a.storage_root)
    }
}

/// The proof of one storage slot against an account's storage root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StorageProof {
    /// The slot proven (the un-hashed key).
    pub slot: H256,
    /// Its word (zero when absent).
    pub value: H256,
    /// Nodes of the storage trie on the path of `keccak256(slot)`.
    pub proof: Vec<Vec<u8>>,
}
