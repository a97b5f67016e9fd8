//! The [`Engine`] trait, fork choice and the engine switch.

use crate::instant::InstantEngine;
use crate::pos::PosEngine;
use crate::pow::PowEngine;
use crate::{ConsensusError, StakeSource};
use basalt_chainspec::{ChainSpec, ConsensusConfig};
use basalt_primitives::{Header, H256, U256};
use std::sync::Arc;

/// A consensus engine: what a header must satisfy, what it weighs in fork choice and what
/// it pays its producer. Sealing itself is engine-specific and lives beside the engines
/// ([`Miner`](crate::Miner) for proof of work, [`Proposer`](crate::Proposer) for proof of
/// stake; instant headers carry no seal).
///
/// The producer builds a candidate child (timestamp, beneficiary, transactions, roots),
/// calls [`Engine::prepare`] *before* executing it (the difficulty is visible to
/// contracts), then seals it. An importer calls [`Engine::verify_header`] before executing.
pub trait Engine: Send + Sync + std::fmt::Debug {
    /// The engine's name as the genesis file spells it: `"instant"`, `"pow"` or `"pos"`.
    fn name(&self) -> &'static str;

    /// Fills the engine's fields of a candidate child of `parent`: the difficulty (proof of
    /// work: the adjustment rule for the header's timestamp; proof of stake: 1; instant: 0)
    /// and, for proof of work and proof of stake, clears `mix_hash`, `nonce` and `seal`
    /// for the sealer. Never touches the timestamp or the beneficiary, which the producer
    /// sets first.
    fn prepare(&self, parent: &Header, header: &mut Header) -> Result<(), ConsensusError>;

    /// Checks every rule decidable from `parent`, `header`, the wall clock `now` (unix
    /// seconds) and, for proof of stake, the epoch's validator set read through `stakes`:
    /// linkage, gas limit, extra data, timestamp, difficulty and the seal (work or
    /// signature). Execution (roots, gas used, base fee) is the importer's.
    fn verify_header(
        &self,
        parent: &Header,
        header: &Header,
        now: u64,
        stakes: &dyn StakeSource,
    ) -> Result<(), ConsensusError>;

    /// Checks what `header` proves on its own, before its parent is known: a
    /// block kept waiting for its parent (an orphan) must have cost its
    /// sender as much as a valid one. Proof of work: the work at the
    /// header's own difficulty, which is at least the minimum; proof of stake:
    /// a slot timestamp, a seal that recovers to the beneficiary; both: not
    /// from the future. The full check still runs when the parent arrives.
    fn verify_standalone(&self, header: &Header, now: u64) -> Result<(), ConsensusError> {
        let _ = (header, now);
        Ok(())
    }

    /// What `header` adds to its parent's total weight for fork choice (see
    /// [`fork_choice_better`]): proof of work its difficulty, proof of stake and instant 1.
    fn weight(&self, header: &Header) -> U256;

    /// The new coins credited to `header`'s beneficiary, on top of the priority fees.
    fn block_reward(&self, header: &Header) -> U256;
}

/// Fork choice: whether the chain whose tip has total weight `a_total` and hash `a_hash`
/// beats the one with `b_total` / `b_hash`.
///
/// The heavier chain wins (the most work for proof of work, the most proposed slots for
/// proof of stake, the longest chain for instant sealing); between equal weights the tip
/// with the numerically lower hash wins. The rule is a strict total order on distinct
/// tips, so every node that has seen the same blocks picks the same head whatever order
/// they arrived in (geth prefers the first-seen on ties, which leaves peers split until
/// the next block). Equal inputs give `false`: a tip does not beat itself.
pub fn fork_choice_better(a_total: U256, a_hash: H256, b_total: U256, b_hash: H256) -> bool {
    a_total > b_total || (a_total == b_total && a_hash < b_hash)
}

/// The engine the chain spec's `config.consensus` names, with its parameters.
pub fn engine_for(spec: &ChainSpec) -> Arc<dyn Engine> {
    match &spec.consensus {
        ConsensusConfig::Instant => Arc::new(InstantEngine),
        ConsensusConfig::Pow(config) => {
            Arc::new(PowEngine::new(config.clone(), spec.genesis.number))
        }
        ConsensusConfig::Pos(config) => {
            Arc::new(PosEngine::new(config.clone(), spec.genesis.timestamp))
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use basalt_chainspec::{PosConfig, PowConfig, Validator};
    use basalt_primitives::Address;

    #[test]
    fn heavier_wins_and_ties_go_to_the_lower_hash() {
        let (low, high) = (H256::repeat_byte(1), H256::repeat_byte(2));
        assert!(fork_choice_better(10.into(), high, 9.into(), low));
        assert!(!fork_choice_better(9.into(), low, 10.into(), high));
        assert!(fork_choice_better(10.into(), low, 10.into(), high));
        assert!(!fork_choice_better(10.into(), high, 10.into(), low));
        assert!(!fork_choice_better(10.into(), low, 10.into(), low));
    }

    #[test]
    fn fork_choice_is_independent_of_arrival_order() {
        // Several tips, some with equal weight: whatever order they are offered in, the
        // running best ends on the same tip.
        let tips: Vec<(U256, H256)> = vec![
            (5.into(), H256::repeat_byte(7)),
            (7.into(), H256::repeat_byte(9)),
            (7.into(), H256::repeat_byte(3)),
            (6.into(), H256::repeat_byte(1)),
            (7.into(), H256::repeat_byte(4)),
        ];
        let best_of = |order: &[usize]| {
            let mut best = tips[order[0]];
            for &i in &order[1..] {
                if fork_choice_better(tips[i].0, tips[i].1, best.0, best.1) {
                    best = tips[i];
                }
            }
            best
        };
        let expected = (U256::from(7), H256::repeat_byte(3));
        for order in [[0, 1, 2, 3, 4], [4, 3, 2, 1, 0], [2, 0, 4, 1, 3], [1, 4, 3, 0, 2]] {
            assert_eq!(best_of(&order), expected);
        }
    }

    #[test]
    fn engine_for_follows_the_spec() {
        let mut spec = ChainSpec::dev();
        assert_eq!(engine_for(&spec).name(), "instant");
        spec.consensus = ConsensusConfig::Pow(PowConfig {
            initial_difficulty: 1000.into(),
            target_block_time: 2,
            min_difficulty: 1.into(),
            block_reward: 5.into(),
        });
        let pow = engine_for(&spec);
        assert_eq!(pow.name(), "pow");
        assert_eq!(pow.block_reward(&Header::default()), U256::from(5));
        let header = Header { difficulty: 1234.into(), ..Header::default() };
        assert_eq!(pow.weight(&header), U256::from(1234));
        spec.consensus = ConsensusConfig::Pos(PosConfig {
            validators: vec![Validator { address: Address::repeat_byte(1), stake: 1.into() }],
            slot_time: 2,
            epoch_length: 32,
            unbonding_epochs: 2,
            slash_bps: 10_000,
            reporter_reward_bps: 1_000,
        });
        let pos = engine_for(&spec);
        assert_eq!(pos.name(), "pos");
        assert_eq!(pos.weight(&header), U256::one());
        assert_eq!(pos.block_reward(&header), U256::zero());
    }
}
