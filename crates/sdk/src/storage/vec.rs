//! `StorageVec<T>`: Solidity's dynamic storage array `T[]`.

use super::{data_slot, load, store, StorageHandle, StorageItem, StorageMut, StorageRef};
use super::{StorageValue, StorageWord};
use crate::word::add;
use alloy_primitives::B256;
use alloy_sol_types::PanicKind;
use core::marker::PhantomData;

/// Solidity's `T[] storage`: the length at the array's slot, element `i` at
/// `keccak256(slot) + i × slots(T)`. Elements are not packed (a `u8[]` takes
/// one slot per element, where solc packs 32).
pub struct StorageVec<T> {
    slot: B256,
    _element: PhantomData<fn() -> T>,
}

impl<T> StorageHandle for StorageVec<T> {
    const SLOTS: u64 = 1;

    fn at(slot: B256) -> Self {
        Self { slot, _element: PhantomData }
    }
}

impl<T> StorageItem for StorageVec<T> {
    type Handle = Self;
}

impl<T> core::fmt::Debug for StorageVec<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "StorageVec(slot {})", self.slot)
    }
}

impl<T: StorageItem> StorageVec<T> {
    /// The array's slot (holding its length).
    pub fn slot(&self) -> B256 {
        self.slot
    }

    /// The number of elements: `a.length`.
    pub fn len(&self) -> u64 {
        // The SDK only ever stores lengths it counted; a larger word can only
        // be foreign data, read as "full".
        let word = load(self.slot);
        if word[..24].iter().any(|b| *b != 0) {
            u64::MAX
        } else {
            u64::from_slot_word(word)
        }
    }

    /// Whether the array is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn set_len(&mut self, len: u64) {
        store(self.slot, len.to_slot_word());
    }

    /// The first slot of element `index` (not bounds-checked).
    pub fn element_slot(&self, index: u64) -> B256 {
        let stride = u128::from(<T::Handle as StorageHandle>::SLOTS);
        add(&data_slot(self.slot), u128::from(index) * stride)
    }

    /// Read-only handle to element `index`, if it exists.
    pub fn at(&self, index: u64) -> Option<StorageRef<'_, T::Handle>> {
        (index < self.len()).then(|| StorageRef::new(T::Handle::at(self.element_slot(index))))
    }

    /// Writable handle to element `index`, if it exists.
    pub fn at_mut(&mut self, index: u64) -> Option<StorageMut<'_, T::Handle>> {
        (index < self.len()).then(|| StorageMut::new(T::Handle::at(self.element_slot(index))))
    }

    /// Appends a zeroed element and returns a handle to it (Solidity
    /// `a.push()`), for arrays of mappings, arrays or structs.
    pub fn grow(&mut self) -> StorageMut<'_, T::Handle> {
        let len = self.len();
        self.set_len(len.saturating_add(1));
        StorageMut::new(T::Handle::at(self.element_slot(len)))
    }
}

impl<T: StorageItem + StorageValue> StorageVec<T> {
    /// Element `index`, if it exists: `a[index]`.
    pub fn get(&self, index: u64) -> Option<T> {
        (index < self.len()).then(|| T::load(self.element_slot(index)))
    }

    /// Writes element `index`: `a[index] = value`. Out of bounds reverts with
    /// `Panic(0x32)`, as Solidity does.
    pub fn set(&mut self, index: u64, value: T) {
        if index >= self.len() {
            crate::error::revert_with(&PanicKind::ArrayOutOfBounds);
        }
        T::store(self.element_slot(index), &value);
    }

    /// Appends `value`: `a.push(value)`.
    pub fn push(&mut self, value: T) {
        let len = self.len();
        T::store(self.element_slot(len), &value);
        self.set_len(len.saturating_add(1));
    }

    /// Removes and returns the last element, zeroing its slots: `a.pop()`
    /// (which in Solidity reverts with `Panic(0x31)` on an empty array; here
    /// `None`).
    pub fn pop(&mut self) -> Option<T> {
        let len = self.len().checked_sub(1)?;
        let slot = self.element_slot(len);
        let value = T::load(slot);
        T::clear(slot);
        self.set_len(len);
        Some(value)
    }
}
