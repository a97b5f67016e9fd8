//! Ethereum JSON-RPC encodings: quantities, data, block ids, call requests,
//! filters, and the block / transaction / receipt / log objects of the
//! execution-apis spec.
//!
//! Quantities go out as `0x`-hex without leading zeros (`U64`, `U256` of
//! ethereum-types serialize that way); byte strings as even-length `0x`-hex
//! ([`Bytes`]); hashes and addresses as fixed-width hex.

use basalt_chain::{LogEntry, SealedHeader, StoredReceipt};
use basalt_primitives::{
    AccessList, AccessListItem, Address, Bloom, Log, SignedTransaction, Transaction, H256, H64,
    U256, U64,
};
use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A byte string, `0x`-hex in JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("0x{}", hex::encode(&self.0)))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_hex_bytes(&text).map(Bytes).map_err(D::Error::custom)
    }
}

/// Parses `0x`-prefixed (or bare) hex bytes; an odd digit count gets a leading zero.
pub fn parse_hex_bytes(text: &str) -> Result<Vec<u8>, String> {
    let digits = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")).unwrap_or(text);
    let padded;
    let digits = if digits.len() % 2 == 1 {
        padded = format!("0{digits}");
        padded.as_str()
    } else {
        digits
    };
    hex::decode(digits).map_err(|e| format!("invalid hex data {text:?}: {e}"))
}

/// A quantity read leniently: `0x`-hex string, decimal string or JSON number
/// (clients differ: `eth_feeHistory`'s block count comes as either).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Quantity(pub U256);

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match serde_json::Value::deserialize(d)? {
            serde_json::Value::Number(n) => n
                .as_u64()
                .map(|n| Quantity(U256::from(n)))
                .ok_or_else(|| D::Error::custom(format!("invalid quantity {n}"))),
            serde_json::Value::String(s) => {
                parse_quantity(&s).map(Quantity).map_err(D::Error::custom)
            }
            other => Err(D::Error::custom(format!("invalid quantity {other}"))),
        }
    }
}

/// Parses a `0x`-hex or decimal quantity.
pub fn parse_quantity(text: &str) -> Result<U256, String> {
    let bad = || format!("invalid quantity {text:?}");
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some("") => Err(bad()),
        Some(hex) if hex.len() <= 64 => U256::from_str_radix(hex, 16).map_err(|_| bad()),
        Some(_) => Err(bad()),
        None => U256::from_dec_str(text).map_err(|_| bad()),
    }
}

/// Which block a request reads: a tag, a number or a hash (EIP-1898).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BlockId {
    /// `latest`, `safe`, `finalized`: the head of this chain.
    #[default]
    Latest,
    /// `earliest`: block 0.
    Earliest,
    /// `pending`: the block being built on the head.
    Pending,
    /// A block number.
    Number(u64),
    /// A block hash.
    Hash(H256),
}

impl<'de> Deserialize<'de> for BlockId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(d)?;
        block_id_from_value(&value).map_err(D::Error::custom)
    }
}

fn block_id_from_value(value: &serde_json::Value) -> Result<BlockId, String> {
    match value {
        serde_json::Value::Null => Ok(BlockId::Latest),
        serde_json::Value::Number(n) => {
            n.as_u64().map(BlockId::Number).ok_or_else(|| format!("invalid block number {n}"))
        }
        serde_json::Value::String(s) => match s.as_str() {
            "latest" | "safe" | "finalized" => Ok(BlockId::Latest),
            "earliest" => Ok(BlockId::Earliest),
            "pending" => Ok(BlockId::Pending),
            s if s.len() == 66 => {
                let bytes = parse_hex_bytes(s)?;
                Ok(BlockId::Hash(H256::from_slice(&bytes)))
            }
            s => {
                let n = parse_quantity(s)?;
                if n > U256::from(u64::MAX) {
                    return Err(format!("block number {s} out of range"));
                }
                Ok(BlockId::Number(n.as_u64()))
            }
        },
        serde_json::Value::Object(map) => {
            if let Some(hash) = map.get("blockHash") {
                let text = hash.as_str().ok_or("blockHash must be a string")?;
                let bytes = parse_hex_bytes(text)?;
                if bytes.len() != 32 {
                    return Err(format!("invalid block hash {text}"));
                }
                Ok(BlockId::Hash(H256::from_slice(&bytes)))
            } else if let Some(number) = map.get("blockNumber") {
                block_id_from_value(number)
            } else {
                Err("block id object needs blockHash or blockNumber".into())
            }
        }
        other => Err(format!("invalid block id {other}")),
    }
}

