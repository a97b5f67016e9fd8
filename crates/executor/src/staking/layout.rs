//! Where the staking contract keeps its data: the storage slots of the
//! [`STAKING_ADDRESS`] account, laid out Solidity's way (see the table in the
//! parent module's docs), and typed access to them.

use super::StakingError;
use basalt_consensus::STAKING_ADDRESS;
use basalt_primitives::{keccak256, Address, H256, U256};
use basalt_state::{JournaledState, StateBackend};
use std::collections::BTreeMap;

/// Slot 0: the randomness accumulator after this state's last block.
pub(crate) const MIX: u64 = 0;
/// Slot 1: the epoch of this state's last block (0 at genesis).
pub(crate) const MIX_EPOCH: u64 = 1;
/// Slot 2: the accumulator as it stood at the end of epoch `mixEpoch - 1`.
pub(crate) const MIX_END_PREV: u64 = 2;
/// Slot 3: the accumulator as it stood at the end of epoch `mixEpoch - 2`.
pub(crate) const MIX_END_PREV2: u64 = 3;
/// Slot 4: the genesis timestamp (seconds).
pub(crate) const GENESIS_TIMESTAMP: u64 = 4;
/// Slot 5: seconds per slot.
pub(crate) const SLOT_TIME: u64 = 5;
/// Slot 6: slots per epoch.
pub(crate) const EPOCH_LENGTH: u64 = 6;
/// Slot 7: whole epochs an unstaked amount stays locked.
pub(crate) const UNBONDING_EPOCHS: u64 = 7;
/// Slot 8: share of a stake that evidence slashes, in basis points.
pub(crate) const SLASH_BPS: u64 = 8;
/// Slot 9: share of a slashed amount paid to the reporter, in basis points.
pub(crate) const REPORTER_REWARD_BPS: u64 = 9;
/// Slot 10: `address[] validatorList` (length here, elements at `keccak256(10) + i`).
pub(crate) const VALIDATOR_LIST: u64 = 10;
/// Slot 11: `mapping(address => Validator) records`.
pub(crate) const RECORDS: u64 = 11;
/// Slot 12: `mapping(bytes32 => bool) evidenceUsed`, keyed by
/// `keccak256(offender ‖ uint64 slot, big-endian)`.
pub(crate) const EVIDENCE_USED: u64 = 12;
/// Slot 13: the sum of every validator's `stakeNow` (bonded stake, unbonding excluded).
pub(crate) const TOTAL_BONDED: u64 = 13;

/// Fields of a `Validator` record, at consecutive slots from the mapping entry.
mod field {
    pub(super) const STAKE_NOW: u64 = 0;
    pub(super) const STAKE_BEFORE: u64 = 1;
    pub(super) const CHANGED_EPOCH: u64 = 2;
    pub(super) const LIST_POSITION: u64 = 3;
    pub(super) const UNBONDING_AMOUNT: u64 = 4;
    pub(super) const RELEASE_EPOCH: u64 = 5;
}

/// Basis points in a whole.
pub(crate) const BPS_DENOMINATOR: u64 = 10_000;

/// The word for a plain slot number.
pub(crate) fn slot(n: u64) -> H256 {
    H256::from_low_u64_be(n)
}

/// `base + offset` as 256-bit numbers (wrapping, as Solidity's slot arithmetic).
fn offset(base: H256, offset: u64) -> H256 {
    let (sum, _) = U256::from_big_endian(base.as_bytes()).overflowing_add(U256::from(offset));
    H256(sum.to_big_endian())
}

/// Solidity's mapping slot: `keccak256(key ‖ uint256(base))`.
fn mapping_slot(key: H256, base: u64) -> H256 {
    let mut buf = [0u8; 64];
    buf[..32].copy_from_slice(key.as_bytes());
    buf[32..].copy_from_slice(slot(base).as_bytes());
    keccak256(buf)
}

/// The slot of element `index` of the validator list.
pub(crate) fn list_element(index: u64) -> H256 {
    offset(keccak256(slot(VALIDATOR_LIST).as_bytes()), index)
}

