//! `config.consensus`: which engine seals blocks, and its parameters.
//!
//! ```json
//! "consensus": { "engine": "instant" }
//! "consensus": { "engine": "pow", "initialDifficulty": "0x20000", "targetBlockTime": 5,
//!                "minDifficulty": "0x1000" }
//! "consensus": { "engine": "pos", "slotTime": 2,
//!                "validators": [{ "address": "0xf39f…2266", "stake": "0x3635c9adc5dea00000" }] }
//! ```
//!
//! Unlike geth's own config fields (which Basalt ignores), these objects are
//! Basalt's: an unknown field is an error, so a typo cannot silently fall back
//! to a default. The engines themselves live in basalt-consensus; this module
//! only fixes and validates their parameters.

use crate::error::{Error, Result};
use crate::json;
use basalt_primitives::{Address, U256};
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::collections::BTreeSet;

/// The consensus engine chosen by the genesis file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum ConsensusConfig {
    /// Dev sealing: a block is sealed as soon as the producer asks (automine or
    /// interval); headers carry no proof. The default when `config.consensus` is absent,
    /// so a plain geth genesis file starts a dev chain.
    #[default]
    Instant,
    /// Proof of work (see [`PowConfig`]).
    Pow(PowConfig),
    /// Stake-weighted proof of stake (see [`PosConfig`]).
    Pos(PosConfig),
}

/// Proof-of-work parameters (`"engine": "pow"`).
///
/// The first mined block (number 1) has `initial_difficulty`; each later block's
/// difficulty moves toward a block every `target_block_time` seconds, never below
/// `min_difficulty`. Block 0 keeps the genesis file's own `difficulty`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PowConfig {
    /// `initialDifficulty` (required): difficulty of block 1. At least `min_difficulty`.
    pub initial_difficulty: U256,
    /// `targetBlockTime` (required): the block interval the difficulty adjusts toward, in
    /// seconds. At least 1.
    pub target_block_time: u64,
    /// `minDifficulty` (default 1): the floor of the adjustment. At least 1.
    pub min_difficulty: U256,
    /// `blockReward` (default 2 ether): wei credited to the block's beneficiary for each
    /// mined block, on top of the priority fees.
    pub block_reward: U256,
}

/// The default proof-of-work block reward: 2 ether, Ethereum's Constantinople reward.
pub const DEFAULT_BLOCK_REWARD: U256 = U256([2_000_000_000_000_000_000, 0, 0, 0]);
/// The default number of slots in a proof-of-stake epoch.
pub const DEFAULT_EPOCH_LENGTH: u64 = 32;
/// The default number of whole epochs an unstaked amount stays bonded.
pub const DEFAULT_UNBONDING_EPOCHS: u64 = 2;
/// The default share of an equivocating validator's stake that is slashed, in basis points.
pub const DEFAULT_SLASH_BPS: u64 = 10_000;
/// The default share of the slashed amount paid to the evidence's reporter, in basis points.
pub const DEFAULT_REPORTER_REWARD_BPS: u64 = 1_000;

/// Proof-of-stake parameters (`"engine": "pos"`).
///
/// Time is cut into slots of `slot_time` seconds; each slot's proposer is drawn from
/// `validators` with probability proportional to stake. The list keeps the file's order,
/// which is part of the chain's definition (the engine may index into it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PosConfig {
    /// `validators` (required, non-empty): the genesis validator set, distinct addresses,
    /// each with a non-zero stake; the total stake fits in 256 bits.
    pub validators: Vec<Validator>,
    /// `slotTime` (required): seconds per slot. At least 1.
    pub slot_time: u64,
    /// `epochLength` (default 32): slots per epoch. Stake changes and the proposer seed
    /// take effect at epoch boundaries. At least 1.
    pub epoch_length: u64,
    /// `unbondingEpochs` (default 2): whole epochs an unstaked amount stays locked (and
    /// slashable) before `withdraw` pays it out.
    pub unbonding_epochs: u64,
    /// `slashBps` (default 10000 = all): share of an equivocator's stake (bonded and
    /// unbonding) that evidence slashes, in basis points. 1..=10000.
    pub slash_bps: u64,
    /// `reporterRewardBps` (default 1000 = 10%): share of the slashed amount paid to the
    /// account that submitted the evidence, in basis points; the rest is burned. 0..=10000.
    pub reporter_reward_bps: u64,
}