/// A block number or tag (no hash), as `eth_getBlockByNumber` takes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BlockNumberOrTag(pub BlockId);

impl<'de> Deserialize<'de> for BlockNumberOrTag {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = BlockId::deserialize(d)?;
        if matches!(id, BlockId::Hash(_)) {
            return Err(D::Error::custom("expected a block number or tag, got a hash"));
        }
        Ok(Self(id))
    }
}

/// One access-list entry in JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcAccessListItem {
    /// The account.
    pub address: Address,
    /// Its storage keys.
    #[serde(default)]
    pub storage_keys: Vec<H256>,
}

/// Converts a JSON access list to the primitive one.
pub fn to_access_list(items: &[RpcAccessListItem]) -> AccessList {
    AccessList(
        items
            .iter()
            .map(|i| AccessListItem { address: i.address, storage_keys: i.storage_keys.clone() })
            .collect(),
    )
}

fn from_access_list(list: &AccessList) -> Vec<RpcAccessListItem> {
    list.0
        .iter()
        .map(|i| RpcAccessListItem { address: i.address, storage_keys: i.storage_keys.clone() })
        .collect()
}

/// A transaction request: `eth_call`, `eth_estimateGas`, `eth_sendTransaction`.
/// `input` and `data` are both accepted (cast sends both, equal).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TransactionRequest {
    /// Sender.
    pub from: Option<Address>,
    /// Callee; absent for a create.
    pub to: Option<Address>,
    /// Gas limit.
    pub gas: Option<Quantity>,
    /// Legacy gas price.
    pub gas_price: Option<Quantity>,
    /// EIP-1559 fee cap.
    pub max_fee_per_gas: Option<Quantity>,
    /// EIP-1559 tip cap.
    pub max_priority_fee_per_gas: Option<Quantity>,
    /// Value sent.
    pub value: Option<Quantity>,
    /// Calldata (preferred name).
    pub input: Option<Bytes>,
    /// Calldata (older name).
    pub data: Option<Bytes>,
    /// Nonce.
    pub nonce: Option<Quantity>,
    /// Chain id.
    pub chain_id: Option<Quantity>,
    /// Access list.
    pub access_list: Option<Vec<RpcAccessListItem>>,
    /// Transaction type.
    #[serde(rename = "type")]
    pub tx_type: Option<Quantity>,
}

impl TransactionRequest {
    /// The calldata: `input`, else `data`, else empty.
    pub fn calldata(&self) -> Vec<u8> {
        self.input.as_ref().or(self.data.as_ref()).map(|b| b.0.clone()).unwrap_or_default()
    }
}

/// One account's `eth_call` state override (geth's shape).
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AccountOverride {
    /// Replaces the balance.
    pub balance: Option<Quantity>,
    /// Replaces the nonce.
    pub nonce: Option<Quantity>,
    /// Replaces the code (a bare wasm module).
    pub code: Option<Bytes>,
    /// Replaces the whole storage with these slots.
    pub state: Option<std::collections::BTreeMap<H256, H256>>,
    /// Changes these slots, keeping the others.
    pub state_diff: Option<std::collections::BTreeMap<H256, H256>>,
}

/// `eth_call`'s third parameter: overrides by account.
pub type StateOverride = std::collections::BTreeMap<Address, AccountOverride>;

/// `eth_getLogs` / `eth_newFilter` criteria.
#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FilterSpec {
    /// First block (default latest).
    pub from_block: Option<BlockId>,
    /// Last block (default latest).
    pub to_block: Option<BlockId>,
    /// One block by hash (excludes from/to).
    pub block_hash: Option<H256>,
    /// Address or list of addresses.
    #[serde(default, deserialize_with = "one_or_many")]
    pub address: Option<Vec<Address>>,
    /// Topic positions: null = any, a hash, or a list of alternatives.
    #[serde(default)]
    pub topics: Option<Vec<TopicFilter>>,
}

/// One topic position of a filter.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TopicFilter(pub Option<Vec<H256>>);

