//! Hashing and signature recovery through the host.
//!
//! Both run natively in the node (keccak for 30 + 6/word gas, ecrecover for
//! 3000), far cheaper than the same code compiled to wasm, and they keep a
//! hash implementation out of every contract.
#![allow(unsafe_code)]

use crate::sys;
use alloy_primitives::{Address, B256};

/// keccak256 of `data`, computed by the host: Solidity `keccak256(data)`.
pub fn keccak256(data: impl AsRef<[u8]>) -> B256 {
    let data = data.as_ref();
    let mut out = B256::ZERO;
    // SAFETY: reads `data.len()` bytes from `data`, writes 32 bytes to `out`.
    unsafe { sys::native_keccak256(data.as_ptr(), data.len(), out.as_mut_ptr()) };
    out
}

/// Recovers the address that signed the 32-byte `hash` with the signature
/// (`v`, `r`, `s`), `v` being 27 or 28: Solidity `ecrecover`. `None` for an
/// invalid signature (where Solidity returns the zero address).
pub fn ecrecover(hash: B256, v: u8, r: B256, s: B256) -> Option<Address> {
    let mut out = Address::ZERO;
    // SAFETY: reads 32 bytes from each of `hash`, `r`, `s`; writes at most 20
    // bytes to `out`.
    let ok = unsafe {
        sys::ecrecover(hash.as_ptr(), u32::from(v), r.as_ptr(), s.as_ptr(), out.as_mut_ptr())
    };
    (ok == 1).then_some(out)
}
