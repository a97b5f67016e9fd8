//! Reverting: the errors a method can fail with, and early exits.
//!
//! A contract method fails in one of two ways, both ending the frame with
//! status 1 (effects undone, unused gas returned, the revert data handed to
//! the caller):
//!
//! - it returns `Err(e)` from a method declared `-> Result<T, E>`; the
//!   dispatcher encodes `e` with [`ContractError::abi_encode`];
//! - it calls [`revert`], [`revert_with`], [`require`] or
//!   [`OrRevert::or_revert`] anywhere, which ends the frame at once through
//!   the host's `exit_early` (Solidity's `revert` / `require`, without
//!   unwinding).
//!
//! Revert data is Solidity's: `Error(string)` (selector `0x08c379a0`) for a
//! message, `Panic(uint256)` (`0x4e487b71`) for a panic (the SDK's panic
//! handler uses code `0x01`, allocation failure `0x41`), a custom error's
//! selector and arguments for `#[basalt_sdk::error]` types, or nothing (bad
//! calldata, value sent to a non-payable method, unknown selector), as a
//! Solidity contract would revert.
#![allow(unsafe_code)]

use crate::call::CallError;
use crate::sys;
use alloc::string::String;
use alloc::vec::Vec;
use alloy_sol_types::{Panic, PanicKind, Revert, SolError};
use basalt_vm_abi::EntrypointStatus;

/// Selector of Solidity's `Error(string)`: `0x08c379a0`.
pub const ERROR_SELECTOR: [u8; 4] = [0x08, 0xc3, 0x79, 0xa0];

/// Selector of Solidity's `Panic(uint256)`: `0x4e487b71`.
pub const PANIC_SELECTOR: [u8; 4] = [0x4e, 0x48, 0x7b, 0x71];

/// A value a contract can revert with: its encoding is the revert data.
///
/// Implemented for messages (`&str`, `String`, [`Revert`]: `Error(string)`),
/// [`Panic`], raw bytes ([`RawRevert`]), a failed call ([`CallError`], whose
/// revert data is bubbled up as Solidity does), [`core::convert::Infallible`],
/// and every `#[basalt_sdk::error]` type (custom errors).
pub trait ContractError {
    /// The JSON ABI entries (`{"type":"error",...}` objects, comma-separated)
    /// this type adds to a contract's ABI; empty for `Error(string)`, panics
    /// and raw data, which need no entry.
    const ABI_ENTRIES: &'static str = "";

    /// The revert data.
    fn abi_encode(&self) -> Vec<u8>;
}

impl ContractError for str {
    fn abi_encode(&self) -> Vec<u8> {
        encode_error_string(self)
    }
}

impl<T: ContractError + ?Sized> ContractError for &T {
    const ABI_ENTRIES: &'static str = T::ABI_ENTRIES;
    fn abi_encode(&self) -> Vec<u8> {
        (**self).abi_encode()
    }
}

impl ContractError for String {
    fn abi_encode(&self) -> Vec<u8> {
        encode_error_string(self)
    }
}

impl ContractError for Revert {
    fn abi_encode(&self) -> Vec<u8> {
        SolError::abi_encode(self)
    }
}

impl ContractError for Panic {
    fn abi_encode(&self) -> Vec<u8> {
        SolError::abi_encode(self)
    }
}

impl ContractError for PanicKind {
    fn abi_encode(&self) -> Vec<u8> {
        // Every Solidity panic code fits a byte.
        panic_data(*self as u32 as u8).to_vec()
    }
}

impl ContractError for core::convert::Infallible {
    fn abi_encode(&self) -> Vec<u8> {
        match *self {}
    }
}

impl ContractError for CallError {
    /// The callee's revert data if it reverted (Solidity bubbles it up);
    /// empty for a failed call, a call to an account without code, or return
    /// data that does not decode (as Solidity reverts in those cases).
    fn abi_encode(&self) -> Vec<u8> {
        match self {
            CallError::Revert(data) => data.clone(),
            CallError::Failure | CallError::NoCode | CallError::Decode => Vec::new(),
        }
    }
}

/// Revert data given as raw bytes (already encoded, or deliberately empty).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct RawRevert(pub Vec<u8>);

impl ContractError for RawRevert {
    fn abi_encode(&self) -> Vec<u8> {
        self.0.clone()
    }
}

/// `Error(string)` revert data for `message`.
pub fn encode_error_string(message: &str) -> Vec<u8> {
    // The same layout as `Revert::abi_encode`, without copying the message
    // into a `String` first.
    let padded = message.len().div_ceil(32) * 32;
    let mut out = Vec::with_capacity(4 + 64 + padded);
    out.extend_from_slice(&ERROR_SELECTOR);
    out.extend_from_slice(&word_of_usize(32));
    out.extend_from_slice(&word_of_usize(message.len()));
    out.extend_from_slice(message.as_bytes());
    out.resize(4 + 64 + padded, 0);
    out
}

/// `Panic(uint256)` revert data for a one-byte panic code, built at compile
/// time (the panic handler and the allocator use it without allocating).
pub const fn panic_data(code: u8) -> [u8; 36] {
    let mut out = [0u8; 36];
    out[0] = PANIC_SELECTOR[0];
    out[1] = PANIC_SELECTOR[1];
    out[2] = PANIC_SELECTOR[2];
    out[3] = PANIC_SELECTOR[3];
    out[35] = code;
    out
}