impl<'de> Deserialize<'de> for TopicFilter {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = Option::<serde_json::Value>::deserialize(d)?;
        match value {
            None | Some(serde_json::Value::Null) => Ok(Self(None)),
            Some(v @ serde_json::Value::String(_)) => {
                Ok(Self(Some(vec![serde_json::from_value(v).map_err(D::Error::custom)?])))
            }
            Some(serde_json::Value::Array(items)) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    if item.is_null() {
                        // A null inside an OR list matches anything.
                        return Ok(Self(None));
                    }
                    out.push(serde_json::from_value(item).map_err(D::Error::custom)?);
                }
                Ok(Self(Some(out)))
            }
            Some(other) => Err(D::Error::custom(format!("invalid topic {other}"))),
        }
    }
}

fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<Address>>, D::Error> {
    let value = Option::<serde_json::Value>::deserialize(d)?;
    match value {
        None | Some(serde_json::Value::Null) => Ok(None),
        Some(v @ serde_json::Value::String(_)) => {
            Ok(Some(vec![serde_json::from_value(v).map_err(D::Error::custom)?]))
        }
        Some(v @ serde_json::Value::Array(_)) => {
            Ok(Some(serde_json::from_value(v).map_err(D::Error::custom)?))
        }
        Some(other) => Err(D::Error::custom(format!("invalid address filter {other}"))),
    }
}

impl FilterSpec {
    /// Whether `log` matches the address and topic criteria.
    pub fn matches(&self, log: &Log) -> bool {
        if let Some(addresses) = &self.address {
            if !addresses.is_empty() && !addresses.contains(&log.address) {
                return false;
            }
        }
        if let Some(topics) = &self.topics {
            for (i, wanted) in topics.iter().enumerate() {
                if let Some(options) = &wanted.0 {
                    match log.topics.get(i) {
                        Some(t) if options.is_empty() || options.contains(t) => {}
                        _ => return false,
                    }
                }
            }
        }
        true
    }

    /// Whether a block with `bloom` may hold a matching log.
    pub fn bloom_may_match(&self, bloom: &Bloom) -> bool {
        use basalt_primitives::BloomInput;
        if let Some(addresses) = &self.address {
            if !addresses.is_empty()
                && !addresses.iter().any(|a| bloom.contains_input(BloomInput::Raw(a.as_bytes())))
            {
                return false;
            }
        }
        if let Some(topics) = &self.topics {
            for wanted in topics {
                if let Some(options) = &wanted.0 {
                    if !options.is_empty()
                        && !options
                            .iter()
                            .any(|t| bloom.contains_input(BloomInput::Raw(t.as_bytes())))
                    {
                        return false;
                    }
                }
            }
        }
        true
    }
}

/// A block in JSON, with transaction hashes or full transactions.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcBlock {
    /// Block hash.
    pub hash: H256,
    /// Parent hash.
    pub parent_hash: H256,
    /// Ommers hash.
    pub sha3_uncles: H256,
    /// Beneficiary.
    pub miner: Address,
    /// State root.
    pub state_root: H256,
    /// Transactions root.
    pub transactions_root: H256,
    /// Receipts root.
    pub receipts_root: H256,
    /// Logs bloom.
    pub logs_bloom: Bloom,
    /// Difficulty.
    pub difficulty: U256,
    /// Total difficulty (older clients read it).
    pub total_difficulty: U256,
    /// Number.
    pub number: U64,
    /// Gas limit.
    pub gas_limit: U64,
    /// Gas used.
    pub gas_used: U64,
    /// Timestamp.
    pub timestamp: U64,
    /// Extra data.
    pub extra_data: Bytes,
    /// Mix hash.
    pub mix_hash: H256,
    /// Nonce.
    pub nonce: H64,
    /// Base fee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_fee_per_gas: Option<U256>,
    /// Size of the block's RLP in bytes.
    pub size: U64,
    /// Transactions.
    pub transactions: BlockTransactions,
    /// Always empty.
    pub uncles: Vec<H256>,
}

/// A block's transactions: hashes or full objects.
#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum BlockTransactions {
    /// Hashes only.
    Hashes(Vec<H256>),
    /// Full transactions.
    Full(Vec<RpcTransaction>),
}

