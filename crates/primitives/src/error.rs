//! Errors of the primitives crate.
//!
//! Three families, one per stage a transaction goes through, so that callers
//! (and the conformance tests) can tell *where* an input was rejected:
//!
//! - [`DecodeError`]: the bytes are not a canonical encoding of the type
//!   (RLP structure, field sizes, leading zeros, item counts, unknown types);
//! - [`SignatureError`]: the signature values are out of range, the public
//!   key cannot be recovered, or the chain id does not match;
//! - [`ValidationError`]: a well-formed, well-signed transaction breaks a
//!   stateless rule (EIP-2681 nonce cap, fee cap order, cost overflow,
//!   intrinsic gas).
//!
//! [`Error`] wraps all three for callers that only need one type.

use ethereum_types::U256;

/// Result with this crate's umbrella [`Error`].
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Any error of this crate.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// Bytes that are not a canonical encoding.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A bad or mismatched signature.
    #[error(transparent)]
    Signature(#[from] SignatureError),
    /// A transaction that breaks a stateless validity rule.
    #[error(transparent)]
    Validation(#[from] ValidationError),
}

/// Why bytes are not a canonical encoding of the expected value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// There were no bytes at all.
    #[error("empty input")]
    Empty,
    /// An item announces more bytes than remain.
    #[error("item needs {needed} bytes but only {available} remain")]
    UnexpectedEnd {
        /// Bytes the item's header announces (header included).
        needed: usize,
        /// Bytes actually available.
        available: usize,
    },
    /// Bytes follow the top-level item.
    #[error("{extra} trailing bytes after the item")]
    TrailingBytes {
        /// How many bytes follow.
        extra: usize,
    },
    /// A single byte below 0x80 was wrapped in a string header (`0x81 0x05`).
    #[error("single byte {byte:#04x} must be encoded as itself")]
    NonCanonicalSingleByte {
        /// The byte.
        byte: u8,
    },
    /// The long length form was used for a payload shorter than 56 bytes.
    #[error("long length form used for a {len}-byte payload")]
    NonCanonicalLength {
        /// The payload length.
        len: usize,
    },
    /// A long-form length starts with a zero byte.
    #[error("length prefix has a leading zero byte")]
    LengthLeadingZero,
    /// A long-form length does not fit in `usize`.
    #[error("length prefix of {len_of_len} bytes does not fit in usize")]
    LengthOverflow {
        /// Size of the length prefix in bytes.
        len_of_len: usize,
    },
    /// A byte string was found where a list is required.
    #[error("{field}: expected a list, found a byte string")]
    ExpectedList {
        /// The field being read.
        field: &'static str,
    },
    /// A list was found where a byte string is required.
    #[error("{field}: expected a byte string, found a list")]
    ExpectedBytes {
        /// The field being read.
        field: &'static str,
    },
    /// A list has the wrong number of items.
    #[error("{what}: expected {expected} items, found {found}")]
    ItemCount {
        /// The structure being decoded.
        what: &'static str,
        /// Items the structure has (the smallest valid count if several are).
        expected: usize,
        /// Items found.
        found: usize,
    },
    /// An integer has leading zero bytes (zero itself must be the empty string).
    #[error("{field}: integer has leading zero bytes")]
    LeadingZeros {
        /// The field being read.
        field: &'static str,
    },
    /// An integer is wider than its field.
    #[error("{field}: {len}-byte integer exceeds the field's {max} bytes")]
    IntegerTooLarge {
        /// The field being read.
        field: &'static str,
        /// Bytes found.
        len: usize,
        /// Bytes the field holds.
        max: usize,
    },
    /// A fixed-size field (hash, address, bloom, nonce) has the wrong size.
    #[error("{field}: expected {expected} bytes, found {found}")]
    WrongLength {
        /// The field being read.
        field: &'static str,
        /// Required size.
        expected: usize,
        /// Size found.
        found: usize,
    },
    /// A transaction's `to` is neither empty (create) nor 20 bytes.
    #[error("to: expected 0 (create) or 20 bytes, found {found}")]
    InvalidTo {
        /// Size found.
        found: usize,
    },
    /// A boolean-like field (typed `yParity`, receipt status) is not 0 or 1.
    #[error("{field}: expected 0 or 1")]
    InvalidFlag {
        /// The field being read.
        field: &'static str,
    },
    /// A legacy `v` is neither 27/28 nor `chain_id * 2 + 35/36`.
    #[error("legacy v = {v} is neither 27/28 nor chain_id * 2 + 35/36")]
    InvalidV {
        /// The `v` found.
        v: u128,
    },
    /// A legacy `v` implies a chain id that does not fit in 64 bits.
    #[error("legacy v = {v} implies a chain id above 2^64 - 1")]
    ChainIdTooLarge {
        /// The `v` found.
        v: u128,
    },
    /// An EIP-2718 type byte that Basalt does not know.
    #[error("unsupported transaction type {ty:#04x}")]
    UnsupportedType {
        /// The type byte.
        ty: u8,
    },
    /// A typed envelope where only a legacy list is allowed, or the reverse.
    #[error("{what}: {reason}")]
    Envelope {
        /// The structure being decoded.
        what: &'static str,
        /// What was wrong with its envelope.
        reason: &'static str,
    },
}

