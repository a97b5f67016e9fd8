//! Support for the code `basalt-sdk-macros` generates. Not a public API:
//! names here may change without notice.

pub use crate::contract::{run_constructor, run_entrypoint};
pub use alloc::string::String;
pub use alloc::vec::Vec;
pub use alloy_primitives::{Address, B256, U256};
pub use alloy_sol_types::{sol_data, SolType};
pub use core::result::Result;

/// Whether value was sent with this call (a non-payable method then reverts
/// with empty data, as Solidity's does).
#[inline]
pub fn value_sent() -> bool {
    !crate::msg::value().is_zero()
}

/// Calldata: the 4-byte selector followed by the encoded parameters.
#[inline]
pub fn with_selector(selector: [u8; 4], params: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + params.len());
    out.extend_from_slice(&selector);
    out.extend_from_slice(&params);
    out
}

/// Length of the ABI document `header ‖ entries joined by ',' ‖ footer`,
/// skipping empty entries (compile time).
pub const fn abi_document_len(header: &str, entries: &[&str], footer: &str) -> usize {
    let mut len = header.len() + footer.len();
    let mut first = true;
    let mut i = 0;
    while i < entries.len() {
        if !entries[i].is_empty() {
            if !first {
                len += 1;
            }
            len += entries[i].len();
            first = false;
        }
        i += 1;
    }
    len
}

/// The ABI document `header ‖ entries joined by ',' ‖ footer` as bytes
/// (compile time; `N` is [`abi_document_len`] of the same arguments).
pub const fn abi_document<const N: usize>(header: &str, entries: &[&str], footer: &str) -> [u8; N] {
    let mut out = [0u8; N];
    let mut at = copy_into(&mut out, 0, header.as_bytes());
    let mut first = true;
    let mut i = 0;
    while i < entries.len() {
        if !entries[i].is_empty() {
            if !first {
                out[at] = b',';
                at += 1;
            }
            at = copy_into(&mut out, at, entries[i].as_bytes());
            first = false;
        }
        i += 1;
    }
    at = copy_into(&mut out, at, footer.as_bytes());
    assert!(at == N, "ABI document length mismatch");
    out
}

const fn copy_into<const N: usize>(out: &mut [u8; N], mut at: usize, bytes: &[u8]) -> usize {
    let mut i = 0;
    while i < bytes.len() {
        out[at] = bytes[i];
        at += 1;
        i += 1;
    }
    at
}

/// The document as `&str` (compile time; the parts are UTF-8, so is the
/// concatenation).
pub const fn document_str(bytes: &'static [u8]) -> &'static str {
    match core::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(_) => panic!("ABI document is not UTF-8"),
    }
}

/// keccak256 of a string or bytes value: the topic of an indexed `string` or
/// `bytes` event field.
#[inline]
pub fn hash_topic(data: &[u8]) -> B256 {
    crate::crypto::keccak256(data)
}

/// Checks that the account has code before a typed call to a function
/// without return values (Solidity's `extcodesize` check).
#[inline]
pub fn require_code(address: Address) -> Result<(), crate::call::CallError> {
    if crate::account::has_code(address) {
        Ok(())
    } else {
        Err(crate::call::CallError::NoCode)
    }
}
