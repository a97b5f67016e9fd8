//! Legacy transactions, with (EIP-155) or without replay protection.

use super::TxKind;
use crate::decode::RlpItem;
use crate::error::DecodeError;
use crate::hash::keccak256;
use crate::signature::Signature;
use ethereum_types::{H256, U256};
use rlp::RlpStream;

/// A legacy transaction.
///
/// `chain_id` is `Some` for EIP-155 transactions (the chain id is folded into
/// `v` on the wire and into the signing hash) and `None` for the original
/// unprotected form (`v` = 27/28), which any chain would accept.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct TxLegacy {
    /// EIP-155 chain id, or `None` for an unprotected transaction.
    pub chain_id: Option<u64>,
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
}

impl TxLegacy {
    fn append_fields(&self, s: &mut RlpStream) {
        s.append(&self.nonce);
        s.append(&self.gas_price);
        s.append(&self.gas_limit);
        s.append(&self.to);
        s.append(&self.value);
        s.append(&self.input);
    }

    /// The signing hash: keccak of the 6 fields, or with EIP-155 of the 6 fields plus
    /// `chainId, 0, 0`.
    pub fn signing_hash(&self) -> H256 {
        let mut s = RlpStream::new_list(if self.chain_id.is_some() { 9 } else { 6 });
        self.append_fields(&mut s);
        if let Some(chain_id) = self.chain_id {
            s.append(&chain_id);
            s.append(&0u8);
            s.append(&0u8);
        }
        keccak256(s.out())
    }

    /// The signed network form: `rlp([nonce, gasPrice, gas, to, value, data, v, r, s])`.
    pub(crate) fn encode_signed(&self, signature: &Signature, s: &mut RlpStream) {
        s.begin_list(9);
        self.append_fields(s);
        s.append(&signature.legacy_v(self.chain_id));
        s.append(&signature.r);
        s.append(&signature.s);
    }

    /// Decodes the signed 9-item list, deriving the chain id and parity from `v`.
    pub(crate) fn decode_signed(item: RlpItem<'_>) -> Result<(Self, Signature), DecodeError> {
        let mut f = item.list_exact("legacy transaction", 9)?;
        let nonce = f.next_item()?.u64("nonce")?;
        let gas_price = f.next_item()?.u256("gas price")?;
        let gas_limit = f.next_item()?.u64("gas limit")?;
        let to = TxKind::from_item(f.next_item()?)?;
        let value = f.next_item()?.u256("value")?;
        let input = f.next_item()?.bytes("input")?.to_vec();
        let v = f.next_item()?.u128("v")?;
        let r = f.next_item()?.u256("r")?;
        let s = f.next_item()?.u256("s")?;
        let (chain_id, y_parity) = split_v(v)?;
        let tx = Self { chain_id, nonce, gas_price, gas_limit, to, value, input };
        Ok((tx, Signature { r, s, y_parity }))
    }
}

/// Splits a legacy `v` into (chain id, parity): 27/28 carry no chain id; `v >= 35` is EIP-155
/// with `chain_id = (v - 35) / 2` (so 35/36 mean chain id 0, which no Basalt chain uses and
/// the chain-id check rejects); anything else is invalid.
fn split_v(v: u128) -> Result<(Option<u64>, bool), DecodeError> {
    match v {
        27 | 28 => Ok((None, v == 28)),
        35.. => {
            let offset = v - 35;
            let chain_id =
                u64::try_from(offset / 2).map_err(|_| DecodeError::ChainIdTooLarge { v })?;
            Ok((Some(chain_id), offset % 2 == 1))
        }
        _ => Err(DecodeError::InvalidV { v }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn v_splits_as_eip155_says() {
        assert_eq!(split_v(27), Ok((None, false)));
        assert_eq!(split_v(28), Ok((None, true)));
        assert_eq!(split_v(37), Ok((Some(1), false)));
        assert_eq!(split_v(38), Ok((Some(1), true)));
        assert_eq!(split_v(35), Ok((Some(0), false)));
        for bad in [0u128, 1, 26, 29, 34] {
            assert_eq!(split_v(bad), Err(DecodeError::InvalidV { v: bad }));
        }
        let max = u128::from(u64::MAX) * 2 + 36;
        assert_eq!(split_v(max), Ok((Some(u64::MAX), true)));
        assert_eq!(split_v(max + 1), Err(DecodeError::ChainIdTooLarge { v: max + 1 }));
    }

    #[test]
    fn v_round_trips_through_signature() {
        for chain_id in [None, Some(0), Some(1), Some(31337), Some(u64::MAX)] {
            for y_parity in [false, true] {
                let sig = Signature { y_parity, ..Default::default() };
                assert_eq!(split_v(sig.legacy_v(chain_id)), Ok((chain_id, y_parity)));
            }
        }
    }
}
