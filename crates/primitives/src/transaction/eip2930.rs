//! EIP-2930 transactions (type 1): a legacy-style gas price plus an access list.

use super::{envelope, AccessList, TxKind};
use crate::decode::RlpItem;
use crate::error::DecodeError;
use crate::signature::Signature;
use ethereum_types::{H256, U256};
use rlp::RlpStream;

/// An EIP-2930 transaction.
///
/// Wire form: `0x01 || rlp([chainId, nonce, gasPrice, gasLimit, to, value, data,
/// accessList, yParity, r, s])`. The chain id is limited to 64 bits.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TxEip2930 {
    /// Chain id (part of the signing hash: replay protection).
    pub chain_id: u64,
    /// Sender nonce.
    pub nonce: u64,
    /// Price per gas, in wei.
    pub gas_price: U256,
    /// Gas limit.
    pub gas_limit: u64,
    /// Create or call.
    pub to: TxKind,
    /// Value transferred, in wei.
    pub value: U256,
    /// Calldata, or the deploy envelope for a create.
    pub input: Vec<u8>,
    /// Pre-declared accounts and storage keys.
    pub access_list: AccessList,
}

impl TxEip2930 {
    /// The EIP-2718 type byte.
    pub const TX_TYPE: u8 = 0x01;
    const FIELDS: usize = 8;

    fn append_fields(&self, s: &mut RlpStream) {
        s.append(&self.chain_id);
        s.append(&self.nonce);
        s.append(&self.gas_price);
        s.append(&self.gas_limit);
        s.append(&self.to);
        s.append(&self.value);
        s.append(&self.input);
        s.append(&self.access_list);
    }

    /// The signing hash: `keccak(0x01 || rlp([8 fields]))`.
    pub fn signing_hash(&self) -> H256 {
        envelope::signing_hash(Self::TX_TYPE, Self::FIELDS, |s| self.append_fields(s))
    }

    /// The signed envelope `0x01 || rlp([8 fields, yParity, r, s])`.
    pub(crate) fn encode_signed(&self, signature: &Signature) -> Vec<u8> {
        envelope::encode_signed(Self::TX_TYPE, Self::FIELDS, |s| self.append_fields(s), signature)
    }

    /// Decodes the RLP list that follows the type byte.
    pub(crate) fn decode_signed(item: RlpItem<'_>) -> Result<(Self, Signature), DecodeError> {
        let mut f = item.list_exact("EIP-2930 transaction", Self::FIELDS + 3)?;
        let tx = Self {
            chain_id: f.next_item()?.u64("chain id")?,
            nonce: f.next_item()?.u64("nonce")?,
            gas_price: f.next_item()?.u256("gas price")?,
            gas_limit: f.next_item()?.u64("gas limit")?,
            to: TxKind::from_item(f.next_item()?)?,
            value: f.next_item()?.u256("value")?,
            input: f.next_item()?.bytes("input")?.to_vec(),
            access_list: AccessList::from_item(f.next_item()?)?,
        };
        Ok((tx, envelope::decode_signature(&mut f)?))
    }
}
