//! Basalt's consensus engines.
//!
//! One [`Engine`] trait seals and verifies blocks for the engine the genesis file's
//! `config.consensus` names: `instant` (dev), `pow` or `pos`. Nothing else in the node
//! branches on which engine runs: [`engine_for`] picks it once from the chain spec.
//!
//! ```text
//!  producer: build candidate ─► Engine::prepare ─► execute ─► seal ─────────────┐
//!                                (difficulty…)               Miner (pow)         │
//!                                                            Proposer (pos)      │
//!                                                            nothing (instant)   ▼
//!  importer: Engine::verify_header(parent, header, now, stakes) ─► execute ─► store
//!                 │ rules, work / slot + proposer + signature
//!                 ▼
//!  fork choice: total weight += Engine::weight(header); fork_choice_better picks the head
//! ```
//!
//! - [`rules`]: what every engine checks (linkage, gas limit, extra data, clock drift);
//! - [`instant`]: dev sealing, no proof;
//! - [`pow`]: keccak proof of work over `seal_hash ‖ nonce` and the difficulty rule;
//!   [`Miner`] ([`miner`]) searches nonces on several threads;
//! - [`pos`]: stake-weighted slot proposers, signature seals, equivocation evidence;
//!   [`Proposer`] ([`proposer`]) signs with slashing protection.
//!
//! This module also fixes the pieces other crates share with the engines:
//! - [`STAKING_ADDRESS`], where the proof-of-stake staking system contract lives;
//! - [`EpochInputs`] / [`StakeSource`]: the validator set and proposer seed of an epoch,
//!   read from the parent block's state by whoever owns state (basalt-executor's staking
//!   module) and handed to the PoS engine;
//! - [`seal_signer`], [`sign_seal`] and [`slot_of`]: how a PoS header is signed and timed,
//!   used by the engine and by the staking contract's equivocation evidence
//!   ([`verify_equivocation`]).

mod engine;
mod error;
mod seal;

pub mod instant;
pub mod miner;
pub mod pos;
pub mod pow;
pub mod proposer;
pub mod rules;

pub use engine::{engine_for, fork_choice_better, Engine};
pub use error::{ConsensusError, Result};
pub use instant::InstantEngine;
pub use miner::{Miner, ATTEMPTS_PER_CHECK, HASHRATE_WINDOW};
pub use pos::{proposer_of, verify_equivocation, PosEngine};
pub use pow::{next_difficulty, pow_hash, pow_target, verify_work, PowEngine, PowSearch};
pub use proposer::Proposer;
pub use rules::{GAS_LIMIT_BOUND_DIVISOR, MAX_EXTRA_DATA, MAX_FUTURE_DRIFT, MIN_GAS_LIMIT};
pub use seal::{seal_signer, sign_seal, slot_of, slot_timestamp, SEAL_LEN};

use basalt_primitives::{Address, Header, H256, U256};

/// The address of the proof-of-stake staking system contract:
/// `0x0000000000000000000000000000000000001000` (the address BNB Chain gives its validator
/// set contract). Ordinary transactions to it stake, unstake, withdraw and submit
/// equivocation evidence; the executor runs it natively.
pub const STAKING_ADDRESS: Address =
    ethereum_types::H160([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0]);

/// The validator set and proposer seed that govern one epoch's slots.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EpochInputs {
    /// The epoch these inputs are for.
    pub epoch: u64,
    /// Randomness no single proposer controls (see the staking module for how it is mixed).
    pub seed: H256,
    /// Active validators and their stakes, sorted by address, every stake non-zero.
    pub validators: Vec<(Address, U256)>,
}

impl EpochInputs {
    /// The sum of the active stakes (saturating).
    pub fn total_stake(&self) -> U256 {
        self.validators.iter().fold(U256::zero(), |sum, (_, stake)| sum.saturating_add(*stake))
    }
}

/// Reads [`EpochInputs`] from chain state.
pub trait StakeSource {
    /// The inputs of `epoch` as seen from the state after `parent`, for a child of
    /// `parent` whose slot lies in `epoch` (never earlier than `parent`'s epoch).
    fn epoch_inputs(&self, parent: &Header, epoch: u64) -> Result<EpochInputs, ConsensusError>;
}