/// The slot of `field` of `validator`'s record.
fn record_field(validator: Address, field: u64) -> H256 {
    offset(mapping_slot(H256::from(validator), RECORDS), field)
}

/// The slot that marks evidence against `offender` for `slot_number` as used.
pub(crate) fn evidence_slot(offender: Address, slot_number: u64) -> H256 {
    let mut key = [0u8; 28];
    key[..20].copy_from_slice(offender.as_bytes());
    key[20..].copy_from_slice(&slot_number.to_be_bytes());
    mapping_slot(keccak256(key), EVIDENCE_USED)
}

fn u256_word(value: U256) -> H256 {
    H256(value.to_big_endian())
}

fn u64_word(value: u64) -> H256 {
    H256::from_low_u64_be(value)
}

fn address_word(address: Address) -> H256 {
    H256::from(address)
}

/// Storage of the staking account: read and write words.
pub(crate) trait Slots {
    /// The word at `key` (zero when unset).
    fn load(&mut self, key: H256) -> Result<H256, StakingError>;
    /// Writes `word` at `key` (zero clears it).
    fn store(&mut self, key: H256, word: H256) -> Result<(), StakingError>;

    fn load_u256(&mut self, key: H256) -> Result<U256, StakingError> {
        Ok(U256::from_big_endian(self.load(key)?.as_bytes()))
    }

    fn load_u64(&mut self, key: H256, what: &'static str) -> Result<u64, StakingError> {
        let word = self.load(key)?;
        let value = U256::from_big_endian(word.as_bytes());
        if value > U256::from(u64::MAX) {
            return Err(StakingError::CorruptWord { slot: key, word, what });
        }
        Ok(value.low_u64())
    }

    fn load_address(&mut self, key: H256) -> Result<Address, StakingError> {
        let word = self.load(key)?;
        if word.as_bytes()[..12].iter().any(|b| *b != 0) {
            return Err(StakingError::CorruptWord { slot: key, word, what: "address" });
        }
        Ok(Address::from(word))
    }
}

/// The staking account's storage in a journaled state.
pub(crate) struct StateSlots<'a, B>(pub(crate) &'a mut JournaledState<B>);

impl<B: StateBackend> Slots for StateSlots<'_, B> {
    fn load(&mut self, key: H256) -> Result<H256, StakingError> {
        Ok(self.0.storage(STAKING_ADDRESS, key)?)
    }

    fn store(&mut self, key: H256, word: H256) -> Result<(), StakingError> {
        self.0.set_storage(STAKING_ADDRESS, key, word)?;
        Ok(())
    }
}

/// A storage map being built (the genesis account's `storage`).
impl Slots for BTreeMap<H256, H256> {
    fn load(&mut self, key: H256) -> Result<H256, StakingError> {
        Ok(self.get(&key).copied().unwrap_or_default())
    }

    fn store(&mut self, key: H256, word: H256) -> Result<(), StakingError> {
        if word.is_zero() {
            self.remove(&key);
        } else {
            self.insert(key, word);
        }
        Ok(())
    }
}

/// The chain's proof-of-stake parameters, as the contract keeps them in slots 4–9
/// (written at genesis from the genesis file, never changed).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StakingParams {
    /// The genesis block's timestamp: slot 0 starts here.
    pub genesis_timestamp: u64,
    /// Seconds per slot (at least 1).
    pub slot_time: u64,
    /// Slots per epoch (at least 1).
    pub epoch_length: u64,
    /// Whole epochs an unstaked amount stays locked (and slashable).
    pub unbonding_epochs: u64,
    /// Share of a stake that evidence slashes, in basis points (1..=10000).
    pub slash_bps: u64,
    /// Share of a slashed amount paid to the reporter, in basis points (0..=10000).
    pub reporter_reward_bps: u64,
}

impl StakingParams {
    /// The parameters of a chain whose genesis file says `pos` and whose genesis block
    /// has timestamp `genesis_timestamp`.
    pub fn from_pos(pos: &basalt_chainspec::PosConfig, genesis_timestamp: u64) -> Self {
        Self {
            genesis_timestamp,
            slot_time: pos.slot_time,
            epoch_length: pos.epoch_length,
            unbonding_epochs: pos.unbonding_epochs,
            slash_bps: pos.slash_bps,
            reporter_reward_bps: pos.reporter_reward_bps,
        }
    }

