//! Calls to other contracts (and value transfers to any account).
//!
//! These are the raw calls, with ABI-encoded calldata in and return data out;
//! `#[basalt_sdk::interface]` generates typed clients on top of them.
//!
//! Gas: `gas` is the most to forward; the host caps it by EIP-150 (all but one
//! 64th of what is left) and adds the 2300 stipend to a call with value, so
//! [`ALL_GAS`] forwards everything allowed. A callee that runs out of gas,
//! traps, or breaks a rule fails the call ([`CallError::Failure`]) without
//! failing the caller: the caller decides, as in the EVM.
#![allow(unsafe_code)]

use crate::sys;
use alloc::vec::Vec;
use alloy_primitives::{Address, U256};
use basalt_vm_abi::CallStatus;
use core::fmt;

/// Forward as much gas as the host allows (EIP-150's 63/64).
pub const ALL_GAS: u64 = u64::MAX;

/// Why a call (or create) did not succeed.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum CallError {
    /// The callee reverted; its revert data (possibly empty).
    Revert(Vec<u8>),
    /// The callee failed: out of gas, trap, static-call violation, call depth,
    /// insufficient balance for the value, or an address collision on create.
    Failure,
    /// A typed call to a function with no return values found no code at the
    /// address (Solidity's `extcodesize` check before such a call).
    NoCode,
    /// The callee succeeded but its return data does not decode as the
    /// declared return type.
    Decode,
}

impl CallError {
    /// The callee's revert data, if it reverted.
    pub fn revert_data(&self) -> Option<&[u8]> {
        match self {
            CallError::Revert(data) => Some(data),
            _ => None,
        }
    }

    /// The callee's `Error(string)` message, if it reverted with one.
    pub fn reason(&self) -> Option<alloc::string::String> {
        self.revert_data().and_then(crate::error::decode_error_string)
    }
}

impl fmt::Display for CallError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::Revert(data) => write!(f, "call reverted ({} bytes of data)", data.len()),
            CallError::Failure => f.write_str("call failed"),
            CallError::NoCode => f.write_str("call to an account without code"),
            CallError::Decode => f.write_str("return data does not decode"),
        }
    }
}

/// The return data of the last call or create made by this frame (empty
/// before any): Solidity `returndata`.
pub fn return_data() -> Vec<u8> {
    // SAFETY: takes no pointers.
    let len = unsafe { sys::return_data_size() };
    read_return_data(len)
}

/// Copies the first `len` bytes of the last return data.
pub(crate) fn read_return_data(len: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(len as usize);
    // SAFETY: writes at most `len` bytes (the host clamps to what exists and
    // returns the count) into `out`'s spare capacity of `len` bytes; `set_len`
    // then exposes exactly the bytes written.
    unsafe {
        let copied = sys::read_return_data(out.as_mut_ptr(), 0, len);
        out.set_len(copied.min(len) as usize);
    }
    out
}

/// Turns a host call status and return-data length into the call's result.
fn finish_call(status: u32, return_len: u32) -> Result<Vec<u8>, CallError> {
    match CallStatus::from_raw(status) {
        Some(CallStatus::Success) => Ok(read_return_data(return_len)),
        Some(CallStatus::Revert) => Err(CallError::Revert(read_return_data(return_len))),
        Some(CallStatus::Failure) | None => Err(CallError::Failure),
    }
}

/// Calls `to` with `calldata` and `value` wei, forwarding at most `gas`:
/// EVM `CALL`. Returns the callee's return data.
pub fn call(to: Address, calldata: &[u8], value: U256, gas: u64) -> Result<Vec<u8>, CallError> {
    let value = crate::word::to_word(&value);
    let mut return_len = 0u32;
    // SAFETY: reads 20 bytes from `to`, `calldata.len()` from `calldata`, 32
    // from `value`; writes a u32 to `return_len`.
    let status = unsafe {
        sys::call_contract(
            to.as_ptr(),
            calldata.as_ptr(),
            calldata.len(),
            value.as_ptr(),
            gas,
            (&mut return_len as *mut u32).cast(),
        )
    };
    finish_call(status, u32::from_le(return_len))
}

/// Calls `to` with `calldata` in a read-only frame (any state change fails
/// the callee): EVM `STATICCALL`.
pub fn static_call(to: Address, calldata: &[u8], gas: u64) -> Result<Vec<u8>, CallError> {
    let mut return_len = 0u32;
    // SAFETY: reads 20 bytes from `to`, `calldata.len()` from `calldata`;
    // writes a u32 to `return_len`.
    let status = unsafe {
        sys::static_call_contract(
            to.as_ptr(),
            calldata.as_ptr(),
            calldata.len(),
            gas,
            (&mut return_len as *mut u32).cast(),
        )
    };
    finish_call(status, u32::from_le(return_len))
}

/// Runs `to`'s code on this contract's storage, balance, sender and value:
/// EVM `DELEGATECALL`.
pub fn delegate_call(to: Address, calldata: &[u8], gas: u64) -> Result<Vec<u8>, CallError> {
    let mut return_len = 0u32;
    // SAFETY: reads 20 bytes from `to`, `calldata.len()` from `calldata`;
    // writes a u32 to `return_len`.
    let status = unsafe {
        sys::delegate_call_contract(
            to.as_ptr(),
            calldata.as_ptr(),
            calldata.len(),
            gas,
            (&mut return_len as *mut u32).cast(),
        )
    };
    finish_call(status, u32::from_le(return_len))
}

/// Sends `value` wei to `to` with empty calldata, forwarding all gas (the
/// recipient's `receive`/fallback runs, if it is a contract): OpenZeppelin's
/// `Address.sendValue`. Guard state changes against reentrancy.
pub fn send_value(to: Address, value: U256) -> Result<(), CallError> {
    call(to, &[], value, ALL_GAS).map(drop)
}
