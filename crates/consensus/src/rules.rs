//! Header rules every engine applies, checkable from the parent and the header alone.
//!
//! - `number == parent.number + 1` and `parent_hash == parent.hash()`;
//! - `ommers_hash` is the empty list's (Basalt has no ommers);
//! - gas limit: `|gas_limit - parent.gas_limit| < parent.gas_limit / 1024` and
//!   `gas_limit >= 5000` (Ethereum's rule, as geth's `VerifyGaslimit`); a genesis gas limit
//!   below 5000 therefore has no valid child. `gas_used <= gas_limit`;
//! - `extra_data` is at most 32 bytes.
//!
//! The timestamp rules differ per engine (strictly after the parent for proof of work, the
//! next slot for proof of stake, not before the parent for instant sealing), and so does the
//! clock check: proof-of-work and proof-of-stake headers may be at most
//! [`MAX_FUTURE_DRIFT`] seconds ahead of the verifier's clock (geth's
//! `allowedFutureBlockTimeSeconds`), which bounds how far a producer can push timestamps
//! (and so lower difficulty, or claim slots early). Instant dev chains skip it: their dev
//! methods (`evm_setNextBlockTimestamp`, `evm_increaseTime`) move time on purpose.
//!
//! The base fee (EIP-1559) is checked by basalt-chain, which owns its computation.

use crate::{ConsensusError, Result};
use basalt_primitives::{Header, EMPTY_OMMERS_HASH};

/// How many seconds a proof-of-work or proof-of-stake header's timestamp may be ahead of
/// the verifying node's clock.
pub const MAX_FUTURE_DRIFT: u64 = 15;
/// The most bytes `extra_data` may hold.
pub const MAX_EXTRA_DATA: usize = 32;
/// The lowest gas limit a block may have (Ethereum's `MinGasLimit`).
pub const MIN_GAS_LIMIT: u64 = 5000;
/// A child's gas limit moves by less than `parent / GAS_LIMIT_BOUND_DIVISOR`.
pub const GAS_LIMIT_BOUND_DIVISOR: u64 = 1024;

/// Checks the engine-independent rules listed in the module docs.
pub(crate) fn check_common(parent: &Header, header: &Header) -> Result<()> {
    if parent.number.checked_add(1) != Some(header.number) {
        return Err(ConsensusError::WrongNumber { parent: parent.number, number: header.number });
    }
    let parent_hash = parent.hash();
    if header.parent_hash != parent_hash {
        return Err(ConsensusError::WrongParentHash {
            expected: parent_hash,
            got: header.parent_hash,
        });
    }
    if header.ommers_hash != EMPTY_OMMERS_HASH {
        return Err(ConsensusError::OmmersNotAllowed { got: header.ommers_hash });
    }
    check_gas_limit(parent.gas_limit, header.gas_limit)?;
    if header.gas_used > header.gas_limit {
        return Err(ConsensusError::GasUsedAboveLimit {
            gas_used: header.gas_used,
            gas_limit: header.gas_limit,
        });
    }
    if header.extra_data.len() > MAX_EXTRA_DATA {
        return Err(ConsensusError::ExtraDataTooLong {
            len: header.extra_data.len(),
            max: MAX_EXTRA_DATA,
        });
    }
    Ok(())
}

/// Ethereum's gas-limit rule: the change is strictly below `parent / 1024`, and the limit
/// is at least [`MIN_GAS_LIMIT`].
pub(crate) fn check_gas_limit(parent: u64, gas_limit: u64) -> Result<()> {
    let bound = parent / GAS_LIMIT_BOUND_DIVISOR;
    if parent.abs_diff(gas_limit) >= bound {
        return Err(ConsensusError::GasLimitChangeTooLarge { parent, gas_limit, bound });
    }
    if gas_limit < MIN_GAS_LIMIT {
        return Err(ConsensusError::GasLimitTooLow { gas_limit, min: MIN_GAS_LIMIT });
    }
    Ok(())
}

/// The timestamp is at most [`MAX_FUTURE_DRIFT`] seconds after `now`.
pub(crate) fn check_not_in_future(header: &Header, now: u64) -> Result<()> {
    if header.timestamp > now.saturating_add(MAX_FUTURE_DRIFT) {
        return Err(ConsensusError::TimestampInFuture {
            timestamp: header.timestamp,
            now,
            max_drift: MAX_FUTURE_DRIFT,
        });
    }
    Ok(())
}

/// Clears the fields a sealer fills (`mix_hash`, `nonce`, `seal`) on a candidate header.
pub(crate) fn clear_seal_fields(header: &mut Header) {
    header.mix_hash = basalt_primitives::H256::zero();
    header.nonce = basalt_primitives::H64::zero();
    header.seal.clear();
}

