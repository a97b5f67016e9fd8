//! The deploy envelope: how a deployment carries a module and its
//! constructor arguments in one byte string.
//!
//! ```text
//!  0      3   4            8              8+len
//!  ┌──────┬───┬────────────┬──────────────┬───────────────────────────┐
//!  │EF 57 41│00 │ u32-be len │ wasm (len B) │ constructor args (ABI)    │
//!  └──────┴───┴────────────┴──────────────┴───────────────────────────┘
//!   magic  version
//! ```
//!
//! A bare module (data starting with `\0asm`) is also accepted, with no
//! arguments. `0xEF` can never start EVM code (EIP-3541), so the envelope
//! cannot be mistaken for EVM bytecode by Ethereum tools. Tools build it as
//! `bytecode = prefix ‖ wasm` and append ABI-encoded constructor args, which is
//! exactly what `ContractFactory(abi, bytecode).deploy(args)` does. The stored
//! code is the bare module; its size is checked against
//! [`MAX_WASM_SIZE`](crate::limits::MAX_WASM_SIZE) by the VM, not here.

use crate::error::{EnvelopeError, Result};

/// The envelope's first four bytes: magic `EF 57 41` ("\xEFWA") and version `00`.
pub const DEPLOY_MAGIC: [u8; 4] = [0xEF, 0x57, 0x41, DEPLOY_VERSION];

/// The envelope version this crate reads and writes.
pub const DEPLOY_VERSION: u8 = 0x00;

/// Length of the envelope header: magic, version and the u32 code length.
pub const DEPLOY_PREFIX_LEN: usize = 8;

/// The first four bytes of every wasm module.
pub const WASM_MAGIC: [u8; 4] = *b"\0asm";

/// Parsed deployment data: the module and the constructor arguments, borrowed
/// from the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Deploy<'a> {
    /// The wasm module (starts with `\0asm`; otherwise unvalidated).
    pub code: &'a [u8],
    /// ABI-encoded constructor arguments (empty for a bare module).
    pub args: &'a [u8],
}

/// Splits deployment data (a transaction's `data` with no `to`, or the code
/// given to `create1`/`create2`) into module and constructor arguments.
///
/// Never panics; every malformed input gives a typed [`EnvelopeError`].
pub fn parse_deploy(data: &[u8]) -> Result<Deploy<'_>> {
    let Some(&first) = data.first() else {
        return Err(EnvelopeError::Empty);
    };
    if data.starts_with(&WASM_MAGIC) {
        return Ok(Deploy { code: data, args: &[] });
    }
    if first != DEPLOY_MAGIC[0] {
        return Err(EnvelopeError::BadMagic);
    }
    let Some((header, rest)) = data.split_first_chunk::<DEPLOY_PREFIX_LEN>() else {
        // Tell a short envelope from a foreign prefix by the bytes present.
        let head = data.get(..3).unwrap_or(data);
        return Err(if !DEPLOY_MAGIC[..3].starts_with(head) {
            EnvelopeError::BadMagic
        } else if let Some(&version) = data.get(3).filter(|&&v| v != DEPLOY_VERSION) {
            EnvelopeError::UnsupportedVersion { version }
        } else {
            EnvelopeError::TruncatedHeader { len: data.len() }
        });
    };
    let [m0, m1, m2, version, l0, l1, l2, l3] = *header;
    if [m0, m1, m2] != DEPLOY_MAGIC[..3] {
        return Err(EnvelopeError::BadMagic);
    }
    if version != DEPLOY_VERSION {
        return Err(EnvelopeError::UnsupportedVersion { version });
    }
    let declared = u32::from_be_bytes([l0, l1, l2, l3]);
    let code_len =
        usize::try_from(declared).map_err(|_| EnvelopeError::LengthOverflow { declared })?;
    // The header is already split off, so only `rest` has to hold the code;
    // still, header + code must be addressable.
    if code_len.checked_add(DEPLOY_PREFIX_LEN).is_none() {
        return Err(EnvelopeError::LengthOverflow { declared });
    }
    if code_len > rest.len() {
        return Err(EnvelopeError::CodeTruncated { declared, available: rest.len() });
    }
    let (code, args) = rest.split_at(code_len);
    if !code.starts_with(&WASM_MAGIC) {
        return Err(EnvelopeError::NotWasm);
    }
    Ok(Deploy { code, args })
}

