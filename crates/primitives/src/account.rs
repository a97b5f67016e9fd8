//! The account record of the world state.

use crate::decode::RlpItem;
use crate::error::DecodeError;
use ethereum_types::{H256, U256};
use rlp::{Decodable, DecoderError, Encodable, Rlp, RlpStream};

/// Root of the empty Merkle-Patricia trie: `keccak256(rlp(""))`.
pub const EMPTY_ROOT: H256 = H256([
    0x56, 0xe8, 0x1f, 0x17, 0x1b, 0xcc, 0x55, 0xa6, 0xff, 0x83, 0x45, 0xe6, 0x92, 0xc0, 0xf8, 0x6e,
    0x5b, 0x48, 0xe0, 0x1b, 0x99, 0x6c, 0xad, 0xc0, 0x01, 0x62, 0x2f, 0xb5, 0xe3, 0x63, 0xb4, 0x21,
]);

/// Hash of empty code: `keccak256([])`.
pub const KECCAK_EMPTY: H256 = H256([
    0xc5, 0xd2, 0x46, 0x01, 0x86, 0xf7, 0x23, 0x3c, 0x92, 0x7e, 0x7d, 0xb2, 0xdc, 0xc7, 0x03, 0xc0,
    0xe5, 0x00, 0xb6, 0x53, 0xca, 0x82, 0x27, 0x3b, 0x7b, 0xfa, 0xd8, 0x04, 0x5d, 0x85, 0xa4, 0x70,
]);

/// An account as stored in the state trie: `rlp([nonce, balance, storageRoot, codeHash])`,
/// exactly Ethereum's layout, so `eth_getProof` answers verify with any Ethereum trie library.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Account {
    /// Number of transactions sent (for contracts: contracts created).
    pub nonce: u64,
    /// Balance in wei.
    pub balance: U256,
    /// Root of the account's storage trie.
    pub storage_root: H256,
    /// Keccak-256 of the account's code ([`KECCAK_EMPTY`] for none).
    pub code_hash: H256,
}

impl Default for Account {
    fn default() -> Self {
        Self { nonce: 0, balance: U256::zero(), storage_root: EMPTY_ROOT, code_hash: KECCAK_EMPTY }
    }
}

impl Account {
    /// True for an account with no nonce, no balance and no code (EIP-161 "empty").
    pub fn is_empty(&self) -> bool {
        self.nonce == 0 && self.balance.is_zero() && self.code_hash == KECCAK_EMPTY
    }

    /// True when the account carries code.
    pub fn has_code(&self) -> bool {
        self.code_hash != KECCAK_EMPTY
    }
}

impl Encodable for Account {
    fn rlp_append(&self, s: &mut RlpStream) {
        s.begin_list(4);
        s.append(&self.nonce);
        s.append(&self.balance);
        s.append(&self.storage_root);
        s.append(&self.code_hash);
    }
}

impl Account {
    /// Decodes an account's canonical RLP strictly (exactly 4 items, canonical integers,
    /// 32-byte hashes, no trailing bytes).
    pub fn decode_rlp(bytes: &[u8]) -> Result<Self, DecodeError> {
        let mut f = RlpItem::parse_exact(bytes)?.list_exact("account", 4)?;
        Ok(Self {
            nonce: f.next_item()?.u64("account nonce")?,
            balance: f.next_item()?.u256("account balance")?,
            storage_root: f.next_item()?.h256("account storage root")?,
            code_hash: f.next_item()?.h256("account code hash")?,
        })
    }
}

/// Strict: delegates to [`Account::decode_rlp`].
impl Decodable for Account {
    fn decode(rlp: &Rlp<'_>) -> Result<Self, DecoderError> {
        Ok(Self::decode_rlp(rlp.as_raw())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keccak256;

    #[test]
    fn constants_are_the_hashes_they_claim() {
        assert_eq!(EMPTY_ROOT, keccak256(rlp::encode(&"")));
        assert_eq!(KECCAK_EMPTY, keccak256([]));
    }

    #[test]
    fn account_rlp_round_trips() {
        let a =
            Account { nonce: 7, balance: U256::from(10u64).pow(20.into()), ..Default::default() };
        let enc = rlp::encode(&a);
        assert_eq!(rlp::decode::<Account>(&enc).unwrap(), a);
    }

    #[test]
    fn account_with_wrong_field_count_is_rejected() {
        let mut s = RlpStream::new_list(3);
        s.append(&1u64).append(&2u64).append(&3u64);
        assert!(rlp::decode::<Account>(&s.out()).is_err());
    }

    #[test]
    fn account_decoding_is_strict() {
        let mut enc = rlp::encode(&Account::default()).to_vec();
        assert_eq!(Account::decode_rlp(&enc), Ok(Account::default()));
        enc.push(0x80);
        assert_eq!(Account::decode_rlp(&enc), Err(DecodeError::TrailingBytes { extra: 1 }));
        // Nonce 1 written as 0x820001 (leading zero).
        let mut s = RlpStream::new_list(4);
        s.append(&vec![0u8, 1]).append(&0u8).append(&EMPTY_ROOT).append(&KECCAK_EMPTY);
        assert!(matches!(
            Account::decode_rlp(&s.out()),
            Err(DecodeError::LeadingZeros { field: "account nonce" })
        ));
    }
}
