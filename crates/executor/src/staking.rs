//! The proof-of-stake staking system contract, run natively by the executor at
//! [`STAKING_ADDRESS`] (`0x…1000`).
//!
//! ```text
//!  genesis (PoS only) ── genesis_account: guard code, params, validators active from
//!        │               epoch 0, balance = their total stake (minted)
//!        ▼
//!  every block:  BlockExecutor::begin_block(parent) ── mix ← keccak256(mix ‖ keccak256(parent.seal)),
//!        │                                             end-of-epoch snapshots, prune exited
//!        ▼
//!  tx / eth_call to 0x…1000 ──► contract::execute (native, Solidity ABI, fixed gas)
//!        │                       stake · unstake · withdraw · submitEvidence · views
//!        ▼
//!  PoS engine ◄── epoch_inputs(state at the parent, epoch): active set + seed
//! ```
//!
//! # Activation
//!
//! Only a proof-of-stake genesis ([`genesis_account`], used by
//! [`build_genesis_for`](crate::build_genesis_for)) creates the account. It holds the
//! [guard module](guard_code) as code, nonce 1, the chain's parameters in storage and the
//! genesis validators' stake as balance. The executor runs the native contract for a call
//! to `0x…1000` exactly when that account's code is the guard module ([`is_installed`]),
//! so the state decides, never a flag that could disagree with it: on instant and
//! proof-of-work chains the address is an ordinary empty account.
//!
//! # Reachability
//!
//! The VM has no native-contract hook, so only **top-level transactions** and
//! **`eth_call` / `eth_estimateGas`** ([`simulate_call`](crate::simulate_call) and
//! [`estimate_gas`](crate::estimate_gas), with no extra argument) reach the contract.
//! A call from a wasm contract runs the guard module instead, which reverts with
//! [`GUARD_REVERT_REASON`]: any value bounces back rather than being stranded.
//!
//! # Rules
//!
//! - **Epochs**: slot = (timestamp − genesis timestamp) / slotTime, epoch = slot /
//!   epochLength ([`StakingParams::epoch_at`]); a call's "current epoch" is its block's.
//! - **Stake changes take effect from the next epoch.** Each validator keeps
//!   `(stakeNow, stakeBefore, changedEpoch)`; the stake active in epoch `e` is
//!   `e > changedEpoch ? stakeNow : stakeBefore`. A change in epoch `c` first does
//!   `if changedEpoch != c { stakeBefore = stakeNow; changedEpoch = c }`. This answers
//!   for every epoch from the current one on, which is all the engine and the views ask.
//!   Slashing is a stake change too: an equivocator keeps its weight for the rest of the
//!   epoch (the epoch's proposer schedule never changes mid-epoch) and loses it from the
//!   next.
//! - **Unbonding**: `unstake(amount)` in epoch `c` moves `amount` into the caller's single
//!   unbonding entry with release epoch `c + unbondingEpochs + 1` (the rest of `c` plus
//!   `unbondingEpochs` whole epochs); the entry stays slashable until `withdraw()` pays it
//!   out, from the release epoch on. Unstaking again while an entry is pending merges the
//!   amounts and moves the release to the new, later epoch; unstaking while an entry is
//!   already released reverts (withdraw first), so released funds are never locked again.
//!   Unstaking the last bonded stake of the whole chain reverts: with no stake there is no
//!   proposer and the chain could never make another block. (Slashing is not refused: a
//!   chain whose only validators all equivocate under `slashBps = 10000` halts.)
//! - **Slashing**: `submitEvidence(a, b)` with two RLP headers for the same slot, with
//!   different seal hashes, sealed by the same validator ([`check_evidence`], which applies
//!   [`basalt_consensus::verify_equivocation`]), slashes `slashBps` of the offender's
//!   bonded and of its unbonding stake, pays `reporterRewardBps` of the slashed amount to
//!   the sender and burns the rest. Evidence
//!   for one (validator, slot) slashes once; a validator cannot report itself.
//! - **Funds**: value enters only through `stake()` and leaves only through `withdraw()`,
//!   the reporter reward and the burn, so the account's balance is always the sum of every
//!   bonded and unbonding stake. (Ether *forced* in without a call — a self-destruct
//!   beneficiary or a block's coinbase set to `0x…1000` — adds to the balance and can never
//!   leave.)
//! - **The validator list** holds every address with a record; at the first block of each
//!   epoch the hook removes those with neither bonded nor unbonding stake (their active
//!   stake is zero from then on) and clears their records.
//!
//! # Randomness
//!
//! At the start of every block, before its transactions, [`BlockExecutor::begin_block`](crate::BlockExecutor::begin_block)
//! mixes the parent's seal: `mix = keccak256(mix ‖ keccak256(parent.seal))`. The proposer
//! seed of epoch `e` is
//!
//! ```text
//! seed(e) = keccak256(M(e − 2) ‖ uint64(e) big-endian)
//! M(k)    = the mix as it stood at the end of epoch k (after its last block; an epoch
//!           without blocks ends with the mix of the one before), and for k < 0 the
//!           genesis mix keccak256("basalt-pos" ‖ uint64(chainId) big-endian)
//! ```
//!
//! The state keeps `mix`, the epoch `E` of its last block, `M(E − 1)` and `M(E − 2)`, so
//! the state after any block of epoch `E ≤ e` answers `seed(e)`: `M(E − 2)` for `e = E`,
//! `M(E − 1)` for `e = E + 1`, and the current mix for `e ≥ E + 2` (the block is then the
//! last one before epoch `e − 1` ends, when it is the parent of an epoch-`e` block: whole
//! epochs may pass without blocks). Every state after epoch `e − 2` ended — every block in
//! epochs `e − 1` and `e`, and the parent of the first block of `e` — gives the same seed.
//!
//! **Grinding caveat**: the proposer of the last block of epoch `e − 2` chooses its block's
//! contents and so its seal, and thereby `M(e − 2)`; it can try many variants (or withhold
//! its block and let `M(e − 2)` fall back to its parent's mix) and publish the one whose
//! `seed(e)` suits it best. The two-epoch lookahead bounds what that buys: the seed is
//! fixed a whole epoch before it is used, the grinder controls at most one or two
//! contributions, and each try costs a signature and a full evaluation of epoch `e`'s
//! schedule. A VRF or a commit–reveal beacon would remove the bias; this accumulator is
//! RANDAO-grade, not unbiasable.
//!
//! # Storage layout (the account's storage, Solidity's rules)
//!
//! | slot | type | content |
//! |---|---|---|
//! | 0 | bytes32 | `mix` after this state's last block |
//! | 1 | uint64 | `mixEpoch`: the epoch of this state's last block (0 at genesis) |
//! | 2 | bytes32 | `M(mixEpoch − 1)` |
//! | 3 | bytes32 | `M(mixEpoch − 2)` |
//! | 4 | uint64 | genesis timestamp |
//! | 5 | uint64 | slot time (seconds) |
//! | 6 | uint64 | epoch length (slots) |
//! | 7 | uint64 | unbonding epochs |
//! | 8 | uint64 | slash basis points |
//! | 9 | uint64 | reporter reward basis points |
//! | 10 | `address[]` | validator list: length at 10, element `i` at `keccak256(uint256(10)) + i` |
//! | 11 | `mapping(address => Validator)` | record of `v` at `keccak256(uint256(v) ‖ uint256(11)) + field`: +0 `stakeNow`, +1 `stakeBefore`, +2 `changedEpoch`, +3 list index + 1 (0 = not listed), +4 unbonding amount, +5 release epoch |
//! | 12 | `mapping(bytes32 => bool)` | evidence used, key `keccak256(offender ‖ uint64(slot) big-endian)` |
//! | 13 | uint256 | `totalBonded`: the sum of every `stakeNow` |
//!
//! Everything lives in the account's storage, so it is all in the state root and provable
//! with `eth_getProof`.
//!
//! # ABI ([`IStaking`])
//!
//! ```solidity
//! function stake() payable;                       event Staked(address indexed validator, uint256 amount, uint64 activeFromEpoch);
//! function unstake(uint256 amount);               event Unstaked(address indexed validator, uint256 amount, uint64 releaseEpoch);
//! function withdraw();                            event Withdrawn(address indexed validator, uint256 amount);
//! function submitEvidence(bytes headerA, bytes headerB);
//!                                                 event Slashed(address indexed offender, address indexed reporter, uint256 amount, uint64 slot);
//! function stakeOf(address) view returns (uint256);
//! function activeStake(address, uint64 epoch) view returns (uint256);      // epoch ≥ current
//! function validators() view returns (address[], uint256[]);               // active now, by address
//! function unbonding(address) view returns (uint256 amount, uint64 releaseEpoch);
//! function totalBonded() view returns (uint256);                           // Σ stakeNow
//! function currentEpoch() view returns (uint64);
//! function epochSeed(uint64 epoch) view returns (bytes32);                 // epoch ≥ state's epoch
//! ```
//!
//! Failures revert with `Error(string)` (reasons start with `staking: `), undoing the
//! call's effects (value included) and returning unused gas. Calldata is decoded strictly
//! (Solidity's checks); only `stake()` accepts value.
//!
//! # Gas
//!
//! A transaction pays the usual intrinsic gas (21,000 + calldata + access list) and then a
//! fixed price per operation, charged before the work; too little gas fails the call with
//! out-of-gas, consuming all of it. There are no refunds.
//!
//! | operation | gas after intrinsic |
//! |---|---|
//! | any call (dispatch; all an empty or unknown selector costs) | [`DISPATCH_GAS`] = 2,100 |
//! | `stake()` | + [`STAKE_GAS`] = 40,000, + [`NEW_VALIDATOR_GAS`] = 80,000 for an address not yet listed |
//! | `unstake(amount)` | + [`UNSTAKE_GAS`] = 45,000 |
//! | `withdraw()` | + [`WITHDRAW_GAS`] = 35,000 |
//! | `submitEvidence(a, b)` | + [`SUBMIT_EVIDENCE_GAS`] = 100,000 |
//! | `stakeOf`, `activeStake`, `unbonding`, `totalBonded`, `currentEpoch`, `epochSeed` | + [`VIEW_GAS`] = 5,000 |
//! | `validators()` | + [`VALIDATORS_BASE_GAS`] = 5,000 + [`VALIDATORS_PER_ENTRY_GAS`] = 5,000 per listed address |
//!
//! The prices approximate what the same contract compiled from Solidity would pay under
//! EIP-2929/2200 (cold reads, rewritten words, logs, a transfer, `ecrecover`s), rounded up;
//! the new-validator surcharge prices the storage a new entry adds to every later
//! `epoch_inputs` walk.