impl From<DecodeError> for rlp::DecoderError {
    fn from(e: DecodeError) -> Self {
        use rlp::DecoderError as R;
        match e {
            DecodeError::Empty | DecodeError::UnexpectedEnd { .. } => R::RlpIsTooShort,
            DecodeError::TrailingBytes { .. } => R::RlpInconsistentLengthAndData,
            DecodeError::NonCanonicalSingleByte { .. }
            | DecodeError::NonCanonicalLength { .. }
            | DecodeError::LeadingZeros { .. } => R::RlpInvalidIndirection,
            DecodeError::LengthLeadingZero => R::RlpDataLenWithZeroPrefix,
            DecodeError::LengthOverflow { .. } => R::RlpInvalidLength,
            DecodeError::ExpectedList { .. } => R::RlpExpectedToBeList,
            DecodeError::ExpectedBytes { .. } => R::RlpExpectedToBeData,
            DecodeError::ItemCount { .. } => R::RlpIncorrectListLen,
            DecodeError::IntegerTooLarge { .. } => R::RlpIsTooBig,
            DecodeError::WrongLength { .. } | DecodeError::InvalidTo { .. } => {
                R::Custom("field has the wrong length")
            }
            DecodeError::InvalidFlag { .. } => R::Custom("flag is neither 0 nor 1"),
            DecodeError::InvalidV { .. } | DecodeError::ChainIdTooLarge { .. } => {
                R::Custom("invalid legacy v")
            }
            DecodeError::UnsupportedType { .. } => R::Custom("unsupported transaction type"),
            DecodeError::Envelope { .. } => R::Custom("wrong transaction envelope"),
        }
    }
}

/// Why a signature is unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// `r` is zero or not below the curve order `n`.
    #[error("r = {r:#x} is zero or not below the curve order")]
    InvalidR {
        /// The `r` found.
        r: U256,
    },
    /// `s` is zero or not below the curve order `n`.
    #[error("s = {s:#x} is zero or not below the curve order")]
    InvalidS {
        /// The `s` found.
        s: U256,
    },
    /// `s` is above `n / 2` (EIP-2: only the low-s form is valid).
    #[error("s = {s:#x} is above n/2 (EIP-2)")]
    HighS {
        /// The `s` found.
        s: U256,
    },
    /// No public key comes out of the signature (`r` is not a curve x-coordinate,
    /// or the recovered point is the point at infinity).
    #[error("public key recovery failed")]
    RecoveryFailed,
    /// The transaction is signed for another chain.
    #[error("transaction is signed for chain {found}, expected {expected}")]
    WrongChainId {
        /// The chain the caller expects.
        expected: u64,
        /// The chain id the transaction carries.
        found: u64,
    },
    /// A legacy transaction without EIP-155 replay protection, refused by the caller's policy.
    #[error("transaction has no EIP-155 replay protection")]
    Unprotected,
    /// The secret key bytes are not a valid secp256k1 secret key (zero or not below `n`).
    #[error("invalid secp256k1 secret key")]
    InvalidSecretKey,
    /// Signing produced a recovery id whose x-coordinate overflowed the curve order
    /// (probability about 2^-128); Ethereum's `v` cannot express it.
    #[error("signature needs an x-reduced recovery id, which Ethereum cannot express")]
    UnrepresentableRecoveryId,
}

/// Why a decoded, signed transaction breaks a stateless rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// EIP-2681: the nonce must stay below 2^64 - 1 so that it can be incremented.
    #[error("nonce {nonce} is not below 2^64 - 1 (EIP-2681)")]
    NonceMax {
        /// The nonce found.
        nonce: u64,
    },
    /// EIP-1559: the priority fee cap exceeds the fee cap.
    #[error("max priority fee {max_priority_fee_per_gas} exceeds max fee {max_fee_per_gas}")]
    TipAboveFeeCap {
        /// `maxPriorityFeePerGas`.
        max_priority_fee_per_gas: U256,
        /// `maxFeePerGas`.
        max_fee_per_gas: U256,
    },
    /// `gas_limit * fee_cap` does not fit in 256 bits.
    #[error("gas limit {gas_limit} times fee cap {fee_cap} overflows 256 bits")]
    GasCostOverflow {
        /// The gas limit.
        gas_limit: u64,
        /// `gasPrice` or `maxFeePerGas`.
        fee_cap: U256,
    },
    /// `gas_limit * fee_cap + value` does not fit in 256 bits.
    #[error("maximum cost (gas * fee cap + value {value}) overflows 256 bits")]
    TotalCostOverflow {
        /// The value transferred.
        value: U256,
    },
    /// The gas limit does not cover the intrinsic gas.
    #[error("gas limit {gas_limit} is below the intrinsic gas {intrinsic_gas}")]
    IntrinsicGasTooLow {
        /// The gas limit.
        gas_limit: u64,
        /// The intrinsic gas the transaction needs.
        intrinsic_gas: u64,
    },
}
