//! Stake-weighted proof of stake: slots, proposer selection, verification, equivocation.
//!
//! # Slots and epochs
//!
//! Time is cut into slots of `slotTime` seconds from the genesis timestamp (slot 0, the
//! genesis block's). A PoS header's timestamp is exactly the start of its slot
//! ([`slot_of`] must give `Some`), its slot is after its parent's (slots may be skipped
//! when a proposer is offline), and it is at most
//! [`MAX_FUTURE_DRIFT`](crate::MAX_FUTURE_DRIFT) seconds ahead of the verifier's clock.
//! Slot `s` lies in epoch `s / epochLength`; an epoch's validator set and seed
//! ([`EpochInputs`]) come from the staking contract through [`StakeSource`].
//!
//! # Proposer of a slot
//!
//! With the epoch's validators sorted by address, stakes `w_1..w_n` and total `W`:
//! `r = U256(keccak256(seed ‖ slot as 8 big-endian bytes)) mod W`, and the proposer is the
//! first validator whose cumulative stake `w_1 + … + w_i` exceeds `r`. So each slot's
//! proposer is drawn independently with probability `w_i / W` (the modulo bias is at most
//! `W / 2^256`), anyone can compute it from public state, and nobody knows it before the
//! seed is fixed.
//!
//! # Header rules
//!
//! On top of the common rules ([`crate::rules`]): difficulty 1; `mix_hash` and `nonce`
//! zero (they are outside the signed seal hash, so leaving them free would let anyone
//! re-hash a signed block, and forge "equivocation" evidence from one honest header);
//! `beneficiary` = the slot's proposer = [`seal_signer`] of the header. Each block weighs
//! 1 in fork choice (the chain with the most proposed slots wins) and mints nothing.
//!
//! # Equivocation
//!
//! Signing two different proposals for one slot is the slashable offence:
//! [`verify_equivocation`] checks such evidence, and [`Proposer`](crate::Proposer) refuses
//! to ever do it.

use crate::rules::{check_common, check_not_in_future, clear_seal_fields};
use crate::{seal_signer, slot_of, slot_timestamp, ConsensusError, Engine, EpochInputs};
use crate::{Result, StakeSource};
use basalt_chainspec::PosConfig;
use basalt_primitives::{keccak256, Address, Header, U256};

/// The proposer of `slot` under `inputs` (see the [module docs](self)). Fails if the set
/// is empty, has no stake, or is not strictly sorted by address.
pub fn proposer_of(inputs: &EpochInputs, slot: u64) -> Result<Address> {
    let mut total = U256::zero();
    let mut previous: Option<Address> = None;
    for (address, stake) in &inputs.validators {
        if previous.is_some_and(|p| p >= *address) {
            return Err(ConsensusError::Inputs(format!(
                "epoch {}: validators are not sorted by address ({address:?})",
                inputs.epoch
            )));
        }
        previous = Some(*address);
        total = total.checked_add(*stake).ok_or_else(|| {
            ConsensusError::Inputs(format!("epoch {}: total stake overflows", inputs.epoch))
        })?;
    }
    if total.is_zero() {
        return Err(ConsensusError::Inputs(format!("epoch {}: no stake", inputs.epoch)));
    }
    let mut preimage = [0u8; 40];
    preimage[..32].copy_from_slice(inputs.seed.as_bytes());
    preimage[32..].copy_from_slice(&slot.to_be_bytes());
    let r = U256::from_big_endian(keccak256(preimage).as_bytes()) % total;
    let mut cumulative = U256::zero();
    for (address, stake) in &inputs.validators {
        // No overflow: the running sum stays below the total checked above.
        cumulative += *stake;
        if r < cumulative {
            return Ok(*address);
        }
    }
    // r < total = the final cumulative sum, so the loop returned.
    Err(ConsensusError::Inputs(format!("epoch {}: no proposer for slot {slot}", inputs.epoch)))
}