mod abi;
mod contract;
mod evidence;
mod guard;
mod layout;

pub use abi::IStaking;
pub use basalt_consensus::STAKING_ADDRESS;
pub use contract::{
    DISPATCH_GAS, NEW_VALIDATOR_GAS, STAKE_GAS, SUBMIT_EVIDENCE_GAS, UNSTAKE_GAS,
    VALIDATORS_BASE_GAS, VALIDATORS_PER_ENTRY_GAS, VIEW_GAS, WITHDRAW_GAS,
};
pub use evidence::{check_evidence, Equivocation, EvidenceError, Which};
pub use guard::{guard_code, guard_code_hash, GUARD_REVERT_REASON};
pub use layout::{genesis_mix, StakingParams};

pub(crate) use contract::execute;

use basalt_chainspec::{ConsensusConfig, GenesisAccount, PosConfig};
use basalt_consensus::EpochInputs;
use basalt_primitives::{H256, U256};
use basalt_state::{JournaledState, StateBackend, StateReader};
use layout::{Mix, Record, StateSlots, TotalBonded, ValidatorList};
use std::collections::BTreeMap;

/// Why the staking contract's data could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum StakingError {
    /// The state failed (missing node, backend error, damaged data).
    #[error(transparent)]
    State(#[from] basalt_state::Error),
    /// The state has no staking contract: the chain is not proof of stake.
    #[error("no staking contract at 0x…1000 in this state: the chain is not proof of stake")]
    NotInstalled,
    /// Inputs were asked for an epoch before the state's own.
    #[error(
        "epoch {epoch} is before the state's epoch {state_epoch}; its inputs are no longer kept"
    )]
    EpochInPast {
        /// The epoch asked for.
        epoch: u64,
        /// The epoch of the state's last block.
        state_epoch: u64,
    },
    /// A storage word holds a value the contract never writes: the state is damaged.
    #[error("staking storage slot {slot:?} holds {word:?}, not a valid {what}")]
    CorruptWord {
        /// The slot.
        slot: H256,
        /// Its word.
        word: H256,
        /// What the slot should hold.
        what: &'static str,
    },
    /// The genesis file's proof-of-stake parameters are invalid.
    #[error("invalid proof-of-stake genesis: {0}")]
    Genesis(#[from] basalt_chainspec::Error),
}

