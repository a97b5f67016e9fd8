//! Transaction receipts, with EIP-2718 typed encoding.
//!
//! The body of every receipt is Ethereum's post-Byzantium
//! `rlp([status, cumulativeGasUsed, logsBloom, [log, ...]])`, where status is
//! `0x01` for success and the empty string for failure. A legacy receipt is
//! that list alone; a typed receipt is `type || rlp(list)`. That byte string
//! is the value stored in the receipts trie under `rlp(index)`, and the form
//! [`Receipt::encode`] / [`Receipt::decode`] produce and accept.
//! (Pre-Byzantium intermediate state roots are not supported.)

use crate::decode::RlpItem;
use crate::error::DecodeError;
use crate::log::{logs_bloom, Log};
use crate::transaction::TxType;
use ethereum_types::Bloom;
use rlp::RlpStream;

/// The outcome of one transaction.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Receipt {
    /// Type of the transaction this receipt belongs to.
    pub tx_type: TxType,
    /// True if execution succeeded (status 1), false if it reverted or failed (status 0).
    pub success: bool,
    /// Gas used by the block up to and including this transaction.
    pub cumulative_gas_used: u64,
    /// Bloom of [`Self::logs`].
    pub logs_bloom: Bloom,
    /// Logs emitted (none when the transaction failed).
    pub logs: Vec<Log>,
}

impl Receipt {
    /// A receipt whose bloom is computed from its logs.
    pub fn new(tx_type: TxType, success: bool, cumulative_gas_used: u64, logs: Vec<Log>) -> Self {
        Self { tx_type, success, cumulative_gas_used, logs_bloom: logs_bloom(&logs), logs }
    }

    /// The EIP-2718 encoding (also the receipts-trie value): the RLP list for legacy,
    /// `type || rlp(list)` for typed receipts.
    pub fn encode(&self) -> Vec<u8> {
        let mut s = RlpStream::new_list(4);
        s.append(&u8::from(self.success));
        s.append(&self.cumulative_gas_used);
        s.append(&self.logs_bloom);
        s.append_list(&self.logs);
        let body = s.out();
        match self.tx_type {
            TxType::Legacy => body.to_vec(),
            ty => {
                let mut out = Vec::with_capacity(body.len().saturating_add(1));
                out.push(ty.as_u8());
                out.extend_from_slice(&body);
                out
            }
        }
    }

    /// Decodes the EIP-2718 encoding strictly: a first byte `>= 0xc0` is a legacy receipt,
    /// `0x01`/`0x02` a typed one, anything else [`DecodeError::UnsupportedType`].
    pub fn decode(bytes: &[u8]) -> Result<Self, DecodeError> {
        let (tx_type, body) = match bytes.first().copied() {
            None => return Err(DecodeError::Empty),
            Some(0xc0..) => (TxType::Legacy, bytes),
            Some(0) => return Err(DecodeError::UnsupportedType { ty: 0 }),
            Some(ty) => (TxType::try_from(ty)?, bytes.get(1..).unwrap_or_default()),
        };
        let mut f = RlpItem::parse_exact(body)?.list_exact("receipt", 4)?;
        let success = f.next_item()?.flag("status")?;
        let cumulative_gas_used = f.next_item()?.u64("cumulative gas used")?;
        let logs_bloom = f.next_item()?.bloom("logs bloom")?;
        let logs = f.next_item()?.list("receipt logs")?.map_all(Log::from_item)?;
        Ok(Self { tx_type, success, cumulative_gas_used, logs_bloom, logs })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ethereum_types::{Address, H256};

    fn sample(tx_type: TxType, success: bool) -> Receipt {
        let log = Log {
            address: Address::repeat_byte(5),
            topics: vec![H256::repeat_byte(6)],
            data: vec![7; 40],
        };
        Receipt::new(tx_type, success, 63_000, vec![log])
    }

    #[test]
    fn receipts_round_trip_in_every_form() {
        for ty in [TxType::Legacy, TxType::Eip2930, TxType::Eip1559] {
            for success in [true, false] {
                let r = sample(ty, success);
                let enc = r.encode();
                match ty {
                    TxType::Legacy => assert!(enc[0] >= 0xc0),
                    _ => assert_eq!(enc[0], ty.as_u8()),
                }
                assert_eq!(Receipt::decode(&enc).unwrap(), r);
            }
        }
    }

    #[test]
    fn known_legacy_encoding() {
        // Success, 21000 gas, empty bloom, no logs: f9 0108 | 01 | 825208 | b90100 00..00 | c0.
        let r = Receipt::new(TxType::Legacy, true, 21_000, vec![]);
        let enc = r.encode();
        assert_eq!(hex::encode(&enc[..7]), "f9010801825208");
        assert_eq!(enc.len(), 3 + 1 + 3 + 3 + 256 + 1);
        assert_eq!(*enc.last().unwrap(), 0xc0);
    }

    #[test]
    fn bad_receipts_are_rejected() {
        let enc = sample(TxType::Eip1559, true).encode();
        assert_eq!(
            Receipt::decode(&[&[0x03u8][..], &enc[1..]].concat()),
            Err(DecodeError::UnsupportedType { ty: 3 })
        );
        let mut trailing = enc.clone();
        trailing.push(0);
        assert!(Receipt::decode(&trailing).is_err());
        assert_eq!(Receipt::decode(&[]), Err(DecodeError::Empty));
        assert!(Receipt::decode(&[0x02]).is_err());
    }
}