    /// The slot in progress at `timestamp` (slot 0 before genesis). A PoS header's
    /// timestamp is exactly the start of its slot
    /// ([`slot_of`](basalt_consensus::slot_of)); for any other time this rounds down.
    pub fn slot_at(&self, timestamp: u64) -> u64 {
        timestamp.saturating_sub(self.genesis_timestamp) / self.slot_time.max(1)
    }

    /// The epoch of a slot.
    pub fn epoch_of_slot(&self, slot: u64) -> u64 {
        slot / self.epoch_length.max(1)
    }

    /// The epoch in progress at `timestamp`.
    pub fn epoch_at(&self, timestamp: u64) -> u64 {
        self.epoch_of_slot(self.slot_at(timestamp))
    }

    pub(crate) fn read(slots: &mut impl Slots) -> Result<Self, StakingError> {
        let params = Self {
            genesis_timestamp: slots.load_u64(slot(GENESIS_TIMESTAMP), "genesis timestamp")?,
            slot_time: slots.load_u64(slot(SLOT_TIME), "slot time")?,
            epoch_length: slots.load_u64(slot(EPOCH_LENGTH), "epoch length")?,
            unbonding_epochs: slots.load_u64(slot(UNBONDING_EPOCHS), "unbonding epochs")?,
            slash_bps: slots.load_u64(slot(SLASH_BPS), "slash basis points")?,
            reporter_reward_bps: slots
                .load_u64(slot(REPORTER_REWARD_BPS), "reporter reward basis points")?,
        };
        let check = |ok: bool, n: u64, value: u64, what| {
            if ok {
                Ok(())
            } else {
                Err(StakingError::CorruptWord { slot: slot(n), word: u64_word(value), what })
            }
        };
        check(params.slot_time > 0, SLOT_TIME, params.slot_time, "non-zero slot time")?;
        check(params.epoch_length > 0, EPOCH_LENGTH, params.epoch_length, "non-zero epoch length")?;
        check(
            params.slash_bps <= BPS_DENOMINATOR,
            SLASH_BPS,
            params.slash_bps,
            "basis points ≤ 10000",
        )?;
        check(
            params.reporter_reward_bps <= BPS_DENOMINATOR,
            REPORTER_REWARD_BPS,
            params.reporter_reward_bps,
            "basis points ≤ 10000",
        )?;
        Ok(params)
    }

    pub(crate) fn write(&self, slots: &mut impl Slots) -> Result<(), StakingError> {
        slots.store(slot(GENESIS_TIMESTAMP), u64_word(self.genesis_timestamp))?;
        slots.store(slot(SLOT_TIME), u64_word(self.slot_time))?;
        slots.store(slot(EPOCH_LENGTH), u64_word(self.epoch_length))?;
        slots.store(slot(UNBONDING_EPOCHS), u64_word(self.unbonding_epochs))?;
        slots.store(slot(SLASH_BPS), u64_word(self.slash_bps))?;
        slots.store(slot(REPORTER_REWARD_BPS), u64_word(self.reporter_reward_bps))
    }
}

/// `amount × bps / 10000`, rounded down, without overflow (`bps ≤ 10000`).
pub(crate) fn apply_bps(amount: U256, bps: u64) -> U256 {
    let denominator = U256::from(BPS_DENOMINATOR);
    let bps = U256::from(bps.min(BPS_DENOMINATOR));
    // amount = q·D + r, so amount·bps/D = q·bps + r·bps/D exactly; both terms ≤ amount.
    (amount / denominator) * bps + (amount % denominator) * bps / denominator
}

/// One validator's record: its stake with one epoch of history, its position in the
/// validator list, and its single unbonding entry.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Record {
    /// The stake as it stands; active from the epoch after `changed_epoch`.
    pub(crate) stake_now: U256,
    /// The stake active up to and including `changed_epoch`.
    pub(crate) stake_before: U256,
    /// The epoch of the last change.
    pub(crate) changed_epoch: u64,
    /// Index in the validator list plus one (0: not listed).
    pub(crate) list_position: u64,
    /// Unstaked, not yet withdrawn.
    pub(crate) unbonding: U256,
    /// The epoch from which `unbonding` may be withdrawn.
    pub(crate) release_epoch: u64,
}

