//! Block headers and blocks.
//!
//! A [`Header`] carries every field of an Ethereum London header, in
//! Ethereum's order, plus one trailing `seal` for the consensus engine:
//!
//! ```text
//! rlp([parentHash, ommersHash, beneficiary, stateRoot, transactionsRoot, receiptsRoot,
//!      logsBloom, difficulty, number, gasLimit, gasUsed, timestamp, extraData,
//!      mixHash, nonce, (baseFeePerGas,) seal])
//! ```
//!
//! - `hash()` is keccak256 of that RLP: the block's identity.
//! - `seal_hash()` is keccak256 of the same list *without* `mixHash`, `nonce`
//!   and `seal`: what proof-of-work mines on (the engine then fills
//!   `mix_hash`/`nonce`) and what a proof-of-stake proposer signs (the
//!   signature goes into `seal`). It commits to everything else, base fee
//!   included.
//! - `base_fee_per_gas` is an `Option<U256>`: 256 bits like Ethereum's field,
//!   absent only in headers of chains that start before London. The item
//!   count tells the two forms apart (16 items without it, 17 with it).
//! - `seal` is empty for the instant and proof-of-work engines.
//!
//! A [`Block`] is `rlp([header, [tx, ...]])`, each transaction in its
//! block-body form (legacy: the RLP list; typed: an RLP byte string holding
//! the EIP-2718 envelope). Basalt has no ommers, so `ommers_hash` is always
//! [`EMPTY_OMMERS_HASH`] and blocks carry no ommers list.

use crate::account::EMPTY_ROOT;
use crate::decode::RlpItem;
use crate::error::DecodeError;
use crate::hash::keccak256;
use crate::transaction::SignedTransaction;
use ethereum_types::{Address, Bloom, H256, H64, U256};
use rlp::{Decodable, DecoderError, Encodable, Rlp, RlpStream};

/// keccak256 of the RLP of an empty list (`0xc0`): the ommers hash of a block without ommers.
pub const EMPTY_OMMERS_HASH: H256 = H256([
    0x1d, 0xcc, 0x4d, 0xe8, 0xde, 0xc7, 0x5d, 0x7a, 0xab, 0x85, 0xb5, 0x67, 0xb6, 0xcc, 0xd4, 0x1a,
    0xd3, 0x12, 0x45, 0x1b, 0x94, 0x8a, 0x74, 0x13, 0xf0, 0xa1, 0x42, 0xfd, 0x40, 0xd4, 0x93, 0x47,
]);

/// A block header: Ethereum's London fields plus the consensus engine's `seal`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Header {
    /// Hash of the parent header.
    pub parent_hash: H256,
    /// Hash of the ommers list; always [`EMPTY_OMMERS_HASH`] in Basalt.
    pub ommers_hash: H256,
    /// Address that receives the priority fees.
    pub beneficiary: Address,
    /// State trie root after the block.
    pub state_root: H256,
    /// Root of the trie of the block's transactions.
    pub transactions_root: H256,
    /// Root of the trie of the block's receipts.
    pub receipts_root: H256,
    /// Union of the receipts' blooms.
    pub logs_bloom: Bloom,
    /// Proof-of-work difficulty (zero for other engines).
    pub difficulty: U256,
    /// Block number.
    pub number: u64,
    /// Gas limit of the block.
    pub gas_limit: u64,
    /// Gas used by the block's transactions.
    pub gas_used: u64,
    /// Seconds since the Unix epoch.
    pub timestamp: u64,
    /// Arbitrary bytes chosen by the producer.
    pub extra_data: Vec<u8>,
    /// Proof-of-work mix hash (zero for other engines).
    pub mix_hash: H256,
    /// Proof-of-work nonce (zero for other engines).
    pub nonce: H64,
    /// EIP-1559 base fee; `None` only before London.
    pub base_fee_per_gas: Option<U256>,
    /// Consensus engine's seal (e.g. a proposer signature); empty for instant and PoW.
    pub seal: Vec<u8>,
}

