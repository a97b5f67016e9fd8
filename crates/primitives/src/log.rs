//! Event logs and the logs bloom filter.
//!
//! A [`Log`] is what a contract emits: the emitting address, up to four
//! topics (the VM enforces the limit; decoding accepts any count, as
//! Ethereum's RLP does) and opaque data. Its RLP is Ethereum's
//! `[address, [topic, ...], data]`.
//!
//! The logs bloom is Ethereum's 2048-bit filter: for each log, the address
//! and every topic are added with the 3-of-2048 rule (three 11-bit indices
//! taken from the first six bytes of their keccak256), which
//! [`Bloom::accrue`] implements.

use crate::decode::RlpItem;
use crate::error::DecodeError;
use ethereum_types::{Address, Bloom, BloomInput, H256};
use rlp::{Decodable, DecoderError, Encodable, Rlp, RlpStream};

/// One event emitted by a contract.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Log {
    /// The contract that emitted the log.
    pub address: Address,
    /// Indexed topics; topic 0 is usually keccak256 of the event signature.
    pub topics: Vec<H256>,
    /// Non-indexed data (ABI-encoded).
    pub data: Vec<u8>,
}

impl Log {
    /// Adds this log's address and topics to `bloom`.
    pub fn accrue_to(&self, bloom: &mut Bloom) {
        bloom.accrue(BloomInput::Raw(self.address.as_bytes()));
        for topic in &self.topics {
            bloom.accrue(BloomInput::Raw(topic.as_bytes()));
        }
    }

    /// This log's own bloom.
    pub fn bloom(&self) -> Bloom {
        let mut bloom = Bloom::zero();
        self.accrue_to(&mut bloom);
        bloom
    }

    /// Decodes the canonical RLP of a log; trailing bytes are an error.
    pub fn decode_rlp(bytes: &[u8]) -> Result<Self, DecodeError> {
        Self::from_item(RlpItem::parse_exact(bytes)?)
    }

    /// Decodes a log from an already-parsed RLP item.
    pub fn from_item(item: RlpItem<'_>) -> Result<Self, DecodeError> {
        let mut fields = item.list_exact("log", 3)?;
        let address = fields.next_item()?.address("log address")?;
        let topics = fields.next_item()?.list("log topics")?.map_all(|t| t.h256("log topic"))?;
        let data = fields.next_item()?.bytes("log data")?.to_vec();
        Ok(Self { address, topics, data })
    }
}

/// The bloom of a sequence of logs (a receipt's, or a block's across all receipts).
pub fn logs_bloom<'a>(logs: impl IntoIterator<Item = &'a Log>) -> Bloom {
    let mut bloom = Bloom::zero();
    for log in logs {
        log.accrue_to(&mut bloom);
    }
    bloom
}

/// True when `bloom` may contain `log` (false positives are possible, false negatives are not).
pub fn bloom_may_contain(bloom: &Bloom, log: &Log) -> bool {
    bloom.contains_bloom(&log.bloom())
}

impl Encodable for Log {
    fn rlp_append(&self, s: &mut RlpStream) {
        s.begin_list(3);
        s.append(&self.address);
        s.append_list(&self.topics);
        s.append(&self.data);
    }
}

impl Decodable for Log {
    fn decode(rlp: &Rlp<'_>) -> Result<Self, DecoderError> {
        Ok(Self::decode_rlp(rlp.as_raw())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keccak256;

    fn sample() -> Log {
        Log {
            address: Address::repeat_byte(0x11),
            topics: vec![keccak256(b"Transfer(address,address,uint256)"), H256::repeat_byte(2)],
            data: vec![1, 2, 3],
        }
    }

    #[test]
    fn log_rlp_round_trips() {
        let log = sample();
        let enc = rlp::encode(&log);
        assert_eq!(Log::decode_rlp(&enc).unwrap(), log);
        assert_eq!(rlp::decode::<Log>(&enc).unwrap(), log);
    }

    #[test]
    fn log_rejects_wrong_shapes() {
        let mut s = RlpStream::new_list(2);
        s.append(&Address::zero()).append_list::<H256, H256>(&[]);
        assert!(Log::decode_rlp(&s.out()).is_err());
        let mut enc = rlp::encode(&sample()).to_vec();
        enc.push(0);
        assert_eq!(Log::decode_rlp(&enc), Err(DecodeError::TrailingBytes { extra: 1 }));
    }

    #[test]
    fn bloom_sets_three_bits_per_item() {
        // The 3-of-2048 rule: bits from the first three 16-bit pairs of keccak(item), mod 2048.
        let address = Address::repeat_byte(0xab);
        let log = Log { address, topics: vec![], data: vec![] };
        let bloom = logs_bloom([&log]);
        let hash = keccak256(address.as_bytes());
        let mut expected = [0u8; 256];
        for i in [0usize, 2, 4] {
            let bit = ((usize::from(hash[i]) << 8) | usize::from(hash[i + 1])) & 2047;
            expected[255 - bit / 8] |= 1 << (bit % 8);
        }
        assert_eq!(bloom.0, expected);
        assert!(bloom_may_contain(&bloom, &log));
        assert!(!bloom_may_contain(&Bloom::zero(), &log));
    }
}
