//! The genesis block's header fields and its initial state (`alloc`).

use crate::error::{Error, Result};
use crate::json;
use basalt_primitives::{Address, Header, H256, H64, U256};
use serde_json::value::RawValue;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The base fee of the genesis block when the file has no `baseFeePerGas`: 1 gwei, as anvil.
pub const DEFAULT_BASE_FEE: u64 = 1_000_000_000;
/// The gas limit of the genesis block when the file has no `gasLimit`: 30M, as anvil.
pub const DEFAULT_GAS_LIMIT: u64 = 30_000_000;
/// The most `extraData` a header may carry, in bytes (Ethereum's limit).
pub const MAX_EXTRA_DATA: usize = 32;
/// The first four bytes of every wasm module.
pub const WASM_MAGIC: [u8; 4] = *b"\0asm";

/// An account of the genesis state: `alloc[address]`.
///
/// `balance` and `nonce` are quantities (hex or decimal); `code` is a bare wasm module
/// (hex, checked here only for the `\0asm` magic: the node validates it with the VM);
/// `storage` maps 32-byte slots to 32-byte words (shorter hex is left-padded). A slot
/// whose value is zero is kept here but means "absent" in the state trie. Any other field
/// (geth's `privateKey`, …) is ignored.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenesisAccount {
    /// Balance in wei (default 0).
    pub balance: U256,
    /// Nonce (default 0).
    pub nonce: u64,
    /// A bare wasm module, or empty for no code.
    pub code: Vec<u8>,
    /// Initial storage.
    pub storage: BTreeMap<H256, H256>,
}

impl GenesisAccount {
    /// An account holding only `balance` wei.
    pub fn with_balance(balance: U256) -> Self {
        Self { balance, ..Self::default() }
    }
}

/// The genesis block: its header fields and its state.
///
/// Field names follow geth's genesis JSON. Defaults when absent: zero, except
/// `gas_limit` ([`DEFAULT_GAS_LIMIT`]) and `base_fee_per_gas` ([`DEFAULT_BASE_FEE`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Genesis {
    /// `nonce`: the header's 8-byte proof-of-work nonce, as a number.
    pub nonce: u64,
    /// `timestamp`: seconds since the Unix epoch.
    pub timestamp: u64,
    /// `extraData`: at most [`MAX_EXTRA_DATA`] bytes.
    pub extra_data: Vec<u8>,
    /// `gasLimit`: non-zero.
    pub gas_limit: u64,
    /// `difficulty` of block 0.
    pub difficulty: U256,
    /// `mixHash`.
    pub mix_hash: H256,
    /// `coinbase`: the header's beneficiary.
    pub coinbase: Address,
    /// `parentHash` (zero for a chain that starts here).
    pub parent_hash: H256,
    /// `number` (0 for a chain that starts here).
    pub number: u64,
    /// `baseFeePerGas`.
    pub base_fee_per_gas: U256,
    /// `alloc`: the initial accounts.
    pub alloc: BTreeMap<Address, GenesisAccount>,
}

impl Default for Genesis {
    fn default() -> Self {
        Self {
            nonce: 0,
            timestamp: 0,
            extra_data: Vec::new(),
            gas_limit: DEFAULT_GAS_LIMIT,
            difficulty: U256::zero(),
            mix_hash: H256::zero(),
            coinbase: Address::zero(),
            parent_hash: H256::zero(),
            number: 0,
            base_fee_per_gas: U256::from(DEFAULT_BASE_FEE),
            alloc: BTreeMap::new(),
        }
    }
}

impl Genesis {
    /// The header of block 0 for a state whose root is `state_root` (computed by the caller
    /// from [`Self::alloc`]): no transactions, no receipts, no gas used, an empty seal.
    pub fn header(&self, state_root: H256) -> Header {
        Header {
            parent_hash: self.parent_hash,
            beneficiary: self.coinbase,
            state_root,
            difficulty: self.difficulty,
            number: self.number,
            gas_limit: self.gas_limit,
            timestamp: self.timestamp,
            extra_data: self.extra_data.clone(),
            mix_hash: self.mix_hash,
            nonce: H64(self.nonce.to_be_bytes()),
            base_fee_per_gas: Some(self.base_fee_per_gas),
            ..Header::default()
        }
    }