impl Default for Header {
    fn default() -> Self {
        Self {
            parent_hash: H256::zero(),
            ommers_hash: EMPTY_OMMERS_HASH,
            beneficiary: Address::zero(),
            state_root: EMPTY_ROOT,
            transactions_root: EMPTY_ROOT,
            receipts_root: EMPTY_ROOT,
            logs_bloom: Bloom::zero(),
            difficulty: U256::zero(),
            number: 0,
            gas_limit: 0,
            gas_used: 0,
            timestamp: 0,
            extra_data: Vec::new(),
            mix_hash: H256::zero(),
            nonce: H64::zero(),
            base_fee_per_gas: None,
            seal: Vec::new(),
        }
    }
}

impl Header {
    /// Items before `mix_hash`: the part every hash commits to.
    const SEALED_FIELDS: usize = 13;

    fn append_sealed_fields(&self, s: &mut RlpStream) {
        s.append(&self.parent_hash);
        s.append(&self.ommers_hash);
        s.append(&self.beneficiary);
        s.append(&self.state_root);
        s.append(&self.transactions_root);
        s.append(&self.receipts_root);
        s.append(&self.logs_bloom);
        s.append(&self.difficulty);
        s.append(&self.number);
        s.append(&self.gas_limit);
        s.append(&self.gas_used);
        s.append(&self.timestamp);
        s.append(&self.extra_data);
    }

    /// The block hash: keccak256 of the header's RLP.
    pub fn hash(&self) -> H256 {
        keccak256(rlp::encode(self))
    }

    /// The hash the consensus engine seals: keccak256 of the RLP list of all fields except
    /// `mix_hash`, `nonce` and `seal` (`base_fee_per_gas` included when present).
    pub fn seal_hash(&self) -> H256 {
        let base_fee = usize::from(self.base_fee_per_gas.is_some());
        let mut s = RlpStream::new_list(Self::SEALED_FIELDS + base_fee);
        self.append_sealed_fields(&mut s);
        if let Some(base_fee) = &self.base_fee_per_gas {
            s.append(base_fee);
        }
        keccak256(s.out())
    }

    /// Decodes a header's canonical RLP; trailing bytes are an error.
    pub fn decode_rlp(bytes: &[u8]) -> Result<Self, DecodeError> {
        Self::from_item(RlpItem::parse_exact(bytes)?)
    }

    /// Decodes a header from an already-parsed RLP item (16 or 17 items).
    pub fn from_item(item: RlpItem<'_>) -> Result<Self, DecodeError> {
        let mut f = item.list("header")?;
        let count = f.count_remaining()?;
        let has_base_fee = match count {
            16 => false,
            17 => true,
            found => return Err(DecodeError::ItemCount { what: "header", expected: 16, found }),
        };
        Ok(Self {
            parent_hash: f.next_item()?.h256("parent hash")?,
            ommers_hash: f.next_item()?.h256("ommers hash")?,
            beneficiary: f.next_item()?.address("beneficiary")?,
            state_root: f.next_item()?.h256("state root")?,
            transactions_root: f.next_item()?.h256("transactions root")?,
            receipts_root: f.next_item()?.h256("receipts root")?,
            logs_bloom: f.next_item()?.bloom("logs bloom")?,
            difficulty: f.next_item()?.u256("difficulty")?,
            number: f.next_item()?.u64("number")?,
            gas_limit: f.next_item()?.u64("gas limit")?,
            gas_used: f.next_item()?.u64("gas used")?,
            timestamp: f.next_item()?.u64("timestamp")?,
            extra_data: f.next_item()?.bytes("extra data")?.to_vec(),
            mix_hash: f.next_item()?.h256("mix hash")?,
            nonce: f.next_item()?.h64("nonce")?,
            base_fee_per_gas: if has_base_fee {
                Some(f.next_item()?.u256("base fee per gas")?)
            } else {
                None
            },
            seal: f.next_item()?.bytes("seal")?.to_vec(),
        })
    }
}

impl Encodable for Header {
    fn rlp_append(&self, s: &mut RlpStream) {
        let base_fee = usize::from(self.base_fee_per_gas.is_some());
        s.begin_list(Self::SEALED_FIELDS + 3 + base_fee);
        self.append_sealed_fields(s);
        s.append(&self.mix_hash);
        s.append(&self.nonce);
        if let Some(base_fee) = &self.base_fee_per_gas {
            s.append(base_fee);
        }
        s.append(&self.seal);
    }
}

