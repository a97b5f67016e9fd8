//! The staking contract's functions, run natively over the journaled state.

use super::abi::{
    from_alloy_address, from_alloy_u256, log_of, revert_data, to_alloy_address, to_alloy_u256,
    IStaking,
};
use super::layout::{
    apply_bps, evidence_slot, Mix, Record, Slots, StakingParams, StateSlots, TotalBonded,
    ValidatorList,
};
use super::{check_evidence, StakingError};
use alloy_sol_types::{SolCall, SolEvent};
use basalt_consensus::STAKING_ADDRESS;
use basalt_primitives::{Address, H256, U256};
use basalt_state::{JournaledState, StateBackend};
use basalt_vm::{BlockEnv, Failure, Outcome, Status};

/// Gas for any call, charged before the selector is looked at: what a call with no or an
/// unknown selector costs.
pub const DISPATCH_GAS: u64 = 2_100;
/// `stake()`: a record read and rewrite (three words change), the total and a log.
pub const STAKE_GAS: u64 = 40_000;
/// Extra for a `stake()` by an address not yet in the validator list: a list entry and a
/// fresh record (Ethereum prices each new storage word at 20,000).
pub const NEW_VALIDATOR_GAS: u64 = 80_000;
/// `unstake(amount)`: a record read and rewrite (five words change), the total and a log.
pub const UNSTAKE_GAS: u64 = 45_000;
/// `withdraw()`: a record read and rewrite, a transfer and a log.
pub const WITHDRAW_GAS: u64 = 35_000;
/// `submitEvidence(a, b)`: two header decodes and seal hashes, two signature recoveries,
/// the evidence mark (a new word), a record rewrite, the total, a transfer, a burn and a
/// log. The
/// calldata itself is priced by the transaction's intrinsic gas.
pub const SUBMIT_EVIDENCE_GAS: u64 = 100_000;
/// Each one-record or one-word view: `stakeOf`, `activeStake`, `unbonding`,
/// `totalBonded`, `currentEpoch`, `epochSeed`.
pub const VIEW_GAS: u64 = 5_000;
/// `validators()`, before the per-entry charge.
pub const VALIDATORS_BASE_GAS: u64 = 5_000;
/// `validators()`, for each address in the validator list (a record read).
pub const VALIDATORS_PER_ENTRY_GAS: u64 = 5_000;

/// How a function ended early.
enum Halt {
    /// Revert with `Error(reason)`: the call's changes are undone, unused gas returned.
    Revert(String),
    /// Out of gas: changes undone, all gas consumed.
    OutOfGas,
    /// The state failed: the block cannot be executed.
    Fatal(StakingError),
}

impl From<StakingError> for Halt {
    fn from(e: StakingError) -> Self {
        Halt::Fatal(e)
    }
}

impl From<basalt_state::Error> for Halt {
    fn from(e: basalt_state::Error) -> Self {
        Halt::Fatal(e.into())
    }
}

fn revert<T>(reason: impl std::fmt::Display) -> Result<T, Halt> {
    Err(Halt::Revert(format!("staking: {reason}")))
}

/// One call of the contract.
struct Call<'a, B> {
    state: &'a mut JournaledState<B>,
    params: StakingParams,
    /// The epoch of the block being executed.
    epoch: u64,
    caller: Address,
    value: U256,
    gas_left: u64,
}