    /// Checks the rules parsing alone does not: a non-zero gas limit, `extraData` within
    /// [`MAX_EXTRA_DATA`], account code that starts with the wasm magic.
    pub fn validate(&self) -> Result<()> {
        if self.gas_limit == 0 {
            return Err(Error::ZeroGasLimit);
        }
        if self.extra_data.len() > MAX_EXTRA_DATA {
            return Err(Error::ExtraDataTooLong {
                len: self.extra_data.len(),
                max: MAX_EXTRA_DATA,
            });
        }
        for (address, account) in &self.alloc {
            if !account.code.is_empty() && !account.code.starts_with(&WASM_MAGIC) {
                return Err(Error::CodeNotWasm { address: *address });
            }
        }
        Ok(())
    }

    /// The top-level header fields and `alloc` in geth's JSON shape (without `config`).
    pub(crate) fn to_json_fields(&self) -> Map<String, Value> {
        let mut map = Map::new();
        map.insert("nonce".into(), json::quantity_hex(self.nonce).into());
        map.insert("timestamp".into(), json::quantity_hex(self.timestamp).into());
        map.insert("extraData".into(), json::bytes_hex(&self.extra_data).into());
        map.insert("gasLimit".into(), json::quantity_hex(self.gas_limit).into());
        map.insert("difficulty".into(), json::quantity_hex(self.difficulty).into());
        map.insert("mixHash".into(), format!("{:#x}", self.mix_hash).into());
        map.insert("coinbase".into(), format!("{:#x}", self.coinbase).into());
        map.insert("parentHash".into(), format!("{:#x}", self.parent_hash).into());
        map.insert("number".into(), json::quantity_hex(self.number).into());
        map.insert("baseFeePerGas".into(), json::quantity_hex(self.base_fee_per_gas).into());
        let alloc = self
            .alloc
            .iter()
            .map(|(address, account)| (format!("{address:#x}"), account_to_json(account)))
            .collect::<Map<_, _>>();
        map.insert("alloc".into(), Value::Object(alloc));
        map
    }
}

fn account_to_json(account: &GenesisAccount) -> Value {
    let mut map = Map::new();
    map.insert("balance".into(), json::quantity_hex(account.balance).into());
    if account.nonce != 0 {
        map.insert("nonce".into(), json::quantity_hex(account.nonce).into());
    }
    if !account.code.is_empty() {
        map.insert("code".into(), json::bytes_hex(&account.code).into());
    }
    if !account.storage.is_empty() {
        let storage = account
            .storage
            .iter()
            .map(|(slot, value)| (format!("{slot:#x}"), json!(format!("{value:#x}"))))
            .collect::<Map<_, _>>();
        map.insert("storage".into(), Value::Object(storage));
    }
    Value::Object(map)
}

/// Reads `alloc`: an object from address (`0x` optional) to account.
pub(crate) fn alloc_from_raw(raw: &RawValue) -> Result<BTreeMap<Address, GenesisAccount>> {
    let mut alloc = BTreeMap::new();
    for (key, value) in json::object(raw, "alloc")? {
        let field = format!("alloc.{key}");
        let address = json::parse_address_str(&key, &field)?;
        let account = account_from_raw(value, &field)?;
        if alloc.insert(address, account).is_some() {
            return Err(Error::DuplicateAccount { address });
        }
    }
    Ok(alloc)
}

fn account_from_raw(raw: &RawValue, field: &str) -> Result<GenesisAccount> {
    let mut account = GenesisAccount::default();
    let mut seen = Vec::new();
    for (key, value) in json::object(raw, field)? {
        let path = format!("{field}.{key}");
        json::check_unique(&mut seen, &key, path.clone())?;
        if value.get() == "null" {
            continue;
        }
        match key.as_str() {
            "balance" => account.balance = json::u256(value, &path)?,
            "nonce" => account.nonce = json::u64(value, &path)?,
            "code" => account.code = json::bytes(value, &path)?,
            "storage" => account.storage = storage_from_raw(value, &path)?,
            _ => {}
        }
    }
    Ok(account)
}

fn storage_from_raw(raw: &RawValue, field: &str) -> Result<BTreeMap<H256, H256>> {
    let mut storage = BTreeMap::new();
    for (key, value) in json::object(raw, field)? {
        let path = format!("{field}.{key}");
        let slot = json::parse_word_str(&key, &path)?;
        if storage.insert(slot, json::word(value, &path)?).is_some() {
            return Err(Error::DuplicateStorageSlot { field: path });
        }
    }
    Ok(storage)
}