/// A genesis validator: `{"address": "0x…", "stake": <quantity>}`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validator {
    /// The key that signs this validator's blocks.
    pub address: Address,
    /// Its weight in proposer selection and fork choice, in wei. Non-zero.
    pub stake: U256,
}

impl PosConfig {
    /// The sum of all stakes (saturating; [`ConsensusConfig::validate`] rejects overflow).
    pub fn total_stake(&self) -> U256 {
        self.validators.iter().fold(U256::zero(), |sum, v| sum.saturating_add(v.stake))
    }
}

impl ConsensusConfig {
    /// The `engine` name as written in the genesis file.
    pub fn engine_name(&self) -> &'static str {
        match self {
            Self::Instant => "instant",
            Self::Pow(_) => "pow",
            Self::Pos(_) => "pos",
        }
    }

    /// Checks the parameters' ranges (see each field's docs).
    pub fn validate(&self) -> Result<()> {
        match self {
            Self::Instant => Ok(()),
            Self::Pow(pow) => {
                if pow.target_block_time == 0 {
                    return Err(Error::InvalidConsensusParameter {
                        field: "config.consensus.targetBlockTime",
                        reason: "must be at least 1 second",
                    });
                }
                if pow.min_difficulty.is_zero() {
                    return Err(Error::InvalidConsensusParameter {
                        field: "config.consensus.minDifficulty",
                        reason: "must be at least 1",
                    });
                }
                if pow.initial_difficulty < pow.min_difficulty {
                    return Err(Error::InvalidConsensusParameter {
                        field: "config.consensus.initialDifficulty",
                        reason: "must not be below minDifficulty",
                    });
                }
                Ok(())
            }
            Self::Pos(pos) => {
                if pos.slot_time == 0 {
                    return Err(Error::InvalidConsensusParameter {
                        field: "config.consensus.slotTime",
                        reason: "must be at least 1 second",
                    });
                }
                if pos.epoch_length == 0 {
                    return Err(Error::InvalidConsensusParameter {
                        field: "config.consensus.epochLength",
                        reason: "must be at least 1 slot",
                    });
                }
                if pos.slash_bps == 0 || pos.slash_bps > 10_000 {
                    return Err(Error::InvalidConsensusParameter {
                        field: "config.consensus.slashBps",
                        reason: "must be between 1 and 10000 basis points",
                    });
                }
                if pos.reporter_reward_bps > 10_000 {
                    return Err(Error::InvalidConsensusParameter {
                        field: "config.consensus.reporterRewardBps",
                        reason: "must be at most 10000 basis points",
                    });
                }
                if pos.validators.is_empty() {
                    return Err(Error::NoValidators);
                }
                let mut total = U256::zero();
                let mut seen = BTreeSet::new();
                for validator in &pos.validators {
                    if validator.stake.is_zero() {
                        return Err(Error::ZeroStake { address: validator.address });
                    }
                    if !seen.insert(validator.address) {
                        return Err(Error::DuplicateValidator { address: validator.address });
                    }
                    total = total.checked_add(validator.stake).ok_or(Error::TotalStakeOverflow)?;
                }
                Ok(())
            }
        }
    }

    /// Reads `config.consensus` (syntax and types only; see [`Self::validate`]).
    pub(crate) fn from_raw(raw: &RawValue) -> Result<Self> {
        const FIELD: &str = "config.consensus";
        let entries = json::object(raw, FIELD)?;
        let mut seen = Vec::new();
        let mut engine = None;
        let mut params = Vec::new();
        for (key, value) in entries {
            json::check_unique(&mut seen, &key, format!("{FIELD}.{key}"))?;
            if key == "engine" {
                engine = Some(json::string(value, "config.consensus.engine")?);
            } else {
                params.push((key, value));
            }
        }
        let engine = engine
            .ok_or_else(|| Error::MissingField { field: "config.consensus.engine".into() })?;
        let mut params = Params { entries: params };
        let config = match engine.as_str() {
            "instant" => Self::Instant,
            "pow" => Self::Pow(PowConfig {
                initial_difficulty: json::u256(
                    params.required("initialDifficulty")?,
                    "config.consensus.initialDifficulty",
                )?,
                target_block_time: json::u64(
                    params.required("targetBlockTime")?,
                    "config.consensus.targetBlockTime",
                )?,
                min_difficulty: match params.optional("minDifficulty") {
                    Some(raw) => json::u256(raw, "config.consensus.minDifficulty")?,
                    None => U256::one(),
                },
                block_reward: match params.optional("blockReward") {
                    Some(raw) => json::u256(raw, "config.consensus.blockReward")?,
                    None => DEFAULT_BLOCK_REWARD,
                },
            }),
            "pos" => {
                let slot_time =
                    json::u64(params.required("slotTime")?, "config.consensus.slotTime")?;
                let list =
                    json::array(params.required("validators")?, "config.consensus.validators")?;
                let validators = list
                    .into_iter()
                    .enumerate()
                    .map(|(i, raw)| validator_from_raw(raw, i))
                    .collect::<Result<_>>()?;
                let mut number = |name: &str, default: u64| -> Result<u64> {
                    match params.optional(name) {
                        Some(raw) => json::u64(raw, &format!("config.consensus.{name}")),
                        None => Ok(default),
                    }
                };
                let epoch_length = number("epochLength", DEFAULT_EPOCH_LENGTH)?;
                let unbonding_epochs = number("unbondingEpochs", DEFAULT_UNBONDING_EPOCHS)?;
                let slash_bps = number("slashBps", DEFAULT_SLASH_BPS)?;
                let reporter_reward_bps = number("reporterRewardBps", DEFAULT_REPORTER_REWARD_BPS)?;
                Self::Pos(PosConfig {
                    validators,
                    slot_time,
                    epoch_length,
                    unbonding_epochs,
                    slash_bps,
                    reporter_reward_bps,
                })
            }
            _ => return Err(Error::UnknownEngine { engine }),
        };
        params.finish()?;
        Ok(config)
    }

    /// The JSON form of `config.consensus` (quantities as hex strings, seconds as numbers).
    pub fn to_json(&self) -> Value {
        match self {
            Self::Instant => json!({ "engine": "instant" }),
            Self::Pow(pow) => json!({
                "engine": "pow",
                "initialDifficulty": json::quantity_hex(pow.initial_difficulty),
                "targetBlockTime": pow.target_block_time,
                "minDifficulty": json::quantity_hex(pow.min_difficulty),
                "blockReward": json::quantity_hex(pow.block_reward),
            }),
            Self::Pos(pos) => json!({
                "engine": "pos",
                "slotTime": pos.slot_time,
                "epochLength": pos.epoch_length,
                "unbondingEpochs": pos.unbonding_epochs,
                "slashBps": pos.slash_bps,
                "reporterRewardBps": pos.reporter_reward_bps,
                "validators": pos.validators.iter().map(|v| json!({
                    "address": format!("{:#x}", v.address),
                    "stake": json::quantity_hex(v.stake),
                })).collect::<Vec<_>>(),
            }),
        }
    }
}

