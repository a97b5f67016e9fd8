//! Reading a committed state at a root: accounts, storage, code and proofs.

use basalt_primitives::{Account, Address, RlpItem, EMPTY_ROOT, H256, KECCAK_EMPTY};
use basalt_trie::SecureTrie;

use crate::backend::StateBackend;
use crate::error::{Error, Result};
use crate::proof::{AccountProof, StorageProof};

/// The trie value of a storage word: the RLP of its big-endian bytes with the
/// leading zeros trimmed, as Ethereum stores it. The zero word encodes to the
/// empty value, which a trie treats as "absent": zero slots are not stored.
///
/// ```
/// # use basalt_state::encode_storage_value;
/// # use basalt_primitives::H256;
/// assert_eq!(encode_storage_value(&H256::from_low_u64_be(0x7f)), vec![0x7f]);
/// assert_eq!(encode_storage_value(&H256::from_low_u64_be(0x0180)), vec![0x82, 0x01, 0x80]);
/// assert!(encode_storage_value(&H256::zero()).is_empty());
/// ```
pub fn encode_storage_value(word: &H256) -> Vec<u8> {
    let bytes = word.as_bytes();
    let trimmed = match bytes.iter().position(|b| *b != 0) {
        Some(start) => &bytes[start..],
        None => return Vec::new(),
    };
    match trimmed {
        // A single byte below 0x80 is its own RLP.
        [b] if *b < 0x80 => vec![*b],
        // Otherwise a short string: 0x80 + length (at most 32 < 56), then the bytes.
        _ => {
            let mut out = Vec::with_capacity(trimmed.len() + 1);
            // `trimmed.len()` is 1..=32, so the header byte cannot overflow.
            out.push(0x80 | trimmed.len() as u8);
            out.extend_from_slice(trimmed);
            out
        }
    }
}

/// Decodes a storage trie value strictly (canonical RLP of an integer of at
/// most 32 bytes, no leading zeros, no trailing bytes) into its word.
pub fn decode_storage_value(bytes: &[u8]) -> Result<H256, basalt_primitives::DecodeError> {
    let value = RlpItem::parse_exact(bytes)?.u256("storage value")?;
    Ok(H256(value.to_big_endian()))
}

/// A committed state at one root, read through a [`StateBackend`].
///
/// Reads go straight to the tries (nothing is cached here); opening never
/// fails, and a root the backend does not have shows up as a missing-node
/// [`Error::Trie`] on first read. Since a backend never changes a stored
/// node, a reader at an old root keeps working after newer commits.
#[derive(Clone, Debug)]
pub struct StateReader<B> {
    backend: B,
    root: H256,
}

impl<B: StateBackend> StateReader<B> {
    /// The state with root `root` in `backend`.
    pub fn new(backend: B, root: H256) -> Self {
        Self { backend, root }
    }

    /// The state root read from.
    pub fn root(&self) -> H256 {
        self.root
    }

    /// The backend read from.
    pub fn backend(&self) -> &B {
        &self.backend
    }

    /// The account at `address`, or `None` when the state has none there.
    pub fn account(&self, address: &Address) -> Result<Option<Account>> {
        let trie = SecureTrie::open(&self.backend, self.root);
        match trie.get(address.as_bytes())? {
            None => Ok(None),
            Some(rlp) => Account::decode_rlp(&rlp)
                .map(Some)
                .map_err(|reason| Error::CorruptAccount { address: *address, reason }),
        }
    }

    /// The storage word of `address` at `slot` (zero when the account or the
    /// slot is absent).
    pub fn storage(&self, address: &Address, slot: &H256) -> Result<H256> {
        match self.account(address)? {
            None => Ok(H256::zero()),
            Some(account) => self.storage_in(address, account.storage_root, slot),
        }
    }

    /// The word at `slot` in the storage trie with root `storage_root`, which
    /// belongs to `address` (named in errors only).
    pub(crate) fn storage_in(
        &self,
        address: &Address,
        storage_root: H256,
        slot: &H256,
    ) -> Result<H256> {
        if storage_root == EMPTY_ROOT {
            return Ok(H256::zero());
        }
        let trie = SecureTrie::open(&self.backend, storage_root);
        match trie.get(slot.as_bytes())? {
            None => Ok(H256::zero()),
            Some(value) => decode_storage_value(&value).map_err(|reason| Error::CorruptStorage {
                address: *address,
                slot: *slot,
                reason,
            }),
        }
    }

    /// The code with hash `code_hash` (empty for [`KECCAK_EMPTY`]); fails with
    /// [`Error::MissingCode`] when the backend does not have it.
    pub fn code(&self, code_hash: &H256) -> Result<Vec<u8>> {
        if *code_hash == KECCAK_EMPTY {
            return Ok(Vec::new());
        }
        self.backend.code_by_hash(code_hash)?.ok_or(Error::MissingCode { code_hash: *code_hash })
    }

    /// The EIP-1186 proof of the account at `address` and of each of `slots`
    /// in its storage, as `eth_getProof` returns them. Absent accounts and
    /// slots get proofs of absence; an absent account's storage proofs are
    /// empty (its storage root is [`EMPTY_ROOT`], which proves every slot zero).
    pub fn proof(&self, address: &Address, slots: &[H256]) -> Result<AccountProof> {
        let state = SecureTrie::open(&self.backend, self.root);
        let account_proof = state.prove(address.as_bytes())?;
        let account = self.account(address)?;
        let storage_root = account.map_or(EMPTY_ROOT, |a| a.storage_root);
        let storage = SecureTrie::open(&self.backend, storage_root);
        let storage_proofs = slots
            .iter()
            .map(|slot| {
                Ok(StorageProof {
                    slot: *slot,
                    value: self.storage_in(address, storage_root, slot)?,
                    proof: storage.prove(slot.as_bytes())?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(AccountProof { address: *address, account, account_proof, storage_proofs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use basalt_primitives::{rlp, U256};

    #[test]
    fn storage_values_encode_like_rlp_of_trimmed_integers() {
        for v in [1u64, 0x7f, 0x80, 0xff, 0x0100, u64::MAX] {
            let word = H256::from_low_u64_be(v);
            assert_eq!(encode_storage_value(&word), rlp::encode(&U256::from(v)).to_vec(), "{v}");
            assert_eq!(decode_storage_value(&encode_storage_value(&word)).unwrap(), word);
        }
        let max = H256::repeat_byte(0xff);
        let enc = encode_storage_value(&max);
        assert_eq!(enc.len(), 33);
        assert_eq!(enc[0], 0xa0);
        assert_eq!(decode_storage_value(&enc).unwrap(), max);
    }

    #[test]
    fn storage_value_decoding_is_strict() {
        // Leading zero, too long, trailing byte, a list.
        assert!(decode_storage_value(&[0x82, 0x00, 0x01]).is_err());
        let mut long = vec![0xa1];
        long.extend([1u8; 33]);
        assert!(decode_storage_value(&long).is_err());
        assert!(decode_storage_value(&[0x01, 0x02]).is_err());
        assert!(decode_storage_value(&[0xc1, 0x01]).is_err());
    }
}