impl RpcBlock {
    /// Builds the JSON block from a header and its body.
    pub fn new(
        sealed: &SealedHeader,
        txs: &[SignedTransaction],
        senders: &[Address],
        full: bool,
    ) -> Self {
        let h = &sealed.header;
        let transactions = if full {
            BlockTransactions::Full(
                txs.iter()
                    .enumerate()
                    .map(|(i, tx)| {
                        RpcTransaction::new(
                            tx,
                            senders.get(i).copied().unwrap_or_default(),
                            Some(TxPosition {
                                block_hash: sealed.hash,
                                block_number: h.number,
                                index: i as u64,
                                base_fee: h.base_fee_per_gas,
                            }),
                        )
                    })
                    .collect(),
            )
        } else {
            BlockTransactions::Hashes(txs.iter().map(SignedTransaction::hash).collect())
        };
        let size = block_size(h, txs);
        Self {
            hash: sealed.hash,
            parent_hash: h.parent_hash,
            sha3_uncles: h.ommers_hash,
            miner: h.beneficiary,
            state_root: h.state_root,
            transactions_root: h.transactions_root,
            receipts_root: h.receipts_root,
            logs_bloom: h.logs_bloom,
            difficulty: h.difficulty,
            total_difficulty: h.difficulty,
            number: h.number.into(),
            gas_limit: h.gas_limit.into(),
            gas_used: h.gas_used.into(),
            timestamp: h.timestamp.into(),
            extra_data: Bytes(h.extra_data.clone()),
            mix_hash: h.mix_hash,
            nonce: h.nonce,
            base_fee_per_gas: h.base_fee_per_gas,
            size: size.into(),
            transactions,
            uncles: Vec::new(),
        }
    }
}

/// Size of `rlp([header, [txs], []])`, as Ethereum reports a block's size.
fn block_size(header: &basalt_primitives::Header, txs: &[SignedTransaction]) -> u64 {
    let mut s = basalt_primitives::rlp::RlpStream::new_list(3);
    s.append(header);
    s.append_list(txs);
    s.begin_list(0);
    s.out().len() as u64
}

/// The header of a `newHeads` notification.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcHeader {
    /// Block hash.
    pub hash: H256,
    /// Parent hash.
    pub parent_hash: H256,
    /// Ommers hash.
    pub sha3_uncles: H256,
    /// Beneficiary.
    pub miner: Address,
    /// State root.
    pub state_root: H256,
    /// Transactions root.
    pub transactions_root: H256,
    /// Receipts root.
    pub receipts_root: H256,
    /// Logs bloom.
    pub logs_bloom: Bloom,
    /// Difficulty.
    pub difficulty: U256,
    /// Number.
    pub number: U64,
    /// Gas limit.
    pub gas_limit: U64,
    /// Gas used.
    pub gas_used: U64,
    /// Timestamp.
    pub timestamp: U64,
    /// Extra data.
    pub extra_data: Bytes,
    /// Mix hash.
    pub mix_hash: H256,
    /// Nonce.
    pub nonce: H64,
    /// Base fee.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_fee_per_gas: Option<U256>,
}

impl From<&SealedHeader> for RpcHeader {
    fn from(sealed: &SealedHeader) -> Self {
        let h = &sealed.header;
        Self {
            hash: sealed.hash,
            parent_hash: h.parent_hash,
            sha3_uncles: h.ommers_hash,
            miner: h.beneficiary,
            state_root: h.state_root,
            transactions_root: h.transactions_root,
            receipts_root: h.receipts_root,
            logs_bloom: h.logs_bloom,
            difficulty: h.difficulty,
            number: h.number.into(),
            gas_limit: h.gas_limit.into(),
            gas_used: h.gas_used.into(),
            timestamp: h.timestamp.into(),
            extra_data: Bytes(h.extra_data.clone()),
            mix_hash: h.mix_hash,
            nonce: h.nonce,
            base_fee_per_gas: h.base_fee_per_gas,
        }
    }
}

/// Where a mined transaction sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TxPosition {
    /// Block hash.
    pub block_hash: H256,
    /// Block number.
    pub block_number: u64,
    /// Index in the block.
    pub index: u64,
    /// The block's base fee (for the effective gas price).
    pub base_fee: Option<U256>,
}