/// Decodes `Error(string)` revert data into its message.
pub fn decode_error_string(data: &[u8]) -> Option<String> {
    Revert::abi_decode(data).ok().map(|r| r.reason)
}

/// Decodes `Panic(uint256)` revert data into its code (`None` for a code
/// above `u64::MAX`, which Solidity never uses).
pub fn decode_panic(data: &[u8]) -> Option<u64> {
    let panic = Panic::abi_decode(data).ok()?;
    u64::try_from(panic.code).ok()
}

fn word_of_usize(n: usize) -> [u8; 32] {
    let mut word = [0u8; 32];
    word[24..].copy_from_slice(&(n as u64).to_be_bytes());
    word
}

/// Sets the frame's result (return or revert data): host `write_result`.
pub(crate) fn write_result(data: &[u8]) {
    // SAFETY: reads `data.len()` bytes from `data`.
    unsafe { sys::write_result(data.as_ptr(), data.len()) };
}

/// Ends the frame with `status` and the data last written. Never returns.
pub(crate) fn exit(status: EntrypointStatus) -> ! {
    // SAFETY: takes no pointers; the host ends the frame and never returns
    // here.
    unsafe { sys::exit_early(status.to_raw() as u32) };
    // The host does not return from `exit_early`; should it ever, trap.
    #[cfg(target_arch = "wasm32")]
    core::arch::wasm32::unreachable();
    #[cfg(not(target_arch = "wasm32"))]
    unreachable!("exit_early returned");
}

/// Reverts the frame at once with `data` as revert data: Solidity
/// `revert(...)` with pre-encoded data (assembly `revert(p, n)`).
pub fn revert(data: &[u8]) -> ! {
    write_result(data);
    exit(EntrypointStatus::Revert)
}

/// Reverts the frame at once with `error`'s encoding.
pub fn revert_with<E: ContractError + ?Sized>(error: &E) -> ! {
    revert(&error.abi_encode())
}

/// Reverts with `Error(message)` unless `condition` holds: Solidity
/// `require(condition, message)`.
#[inline]
pub fn require(condition: bool, message: &str) {
    if !condition {
        revert(&encode_error_string(message))
    }
}

/// Ends the frame at once with success and `data` as return data (assembly
/// `return(p, n)`). Storage writes and logs so far are kept.
pub fn finish(data: &[u8]) -> ! {
    write_result(data);
    exit(EntrypointStatus::Success)
}

/// Unwraps a result or reverts the frame with the error's encoding.
///
/// With a [`CallError`] this bubbles the callee's revert data up, as a
/// Solidity high-level call does: `token.transfer(to, amount).or_revert()`.
pub trait OrRevert<T> {
    /// The `Ok` value, or a revert with the error's [`ContractError`] encoding.
    fn or_revert(self) -> T;
}

impl<T, E: ContractError> OrRevert<T> for Result<T, E> {
    #[inline]
    fn or_revert(self) -> T {
        match self {
            Ok(value) => value,
            Err(error) => revert_with(&error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    #[test]
    fn error_string_matches_solidity() {
        // `revert("ERC20: insufficient allowance")` from solc 0.8.
        let data = encode_error_string("ERC20: insufficient allowance");
        let expected = hex::decode(concat!(
            "08c379a0",
            "0000000000000000000000000000000000000000000000000000000000000020",
            "000000000000000000000000000000000000000000000000000000000000001d",
            "45524332303a20696e73756666696369656e7420616c6c6f77616e6365000000",
        ))
        .unwrap();
        assert_eq!(data, expected);
        assert_eq!(data, ContractError::abi_encode(&Revert::from("ERC20: insufficient allowance")));
        assert_eq!(decode_error_string(&data).as_deref(), Some("ERC20: insufficient allowance"));
        // Empty message: selector, offset, zero length.
        assert_eq!(encode_error_string("").len(), 4 + 64);
        assert_eq!(decode_error_string(&encode_error_string("")).as_deref(), Some(""));
    }

    #[test]
    fn panic_data_matches_solidity() {
        let expected = hex::decode(concat!(
            "4e487b71",
            "0000000000000000000000000000000000000000000000000000000000000011",
        ))
        .unwrap();
        assert_eq!(panic_data(0x11).to_vec(), expected);
        assert_eq!(PanicKind::UnderOverflow.abi_encode(), expected);
        assert_eq!(decode_panic(&expected), Some(0x11));
        assert_eq!(decode_panic(&encode_error_string("x")), None);
    }

    #[test]
    fn call_errors_bubble_revert_data_only() {
        assert_eq!(CallError::Revert(vec![1, 2, 3]).abi_encode(), vec![1, 2, 3]);
        assert!(CallError::Failure.abi_encode().is_empty());
        assert!(CallError::Decode.abi_encode().is_empty());
        assert_eq!(RawRevert(vec![9]).abi_encode(), vec![9]);
        assert_eq!(<&str as ContractError>::ABI_ENTRIES, "");
    }
}