impl<B: StateBackend> Call<'_, B> {
    fn charge(&mut self, gas: u64) -> Result<(), Halt> {
        self.gas_left = self.gas_left.checked_sub(gas).ok_or(Halt::OutOfGas)?;
        Ok(())
    }

    fn slots(&mut self) -> StateSlots<'_, B> {
        StateSlots(self.state)
    }

    fn record(&mut self, who: Address) -> Result<Record, Halt> {
        Ok(Record::load(&mut self.slots(), who)?)
    }

    fn store_record(&mut self, who: Address, record: &Record) -> Result<(), Halt> {
        Ok(record.store(&mut self.slots(), who)?)
    }

    /// Sets `who`'s bonded stake to `stake` (a change in the current epoch) and keeps the
    /// total in step.
    fn set_bonded(&mut self, who: Address, record: &mut Record, stake: U256) -> Result<(), Halt> {
        let total = TotalBonded::get(&mut self.slots())?;
        // The total is the sum of every stakeNow, this one included; it fits 256 bits
        // because the contract's balance does.
        let Some(others) = total.checked_sub(record.stake_now) else {
            return Err(Halt::Fatal(StakingError::CorruptWord {
                slot: super::layout::slot(super::layout::TOTAL_BONDED),
                word: H256(total.to_big_endian()),
                what: "total at least every validator's stake",
            }));
        };
        TotalBonded::set(&mut self.slots(), others.saturating_add(stake))?;
        record.set_stake(self.epoch, stake);
        self.store_record(who, record)
    }

    fn emit(&mut self, event: &impl SolEvent) {
        self.state.push_log(log_of(STAKING_ADDRESS, event));
    }

    fn not_payable(&self) -> Result<(), Halt> {
        if self.value.is_zero() {
            Ok(())
        } else {
            revert("function is not payable")
        }
    }

    fn decode<C: SolCall>(&self, data: &[u8]) -> Result<C, Halt> {
        match C::abi_decode_validate(data) {
            Ok(call) => Ok(call),
            Err(e) => revert(format_args!("malformed calldata for {}: {e}", C::SIGNATURE)),
        }
    }

    fn dispatch(&mut self, data: &[u8]) -> Result<Vec<u8>, Halt> {
        self.charge(DISPATCH_GAS)?;
        let Some(selector) = data.get(..4) else {
            return if self.value.is_zero() {
                revert("calldata has no function selector")
            } else {
                revert("plain transfers are not accepted; call stake()")
            };
        };
        let selector: [u8; 4] = selector.try_into().expect("four bytes");
        match selector {
            IStaking::stakeCall::SELECTOR => {
                self.decode::<IStaking::stakeCall>(data)?;
                self.stake()
            }
            IStaking::unstakeCall::SELECTOR => {
                let call = self.decode::<IStaking::unstakeCall>(data)?;
                self.unstake(from_alloy_u256(call.amount))
            }
            IStaking::withdrawCall::SELECTOR => {
                self.decode::<IStaking::withdrawCall>(data)?;
                self.withdraw()
            }
            IStaking::submitEvidenceCall::SELECTOR => {
                let call = self.decode::<IStaking::submitEvidenceCall>(data)?;
                self.submit_evidence(&call.headerA, &call.headerB)
            }
            IStaking::stakeOfCall::SELECTOR => {
                let call = self.decode::<IStaking::stakeOfCall>(data)?;
                self.view()?;
                let record = self.record(from_alloy_address(call.validator))?;
                Ok(IStaking::stakeOfCall::abi_encode_returns(&to_alloy_u256(record.stake_now)))
            }
            IStaking::activeStakeCall::SELECTOR => {
                let call = self.decode::<IStaking::activeStakeCall>(data)?;
                self.view()?;
                if call.epoch < self.epoch {
                    return revert(format_args!(
                        "epoch {} is before the current epoch {}",
                        call.epoch, self.epoch
                    ));
                }
                let record = self.record(from_alloy_address(call.validator))?;
                let active = to_alloy_u256(record.active(call.epoch));
                Ok(IStaking::activeStakeCall::abi_encode_returns(&active))
            }
            IStaking::validatorsCall::SELECTOR => {
                self.decode::<IStaking::validatorsCall>(data)?;
                self.validators()
            }
            IStaking::unbondingCall::SELECTOR => {
                let call = self.decode::<IStaking::unbondingCall>(data)?;
                self.view()?;
                let record = self.record(from_alloy_address(call.validator))?;
                Ok(IStaking::unbondingCall::abi_encode_returns(&IStaking::unbondingReturn {
                    amount: to_alloy_u256(record.unbonding),
                    releaseEpoch: record.release_epoch,
                }))
            }
            IStaking::totalBondedCall::SELECTOR => {
                self.decode::<IStaking::totalBondedCall>(data)?;
                self.view()?;
                let total = TotalBonded::get(&mut self.slots())?;
                Ok(IStaking::totalBondedCall::abi_encode_returns(&to_alloy_u256(total)))
            }
            IStaking::currentEpochCall::SELECTOR => {
                self.decode::<IStaking::currentEpochCall>(data)?;
                self.view()?;
                Ok(IStaking::currentEpochCall::abi_encode_returns(&self.epoch))
            }
            IStaking::epochSeedCall::SELECTOR => {
                let call = self.decode::<IStaking::epochSeedCall>(data)?;
                self.view()?;
                let mix = Mix::read(&mut self.slots())?;
                match mix.seed(call.epoch) {
                    Some(seed) => Ok(IStaking::epochSeedCall::abi_encode_returns(&seed.0.into())),
                    None => revert(format_args!(
                        "the seed of epoch {} is no longer kept (state epoch {})",
                        call.epoch, mix.epoch
                    )),
                }
            }
            _ => revert(format_args!("unknown function selector 0x{}", hex4(selector))),
        }
    }

    /// The common part of every view: no value, the view's gas.
    fn view(&mut self) -> Result<(), Halt> {
        self.not_payable()?;
        self.charge(VIEW_GAS)
    }

    fn stake(&mut self) -> Result<Vec<u8>, Halt> {
        self.charge(STAKE_GAS)?;
        if self.value.is_zero() {
            return revert("stake() needs a non-zero value");
        }
        let who = self.caller;
        let mut record = self.record(who)?;
        if record.list_position == 0 {
            self.charge(NEW_VALIDATOR_GAS)?;
            ValidatorList::push(&mut self.slots(), who, &mut record)?;
        }
        let Some(stake) = record.stake_now.checked_add(self.value) else {
            return revert("stake overflows 256 bits");
        };
        self.set_bonded(who, &mut record, stake)?;
        let event = IStaking::Staked {
            validator: to_alloy_address(who),
            amount: to_alloy_u256(self.value),
            activeFromEpoch: self.epoch.saturating_add(1),
        };
        self.emit(&event);
        Ok(Vec::new())
    }

    fn unstake(&mut self, amount: U256) -> Result<Vec<u8>, Halt> {
        self.not_payable()?;
        self.charge(UNSTAKE_GAS)?;
        if amount.is_zero() {
            return revert("amount is zero");
        }
        let who = self.caller;
        let mut record = self.record(who)?;
        let Some(stake) = record.stake_now.checked_sub(amount) else {
            return revert(format_args!("amount {amount} exceeds the stake {}", record.stake_now));
        };
        if !record.unbonding.is_zero() && self.epoch >= record.release_epoch {
            // Merging would lock released funds again.
            return revert("withdraw the released unbonding amount first");
        }
        if TotalBonded::get(&mut self.slots())? == amount {
            // No stake, no proposer: the chain could never make another block.
            return revert("cannot unstake the last bonded stake: the chain would halt");
        }
        let release = self.epoch.saturating_add(self.params.unbonding_epochs).saturating_add(1);
        // The unbonding amount is part of the contract's balance, which fits 256 bits.
        record.unbonding = record.unbonding.saturating_add(amount);
        record.release_epoch = release;
        self.set_bonded(who, &mut record, stake)?;
        let event = IStaking::Unstaked {
            validator: to_alloy_address(who),
            amount: to_alloy_u256(amount),
            releaseEpoch: release,
        };
        self.emit(&event);
        Ok(Vec::new())
    }

    fn withdraw(&mut self) -> Result<Vec<u8>, Halt> {
        self.not_payable()?;
        self.charge(WITHDRAW_GAS)?;
        let who = self.caller;
        let mut record = self.record(who)?;
        if record.unbonding.is_zero() {
            return revert("nothing to withdraw");
        }
        if self.epoch < record.release_epoch {
            return revert(format_args!(
                "unbonding is released at epoch {}, the current epoch is {}",
                record.release_epoch, self.epoch
            ));
        }
        let amount = record.unbonding;
        record.unbonding = U256::zero();
        record.release_epoch = 0;
        self.store_record(who, &record)?;
        self.state.transfer(STAKING_ADDRESS, who, amount)?;
        let event =
            IStaking::Withdrawn { validator: to_alloy_address(who), amount: to_alloy_u256(amount) };
        self.emit(&event);
        Ok(Vec::new())
    }

    fn submit_evidence(&mut self, header_a: &[u8], header_b: &[u8]) -> Result<Vec<u8>, Halt> {
        self.not_payable()?;
        self.charge(SUBMIT_EVIDENCE_GAS)?;
        let proof = match check_evidence(&self.params, header_a, header_b) {
            Ok(proof) => proof,
            Err(e) => return revert(e),
        };
        let offender = proof.offender;
        if offender == self.caller {
            return revert("a validator cannot report itself");
        }
        let used = evidence_slot(offender, proof.slot);
        if !self.slots().load(used)?.is_zero() {
            return revert(format_args!(
                "evidence against {offender:?} for slot {} was already used",
                proof.slot
            ));
        }
        let mut record = self.record(offender)?;
        let bps = self.params.slash_bps;
        let from_stake = apply_bps(record.stake_now, bps);
        let from_unbonding = apply_bps(record.unbonding, bps);
        // Both parts are shares of the contract's balance: their sum fits.
        let amount = from_stake.saturating_add(from_unbonding);
        if amount.is_zero() {
            return revert(format_args!("{offender:?} has no stake to slash"));
        }
        record.unbonding -= from_unbonding;
        let stake = record.stake_now - from_stake;
        self.set_bonded(offender, &mut record, stake)?;
        self.slots().store(used, H256::from_low_u64_be(1))?;
        let reward = apply_bps(amount, self.params.reporter_reward_bps);
        let burned = amount - reward;
        self.state.transfer(STAKING_ADDRESS, self.caller, reward)?;
        self.state.sub_balance(STAKING_ADDRESS, burned)?;
        let event = IStaking::Slashed {
            offender: to_alloy_address(offender),
            reporter: to_alloy_address(self.caller),
            amount: to_alloy_u256(amount),
            slot: proof.slot,
        };
        self.emit(&event);
        Ok(Vec::new())
    }

    fn validators(&mut self) -> Result<Vec<u8>, Halt> {
        self.not_payable()?;
        self.charge(VALIDATORS_BASE_GAS)?;
        let len = ValidatorList::len(&mut self.slots())?;
        self.charge(len.saturating_mul(VALIDATORS_PER_ENTRY_GAS))?;
        let epoch = self.epoch;
        let set = active_set(&mut self.slots(), epoch)?;
        let (addresses, stakes) =
            set.into_iter().map(|(a, s)| (to_alloy_address(a), to_alloy_u256(s))).unzip();
        Ok(IStaking::validatorsCall::abi_encode_returns(&IStaking::validatorsReturn {
            _0: addresses,
            _1: stakes,
        }))
    }
}