impl Record {
    /// The stake active in `epoch`; exact for every epoch from `changed_epoch` on (the
    /// contract only answers for epochs at or after the current one, and every change
    /// happens in the current epoch).
    pub(crate) fn active(&self, epoch: u64) -> U256 {
        if epoch > self.changed_epoch {
            self.stake_now
        } else {
            self.stake_before
        }
    }

    /// Sets the stake to `stake` in epoch `epoch`: the first change of an epoch keeps the
    /// stake that was active in it as `stake_before`.
    pub(crate) fn set_stake(&mut self, epoch: u64, stake: U256) {
        if self.changed_epoch != epoch {
            self.stake_before = self.stake_now;
            self.changed_epoch = epoch;
        }
        self.stake_now = stake;
    }

    /// Nothing bonded and nothing unbonding.
    pub(crate) fn is_empty_stake(&self) -> bool {
        self.stake_now.is_zero() && self.unbonding.is_zero()
    }

    pub(crate) fn load(slots: &mut impl Slots, validator: Address) -> Result<Self, StakingError> {
        let at = |f| record_field(validator, f);
        Ok(Self {
            stake_now: slots.load_u256(at(field::STAKE_NOW))?,
            stake_before: slots.load_u256(at(field::STAKE_BEFORE))?,
            changed_epoch: slots.load_u64(at(field::CHANGED_EPOCH), "epoch")?,
            list_position: slots.load_u64(at(field::LIST_POSITION), "list position")?,
            unbonding: slots.load_u256(at(field::UNBONDING_AMOUNT))?,
            release_epoch: slots.load_u64(at(field::RELEASE_EPOCH), "epoch")?,
        })
    }

    pub(crate) fn store(
        &self,
        slots: &mut impl Slots,
        validator: Address,
    ) -> Result<(), StakingError> {
        let at = |f| record_field(validator, f);
        slots.store(at(field::STAKE_NOW), u256_word(self.stake_now))?;
        slots.store(at(field::STAKE_BEFORE), u256_word(self.stake_before))?;
        slots.store(at(field::CHANGED_EPOCH), u64_word(self.changed_epoch))?;
        slots.store(at(field::LIST_POSITION), u64_word(self.list_position))?;
        slots.store(at(field::UNBONDING_AMOUNT), u256_word(self.unbonding))?;
        slots.store(at(field::RELEASE_EPOCH), u64_word(self.release_epoch))
    }
}

/// The total bonded stake (slot 13).
pub(crate) struct TotalBonded;

impl TotalBonded {
    pub(crate) fn get(slots: &mut impl Slots) -> Result<U256, StakingError> {
        slots.load_u256(slot(TOTAL_BONDED))
    }

    pub(crate) fn set(slots: &mut impl Slots, total: U256) -> Result<(), StakingError> {
        slots.store(slot(TOTAL_BONDED), u256_word(total))
    }
}

/// The validator list (`address[]` at slot 10): every address with a record, in the
/// order they joined (removal moves the last entry into the gap).
pub(crate) struct ValidatorList;

impl ValidatorList {
    pub(crate) fn len(slots: &mut impl Slots) -> Result<u64, StakingError> {
        slots.load_u64(slot(VALIDATOR_LIST), "list length")
    }

    pub(crate) fn get(slots: &mut impl Slots, index: u64) -> Result<Address, StakingError> {
        slots.load_address(list_element(index))
    }

    /// Appends `validator` and records its position in `record` (which the caller stores).
    pub(crate) fn push(
        slots: &mut impl Slots,
        validator: Address,
        record: &mut Record,
    ) -> Result<(), StakingError> {
        let len = Self::len(slots)?;
        slots.store(list_element(len), address_word(validator))?;
        slots.store(slot(VALIDATOR_LIST), u64_word(len + 1))?;
        record.list_position = len + 1;
        Ok(())
    }

