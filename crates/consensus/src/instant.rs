//! Instant sealing for dev chains: a block is final the moment the producer builds it.
//!
//! Rules on top of the common ones ([`crate::rules`]):
//! - the timestamp is not before the parent's: equal is allowed, so a dev chain may seal
//!   several blocks within one second (today's producer in basalt-chain still picks
//!   `max(now, parent + 1)`, which passes);
//! - no future-drift check: dev methods (`evm_setNextBlockTimestamp`, `evm_increaseTime`)
//!   move the chain's clock ahead of the wall clock on purpose;
//! - difficulty 0 and an empty seal. `mix_hash` and `nonce` are free (the producer may put
//!   a `prevrandao` in `mix_hash`).
//!
//! Each block weighs 1 (the longest chain wins) and mints nothing.

use crate::rules::{check_common, check_no_seal};
use crate::{ConsensusError, Engine, Result, StakeSource};
use basalt_primitives::{Header, U256};

/// The instant (dev) engine. See the [module docs](self).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct InstantEngine;

impl Engine for InstantEngine {
    fn name(&self) -> &'static str {
        "instant"
    }

    fn prepare(&self, _parent: &Header, header: &mut Header) -> Result<()> {
        header.difficulty = U256::zero();
        Ok(())
    }

    fn verify_header(
        &self,
        parent: &Header,
        header: &Header,
        _now: u64,
        _stakes: &dyn StakeSource,
    ) -> Result<()> {
        check_common(parent, header)?;
        if header.timestamp < parent.timestamp {
            return Err(ConsensusError::TimestampBeforeParent {
                parent: parent.timestamp,
                timestamp: header.timestamp,
            });
        }
        if !header.difficulty.is_zero() {
            return Err(ConsensusError::WrongDifficulty {
                expected: U256::zero(),
                got: header.difficulty,
            });
        }
        check_no_seal(header)
    }

    fn weight(&self, _header: &Header) -> U256 {
        U256::one()
    }

    fn block_reward(&self, _header: &Header) -> U256 {
        U256::zero()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::rules::test_utils::{child_of, parent, NoStakes};

    fn verify(parent: &Header, header: &Header) -> Result<()> {
        InstantEngine.verify_header(parent, header, 0, &NoStakes)
    }

    #[test]
    fn equal_timestamps_pass_earlier_ones_do_not() {
        let p = parent();
        let mut h = child_of(&p, p.timestamp);
        InstantEngine.prepare(&p, &mut h).unwrap();
        verify(&p, &h).unwrap();
        let h = child_of(&p, p.timestamp - 1);
        assert_eq!(
            verify(&p, &h),
            Err(ConsensusError::TimestampBeforeParent { parent: 1_000, timestamp: 999 })
        );
    }

    #[test]
    fn far_future_timestamps_pass_on_dev_chains() {
        let p = parent();
        // `now` is 0 in `verify`: a year ahead of it is still fine.
        verify(&p, &child_of(&p, 1_000 + 365 * 86_400)).unwrap();
    }

    #[test]
    fn difficulty_must_be_zero_and_seal_empty() {
        let p = parent();
        let mut h = child_of(&p, 1_001);
        h.difficulty = 1.into();
        assert_eq!(
            verify(&p, &h),
            Err(ConsensusError::WrongDifficulty { expected: 0.into(), got: 1.into() })
        );
        InstantEngine.prepare(&p, &mut h).unwrap();
        assert_eq!(h.difficulty, U256::zero());
        h.seal = vec![1];
        assert_eq!(verify(&p, &h), Err(ConsensusError::UnexpectedSeal { len: 1 }));
    }

    #[test]
    fn common_rules_apply() {
        let p = parent();
        let mut h = child_of(&p, 1_001);
        h.gas_limit = 4_000;
        assert!(matches!(verify(&p, &h), Err(ConsensusError::GasLimitChangeTooLarge { .. })));
    }
}
