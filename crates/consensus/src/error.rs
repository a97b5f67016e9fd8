//! Why a header is not valid under the chain's engine.

use basalt_primitives::{Address, SignatureError, H256, H64, U256};
use std::path::PathBuf;

/// A header broke a consensus rule (or its inputs could not be read).
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConsensusError {
    /// The seal is not a 65-byte `r ‖ s ‖ y_parity` signature.
    #[error("seal is {len} bytes, expected a 65-byte signature")]
    SealLength {
        /// Length found.
        len: usize,
    },
    /// The seal's signature does not recover.
    #[error("bad seal signature: {0}")]
    BadSeal(#[from] SignatureError),
    /// A PoS timestamp that is not `genesis + slot * slotTime`.
    #[error("timestamp {timestamp} is not the start of a slot")]
    NotASlotStart {
        /// Timestamp found.
        timestamp: u64,
    },
    /// The signer was not the slot's proposer.
    #[error("slot {slot}: signed by {signer:?}, but the proposer is {expected:?}")]
    WrongProposer {
        /// The slot.
        slot: u64,
        /// Who signed.
        signer: Address,
        /// Who should have.
        expected: Address,
    },
    /// The header's difficulty is not what the rule gives.
    #[error("wrong difficulty: expected {expected}, got {got}")]
    WrongDifficulty {
        /// The rule's value.
        expected: U256,
        /// The header's.
        got: U256,
    },
    /// The proof-of-work hash is above the target.
    #[error(
        "insufficient work: seal hash {hash:?} is above the target for difficulty {difficulty}"
    )]
    InsufficientWork {
        /// keccak of the sealed input.
        hash: H256,
        /// The header's difficulty.
        difficulty: U256,
    },
    /// A header-level rule (timestamp, gas limit, extra data, number) was broken.
    #[error("{0}")]
    Invalid(String),
    /// The engine's inputs (validator set, seed) could not be read.
    #[error("cannot read consensus inputs: {0}")]
    Inputs(String),

    // --- Rules every engine applies (see `rules`). ---
    /// The header's number is not its parent's plus one.
    #[error("block number {number} does not follow parent number {parent}")]
    WrongNumber {
        /// The parent's number.
        parent: u64,
        /// The header's number.
        number: u64,
    },
    /// `parent_hash` is not the hash of the parent it is verified against.
    #[error("parent hash {got:?} is not the parent's hash {expected:?}")]
    WrongParentHash {
        /// The parent's hash.
        expected: H256,
        /// The header's `parent_hash`.
        got: H256,
    },
    /// `ommers_hash` is not the hash of an empty list (Basalt has no ommers).
    #[error("ommers hash {got:?} is not the empty list's: blocks have no ommers")]
    OmmersNotAllowed {
        /// The header's `ommers_hash`.
        got: H256,
    },
    /// The timestamp is not strictly after the parent's (proof of work).
    #[error("timestamp {timestamp} is not after the parent's {parent}")]
    TimestampNotAfterParent {
        /// The parent's timestamp.
        parent: u64,
        /// The header's timestamp.
        timestamp: u64,
    },
    /// The timestamp is before the parent's (instant sealing allows equal ones).
    #[error("timestamp {timestamp} is before the parent's {parent}")]
    TimestampBeforeParent {
        /// The parent's timestamp.
        parent: u64,
        /// The header's timestamp.
        timestamp: u64,
    },
    /// The timestamp is more than `max_drift` seconds ahead of the local clock. The block
    /// may become valid later: see [`ConsensusError::is_retryable`].
    #[error("timestamp {timestamp} is more than {max_drift}s ahead of the local clock ({now})")]
    TimestampInFuture {
        /// The header's timestamp.
        timestamp: u64,
        /// The local clock when checked (unix seconds).
        now: u64,
        /// The allowed drift in seconds.
        max_drift: u64,
    },
    /// The gas limit moved by `parent / 1024` or more from the parent's.
    #[error("gas limit {gas_limit} moves too far from the parent's {parent} (by less than {bound} allowed)")]
    GasLimitChangeTooLarge {
        /// The parent's gas limit.
        parent: u64,
        /// The header's gas limit.
        gas_limit: u64,
        /// `parent / 1024`: the change must be strictly below it.
        bound: u64,
    },
    /// The gas limit is below the minimum.
    #[error("gas limit {gas_limit} is below the minimum {min}")]
    GasLimitTooLow {
        /// The header's gas limit.
        gas_limit: u64,
        /// The minimum.
        min: u64,
    },
    /// The block claims to use more gas than its limit.
    #[error("gas used {gas_used} exceeds the gas limit {gas_limit}")]
    GasUsedAboveLimit {
        /// The header's gas used.
        gas_used: u64,
        /// The header's gas limit.
        gas_limit: u64,
    },
    /// `extra_data` is longer than allowed.
    #[error("extra data is {len} bytes, at most {max} allowed")]
    ExtraDataTooLong {
        /// Length found.
        len: usize,
        /// The maximum.
        max: usize,
    },
    /// A seal on a header whose engine (instant, proof of work) has none.
    #[error("unexpected {len}-byte seal: this engine's headers carry none")]
    UnexpectedSeal {
        /// Length found.
        len: usize,
    },

    // --- Proof of work. ---
    /// `mix_hash` is not the proof-of-work hash of the header's seal hash and nonce.
    #[error("mix hash {got:?} is not the proof-of-work hash {expected:?}")]
    WrongMixHash {
        /// keccak256(seal_hash ‖ nonce).
        expected: H256,
        /// The header's `mix_hash`.
        got: H256,
    },

    // --- Proof of stake. ---
    /// `mix_hash` or `nonce` is set on a PoS header. Neither is covered by the signature,
    /// so anyone could change them and re-hash a signed block; they must be zero.
    #[error(
        "proof-of-stake header sets mix hash {mix_hash:?} / nonce {nonce:?}: both must be zero"
    )]
    UnsignedFieldsSet {
        /// The header's `mix_hash`.
        mix_hash: H256,
        /// The header's `nonce`.
        nonce: H64,
    },
    /// The parent's timestamp is not the start of a slot (it cannot be a PoS block).
    #[error("parent timestamp {timestamp} is not the start of a slot")]
    ParentNotASlotStart {
        /// The parent's timestamp.
        timestamp: u64,
    },
    /// The header's slot is not after its parent's.
    #[error("slot {slot} is not after the parent's slot {parent_slot}")]
    SlotNotAfterParent {
        /// The parent's slot.
        parent_slot: u64,
        /// The header's slot.
        slot: u64,
    },
    /// The beneficiary is not the slot's proposer.
    #[error("slot {slot}: beneficiary {beneficiary:?} is not the proposer {proposer:?}")]
    BeneficiaryNotProposer {
        /// The slot.
        slot: u64,
        /// The header's beneficiary.
        beneficiary: Address,
        /// The slot's proposer.
        proposer: Address,
    },
    /// The proposer refused to sign: its slashing-protection record shows it already signed
    /// this slot or a later one.
    #[error("refusing to sign slot {slot}: already signed slot {highest}")]
    AlreadySigned {
        /// The slot asked for.
        slot: u64,
        /// The highest slot ever signed with this key.
        highest: u64,
    },
    /// The slashing-protection record could not be read or written, or is not this key's.
    #[error("slashing-protection record {path}: {reason}")]
    SlashingRecord {
        /// The record's path.
        path: PathBuf,
        /// What went wrong.
        reason: String,
    },
    /// Equivocation evidence whose two headers are for different slots.
    #[error("not an equivocation: the headers are for slots {a} and {b}")]
    EvidenceSlotsDiffer {
        /// The first header's slot.
        a: u64,
        /// The second header's slot.
        b: u64,
    },
    /// Equivocation evidence whose two headers sign the same proposal (same seal hash).
    #[error("not an equivocation: both headers sign the same proposal {seal_hash:?}")]
    EvidenceSameProposal {
        /// The common seal hash.
        seal_hash: H256,
    },
    /// Equivocation evidence whose two headers have different signers.
    #[error("not an equivocation: the headers are signed by {a:?} and {b:?}")]
    EvidenceSignersDiffer {
        /// The first header's signer.
        a: Address,
        /// The second header's signer.
        b: Address,
    },
}

impl ConsensusError {
    /// Whether the same header may pass later: only a timestamp ahead of the local clock
    /// ([`ConsensusError::TimestampInFuture`]). Every other error is final for that header,
    /// so a caller may remember the block as bad.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::TimestampInFuture { .. })
    }
}

/// A result whose error is a [`ConsensusError`].
pub type Result<T, E = ConsensusError> = std::result::Result<T, E>;