/// Whether `state` holds the staking contract (its account's code is the guard module).
pub fn is_installed<B: StateBackend>(state: &mut JournaledState<B>) -> Result<bool, StakingError> {
    Ok(guard::is_guard_code_hash(state.code_hash(STAKING_ADDRESS)?))
}

/// A read-only overlay on `reader`'s state (caches the account and words it loads).
fn overlay<B: StateBackend>(reader: &StateReader<B>) -> JournaledState<&B> {
    JournaledState::new(reader.backend(), reader.root())
}

/// The chain's parameters as the staking contract in `state` keeps them.
pub fn staking_params<B: StateBackend>(
    state: &StateReader<B>,
) -> Result<StakingParams, StakingError> {
    let mut view = overlay(state);
    if !is_installed(&mut view)? {
        return Err(StakingError::NotInstalled);
    }
    StakingParams::read(&mut StateSlots(&mut view))
}

/// The validator set and seed of `epoch`, from the state after a block (the parent of a
/// block whose slot lies in `epoch`). `epoch` must be at or after the epoch of the
/// state's block; for `epoch ≥ that + 2` the seed is the one a child in `epoch` gets, as
/// the module docs explain. Validators are sorted by address, each with a non-zero stake.
pub fn epoch_inputs<B: StateBackend>(
    state: &StateReader<B>,
    epoch: u64,
) -> Result<EpochInputs, StakingError> {
    let mut view = overlay(state);
    if !is_installed(&mut view)? {
        return Err(StakingError::NotInstalled);
    }
    let mut slots = StateSlots(&mut view);
    let mix = Mix::read(&mut slots)?;
    let seed =
        mix.seed(epoch).ok_or(StakingError::EpochInPast { epoch, state_epoch: mix.epoch })?;
    let validators = contract::active_set(&mut slots, epoch)?;
    Ok(EpochInputs { epoch, seed, validators })
}

