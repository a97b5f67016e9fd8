//! Contract storage, laid out as Solidity lays it out.
//!
//! A contract's storage is 2²⁵⁶ slots of 32 bytes. The SDK assigns them like
//! solc does, with one difference:
//!
//! - **Fields** of a `#[basalt_sdk::contract]` or `#[basalt_sdk::storage]`
//!   struct take consecutive slots from 0 (or from the struct's own slot) in
//!   declaration order. **No packing**: every field starts a new slot, even a
//!   `bool` or `u8` that solc would pack next to its neighbour. A value alone
//!   in its slot has exactly solc's representation (low-order aligned: an
//!   `address` in the low 20 bytes, a `bytes4` in the low 4, an `int8` as its
//!   8-bit two's complement), so `eth_getStorageAt` reads what a Solidity
//!   contract with one variable per slot would store.
//! - **Mappings** ([`Mapping`]): the value for `key` of a mapping at slot `p`
//!   is at `keccak256(pad32(key) ‖ p)`, with `pad32` the key's ABI word
//!   (integers and addresses left-padded, signed integers sign-extended,
//!   `bytesN` right-padded); `string`/`bytes` keys are hashed unpadded:
//!   `keccak256(key ‖ p)`. Mappings nest (`Mapping<A, Mapping<B, V>>`), and a
//!   value may be a `#[storage]` struct, whose fields then start at the
//!   derived slot.
//! - **Dynamic arrays** ([`StorageVec`]): length at `p`, element `i` at
//!   `keccak256(p) + i × (slots per element)`; elements are not packed either.
//! - **`string` / `bytes`** ([`Storage<String>`](Storage), [`Storage<Bytes>`](Storage)):
//!   solc's short/long layout. Up to 31 bytes live in the slot itself (data
//!   left-aligned, `2 × len` in the lowest byte); longer values store
//!   `2 × len + 1` in the slot and the data from `keccak256(p)` on.
//!
//! Hashing goes through the host (`native_keccak256`). Every `get` is an
//! SLOAD and every `set` an SSTORE: nothing is cached, so gas is what a
//! Solidity contract pays for the same accesses.
//!
//! # Handles and borrows
//!
//! Fields are *handles* (a slot number and a type) implementing
//! [`StorageHandle`]. Writing takes `&mut self`, so a `&self` (view) method
//! cannot write storage through them: [`Mapping::at`] and [`StorageVec::at`]
//! give read-only [`StorageRef`]s, [`Mapping::at_mut`] and
//! [`StorageVec::at_mut`] writable [`StorageMut`]s.

#![allow(unsafe_code)]

mod bytes;
mod mapping;
mod vec;
mod word;

pub use mapping::{Mapping, MappingKey};
pub use vec::StorageVec;
pub use word::StorageWord;

use crate::sys;
use alloy_primitives::B256;
use core::marker::PhantomData;
use core::ops::{Deref, DerefMut};

/// Reads the 32-byte word at `slot` of this contract's storage: EVM `SLOAD`
/// (2100 gas cold, 100 warm).
// Not inlined (nor are `store`, `data_slot` and the key hashing): the
// U256 <-> bytes conversions inside are a few hundred bytes of wasm each, and
// a contract reaches storage from dozens of places.
#[inline(never)]
pub fn load(slot: B256) -> B256 {
    let mut out = B256::ZERO;
    // SAFETY: reads 32 bytes from `slot`, writes 32 bytes to `out`.
    unsafe { sys::storage_load_bytes32(slot.as_ptr(), out.as_mut_ptr()) };
    out
}

/// Writes the 32-byte word at `slot`: EVM `SSTORE`. Fails the frame in a
/// static call.
#[inline(never)]
pub fn store(slot: B256, value: B256) {
    // SAFETY: reads 32 bytes from each of `slot` and `value`.
    unsafe { sys::storage_store_bytes32(slot.as_ptr(), value.as_ptr()) };
}

/// The first data slot of a dynamic array or long byte string at `slot`:
/// `keccak256(slot)`.
#[inline(never)]
pub fn data_slot(slot: B256) -> B256 {
    crate::crypto::keccak256(slot)
}