/// Checks equivocation evidence: `a` and `b` are headers for the same slot, both signed by
/// the same key, signing different proposals. Returns the offender and the slot.
///
/// "Different" means different seal hashes (the signed content), not merely different
/// block hashes: fields outside the seal hash can be changed by anyone without the signer,
/// so they prove nothing. Neither header needs to be otherwise valid or on any chain.
pub fn verify_equivocation(
    a: &Header,
    b: &Header,
    genesis_timestamp: u64,
    slot_time: u64,
) -> Result<(Address, u64)> {
    let slot_a = slot_of(genesis_timestamp, slot_time, a.timestamp)
        .ok_or(ConsensusError::NotASlotStart { timestamp: a.timestamp })?;
    let slot_b = slot_of(genesis_timestamp, slot_time, b.timestamp)
        .ok_or(ConsensusError::NotASlotStart { timestamp: b.timestamp })?;
    if slot_a != slot_b {
        return Err(ConsensusError::EvidenceSlotsDiffer { a: slot_a, b: slot_b });
    }
    let seal_hash = a.seal_hash();
    if seal_hash == b.seal_hash() {
        return Err(ConsensusError::EvidenceSameProposal { seal_hash });
    }
    let (signer_a, signer_b) = (seal_signer(a)?, seal_signer(b)?);
    if signer_a != signer_b {
        return Err(ConsensusError::EvidenceSignersDiffer { a: signer_a, b: signer_b });
    }
    Ok((signer_a, slot_a))
}

/// The proof-of-stake engine. See the [module docs](self).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PosEngine {
    config: PosConfig,
    genesis_timestamp: u64,
}

impl PosEngine {
    /// The engine for `config` on a chain whose genesis block (slot 0) has
    /// `genesis_timestamp`.
    pub fn new(config: PosConfig, genesis_timestamp: u64) -> Self {
        Self { config, genesis_timestamp }
    }

    /// The parameters.
    pub fn config(&self) -> &PosConfig {
        &self.config
    }

    /// The genesis timestamp: the start of slot 0.
    pub fn genesis_timestamp(&self) -> u64 {
        self.genesis_timestamp
    }

    /// The slot `timestamp` starts, if it starts one.
    pub fn slot_of(&self, timestamp: u64) -> Option<u64> {
        slot_of(self.genesis_timestamp, self.config.slot_time, timestamp)
    }

    /// The start of `slot`.
    pub fn slot_timestamp(&self, slot: u64) -> u64 {
        slot_timestamp(self.genesis_timestamp, self.config.slot_time, slot)
    }

    /// The first slot whose start is at or after `timestamp`.
    pub fn slot_at_or_after(&self, timestamp: u64) -> u64 {
        let since = timestamp.saturating_sub(self.genesis_timestamp);
        since.div_ceil(self.config.slot_time.max(1))
    }

    /// The epoch `slot` lies in.
    pub fn epoch_of(&self, slot: u64) -> u64 {
        slot / self.config.epoch_length.max(1)
    }

    /// The proposer of `slot` for a child of `parent`, reading the epoch's inputs.
    pub fn proposer_at(
        &self,
        parent: &Header,
        slot: u64,
        stakes: &dyn StakeSource,
    ) -> Result<Address> {
        let epoch = self.epoch_of(slot);
        let inputs = stakes.epoch_inputs(parent, epoch)?;
        if inputs.epoch != epoch {
            return Err(ConsensusError::Inputs(format!(
                "asked for epoch {epoch}, got the inputs of epoch {}",
                inputs.epoch
            )));
        }
        proposer_of(&inputs, slot)
    }
}

