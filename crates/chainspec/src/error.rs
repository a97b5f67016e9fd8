//! Errors of the chainspec crate.
//!
//! Every variant that concerns one value names it by its path in the document
//! (`gasLimit`, `config.chainId`, `alloc.0xf39f….balance`,
//! `config.consensus.validators[1].stake`), so an operator can find the
//! offending line without reading the code.

use basalt_primitives::Address;
use std::path::PathBuf;

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Why a genesis file was rejected.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The file could not be read.
    #[error("cannot read genesis file {}: {source}", path.display())]
    Io {
        /// The path given.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// The text is not JSON at all.
    #[error("genesis is not valid JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A required field is absent (or `null`).
    #[error("{field}: required field is missing")]
    MissingField {
        /// Path of the field.
        field: String,
    },
    /// A field appears twice in the same object.
    #[error("{field}: field appears more than once")]
    DuplicateField {
        /// Path of the field.
        field: String,
    },
    /// A field that Basalt's own objects (`config.consensus`, a validator) do not define.
    #[error("{field}: unknown field")]
    UnknownField {
        /// Path of the field.
        field: String,
    },
    /// A value of the wrong JSON type.
    #[error("{field}: expected {expected}, found {found}")]
    InvalidType {
        /// Path of the field.
        field: String,
        /// What the field holds.
        expected: &'static str,
        /// The JSON type found.
        found: &'static str,
    },
    /// A number that is neither a non-negative JSON integer, a decimal string nor
    /// `0x`-prefixed hex.
    #[error("{field}: invalid number {value:?}: {reason}")]
    InvalidNumber {
        /// Path of the field.
        field: String,
        /// The text found (shortened when long).
        value: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A number that does not fit its field.
    #[error("{field}: number {value:?} does not fit in {bits} bits")]
    NumberTooLarge {
        /// Path of the field.
        field: String,
        /// The text found (shortened when long).
        value: String,
        /// Width of the field.
        bits: u32,
    },
    /// A hex string with bad digits or an odd number of digits.
    #[error("{field}: invalid hex: {reason}")]
    InvalidHex {
        /// Path of the field.
        field: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// A fixed-size value (address, hash) of the wrong size.
    #[error("{field}: expected {expected} bytes, found {found}")]
    InvalidLength {
        /// Path of the field.
        field: String,
        /// Required size.
        expected: usize,
        /// Size found.
        found: usize,
    },
    /// `config.chainId` is zero, which EIP-155 signatures cannot tell apart from "no chain".
    #[error("config.chainId: must not be zero")]
    ZeroChainId,
    /// `gasLimit` is zero: no block could hold a transaction.
    #[error("gasLimit: must not be zero")]
    ZeroGasLimit,
    /// `extraData` is longer than a header allows.
    #[error("extraData: {len} bytes, at most {max} allowed")]
    ExtraDataTooLong {
        /// Bytes found.
        len: usize,
        /// The limit ([`crate::MAX_EXTRA_DATA`]).
        max: usize,
    },
    /// The same account appears twice in `alloc` (possibly spelled differently).
    #[error("alloc: account {address:?} appears more than once")]
    DuplicateAccount {
        /// The account.
        address: Address,
    },
    /// The same storage slot appears twice in one account's `storage`.
    #[error("{field}: slot appears more than once")]
    DuplicateStorageSlot {
        /// Path of the slot.
        field: String,
    },
    /// An account's code is not a bare wasm module.
    #[error("alloc.{address:?}.code: not a wasm module (must start with \\0asm)")]
    CodeNotWasm {
        /// The account.
        address: Address,
    },
    /// `config.consensus.engine` names no engine Basalt has.
    #[error("config.consensus.engine: unknown engine {engine:?} (expected instant, pow or pos)")]
    UnknownEngine {
        /// The name found.
        engine: String,
    },
    /// A consensus parameter out of its range.
    #[error("{field}: {reason}")]
    InvalidConsensusParameter {
        /// Path of the parameter.
        field: &'static str,
        /// The rule it breaks.
        reason: &'static str,
    },
    /// Proof of stake with an empty validator set.
    #[error("config.consensus.validators: proof of stake needs at least one validator")]
    NoValidators,
    /// A validator with zero stake.
    #[error("config.consensus.validators: validator {address:?} has zero stake")]
    ZeroStake {
        /// The validator.
        address: Address,
    },
    /// The same validator listed twice.
    #[error("config.consensus.validators: validator {address:?} appears more than once")]
    DuplicateValidator {
        /// The validator.
        address: Address,
    },
    /// The validators' stakes add up to more than 2^256 - 1.
    #[error("config.consensus.validators: total stake overflows 256 bits")]
    TotalStakeOverflow,
}
