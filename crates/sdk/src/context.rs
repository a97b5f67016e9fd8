//! Safe wrappers over the context host functions: the message, the
//! transaction, the block, this contract and other accounts.
//!
//! Each is one host call (2 gas, plus EIP-2929 account access for the
//! [`account`] queries); none is cached, so a value read twice is asked for
//! twice.
#![allow(unsafe_code)]

use crate::sys;
use alloy_primitives::{Address, B256, U256};

/// Reads a 20-byte address that `getter` writes through its pointer.
#[inline]
fn read_address(getter: impl FnOnce(*mut u8)) -> Address {
    let mut out = Address::ZERO;
    getter(out.as_mut_ptr());
    out
}

/// Reads a 32-byte word that `getter` writes through its pointer.
#[inline]
fn read_word(getter: impl FnOnce(*mut u8)) -> B256 {
    let mut out = B256::ZERO;
    getter(out.as_mut_ptr());
    out
}

/// The current message (call frame): Solidity's `msg`.
pub mod msg {
    use super::*;

    /// The caller of this frame: Solidity `msg.sender`, EVM `CALLER`.
    pub fn sender() -> Address {
        read_address(|dest| {
            // SAFETY: `msg_sender` writes exactly 20 bytes to `dest`, which points to a
            // 20-byte buffer.
            unsafe { sys::msg_sender(dest) }
        })
    }

    /// The value (wei) sent with this frame: Solidity `msg.value`, EVM `CALLVALUE`.
    #[inline(never)]
    pub fn value() -> U256 {
        crate::word::from_word(&read_word(|dest| {
            // SAFETY: `msg_value` writes exactly 32 bytes to `dest`, which points to a
            // 32-byte buffer.
            unsafe { sys::msg_value(dest) }
        }))
    }
}

/// The transaction: Solidity's `tx` plus the gas left (`gasleft()`).
pub mod tx {
    use super::*;

    /// The transaction's sender (an externally owned account): `tx.origin`.
    pub fn origin() -> Address {
        read_address(|dest| {
            // SAFETY: `tx_origin` writes exactly 20 bytes to `dest`, which points to a
            // 20-byte buffer.
            unsafe { sys::tx_origin(dest) }
        })
    }

    /// The effective gas price of the transaction, in wei: `tx.gasprice`.
    pub fn gas_price() -> U256 {
        crate::word::from_word(&read_word(|dest| {
            // SAFETY: `tx_gas_price` writes exactly 32 bytes to `dest`, which points to a
            // 32-byte buffer.
            unsafe { sys::tx_gas_price(dest) }
        }))
    }

    /// Gas left in this frame after paying for this call: `gasleft()`.
    pub fn gas_left() -> u64 {
        // SAFETY: takes no pointers.
        unsafe { sys::evm_gas_left() }
    }
}

/// The block being built: Solidity's `block`.
pub mod block {
    use super::*;

    /// The block number: `block.number`.
    pub fn number() -> u64 {
        // SAFETY: takes no pointers.
        unsafe { sys::block_number() }
    }

    /// The block timestamp, seconds since the Unix epoch: `block.timestamp`.
    pub fn timestamp() -> u64 {
        // SAFETY: takes no pointers.
        unsafe { sys::block_timestamp() }
    }

    /// The block's beneficiary: `block.coinbase`.
    pub fn coinbase() -> Address {
        read_address(|dest| {
            // SAFETY: `block_coinbase` writes exactly 20 bytes to `dest`, which points to a
            // 20-byte buffer.
            unsafe { sys::block_coinbase(dest) }
        })
    }

    /// The block gas limit: `block.gaslimit`.
    pub fn gas_limit() -> u64 {
        // SAFETY: takes no pointers.
        unsafe { sys::block_gas_limit() }
    }

    /// The EIP-1559 base fee, in wei: `block.basefee`.
    pub fn basefee() -> U256 {
        crate::word::from_word(&read_word(|dest| {
            // SAFETY: `block_basefee` writes exactly 32 bytes to `dest`, which points to a
            // 32-byte buffer.
            unsafe { sys::block_basefee(dest) }
        }))
    }

    /// The block's randomness beacon output: `block.prevrandao`.
    pub fn prevrandao() -> B256 {
        read_word(|dest| {
            // SAFETY: `block_prevrandao` writes exactly 32 bytes to `dest`, which points to a
            // 32-byte buffer.
            unsafe { sys::block_prevrandao(dest) }
        })
    }

    /// The chain id: `block.chainid`.
    pub fn chain_id() -> u64 {
        // SAFETY: takes no pointers.
        unsafe { sys::chainid() }
    }
}

/// This contract: Solidity's `address(this)` (re-exported as `basalt_sdk::this`).
pub mod this {
    use super::*;

    /// This contract's address: `address(this)`.
    pub fn address() -> Address {
        read_address(|dest| {
            // SAFETY: `contract_address` writes exactly 20 bytes to `dest`, which points to a
            // 20-byte buffer.
            unsafe { sys::contract_address(dest) }
        })
    }

    /// This contract's balance in wei (including `msg.value` of the current
    /// call): `address(this).balance`.
    pub fn balance() -> U256 {
        super::account::balance(address())
    }
}

/// Other accounts. Each query pays EIP-2929 account access (2600 gas cold,
/// 100 warm).
pub mod account {
    use super::*;

    /// The balance of `account` in wei: `account.balance`.
    pub fn balance(account: Address) -> U256 {
        let mut out = B256::ZERO;
        // SAFETY: reads 20 bytes from `account`, writes 32 bytes to `out`.
        unsafe { sys::account_balance(account.as_ptr(), out.as_mut_ptr()) };
        crate::word::from_word(&out)
    }

    /// The size of `account`'s code (its wasm module) in bytes:
    /// `account.code.length`.
    pub fn code_size(account: Address) -> u32 {
        // SAFETY: reads 20 bytes from `account`.
        unsafe { sys::account_code_size(account.as_ptr()) }
    }

    /// Whether `account` has code (is a contract, and not one being created).
    pub fn has_code(account: Address) -> bool {
        code_size(account) != 0
    }

    /// The keccak256 of `account`'s code; zero for an account that does not
    /// exist (EIP-1052): `account.codehash`.
    pub fn codehash(account: Address) -> B256 {
        let mut out = B256::ZERO;
        // SAFETY: reads 20 bytes from `account`, writes 32 bytes to `out`.
        unsafe { sys::account_codehash(account.as_ptr(), out.as_mut_ptr()) };
        out
    }
}