impl Engine for PosEngine {
    fn name(&self) -> &'static str {
        "pos"
    }

    fn prepare(&self, _parent: &Header, header: &mut Header) -> Result<()> {
        header.difficulty = U256::one();
        clear_seal_fields(header);
        Ok(())
    }

    fn verify_header(
        &self,
        parent: &Header,
        header: &Header,
        now: u64,
        stakes: &dyn StakeSource,
    ) -> Result<()> {
        check_common(parent, header)?;
        if header.difficulty != U256::one() {
            return Err(ConsensusError::WrongDifficulty {
                expected: U256::one(),
                got: header.difficulty,
            });
        }
        if !header.mix_hash.is_zero() || !header.nonce.is_zero() {
            return Err(ConsensusError::UnsignedFieldsSet {
                mix_hash: header.mix_hash,
                nonce: header.nonce,
            });
        }
        let slot = self
            .slot_of(header.timestamp)
            .ok_or(ConsensusError::NotASlotStart { timestamp: header.timestamp })?;
        let parent_slot = self
            .slot_of(parent.timestamp)
            .ok_or(ConsensusError::ParentNotASlotStart { timestamp: parent.timestamp })?;
        if slot <= parent_slot {
            return Err(ConsensusError::SlotNotAfterParent { parent_slot, slot });
        }
        check_not_in_future(header, now)?;
        let signer = seal_signer(header)?;
        let proposer = self.proposer_at(parent, slot, stakes)?;
        if signer != proposer {
            return Err(ConsensusError::WrongProposer { slot, signer, expected: proposer });
        }
        if header.beneficiary != proposer {
            return Err(ConsensusError::BeneficiaryNotProposer {
                slot,
                beneficiary: header.beneficiary,
                proposer,
            });
        }
        Ok(())
    }

    fn verify_standalone(&self, header: &Header, now: u64) -> Result<()> {
        self.slot_of(header.timestamp)
            .ok_or(ConsensusError::NotASlotStart { timestamp: header.timestamp })?;
        check_not_in_future(header, now)?;
        let signer = seal_signer(header)?;
        if header.beneficiary != signer {
            return Err(ConsensusError::BeneficiaryNotProposer {
                slot: self.slot_of(header.timestamp).unwrap_or_default(),
                beneficiary: header.beneficiary,
                proposer: signer,
            });
        }
        Ok(())
    }

    fn weight(&self, _header: &Header) -> U256 {
        U256::one()
    }

    fn block_reward(&self, _header: &Header) -> U256 {
        U256::zero()
    }
}

#[cfg(test)]
pub(crate) mod test_utils {
    use crate::{ConsensusError, EpochInputs, Result, StakeSource};
    use basalt_primitives::{keccak256, secret_key_to_address, Address, Header, SigningKey, U256};

    /// Validator `i`'s key (i ≥ 1).
    pub(crate) fn key(i: u8) -> SigningKey {
        SigningKey::from_slice(&[i; 32]).expect("a valid secret")
    }

    /// A fixed validator set with a seed that changes every epoch.
    pub(crate) struct FixedStakes {
        pub(crate) validators: Vec<(Address, U256)>,
    }

    impl FixedStakes {
        /// Validators `1..=n` with stakes `stakes[i]`, sorted by address.
        pub(crate) fn new(stakes: &[u64]) -> Self {
            let mut validators: Vec<_> = (1u8..)
                .zip(stakes)
                .map(|(i, s)| (secret_key_to_address(&key(i)), U256::from(*s)))
                .collect();
            validators.sort();
            Self { validators }
        }

        pub(crate) fn key_of(&self, address: Address) -> SigningKey {
            (1u8..=255).map(key).find(|k| secret_key_to_address(k) == address).expect("one of ours")
        }
    }

