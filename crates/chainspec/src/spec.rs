//! [`ChainSpec`]: the whole genesis file, parsed and validated.

use crate::consensus::ConsensusConfig;
use crate::error::{Error, Result};
use crate::genesis::{alloc_from_raw, Genesis};
use crate::json;
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::path::Path;
use std::str::FromStr;

/// The dev chain's genesis (`genesis/dev.json`), compiled in.
const DEV_GENESIS: &str = include_str!("../../../genesis/dev.json");

/// Everything a node needs from the genesis file: the chain id, the genesis block and
/// the consensus engine with its parameters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainSpec {
    /// `config.chainId`: the EIP-155 chain id every transaction must carry (non-zero).
    pub chain_id: u64,
    /// The genesis block's header fields and state.
    pub genesis: Genesis,
    /// `config.consensus`: the engine and its parameters.
    pub consensus: ConsensusConfig,
}

impl ChainSpec {
    /// Parses and validates a genesis file's text (see the crate docs for the format).
    pub fn from_json(text: &str) -> Result<Self> {
        let spec = parse(json::document(text)?)?;
        spec.validate()?;
        Ok(spec)
    }

    /// Reads, parses and validates the genesis file at `path`.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|source| Error::Io { path: path.to_owned(), source })?;
        Self::from_json(&text)
    }

    /// The dev chain: `genesis/dev.json` (chain 31337, instant sealing, the ten standard
    /// dev accounts with 10,000 ETH each, base fee 1 gwei, gas limit 30M).
    pub fn dev() -> Self {
        Self::from_json(DEV_GENESIS).expect("genesis/dev.json is valid (tested in this crate)")
    }

    /// Checks every semantic rule: a non-zero chain id, the genesis rules
    /// ([`Genesis::validate`]) and the engine's parameter ranges
    /// ([`ConsensusConfig::validate`]). [`Self::from_json`] runs it; call it again after
    /// changing a spec by hand.
    pub fn validate(&self) -> Result<()> {
        if self.chain_id == 0 {
            return Err(Error::ZeroChainId);
        }
        self.genesis.validate()?;
        self.consensus.validate()
    }

    /// The spec in geth's genesis shape (quantities as `0x` hex), which
    /// [`Self::from_json`] reads back to an equal spec.
    pub fn to_json_value(&self) -> Value {
        let mut config = Map::new();
        config.insert("chainId".into(), self.chain_id.into());
        config.insert("consensus".into(), self.consensus.to_json());
        let mut root = self.genesis.to_json_fields();
        root.insert("config".into(), Value::Object(config));
        Value::Object(root)
    }

    /// [`Self::to_json_value`], pretty-printed.
    pub fn to_json(&self) -> String {
        // Serializing a `Value` (string keys only) cannot fail; fall back to the compact form.
        let value = self.to_json_value();
        serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
    }
}

impl FromStr for ChainSpec {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        Self::from_json(text)
    }
}

/// Reads the document's fields (syntax and types; no semantic rules).
fn parse(root: &RawValue) -> Result<ChainSpec> {
    let mut genesis = Genesis::default();
    let mut config = None;
    let mut seen = Vec::new();
    for (key, value) in json::object(root, "genesis")? {
        json::check_unique(&mut seen, &key, key.clone())?;
        // geth reads `null` as absent.
        if value.get() == "null" {
            continue;
        }
        let field = key.as_str();
        match field {
            "config" => config = Some(value),
            "nonce" => genesis.nonce = json::u64(value, field)?,
            "timestamp" => genesis.timestamp = json::u64(value, field)?,
            "extraData" => genesis.extra_data = json::bytes(value, field)?,
            "gasLimit" => genesis.gas_limit = json::u64(value, field)?,
            "difficulty" => genesis.difficulty = json::u256(value, field)?,
            "mixHash" => genesis.mix_hash = json::h256(value, field)?,
            "coinbase" => genesis.coinbase = json::address(value, field)?,
            "parentHash" => genesis.parent_hash = json::h256(value, field)?,
            "number" => genesis.number = json::u64(value, field)?,
            "baseFeePerGas" => genesis.base_fee_per_gas = json::u256(value, field)?,
            "alloc" => genesis.alloc = alloc_from_raw(value)?,
            // geth's other fields (gasUsed, excessBlobGas, …) describe nothing Basalt has.
            _ => {}
        }
    }
    let config = config.ok_or_else(|| Error::MissingField { field: "config".into() })?;
    let (chain_id, consensus) = parse_config(config)?;
    Ok(ChainSpec { chain_id, genesis, consensus })
}

/// Reads `config`: `chainId` and `consensus`; geth's fork fields are accepted and ignored
/// (Basalt runs one fixed rule set from block 0).
fn parse_config(raw: &RawValue) -> Result<(u64, ConsensusConfig)> {
    let mut chain_id = None;
    let mut consensus = ConsensusConfig::Instant;
    let mut seen = Vec::new();
    for (key, value) in json::object(raw, "config")? {
        json::check_unique(&mut seen, &key, format!("config.{key}"))?;
        if value.get() == "null" {
            continue;
        }
        match key.as_str() {
            "chainId" => chain_id = Some(json::u64(value, "config.chainId")?),
            "consensus" => consensus = ConsensusConfig::from_raw(value)?,
            _ => {}
        }
    }
    let chain_id =
        chain_id.ok_or_else(|| Error::MissingField { field: "config.chainId".into() })?;
    Ok((chain_id, consensus))
}