    /// Removes `validator` (listed at `record.list_position`) and clears its record.
    pub(crate) fn remove(
        slots: &mut impl Slots,
        validator: Address,
        record: &Record,
    ) -> Result<(), StakingError> {
        let len = Self::len(slots)?;
        let index = record.list_position.checked_sub(1).filter(|i| *i < len).ok_or(
            StakingError::CorruptWord {
                slot: record_field(validator, field::LIST_POSITION),
                word: u64_word(record.list_position),
                what: "list position within the list",
            },
        )?;
        let last = len - 1;
        if index != last {
            let moved = Self::get(slots, last)?;
            slots.store(list_element(index), address_word(moved))?;
            let mut moved_record = Record::load(slots, moved)?;
            moved_record.list_position = index + 1;
            moved_record.store(slots, moved)?;
        }
        slots.store(list_element(last), H256::zero())?;
        slots.store(slot(VALIDATOR_LIST), u64_word(last))?;
        Record::default().store(slots, validator)
    }
}

/// The randomness accumulator and its two end-of-epoch snapshots (slots 0–3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Mix {
    /// The accumulator after this state's last block.
    pub(crate) mix: H256,
    /// The epoch of this state's last block.
    pub(crate) epoch: u64,
    /// The accumulator at the end of epoch `epoch - 1`.
    pub(crate) end_prev: H256,
    /// The accumulator at the end of epoch `epoch - 2`.
    pub(crate) end_prev2: H256,
}

impl Mix {
    /// The state at genesis: every snapshot is the genesis mix.
    pub(crate) fn genesis(genesis_mix: H256) -> Self {
        Self { mix: genesis_mix, epoch: 0, end_prev: genesis_mix, end_prev2: genesis_mix }
    }

    pub(crate) fn read(slots: &mut impl Slots) -> Result<Self, StakingError> {
        Ok(Self {
            mix: slots.load(slot(MIX))?,
            epoch: slots.load_u64(slot(MIX_EPOCH), "epoch")?,
            end_prev: slots.load(slot(MIX_END_PREV))?,
            end_prev2: slots.load(slot(MIX_END_PREV2))?,
        })
    }

    pub(crate) fn write(&self, slots: &mut impl Slots) -> Result<(), StakingError> {
        slots.store(slot(MIX), self.mix)?;
        slots.store(slot(MIX_EPOCH), u64_word(self.epoch))?;
        slots.store(slot(MIX_END_PREV), self.end_prev)?;
        slots.store(slot(MIX_END_PREV2), self.end_prev2)
    }

    /// Mixes in a block of epoch `epoch` whose parent was sealed with `parent_seal`:
    /// first rolls the snapshots forward to `epoch` (epochs without blocks end with the
    /// accumulator unchanged), then `mix = keccak256(mix ‖ keccak256(parent_seal))`.
    /// An `epoch` before the state's (impossible for increasing timestamps) rolls nothing.
    pub(crate) fn advance(&mut self, epoch: u64, parent_seal: &[u8]) {
        if epoch == self.epoch.saturating_add(1) {
            self.end_prev2 = self.end_prev;
            self.end_prev = self.mix;
        } else if epoch > self.epoch {
            self.end_prev2 = self.mix;
            self.end_prev = self.mix;
        }
        self.epoch = self.epoch.max(epoch);
        let mut buf = [0u8; 64];
        buf[..32].copy_from_slice(self.mix.as_bytes());
        buf[32..].copy_from_slice(keccak256(parent_seal).as_bytes());
        self.mix = keccak256(buf);
    }

    /// The accumulator as it stood at the end of epoch `target - 2`, for a `target` at or
    /// after this state's epoch; `None` for an earlier one. For `target ≥ epoch + 2` this
    /// is the current accumulator: final when the state's block is the last before an
    /// epoch-`target` block (the proposer's parent), provisional otherwise.
    pub(crate) fn end_of_epoch_before_previous(&self, target: u64) -> Option<H256> {
        match target.checked_sub(self.epoch)? {
            0 => Some(self.end_prev2),
            1 => Some(self.end_prev),
            _ => Some(self.mix),
        }
    }

