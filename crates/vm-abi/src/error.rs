//! Errors of this crate.

use core::fmt;

/// Why deployment data is not a valid deploy envelope or bare module.
///
/// Returned by [`parse_deploy`](crate::parse_deploy); a deployment that fails
/// to parse is a failed deployment, never a panic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum EnvelopeError {
    /// The deployment data is empty.
    Empty,
    /// The data starts neither with the envelope magic `EF 57 41` nor with the
    /// wasm magic `\0asm`.
    BadMagic,
    /// The envelope's version byte (its fourth byte) is not `0x00`.
    UnsupportedVersion {
        /// The version byte found.
        version: u8,
    },
    /// The data starts like an envelope but is shorter than its 8-byte header.
    TruncatedHeader {
        /// Bytes present.
        len: usize,
    },
    /// The header declares more code than the data holds.
    CodeTruncated {
        /// Code length declared in the header.
        declared: u32,
        /// Bytes present after the header.
        available: usize,
    },
    /// Header plus declared code length does not fit this platform's `usize`.
    LengthOverflow {
        /// Code length declared in the header.
        declared: u32,
    },
    /// The code inside the envelope does not start with the wasm magic `\0asm`.
    NotWasm,
}

impl fmt::Display for EnvelopeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Empty => f.write_str("deployment data is empty"),
            Self::BadMagic => f.write_str(
                "deployment data is neither a deploy envelope (EF 57 41 00) nor a wasm module (\\0asm)",
            ),
            Self::UnsupportedVersion { version } => {
                write!(f, "unsupported deploy envelope version {version:#04x} (expected 0x00)")
            }
            Self::TruncatedHeader { len } => {
                write!(f, "deploy envelope header truncated: {len} of 8 bytes")
            }
            Self::CodeTruncated { declared, available } => write!(
                f,
                "deploy envelope declares {declared} bytes of code but only {available} follow the header"
            ),
            Self::LengthOverflow { declared } => {
                write!(f, "deploy envelope code length {declared} overflows the address space")
            }
            Self::NotWasm => f.write_str("deploy envelope code is not a wasm module (no \\0asm magic)"),
        }
    }
}

impl core::error::Error for EnvelopeError {}

/// Result alias for this crate's fallible functions.
pub type Result<T, E = EnvelopeError> = core::result::Result<T, E>;