/// An engine's parameters, consumed one by one; whatever is left is an unknown field.
struct Params<'a> {
    entries: Vec<(String, &'a RawValue)>,
}

impl<'a> Params<'a> {
    /// Takes `name`, treating `null` as absent.
    fn optional(&mut self, name: &str) -> Option<&'a RawValue> {
        let index = self.entries.iter().position(|(key, _)| key == name)?;
        let (_, raw) = self.entries.remove(index);
        (raw.get() != "null").then_some(raw)
    }

    fn required(&mut self, name: &str) -> Result<&'a RawValue> {
        self.optional(name)
            .ok_or_else(|| Error::MissingField { field: format!("config.consensus.{name}") })
    }

    fn finish(self) -> Result<()> {
        match self.entries.into_iter().next() {
            Some((key, _)) => Err(Error::UnknownField { field: format!("config.consensus.{key}") }),
            None => Ok(()),
        }
    }
}

fn validator_from_raw(raw: &RawValue, index: usize) -> Result<Validator> {
    let field = format!("config.consensus.validators[{index}]");
    let mut seen = Vec::new();
    let (mut address, mut stake) = (None, None);
    for (key, value) in json::object(raw, &field)? {
        let path = format!("{field}.{key}");
        json::check_unique(&mut seen, &key, path.clone())?;
        match key.as_str() {
            "address" => address = Some(json::address(value, &path)?),
            "stake" => stake = Some(json::u256(value, &path)?),
            _ => return Err(Error::UnknownField { field: path }),
        }
    }
    Ok(Validator {
        address: address
            .ok_or_else(|| Error::MissingField { field: format!("{field}.address") })?,
        stake: stake.ok_or_else(|| Error::MissingField { field: format!("{field}.stake") })?,
    })
}