    /// `seed(target) = keccak256(mix at the end of epoch target − 2 ‖ uint64 target, BE)`.
    pub(crate) fn seed(&self, target: u64) -> Option<H256> {
        let mix = self.end_of_epoch_before_previous(target)?;
        let mut buf = [0u8; 40];
        buf[..32].copy_from_slice(mix.as_bytes());
        buf[32..].copy_from_slice(&target.to_be_bytes());
        Some(keccak256(buf))
    }
}

/// The mix of the genesis state: `keccak256("basalt-pos" ‖ uint64 chain_id, BE)`.
pub fn genesis_mix(chain_id: u64) -> H256 {
    let mut buf = b"basalt-pos".to_vec();
    buf.extend_from_slice(&chain_id.to_be_bytes());
    keccak256(buf)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn slots_follow_solidity_layout() {
        // A mapping entry is keccak256(key ‖ base slot); struct fields follow it.
        let v = Address::repeat_byte(0xab);
        let mut preimage = [0u8; 64];
        preimage[12..32].copy_from_slice(v.as_bytes());
        preimage[63] = RECORDS as u8;
        let base = U256::from_big_endian(keccak256(preimage).as_bytes());
        assert_eq!(
            record_field(v, field::UNBONDING_AMOUNT),
            H256((base + U256::from(4)).to_big_endian())
        );
        // A dynamic array's elements start at keccak256(slot).
        let mut len_slot = [0u8; 32];
        len_slot[31] = VALIDATOR_LIST as u8;
        let start = U256::from_big_endian(keccak256(len_slot).as_bytes());
        assert_eq!(list_element(3), H256((start + U256::from(3)).to_big_endian()));
        // Wrapping at the top of the slot space, as Solidity's arithmetic.
        assert_eq!(offset(H256::repeat_byte(0xff), 1), H256::zero());
    }

    #[test]
    fn stake_changes_keep_the_active_stake_of_the_epoch() {
        let mut r = Record { stake_now: 100.into(), stake_before: 100.into(), ..Record::default() };
        // Two changes in epoch 3: epoch 3 keeps 100, epoch 4 on sees the last value.
        r.set_stake(3, 150.into());
        r.set_stake(3, 120.into());
        assert_eq!((r.active(3), r.active(4), r.active(9)), (100.into(), 120.into(), 120.into()));
        // The first change of epoch 5 rolls 120 into `stake_before`.
        r.set_stake(5, 0.into());
        assert_eq!((r.active(5), r.active(6)), (120.into(), 0.into()));
    }

    #[test]
    fn bps_is_exact_and_cannot_overflow() {
        assert_eq!(apply_bps(U256::from(12_345), 10_000), U256::from(12_345));
        assert_eq!(apply_bps(U256::from(12_345), 1_000), U256::from(1_234));
        assert_eq!(apply_bps(U256::from(9_999), 1), U256::zero());
        assert_eq!(apply_bps(U256::MAX, 10_000), U256::MAX);
        assert_eq!(apply_bps(U256::MAX, 5_000), U256::MAX / 2);
    }

    #[test]
    fn snapshots_roll_with_epochs_and_gaps() {
        let g = genesis_mix(7);
        let mut m = Mix::genesis(g);
        let mut preimage = g.as_bytes().to_vec();
        preimage.extend_from_slice(&0u64.to_be_bytes());
        assert_eq!(m.seed(0), Some(keccak256(preimage)));
        assert_eq!(m.end_of_epoch_before_previous(1), Some(g));
        m.advance(0, b"a");
        let end0 = m.mix;
        m.advance(1, b"b");
        assert_eq!((m.end_prev, m.end_prev2), (end0, g));
        let end1 = m.mix;
        // Epochs 2 and 3 have no blocks: both end with the accumulator of epoch 1.
        m.advance(4, b"c");
        assert_eq!((m.end_prev, m.end_prev2), (end1, end1));
        assert_eq!(m.epoch, 4);
        assert_eq!(m.end_of_epoch_before_previous(3), None);
        assert_ne!(m.mix, end1);
    }
}