impl Decodable for Header {
    fn decode(rlp: &Rlp<'_>) -> Result<Self, DecoderError> {
        Ok(Self::decode_rlp(rlp.as_raw())?)
    }
}

/// A block: its header and its transactions. RLP `[header, [tx, ...]]`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Block {
    /// The header.
    pub header: Header,
    /// The transactions, in execution order.
    pub transactions: Vec<SignedTransaction>,
}

impl Block {
    /// The block hash (the header's).
    pub fn hash(&self) -> H256 {
        self.header.hash()
    }

    /// Decodes a block's canonical RLP; trailing bytes are an error.
    pub fn decode_rlp(bytes: &[u8]) -> Result<Self, DecodeError> {
        Self::from_item(RlpItem::parse_exact(bytes)?)
    }

    /// Decodes a block from an already-parsed RLP item.
    pub fn from_item(item: RlpItem<'_>) -> Result<Self, DecodeError> {
        let mut f = item.list_exact("block", 2)?;
        let header = Header::from_item(f.next_item()?)?;
        let transactions = f
            .next_item()?
            .list("block transactions")?
            .map_all(SignedTransaction::from_body_item)?;
        Ok(Self { header, transactions })
    }
}

impl Encodable for Block {
    fn rlp_append(&self, s: &mut RlpStream) {
        s.begin_list(2);
        s.append(&self.header);
        s.append_list(&self.transactions);
    }
}

impl Decodable for Block {
    fn decode(rlp: &Rlp<'_>) -> Result<Self, DecoderError> {
        Ok(Self::decode_rlp(rlp.as_raw())?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Header {
        Header {
            parent_hash: H256::repeat_byte(1),
            beneficiary: Address::repeat_byte(2),
            difficulty: 131_072.into(),
            number: 7,
            gas_limit: 30_000_000,
            gas_used: 21_000,
            timestamp: 1_700_000_000,
            extra_data: b"basalt".to_vec(),
            mix_hash: H256::repeat_byte(3),
            nonce: H64::repeat_byte(4),
            base_fee_per_gas: Some(1_000_000_000u64.into()),
            seal: vec![9; 65],
            ..Default::default()
        }
    }

    #[test]
    fn empty_ommers_hash_is_keccak_of_empty_list() {
        assert_eq!(EMPTY_OMMERS_HASH, keccak256([0xc0]));
        assert_eq!(
            hex::encode(EMPTY_OMMERS_HASH),
            "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347"
        );
    }

    #[test]
    fn header_round_trips_with_and_without_base_fee() {
        for header in [sample(), Header { base_fee_per_gas: None, ..sample() }] {
            let enc = rlp::encode(&header);
            assert_eq!(Header::decode_rlp(&enc).unwrap(), header);
            assert_eq!(rlp::decode::<Header>(&enc).unwrap(), header);
        }
    }

    #[test]
    fn seal_hash_ignores_exactly_mix_hash_nonce_and_seal() {
        let h = sample();
        let resealed =
            Header { mix_hash: H256::zero(), nonce: H64::zero(), seal: vec![], ..h.clone() };
        assert_eq!(h.seal_hash(), resealed.seal_hash());
        assert_ne!(h.hash(), resealed.hash());
        let other_fee = Header { base_fee_per_gas: Some(7.into()), ..h.clone() };
        assert_ne!(h.seal_hash(), other_fee.seal_hash());
        let other_extra = Header { extra_data: vec![], ..h.clone() };
        assert_ne!(h.seal_hash(), other_extra.seal_hash());
    }

    #[test]
    fn header_with_wrong_item_count_is_rejected() {
        let h = sample();
        let mut s = RlpStream::new_list(15);
        h.append_sealed_fields(&mut s);
        s.append(&h.mix_hash);
        s.append(&h.nonce);
        assert!(matches!(
            Header::decode_rlp(&s.out()),
            Err(DecodeError::ItemCount { what: "header", found: 15, .. })
        ));
    }

    #[test]
    fn empty_block_round_trips() {
        let block = Block { header: sample(), transactions: vec![] };
        let enc = rlp::encode(&block);
        assert_eq!(Block::decode_rlp(&enc).unwrap(), block);
        assert_eq!(block.hash(), sample().hash());
    }
}
