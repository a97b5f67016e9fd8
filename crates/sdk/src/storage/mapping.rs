//! `Mapping<K, V>`: Solidity's `mapping(K => V)`.

use super::{StorageHandle, StorageItem, StorageMut, StorageRef, StorageValue};
use crate::crypto::keccak256;
use alloc::string::String;
use alloc::vec::Vec;
use alloy_primitives::{Bytes, B256};
use core::borrow::Borrow;
use core::marker::PhantomData;

/// A type usable as a mapping key: knows the slot of its value.
///
/// Value types hash their ABI word: `keccak256(pad32(key) ‖ slot)`;
/// `String`/`Bytes` hash their bytes unpadded: `keccak256(key ‖ slot)`.
pub trait MappingKey {
    /// The slot of this key's value in a mapping at `slot`.
    fn mapping_slot(&self, slot: B256) -> B256;
}

fn bytes_key_slot(key: &[u8], slot: B256) -> B256 {
    let mut preimage = Vec::with_capacity(key.len() + 32);
    preimage.extend_from_slice(key);
    preimage.extend_from_slice(slot.as_slice());
    keccak256(&preimage)
}

impl MappingKey for String {
    fn mapping_slot(&self, slot: B256) -> B256 {
        bytes_key_slot(self.as_bytes(), slot)
    }
}

impl MappingKey for Bytes {
    fn mapping_slot(&self, slot: B256) -> B256 {
        bytes_key_slot(self, slot)
    }
}

/// Solidity's `mapping(K => V)` at one slot (which itself stays zero).
///
/// `V` is a value type, `String`/`Bytes`, another `Mapping`, a
/// [`StorageVec`](super::StorageVec) or a `#[storage]` struct. Every key is
/// present, holding zero until written.
pub struct Mapping<K, V> {
    slot: B256,
    _types: PhantomData<fn() -> (K, V)>,
}

impl<K, V> StorageHandle for Mapping<K, V> {
    const SLOTS: u64 = 1;

    fn at(slot: B256) -> Self {
        Self { slot, _types: PhantomData }
    }
}

impl<K, V> StorageItem for Mapping<K, V> {
    type Handle = Self;
}

impl<K, V> core::fmt::Debug for Mapping<K, V> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Mapping(slot {})", self.slot)
    }
}

impl<K: MappingKey, V: StorageItem> Mapping<K, V> {
    /// The mapping's own slot.
    pub fn slot(&self) -> B256 {
        self.slot
    }

    /// The slot where `key`'s value starts: `keccak256(pad32(key) ‖ slot)`.
    pub fn slot_of(&self, key: impl Borrow<K>) -> B256 {
        key.borrow().mapping_slot(self.slot)
    }

    /// Read-only handle to `key`'s value (a nested mapping, an array, a
    /// struct, or a single value).
    pub fn at(&self, key: impl Borrow<K>) -> StorageRef<'_, V::Handle> {
        StorageRef::new(V::Handle::at(self.slot_of(key)))
    }

    /// Writable handle to `key`'s value.
    pub fn at_mut(&mut self, key: impl Borrow<K>) -> StorageMut<'_, V::Handle> {
        StorageMut::new(V::Handle::at(self.slot_of(key)))
    }
}

impl<K: MappingKey, V: StorageValue + StorageItem> Mapping<K, V> {
    /// Reads `key`'s value: `m[key]`.
    pub fn get(&self, key: impl Borrow<K>) -> V {
        V::load(self.slot_of(key))
    }

    /// Writes `key`'s value: `m[key] = value`.
    pub fn set(&mut self, key: impl Borrow<K>, value: V) {
        V::store(self.slot_of(key), &value);
    }

    /// Zeroes `key`'s value: `delete m[key]`.
    pub fn clear(&mut self, key: impl Borrow<K>) {
        V::clear(self.slot_of(key));
    }
}
