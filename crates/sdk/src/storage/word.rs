//! Value types stored in one slot, and their mapping-key encoding.

use super::{load, store, MappingKey, Storage, StorageItem, StorageValue};
use crate::abi::AbiWord;
use crate::crypto::keccak256;
use crate::word::{from_word, to_word};
use alloy_primitives::{Address, FixedBytes, B256, I256, U256};

/// A value that fits one 32-byte slot, stored as Solidity stores it alone
/// in a slot: low-order aligned, signed integers as their N-bit two's
/// complement, upper bytes zero. (Its *ABI* word, which is the `pad32(key)`
/// of a mapping key, is [`AbiWord`](crate::abi::AbiWord).)
pub trait StorageWord: Sized {
    /// The slot word.
    fn to_slot_word(&self) -> B256;
    /// Reads a slot word (bits beyond the type's width are ignored, as solc's
    /// cleanup does).
    fn from_slot_word(word: B256) -> Self;
}

/// The low `N` bytes of a word.
fn low<const N: usize>(word: &B256) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&word[32 - N..]);
    out
}

/// A word whose low bytes are `bytes`, the rest `fill`.
fn word_with_low(bytes: &[u8], fill: u8) -> B256 {
    let mut word = B256::repeat_byte(fill);
    word[32 - bytes.len()..].copy_from_slice(bytes);
    word
}

impl StorageWord for bool {
    fn to_slot_word(&self) -> B256 {
        word_with_low(&[u8::from(*self)], 0)
    }
    fn from_slot_word(word: B256) -> Self {
        word[31] != 0
    }
}

impl StorageWord for Address {
    fn to_slot_word(&self) -> B256 {
        self.into_word()
    }
    fn from_slot_word(word: B256) -> Self {
        Address::from_word(word)
    }
}

impl StorageWord for U256 {
    fn to_slot_word(&self) -> B256 {
        to_word(self)
    }
    fn from_slot_word(word: B256) -> Self {
        from_word(&word)
    }
}

impl StorageWord for I256 {
    fn to_slot_word(&self) -> B256 {
        to_word(&self.into_raw())
    }
    fn from_slot_word(word: B256) -> Self {
        I256::from_raw(from_word(&word))
    }
}

macro_rules! unsigned_words {
    ($($t:ty),*) => {$(
        impl StorageWord for $t {
            fn to_slot_word(&self) -> B256 {
                word_with_low(&self.to_be_bytes(), 0)
            }
            fn from_slot_word(word: B256) -> Self {
                <$t>::from_be_bytes(low(&word))
            }
        }
    )*};
}
unsigned_words!(u8, u16, u32, u64, u128);

macro_rules! signed_words {
    ($($t:ty),*) => {$(
        impl StorageWord for $t {
            fn to_slot_word(&self) -> B256 {
                word_with_low(&self.to_be_bytes(), 0)
            }
            fn from_slot_word(word: B256) -> Self {
                <$t>::from_be_bytes(low(&word))
            }
        }
    )*};
}
signed_words!(i8, i16, i32, i64, i128);

impl<const N: usize> StorageWord for FixedBytes<N> {
    fn to_slot_word(&self) -> B256 {
        const { assert!(N >= 1 && N <= 32, "bytesN needs 1 <= N <= 32") };
        word_with_low(self.as_slice(), 0)
    }
    fn from_slot_word(word: B256) -> Self {
        const { assert!(N >= 1 && N <= 32, "bytesN needs 1 <= N <= 32") };
        FixedBytes(low(&word))
    }
}

/// `keccak256(pad32(key) ‖ slot)`, hashed from a stack buffer.
#[inline(never)]
pub(super) fn word_key_slot(key: B256, slot: B256) -> B256 {
    let mut preimage = [0u8; 64];
    preimage[..32].copy_from_slice(key.as_slice());
    preimage[32..].copy_from_slice(slot.as_slice());
    keccak256(preimage)
}

macro_rules! word_values {
    ($($t:ty),*) => {$(
        impl StorageValue for $t {
            fn load(slot: B256) -> Self {
                <$t as StorageWord>::from_slot_word(load(slot))
            }
            fn store(slot: B256, value: &Self) {
                store(slot, value.to_slot_word());
            }
            fn clear(slot: B256) {
                store(slot, B256::ZERO);
            }
        }

        impl StorageItem for $t {
            type Handle = Storage<$t>;
        }

        impl MappingKey for $t {
            fn mapping_slot(&self, slot: B256) -> B256 {
                word_key_slot(self.to_abi_word(), slot)
            }
        }
    )*};
}
word_values!(bool, Address, U256, I256, u8, u16, u32, u64, u128, i8, i16, i32, i64, i128);

impl<const N: usize> StorageValue for FixedBytes<N> {
    fn load(slot: B256) -> Self {
        Self::from_slot_word(load(slot))
    }
    fn store(slot: B256, value: &Self) {
        store(slot, value.to_slot_word());
    }
    fn clear(slot: B256) {
        store(slot, B256::ZERO);
    }
}

impl<const N: usize> StorageItem for FixedBytes<N> {
    type Handle = Storage<FixedBytes<N>>;
}

impl<const N: usize> MappingKey for FixedBytes<N> {
    fn mapping_slot(&self, slot: B256) -> B256 {
        word_key_slot(self.to_abi_word(), slot)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, b256, fixed_bytes};

    #[test]
    fn slot_words_are_low_order_aligned() {
        assert_eq!(
            true.to_slot_word(),
            b256!("0000000000000000000000000000000000000000000000000000000000000001")
        );
        assert_eq!(
            0x1234u16.to_slot_word(),
            b256!("0000000000000000000000000000000000000000000000000000000000001234")
        );
        // int8 -1 is stored as its 8-bit two's complement; as a key it is sign-extended.
        assert_eq!(
            (-1i8).to_slot_word(),
            b256!("00000000000000000000000000000000000000000000000000000000000000ff")
        );
        assert_eq!((-1i8).to_abi_word(), B256::repeat_byte(0xff));
        assert_eq!(i8::from_slot_word((-1i8).to_slot_word()), -1);
        assert_eq!(i64::from_slot_word((-5i64).to_slot_word()), -5);
        let b4 = fixed_bytes!("aabbccdd");
        assert_eq!(
            b4.to_slot_word(),
            b256!("00000000000000000000000000000000000000000000000000000000aabbccdd")
        );
        assert_eq!(
            b4.to_abi_word(),
            b256!("aabbccdd00000000000000000000000000000000000000000000000000000000")
        );
        assert_eq!(FixedBytes::<4>::from_slot_word(b4.to_slot_word()), b4);
        let a = address!("00000000000000000000000000000000deadbeef");
        assert_eq!(Address::from_slot_word(a.to_slot_word()), a);
        assert_eq!(I256::from_slot_word(I256::MINUS_ONE.to_slot_word()), I256::MINUS_ONE);
        // Dirty upper bits are ignored on read, as solc's cleanup does.
        assert_eq!(u8::from_slot_word(B256::repeat_byte(0x12)), 0x12);
        assert!(bool::from_slot_word(B256::repeat_byte(0x02)));
    }
}