/// Slot number `n` as a slot key (`slot(4)` is Solidity's slot 4).
pub fn slot(n: u64) -> B256 {
    crate::word::add(&B256::ZERO, u128::from(n))
}

/// `slot + n`: the slot `n` places after `slot` (mod 2²⁵⁶).
pub fn slot_add(slot: B256, n: u64) -> B256 {
    crate::word::add(&slot, u128::from(n))
}

/// A typed view of storage starting at a slot: a field of a contract.
///
/// Implemented by [`Storage`], [`Mapping`], [`StorageVec`] and every
/// `#[basalt_sdk::storage]` / `#[basalt_sdk::contract]` struct.
pub trait StorageHandle: Sized {
    /// How many consecutive slots the handle occupies (1 for a value, a
    /// mapping or an array; the sum of the fields for a struct).
    const SLOTS: u64;

    /// The handle for storage starting at `slot` (a 32-byte big-endian slot
    /// number, as the host's storage keys are; [`slot`] makes one from a
    /// number).
    fn at(slot: B256) -> Self;
}

/// A type that can be the value of a [`Mapping`] or an element of a
/// [`StorageVec`]: says which handle gives access to it.
///
/// Value types (`U256`, `Address`, `bool`, `u8`…`u128`, `i8`…`I256`,
/// `FixedBytes<N>`) and `String`/`Bytes` are reached through [`Storage`];
/// mappings, arrays and `#[storage]` structs are their own handles.
pub trait StorageItem {
    /// The handle reaching a value of this type.
    type Handle: StorageHandle;
}

/// A value that can be read from and written to storage as a whole.
pub trait StorageValue: Sized {
    /// Reads the value stored at `slot`.
    fn load(slot: B256) -> Self;
    /// Writes `value` at `slot`.
    fn store(slot: B256, value: &Self);
    /// Zeroes every slot the value uses (gas refunds as in the EVM).
    fn clear(slot: B256);
}

/// One value in storage: a `uint256 x;` (or `string s;`) state variable.
pub struct Storage<T> {
    slot: B256,
    _value: PhantomData<fn() -> T>,
}

impl<T> StorageHandle for Storage<T> {
    const SLOTS: u64 = 1;

    fn at(slot: B256) -> Self {
        Self { slot, _value: PhantomData }
    }
}

impl<T> Storage<T> {
    /// The slot the value lives at.
    pub fn slot(&self) -> B256 {
        self.slot
    }
}

impl<T: StorageValue> Storage<T> {
    /// Reads the value.
    pub fn get(&self) -> T {
        T::load(self.slot)
    }

    /// Writes the value.
    pub fn set(&mut self, value: T) {
        T::store(self.slot, &value);
    }

    /// Zeroes the value (Solidity `delete x`).
    pub fn clear(&mut self) {
        T::clear(self.slot);
    }
}

impl<T> core::fmt::Debug for Storage<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Storage(slot {})", self.slot)
    }
}

/// Read-only access to a handle reached through a `&self` borrow
/// ([`Mapping::at`], [`StorageVec::at`]).
pub struct StorageRef<'a, H> {
    handle: H,
    _borrow: PhantomData<&'a ()>,
}

impl<H> StorageRef<'_, H> {
    pub(crate) fn new(handle: H) -> Self {
        Self { handle, _borrow: PhantomData }
    }
}

impl<H> Deref for StorageRef<'_, H> {
    type Target = H;
    fn deref(&self) -> &H {
        &self.handle
    }
}

/// Writable access to a handle reached through a `&mut self` borrow
/// ([`Mapping::at_mut`], [`StorageVec::at_mut`]).
pub struct StorageMut<'a, H> {
    handle: H,
    _borrow: PhantomData<&'a mut ()>,
}

impl<H> StorageMut<'_, H> {
    pub(crate) fn new(handle: H) -> Self {
        Self { handle, _borrow: PhantomData }
    }
}

impl<H> Deref for StorageMut<'_, H> {
    type Target = H;
    fn deref(&self) -> &H {
        &self.handle
    }
}

impl<H> DerefMut for StorageMut<'_, H> {
    fn deref_mut(&mut self) -> &mut H {
        &mut self.handle
    }
}