/// Instant and proof-of-work headers carry no seal: it is outside what they commit to, so
/// allowing one would let anyone re-hash a block.
pub(crate) fn check_no_seal(header: &Header) -> Result<()> {
    if header.seal.is_empty() {
        Ok(())
    } else {
        Err(ConsensusError::UnexpectedSeal { len: header.seal.len() })
    }
}

#[cfg(test)]
pub(crate) mod test_utils {
    use crate::{ConsensusError, EpochInputs, Result, StakeSource};
    use basalt_primitives::{Address, Header, U256};

    /// The stake source of engines that read none: every request is an error.
    pub(crate) struct NoStakes;

    impl StakeSource for NoStakes {
        fn epoch_inputs(&self, _: &Header, _: u64) -> Result<EpochInputs> {
            Err(ConsensusError::Inputs("this engine reads no stakes".into()))
        }
    }

    /// A plausible parent: block 10 at time 1000 with a 30M gas limit.
    pub(crate) fn parent() -> Header {
        Header {
            number: 10,
            timestamp: 1_000,
            gas_limit: 30_000_000,
            beneficiary: Address::repeat_byte(0xaa),
            base_fee_per_gas: Some(U256::from(1_000_000_000u64)),
            ..Header::default()
        }
    }

    /// A child of `parent` with the common fields right (engine fields left default).
    pub(crate) fn child_of(parent: &Header, timestamp: u64) -> Header {
        Header {
            parent_hash: parent.hash(),
            number: parent.number + 1,
            timestamp,
            gas_limit: parent.gas_limit,
            gas_used: 21_000,
            beneficiary: parent.beneficiary,
            base_fee_per_gas: parent.base_fee_per_gas,
            ..Header::default()
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::test_utils::{child_of, parent};
    use super::*;
    use basalt_primitives::H256;

    #[test]
    fn common_rules_accept_a_well_formed_child() {
        let p = parent();
        check_common(&p, &child_of(&p, 1_001)).unwrap();
    }

    #[test]
    fn number_and_parent_hash_must_link() {
        let p = parent();
        let mut h = child_of(&p, 1_001);
        h.number = 12;
        assert_eq!(
            check_common(&p, &h),
            Err(ConsensusError::WrongNumber { parent: 10, number: 12 })
        );
        let mut h = child_of(&p, 1_001);
        h.parent_hash = H256::repeat_byte(9);
        assert_eq!(
            check_common(&p, &h),
            Err(ConsensusError::WrongParentHash { expected: p.hash(), got: H256::repeat_byte(9) })
        );
        let mut h = child_of(&p, 1_001);
        h.ommers_hash = H256::zero();
        assert_eq!(
            check_common(&p, &h),
            Err(ConsensusError::OmmersNotAllowed { got: H256::zero() })
        );
    }

    #[test]
    fn gas_limit_moves_strictly_less_than_a_1024th() {
        let parent = 30_000_000u64;
        let bound = parent / 1024; // 29_296
        check_gas_limit(parent, parent).unwrap();
        check_gas_limit(parent, parent + bound - 1).unwrap();
        check_gas_limit(parent, parent - (bound - 1)).unwrap();
        let too_far =
            ConsensusError::GasLimitChangeTooLarge { parent, gas_limit: parent + bound, bound };
        assert_eq!(check_gas_limit(parent, parent + bound), Err(too_far));
        assert!(matches!(
            check_gas_limit(parent, parent - bound),
            Err(ConsensusError::GasLimitChangeTooLarge { .. })
        ));
        assert_eq!(
            check_gas_limit(5_000, 4_999),
            Err(ConsensusError::GasLimitTooLow { gas_limit: 4_999, min: 5_000 })
        );
    }

    #[test]
    fn gas_used_and_extra_data_are_bounded() {
        let p = parent();
        let mut h = child_of(&p, 1_001);
        h.gas_used = h.gas_limit + 1;
        assert!(matches!(check_common(&p, &h), Err(ConsensusError::GasUsedAboveLimit { .. })));
        let mut h = child_of(&p, 1_001);
        h.extra_data = vec![0; 32];
        check_common(&p, &h).unwrap();
        h.extra_data.push(0);
        assert_eq!(
            check_common(&p, &h),
            Err(ConsensusError::ExtraDataTooLong { len: 33, max: 32 })
        );
    }

    #[test]
    fn future_drift_is_fifteen_seconds() {
        let h = Header { timestamp: 1_015, ..Header::default() };
        check_not_in_future(&h, 1_000).unwrap();
        let h = Header { timestamp: 1_016, ..Header::default() };
        let err = check_not_in_future(&h, 1_000).unwrap_err();
        assert_eq!(
            err,
            ConsensusError::TimestampInFuture { timestamp: 1_016, now: 1_000, max_drift: 15 }
        );
        assert!(err.is_retryable());
        assert!(!ConsensusError::UnexpectedSeal { len: 1 }.is_retryable());
    }
}