fn hex4(bytes: [u8; 4]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The validators with a non-zero stake active in `epoch` (an epoch at or after the
/// state's), sorted by address.
pub(crate) fn active_set(
    slots: &mut impl Slots,
    epoch: u64,
) -> Result<Vec<(Address, U256)>, StakingError> {
    let len = ValidatorList::len(slots)?;
    let mut set = Vec::new();
    for index in 0..len {
        let who = ValidatorList::get(slots, index)?;
        let stake = Record::load(slots, who)?.active(epoch);
        if !stake.is_zero() {
            set.push((who, stake));
        }
    }
    set.sort_by_key(|(who, _)| *who);
    Ok(set)
}

/// Runs a top-level call of the staking contract from `caller` with `value` and `data`,
/// given `gas_limit` gas after the intrinsic gas, in the block `block`. Like a VM frame:
/// the value moves first, a revert or out-of-gas undoes everything the call did, and the
/// outcome carries the return or revert data and the gas left. `Err` only when the state
/// fails.
pub(crate) fn execute<B: StateBackend>(
    state: &mut JournaledState<B>,
    block: &BlockEnv,
    caller: Address,
    value: U256,
    data: &[u8],
    gas_limit: u64,
) -> Result<Outcome, StakingError> {
    if !value.is_zero() && state.balance(caller)? < value {
        return Ok(Outcome {
            status: Status::Failure(Failure::InsufficientBalance),
            output: Vec::new(),
            gas_left: gas_limit,
            gas_refund: 0,
            created: None,
        });
    }
    let checkpoint = state.checkpoint();
    if !value.is_zero() {
        state.transfer(caller, STAKING_ADDRESS, value)?;
    }
    let params = StakingParams::read(&mut StateSlots(state))?;
    let epoch = params.epoch_at(block.timestamp);
    let mut call = Call { state: &mut *state, params, epoch, caller, value, gas_left: gas_limit };
    let result = call.dispatch(data);
    let gas_left = call.gas_left;
    let (status, output, gas_left) = match result {
        Ok(output) => {
            state.commit_checkpoint(checkpoint)?;
            return Ok(Outcome {
                status: Status::Success,
                output,
                gas_left,
                gas_refund: 0,
                created: None,
            });
        }
        Err(Halt::Fatal(e)) => return Err(e),
        Err(Halt::Revert(reason)) => (Status::Revert, revert_data(&reason), gas_left),
        Err(Halt::OutOfGas) => (Status::Failure(Failure::OutOfGas), Vec::new(), 0),
    };
    state.revert_to(checkpoint)?;
    Ok(Outcome { status, output, gas_left, gas_refund: 0, created: None })
}