/// A transaction in JSON.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcTransaction {
    /// Hash.
    pub hash: H256,
    /// Type.
    #[serde(rename = "type")]
    pub tx_type: U64,
    /// Nonce.
    pub nonce: U64,
    /// Block hash (null when pending).
    pub block_hash: Option<H256>,
    /// Block number (null when pending).
    pub block_number: Option<U64>,
    /// Index (null when pending).
    pub transaction_index: Option<U64>,
    /// Sender.
    pub from: Address,
    /// Recipient (null for a create).
    pub to: Option<Address>,
    /// Value.
    pub value: U256,
    /// Gas price (effective once mined; the fee cap while pending).
    pub gas_price: U256,
    /// Fee cap (type 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_fee_per_gas: Option<U256>,
    /// Tip cap (type 2).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_priority_fee_per_gas: Option<U256>,
    /// Gas limit.
    pub gas: U64,
    /// Calldata.
    pub input: Bytes,
    /// Chain id (absent for unprotected legacy).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub chain_id: Option<U64>,
    /// Access list (typed transactions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_list: Option<Vec<RpcAccessListItem>>,
    /// `v`.
    pub v: U256,
    /// `r`.
    pub r: U256,
    /// `s`.
    pub s: U256,
    /// y parity (typed transactions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y_parity: Option<U64>,
}

impl RpcTransaction {
    /// Builds the JSON transaction; `position` is `None` while pending.
    pub fn new(signed: &SignedTransaction, from: Address, position: Option<TxPosition>) -> Self {
        let tx = signed.transaction();
        let sig = signed.signature();
        let typed = !matches!(tx, Transaction::Legacy(_));
        let v = if typed {
            U256::from(u8::from(sig.y_parity))
        } else {
            U256::from(sig.legacy_v(tx.chain_id()))
        };
        let gas_price = match (tx, position) {
            (Transaction::Eip1559(_), Some(p)) => tx.effective_gas_price(p.base_fee),
            _ => tx.max_fee_per_gas(),
        };
        let (max_fee, max_tip) = match tx {
            Transaction::Eip1559(t) => (Some(t.max_fee_per_gas), Some(t.max_priority_fee_per_gas)),
            _ => (None, None),
        };
        Self {
            hash: signed.hash(),
            tx_type: U64::from(tx.tx_type().as_u8()),
            nonce: tx.nonce().into(),
            block_hash: position.map(|p| p.block_hash),
            block_number: position.map(|p| p.block_number.into()),
            transaction_index: position.map(|p| p.index.into()),
            from,
            to: tx.to(),
            value: tx.value(),
            gas_price,
            max_fee_per_gas: max_fee,
            max_priority_fee_per_gas: max_tip,
            gas: tx.gas_limit().into(),
            input: Bytes(tx.input().to_vec()),
            chain_id: tx.chain_id().map(U64::from),
            access_list: tx.access_list().map(from_access_list),
            v,
            r: sig.r,
            s: sig.s,
            y_parity: typed.then(|| U64::from(u8::from(sig.y_parity))),
        }
    }
}

/// A log in JSON.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcLog {
    /// Emitter.
    pub address: Address,
    /// Topics.
    pub topics: Vec<H256>,
    /// Data.
    pub data: Bytes,
    /// Block number.
    pub block_number: U64,
    /// Block hash.
    pub block_hash: H256,
    /// Transaction hash.
    pub transaction_hash: H256,
    /// Transaction index.
    pub transaction_index: U64,
    /// Index of the log in the block.
    pub log_index: U64,
    /// True for a log of a block that left the canonical chain.
    pub removed: bool,
}

impl From<&LogEntry> for RpcLog {
    fn from(e: &LogEntry) -> Self {
        Self {
            address: e.log.address,
            topics: e.log.topics.clone(),
            data: Bytes(e.log.data.clone()),
            block_number: e.block_number.into(),
            block_hash: e.block_hash,
            transaction_hash: e.transaction_hash,
            transaction_index: e.transaction_index.into(),
            log_index: e.log_index.into(),
            removed: false,
        }
    }
}

/// A receipt in JSON.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcReceipt {
    /// Transaction hash.
    pub transaction_hash: H256,
    /// Index in the block.
    pub transaction_index: U64,
    /// Block hash.
    pub block_hash: H256,
    /// Block number.
    pub block_number: U64,
    /// Sender.
    pub from: Address,
    /// Recipient (null for a create).
    pub to: Option<Address>,
    /// Gas used by the block up to and including this transaction.
    pub cumulative_gas_used: U64,
    /// Gas used by this transaction.
    pub gas_used: U64,
    /// Price paid per gas.
    pub effective_gas_price: U256,
    /// The created contract.
    pub contract_address: Option<Address>,
    /// Logs.
    pub logs: Vec<RpcLog>,
    /// Bloom of the logs.
    pub logs_bloom: Bloom,
    /// Type.
    #[serde(rename = "type")]
    pub tx_type: U64,
    /// 1 success, 0 failure.
    pub status: U64,
}