/// The staking account of a proof-of-stake genesis: the guard module as code, nonce 1,
/// the parameters, the genesis mix of `chain_id`, and `pos.validators` listed (in file
/// order) with their stakes active from epoch 0; its balance is their total stake, minted
/// at genesis.
pub fn genesis_account(
    pos: &PosConfig,
    chain_id: u64,
    genesis_timestamp: u64,
) -> Result<GenesisAccount, StakingError> {
    ConsensusConfig::Pos(pos.clone()).validate()?;
    let mut storage = BTreeMap::new();
    StakingParams::from_pos(pos, genesis_timestamp).write(&mut storage)?;
    Mix::genesis(genesis_mix(chain_id)).write(&mut storage)?;
    let mut total = U256::zero();
    for validator in &pos.validators {
        // validate() rejected a total that overflows.
        total = total.saturating_add(validator.stake);
        let mut record = Record {
            stake_now: validator.stake,
            stake_before: validator.stake,
            ..Record::default()
        };
        ValidatorList::push(&mut storage, validator.address, &mut record)?;
        record.store(&mut storage, validator.address)?;
    }
    TotalBonded::set(&mut storage, total)?;
    Ok(GenesisAccount { balance: total, nonce: 1, code: guard_code().to_vec(), storage })
}

/// The block-start hook: when `state` holds the staking contract, rolls the mix's
/// end-of-epoch snapshots forward to the epoch of `timestamp`, mixes `parent_seal` in,
/// and at the first block of an epoch removes validators with nothing bonded or
/// unbonding. Returns whether the contract is installed (nothing happens otherwise).
pub(crate) fn begin_block<B: StateBackend>(
    state: &mut JournaledState<B>,
    timestamp: u64,
    parent_seal: &[u8],
) -> Result<bool, StakingError> {
    if !is_installed(state)? {
        return Ok(false);
    }
    let mut slots = StateSlots(state);
    let params = StakingParams::read(&mut slots)?;
    let epoch = params.epoch_at(timestamp);
    let mut mix = Mix::read(&mut slots)?;
    let new_epoch = epoch > mix.epoch;
    mix.advance(epoch, parent_seal);
    mix.write(&mut slots)?;
    if new_epoch {
        let mut index = 0;
        while index < ValidatorList::len(&mut slots)? {
            let who = ValidatorList::get(&mut slots, index)?;
            let record = Record::load(&mut slots, who)?;
            if record.is_empty_stake() {
                // The last entry moves into `index`: look at it next.
                ValidatorList::remove(&mut slots, who, &record)?;
            } else {
                index += 1;
            }
        }
    }
    Ok(true)
}