/// The 8-byte envelope header for a module of `wasm_len` bytes. Deployment
/// data is `prefix ‖ wasm ‖ constructor args`.
pub const fn encode_deploy_prefix(wasm_len: u32) -> [u8; DEPLOY_PREFIX_LEN] {
    let [l0, l1, l2, l3] = wasm_len.to_be_bytes();
    let [m0, m1, m2, v] = DEPLOY_MAGIC;
    [m0, m1, m2, v, l0, l1, l2, l3]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec::Vec;

    const MODULE: &[u8] = b"\0asm\x01\0\0\0";

    fn envelope(code: &[u8], args: &[u8]) -> Vec<u8> {
        let mut v = encode_deploy_prefix(code.len() as u32).to_vec();
        v.extend_from_slice(code);
        v.extend_from_slice(args);
        v
    }

    #[test]
    fn prefix_layout() {
        assert_eq!(
            encode_deploy_prefix(0x0102_0304),
            [0xEF, 0x57, 0x41, 0x00, 0x01, 0x02, 0x03, 0x04]
        );
    }

    #[test]
    fn envelope_with_and_without_args() {
        let data = envelope(MODULE, b"args");
        assert_eq!(parse_deploy(&data), Ok(Deploy { code: MODULE, args: b"args" }));
        let data = envelope(MODULE, b"");
        assert_eq!(parse_deploy(&data), Ok(Deploy { code: MODULE, args: b"" }));
    }

    #[test]
    fn bare_module() {
        assert_eq!(parse_deploy(MODULE), Ok(Deploy { code: MODULE, args: b"" }));
        assert_eq!(parse_deploy(b"\0asm"), Ok(Deploy { code: b"\0asm", args: b"" }));
    }

    #[test]
    fn errors() {
        use EnvelopeError::*;
        assert_eq!(parse_deploy(b""), Err(Empty));
        assert_eq!(parse_deploy(b"\x60\x80\x60\x40"), Err(BadMagic)); // EVM bytecode
        assert_eq!(parse_deploy(b"\0as"), Err(BadMagic));
        assert_eq!(parse_deploy(b"\xEF"), Err(TruncatedHeader { len: 1 }));
        assert_eq!(parse_deploy(b"\xEF\x57\x41\x00\0\0"), Err(TruncatedHeader { len: 6 }));
        assert_eq!(parse_deploy(b"\xEF\x00"), Err(BadMagic));
        assert_eq!(parse_deploy(b"\xEF\x57\x41\x01"), Err(UnsupportedVersion { version: 1 }));
        assert_eq!(
            parse_deploy(b"\xEF\x57\x41\x02\0\0\0\0"),
            Err(UnsupportedVersion { version: 2 })
        );
        assert_eq!(parse_deploy(b"\xEF\x57\x42\x00\0\0\0\0"), Err(BadMagic));
        let mut data = encode_deploy_prefix(9).to_vec();
        data.extend_from_slice(MODULE);
        assert_eq!(parse_deploy(&data), Err(CodeTruncated { declared: 9, available: 8 }));
        let data = encode_deploy_prefix(u32::MAX);
        assert_eq!(parse_deploy(&data), Err(CodeTruncated { declared: u32::MAX, available: 0 }));
        assert_eq!(parse_deploy(&envelope(b"", b"\0asm")), Err(NotWasm));
        assert_eq!(parse_deploy(&envelope(b"\0as", b"m")), Err(NotWasm));
        assert_eq!(parse_deploy(&envelope(b"\x60\x80", b"")), Err(NotWasm));
    }

    #[test]
    fn errors_display() {
        use std::string::ToString;
        let e = EnvelopeError::CodeTruncated { declared: 9, available: 8 };
        assert_eq!(
            e.to_string(),
            "deploy envelope declares 9 bytes of code but only 8 follow the header"
        );
        assert!(EnvelopeError::UnsupportedVersion { version: 1 }.to_string().contains("0x01"));
    }
}