    impl StakeSource for FixedStakes {
        fn epoch_inputs(&self, _parent: &Header, epoch: u64) -> Result<EpochInputs> {
            if self.validators.is_empty() {
                return Err(ConsensusError::Inputs("no validators".into()));
            }
            Ok(EpochInputs {
                epoch,
                seed: keccak256(epoch.to_be_bytes()),
                validators: self.validators.clone(),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::test_utils::{key, FixedStakes};
    use super::*;
    use crate::rules::test_utils::child_of;
    use crate::sign_seal;
    use basalt_chainspec::Validator;
    use basalt_primitives::secret_key_to_address;
    use basalt_primitives::{H256, H64};

    const GENESIS_TS: u64 = 1_000;
    const SLOT_TIME: u64 = 2;

    fn engine(stakes: &FixedStakes) -> PosEngine {
        PosEngine::new(
            PosConfig {
                validators: stakes
                    .validators
                    .iter()
                    .map(|&(address, stake)| Validator { address, stake })
                    .collect(),
                slot_time: SLOT_TIME,
                epoch_length: 8,
                unbonding_epochs: 2,
                slash_bps: 10_000,
                reporter_reward_bps: 1_000,
            },
            GENESIS_TS,
        )
    }

    fn genesis() -> Header {
        Header { number: 0, timestamp: GENESIS_TS, gas_limit: 30_000_000, ..Header::default() }
    }

    /// A header for `slot` on `parent`, prepared and signed by the slot's proposer.
    fn proposed(engine: &PosEngine, stakes: &FixedStakes, parent: &Header, slot: u64) -> Header {
        let proposer = engine.proposer_at(parent, slot, stakes).unwrap();
        let mut header = child_of(parent, engine.slot_timestamp(slot));
        header.beneficiary = proposer;
        engine.prepare(parent, &mut header).unwrap();
        header.seal = sign_seal(&header, &stakes.key_of(proposer)).unwrap();
        header
    }

    fn verify(engine: &PosEngine, stakes: &FixedStakes, parent: &Header, h: &Header) -> Result<()> {
        engine.verify_header(parent, h, h.timestamp, stakes)
    }

    #[test]
    fn standalone_check_needs_a_seal_by_the_beneficiary() {
        let stakes = FixedStakes::new(&[1, 2, 3, 4]);
        let engine = engine(&stakes);
        let h = proposed(&engine, &stakes, &genesis(), 3);
        engine.verify_standalone(&h, h.timestamp).unwrap();
        let mut t = h.clone();
        t.seal = vec![0u8; 65];
        assert!(engine.verify_standalone(&t, h.timestamp).is_err(), "a broken seal");
        let mut t = h.clone();
        t.gas_used += 1;
        assert!(engine.verify_standalone(&t, h.timestamp).is_err(), "the seal covers the header");
        let mut t = h.clone();
        t.timestamp += 1;
        assert!(engine.verify_standalone(&t, t.timestamp).is_err(), "not a slot start");
    }

    #[test]
    fn a_chain_of_proposals_verifies_across_epochs() {
        let stakes = FixedStakes::new(&[1, 2, 3, 4]);
        let engine = engine(&stakes);
        let mut parent = genesis();
        // Slots 1..40 with every third skipped: five epochs of eight slots.
        for slot in (1..40).filter(|s| s % 3 != 0) {
            let header = proposed(&engine, &stakes, &parent, slot);
            verify(&engine, &stakes, &parent, &header).unwrap();
            parent = header;
        }
    }

    #[test]
    fn proposal_shares_follow_stake() {
        let stakes = FixedStakes::new(&[1, 2, 3, 4]);
        let total: u64 = 10;
        let slots = 10_000u64;
        let mut counts = vec![0u64; stakes.validators.len()];
        for slot in 0..slots {
            // A new seed every 32 slots.
            let inputs = stakes.epoch_inputs(&genesis(), slot / 32).unwrap();
            let proposer = proposer_of(&inputs, slot).unwrap();
            let index = stakes.validators.iter().position(|(a, _)| *a == proposer).unwrap();
            counts[index] += 1;
        }
        for ((_, stake), count) in stakes.validators.iter().zip(&counts) {
            let p = stake.as_u64() as f64 / total as f64;
            let expected = p * slots as f64;
            let sd = (slots as f64 * p * (1.0 - p)).sqrt();
            eprintln!("stake {stake}: {count} proposals, expected {expected:.0} ± {sd:.0}");
            assert!(
                (*count as f64 - expected).abs() <= 4.0 * sd,
                "stake {stake}: {count} proposals, expected {expected:.0} ± {sd:.1}"
            );
        }
    }

    #[test]
    fn proposer_selection_rejects_bad_inputs() {
        let stakes = FixedStakes::new(&[1, 2]);
        let mut inputs = stakes.epoch_inputs(&genesis(), 0).unwrap();
        inputs.validators.reverse();
        assert!(matches!(proposer_of(&inputs, 1), Err(ConsensusError::Inputs(_))));
        inputs.validators.clear();
        assert!(matches!(proposer_of(&inputs, 1), Err(ConsensusError::Inputs(_))));
        inputs.validators =
            vec![(Address::repeat_byte(1), U256::MAX), (Address::repeat_byte(2), 1.into())];
        assert!(matches!(proposer_of(&inputs, 1), Err(ConsensusError::Inputs(_))));
        // A single validator proposes every slot; a zero stake never does.
        inputs.validators =
            vec![(Address::repeat_byte(1), 0.into()), (Address::repeat_byte(2), 5.into())];
        for slot in 0..100 {
            assert_eq!(proposer_of(&inputs, slot).unwrap(), Address::repeat_byte(2));
        }
    }

    #[test]
    fn a_non_proposer_signature_is_rejected() {
        let stakes = FixedStakes::new(&[1, 2, 3, 4]);
        let engine = engine(&stakes);
        let parent = genesis();
        let good = proposed(&engine, &stakes, &parent, 1);
        let proposer = good.beneficiary;
        let other = stakes.validators.iter().map(|(a, _)| *a).find(|a| *a != proposer).unwrap();
        // Signed by another validator (beneficiary still the proposer).
        let mut bad = good.clone();
        bad.seal = sign_seal(&bad, &stakes.key_of(other)).unwrap();
        assert_eq!(
            verify(&engine, &stakes, &parent, &bad),
            Err(ConsensusError::WrongProposer { slot: 1, signer: other, expected: proposer })
        );
        // Signed and claimed by another validator.
        let mut bad = good.clone();
        bad.beneficiary = other;
        bad.seal = sign_seal(&bad, &stakes.key_of(other)).unwrap();
        assert!(matches!(
            verify(&engine, &stakes, &parent, &bad),
            Err(ConsensusError::WrongProposer { .. })
        ));
        // Signed by the proposer but paying someone else.
        let mut bad = good.clone();
        bad.beneficiary = other;
        bad.seal = sign_seal(&bad, &stakes.key_of(proposer)).unwrap();
        assert_eq!(
            verify(&engine, &stakes, &parent, &bad),
            Err(ConsensusError::BeneficiaryNotProposer { slot: 1, beneficiary: other, proposer })
        );
        // A stranger's key.
        let mut bad = good;
        bad.seal = sign_seal(&bad, &key(99)).unwrap();
        assert!(matches!(
            verify(&engine, &stakes, &parent, &bad),
            Err(ConsensusError::WrongProposer { .. })
        ));
    }

    #[test]
    fn bad_or_truncated_signatures_are_rejected() {
        let stakes = FixedStakes::new(&[1, 2, 3, 4]);
        let engine = engine(&stakes);
        let parent = genesis();
        let good = proposed(&engine, &stakes, &parent, 1);
        verify(&engine, &stakes, &parent, &good).unwrap();
        let mut bad = good.clone();
        bad.seal.truncate(64);
        assert_eq!(
            verify(&engine, &stakes, &parent, &bad),
            Err(ConsensusError::SealLength { len: 64 })
        );
        let mut bad = good.clone();
        bad.seal.clear();
        assert_eq!(
            verify(&engine, &stakes, &parent, &bad),
            Err(ConsensusError::SealLength { len: 0 })
        );
        // r = 0.
        let mut bad = good.clone();
        bad.seal[..32].fill(0);
        assert!(matches!(verify(&engine, &stakes, &parent, &bad), Err(ConsensusError::BadSeal(_))));
        // A flipped bit in s: recovers some other key, or nothing.
        let mut bad = good.clone();
        bad.seal[40] ^= 1;
        assert!(matches!(
            verify(&engine, &stakes, &parent, &bad),
            Err(ConsensusError::WrongProposer { .. } | ConsensusError::BadSeal(_))
        ));
        // A bad recovery byte.
        let mut bad = good;
        bad.seal[64] = 27;
        assert!(matches!(
            verify(&engine, &stakes, &parent, &bad),
            Err(ConsensusError::SealLength { len: 65 })
        ));
    }

    #[test]
    fn slot_timing_is_enforced() {
        let stakes = FixedStakes::new(&[1, 2, 3, 4]);
        let engine = engine(&stakes);
        let parent = genesis();
        // Not the start of a slot.
        let mut bad = proposed(&engine, &stakes, &parent, 3);
        bad.timestamp += 1;
        bad.seal = sign_seal(&bad, &stakes.key_of(bad.beneficiary)).unwrap();
        assert_eq!(
            verify(&engine, &stakes, &parent, &bad),
            Err(ConsensusError::NotASlotStart { timestamp: GENESIS_TS + 7 })
        );
        // Not after the parent's slot.
        let p5 = proposed(&engine, &stakes, &parent, 5);
        for slot in [4, 5] {
            let mut bad = proposed(&engine, &stakes, &parent, slot);
            bad.parent_hash = p5.hash();
            bad.number = p5.number + 1;
            bad.seal = sign_seal(&bad, &stakes.key_of(bad.beneficiary)).unwrap();
            assert_eq!(
                verify(&engine, &stakes, &p5, &bad),
                Err(ConsensusError::SlotNotAfterParent { parent_slot: 5, slot })
            );
        }
        // More than 15 s ahead of the clock: slot 8 starts 16 s after genesis.
        let ahead = proposed(&engine, &stakes, &parent, 8);
        assert!(matches!(
            engine.verify_header(&parent, &ahead, GENESIS_TS, &stakes),
            Err(ConsensusError::TimestampInFuture { .. })
        ));
        engine.verify_header(&parent, &ahead, GENESIS_TS + 1, &stakes).unwrap();
        // A parent off the slot grid.
        let odd_parent = Header { timestamp: GENESIS_TS + 1, ..genesis() };
        let h = proposed(&engine, &stakes, &odd_parent, 2);
        assert_eq!(
            verify(&engine, &stakes, &odd_parent, &h),
            Err(ConsensusError::ParentNotASlotStart { timestamp: GENESIS_TS + 1 })
        );
    }

    #[test]
    fn difficulty_and_unsigned_fields_are_fixed() {
        let stakes = FixedStakes::new(&[1, 2, 3, 4]);
        let engine = engine(&stakes);
        let parent = genesis();
        let good = proposed(&engine, &stakes, &parent, 1);
        let mut bad = good.clone();
        bad.difficulty = 2.into();
        bad.seal = sign_seal(&bad, &stakes.key_of(bad.beneficiary)).unwrap();
        assert_eq!(
            verify(&engine, &stakes, &parent, &bad),
            Err(ConsensusError::WrongDifficulty { expected: 1.into(), got: 2.into() })
        );
        let mut bad = good.clone();
        bad.mix_hash = H256::repeat_byte(1);
        assert!(matches!(
            verify(&engine, &stakes, &parent, &bad),
            Err(ConsensusError::UnsignedFieldsSet { .. })
        ));
        let mut bad = good;
        bad.nonce = H64::repeat_byte(1);
        assert!(matches!(
            verify(&engine, &stakes, &parent, &bad),
            Err(ConsensusError::UnsignedFieldsSet { .. })
        ));
    }

    #[test]
    fn inputs_for_the_wrong_epoch_are_rejected() {
        struct Stale(FixedStakes);
        impl StakeSource for Stale {
            fn epoch_inputs(&self, parent: &Header, _epoch: u64) -> Result<EpochInputs> {
                self.0.epoch_inputs(parent, 0)
            }
        }
        let stakes = FixedStakes::new(&[1, 2]);
        let engine = engine(&stakes);
        let parent = genesis();
        let h = proposed(&engine, &stakes, &parent, 9); // epoch 1
        assert!(matches!(
            engine.verify_header(&parent, &h, h.timestamp, &Stale(stakes)),
            Err(ConsensusError::Inputs(_))
        ));
    }

    #[test]
    fn equivocation_needs_one_signer_one_slot_two_proposals() {
        let k = key(1);
        let signer = secret_key_to_address(&k);
        let signed = |mut h: Header, key: &basalt_primitives::SigningKey| {
            h.seal = sign_seal(&h, key).unwrap();
            h
        };
        let base = Header { number: 3, timestamp: GENESIS_TS + 10, ..Header::default() };
        let a = signed(base.clone(), &k);
        let b = signed(Header { extra_data: b"other".to_vec(), ..base.clone() }, &k);
        assert_eq!(verify_equivocation(&a, &b, GENESIS_TS, SLOT_TIME), Ok((signer, 5)));
        assert_eq!(verify_equivocation(&b, &a, GENESIS_TS, SLOT_TIME), Ok((signer, 5)));
        // Same proposal, even with a re-hashed copy (unsigned field changed).
        let rehashed = Header { mix_hash: H256::repeat_byte(1), ..a.clone() };
        assert_ne!(rehashed.hash(), a.hash());
        assert_eq!(
            verify_equivocation(&a, &rehashed, GENESIS_TS, SLOT_TIME),
            Err(ConsensusError::EvidenceSameProposal { seal_hash: a.seal_hash() })
        );
        // Different slots.
        let later = signed(Header { timestamp: GENESIS_TS + 12, ..base.clone() }, &k);
        assert_eq!(
            verify_equivocation(&a, &later, GENESIS_TS, SLOT_TIME),
            Err(ConsensusError::EvidenceSlotsDiffer { a: 5, b: 6 })
        );
        // Different signers.
        let c = signed(Header { extra_data: b"third".to_vec(), ..base.clone() }, &key(2));
        assert_eq!(
            verify_equivocation(&a, &c, GENESIS_TS, SLOT_TIME),
            Err(ConsensusError::EvidenceSignersDiffer {
                a: signer,
                b: secret_key_to_address(&key(2))
            })
        );
        // Off-grid timestamps and missing seals.
        let off = signed(Header { timestamp: GENESIS_TS + 11, ..base.clone() }, &k);
        assert_eq!(
            verify_equivocation(&a, &off, GENESIS_TS, SLOT_TIME),
            Err(ConsensusError::NotASlotStart { timestamp: GENESIS_TS + 11 })
        );
        let unsigned = Header { extra_data: b"x".to_vec(), ..base };
        assert_eq!(
            verify_equivocation(&a, &unsigned, GENESIS_TS, SLOT_TIME),
            Err(ConsensusError::SealLength { len: 0 })
        );
    }

    #[test]
    fn slot_arithmetic() {
        let stakes = FixedStakes::new(&[1]);
        let engine = engine(&stakes);
        assert_eq!(engine.slot_of(GENESIS_TS), Some(0));
        assert_eq!(engine.slot_at_or_after(GENESIS_TS), 0);
        assert_eq!(engine.slot_at_or_after(GENESIS_TS + 1), 1);
        assert_eq!(engine.slot_at_or_after(GENESIS_TS + 2), 1);
        assert_eq!(engine.slot_at_or_after(GENESIS_TS - 5), 0);
        assert_eq!(engine.epoch_of(7), 0);
        assert_eq!(engine.epoch_of(8), 1);
    }
}