/// Builds the receipts of a block, with their logs' block-wide indexes.
pub fn block_receipts(
    sealed: &SealedHeader,
    txs: &[SignedTransaction],
    receipts: &[StoredReceipt],
) -> Vec<RpcReceipt> {
    let mut log_index = 0u64;
    let base_fee = sealed.header.base_fee_per_gas;
    receipts
        .iter()
        .zip(txs)
        .enumerate()
        .map(|(i, (r, tx))| {
            let logs = r
                .receipt
                .logs
                .iter()
                .map(|log| {
                    let entry = LogEntry {
                        log: log.clone(),
                        block_number: sealed.header.number,
                        block_hash: sealed.hash,
                        transaction_hash: tx.hash(),
                        transaction_index: i as u64,
                        log_index,
                    };
                    log_index += 1;
                    RpcLog::from(&entry)
                })
                .collect();
            RpcReceipt {
                transaction_hash: tx.hash(),
                transaction_index: (i as u64).into(),
                block_hash: sealed.hash,
                block_number: sealed.header.number.into(),
                from: r.sender,
                to: tx.transaction().to(),
                cumulative_gas_used: r.receipt.cumulative_gas_used.into(),
                gas_used: r.gas_used.into(),
                effective_gas_price: tx.transaction().effective_gas_price(base_fee),
                contract_address: r.contract_address,
                logs,
                logs_bloom: r.receipt.logs_bloom,
                tx_type: U64::from(r.receipt.tx_type.as_u8()),
                status: U64::from(u8::from(r.receipt.success)),
            }
        })
        .collect()
}

/// `eth_feeHistory`'s answer.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeHistory {
    /// First block of the range.
    pub oldest_block: U64,
    /// Base fee of each block, plus the next one.
    pub base_fee_per_gas: Vec<U256>,
    /// gasUsed / gasLimit of each block.
    pub gas_used_ratio: Vec<f64>,
    /// Tip percentiles per block (when asked).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reward: Option<Vec<Vec<U256>>>,
}

/// `eth_getProof`'s answer (EIP-1186).
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RpcAccountProof {
    /// The account.
    pub address: Address,
    /// Nodes on the account's path.
    pub account_proof: Vec<Bytes>,
    /// Balance.
    pub balance: U256,
    /// Code hash.
    pub code_hash: H256,
    /// Nonce.
    pub nonce: U64,
    /// Storage root.
    pub storage_hash: H256,
    /// Slot proofs.
    pub storage_proof: Vec<RpcStorageProof>,
}

/// One slot of an [`RpcAccountProof`].
#[derive(Clone, Debug, Serialize)]
pub struct RpcStorageProof {
    /// The slot.
    pub key: H256,
    /// Its value.
    pub value: U256,
    /// Nodes on the slot's path.
    pub proof: Vec<Bytes>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn block_ids_parse() {
        let p = |s: &str| serde_json::from_str::<BlockId>(s).unwrap();
        assert_eq!(p("\"latest\""), BlockId::Latest);
        assert_eq!(p("\"pending\""), BlockId::Pending);
        assert_eq!(p("\"0x10\""), BlockId::Number(16));
        assert_eq!(p("{\"blockNumber\":\"0x1\"}"), BlockId::Number(1));
        let hash = format!("\"0x{}\"", "11".repeat(32));
        assert_eq!(p(&hash), BlockId::Hash(H256::repeat_byte(0x11)));
        assert!(serde_json::from_str::<BlockId>("\"0x\"").is_err());
    }

    #[test]
    fn quantities_encode_without_leading_zeros() {
        assert_eq!(serde_json::to_string(&U64::from(0)).unwrap(), "\"0x0\"");
        assert_eq!(serde_json::to_string(&U256::from(255)).unwrap(), "\"0xff\"");
        assert_eq!(serde_json::to_string(&Bytes(vec![0, 1])).unwrap(), "\"0x0001\"");
    }

    #[test]
    fn topic_filters_match() {
        let t = H256::repeat_byte(1);
        let spec: FilterSpec = serde_json::from_value(serde_json::json!({
            "topics": [null, [format!("{t:?}"), format!("{:?}", H256::repeat_byte(2))]]
        }))
        .unwrap();
        let log = Log { address: Address::zero(), topics: vec![H256::zero(), t], data: vec![] };
        assert!(spec.matches(&log));
        let other = Log { topics: vec![H256::zero()], ..log };
        assert!(!spec.matches(&other));
    }
}
