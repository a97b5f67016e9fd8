//! One-word ABI values: the fast path of the dispatcher.
//!
//! Most contract methods take and return only value types (`address`,
//! `uintN`, `intN`, `bool`, `bytesN`), each one 32-byte word of calldata or
//! return data. For those, `#[methods]` and `#[interface]` generate code
//! that reads and writes the words directly through [`AbiWord`], with
//! exactly the validation `alloy_sol_types` (and Solidity) apply: an
//! `address` with dirty upper bytes, a `bool` other than 0/1, a `uint8` above
//! 255 or an `int8` that is not sign-extended is rejected. Everything else
//! (strings, bytes, arrays, tuples) goes through `alloy_sol_types`.
//! Measured on the token: the word path is ~4 KB smaller than the generic
//! codec instantiated once per method signature.

use crate::word::{from_word, to_word};
use alloc::vec::Vec;
use alloy_primitives::{Address, FixedBytes, B256, I256, U256};

/// A Solidity value type: ABI-encoded as one 32-byte word.
pub trait AbiWord: Sized {
    /// The ABI encoding: integers and addresses left-padded, signed integers
    /// sign-extended, `bytesN` left-aligned (right-padded), `bool` 0/1.
    fn to_abi_word(&self) -> B256;

    /// Decodes an ABI word, `None` if it is not a clean encoding of this type.
    fn from_abi_word(word: &B256) -> Option<Self>;
}

fn zeros(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| *b == 0)
}

/// A word whose low bytes are `bytes` and the others `fill`.
fn padded(bytes: &[u8], fill: u8) -> B256 {
    let mut word = B256::repeat_byte(fill);
    word[32 - bytes.len()..].copy_from_slice(bytes);
    word
}

impl AbiWord for bool {
    fn to_abi_word(&self) -> B256 {
        padded(&[u8::from(*self)], 0)
    }
    fn from_abi_word(word: &B256) -> Option<Self> {
        match (zeros(&word[..31]), word[31]) {
            (true, 0) => Some(false),
            (true, 1) => Some(true),
            _ => None,
        }
    }
}

impl AbiWord for Address {
    fn to_abi_word(&self) -> B256 {
        self.into_word()
    }
    fn from_abi_word(word: &B256) -> Option<Self> {
        zeros(&word[..12]).then(|| Address::from_word(*word))
    }
}

impl AbiWord for U256 {
    fn to_abi_word(&self) -> B256 {
        to_word(self)
    }
    fn from_abi_word(word: &B256) -> Option<Self> {
        Some(from_word(word))
    }
}

impl AbiWord for I256 {
    fn to_abi_word(&self) -> B256 {
        to_word(&self.into_raw())
    }
    fn from_abi_word(word: &B256) -> Option<Self> {
        Some(I256::from_raw(from_word(word)))
    }
}

macro_rules! unsigned {
    ($($t:ty),*) => {$(
        impl AbiWord for $t {
            fn to_abi_word(&self) -> B256 {
                padded(&self.to_be_bytes(), 0)
            }
            fn from_abi_word(word: &B256) -> Option<Self> {
                const N: usize = core::mem::size_of::<$t>();
                if !zeros(&word[..32 - N]) {
                    return None;
                }
                let mut bytes = [0u8; N];
                bytes.copy_from_slice(&word[32 - N..]);
                Some(<$t>::from_be_bytes(bytes))
            }
        }
    )*};
}
unsigned!(u8, u16, u32, u64, u128);

macro_rules! signed {
    ($($t:ty),*) => {$(
        impl AbiWord for $t {
            fn to_abi_word(&self) -> B256 {
                padded(&self.to_be_bytes(), if *self < 0 { 0xff } else { 0 })
            }
            fn from_abi_word(word: &B256) -> Option<Self> {
                const N: usize = core::mem::size_of::<$t>();
                let fill = if word[32 - N] & 0x80 != 0 { 0xff } else { 0 };
                if !word[..32 - N].iter().all(|b| *b == fill) {
                    return None;
                }
                let mut bytes = [0u8; N];
                bytes.copy_from_slice(&word[32 - N..]);
                Some(<$t>::from_be_bytes(bytes))
            }
        }
    )*};
}
signed!(i8, i16, i32, i64, i128);

impl<const N: usize> AbiWord for FixedBytes<N> {
    fn to_abi_word(&self) -> B256 {
        const { assert!(N >= 1 && N <= 32, "bytesN needs 1 <= N <= 32") };
        let mut word = B256::ZERO;
        word[..N].copy_from_slice(self.as_slice());
        word
    }
    fn from_abi_word(word: &B256) -> Option<Self> {
        const { assert!(N >= 1 && N <= 32, "bytesN needs 1 <= N <= 32") };
        if !zeros(&word[N..]) {
            return None;
        }
        let mut bytes = [0u8; N];
        bytes.copy_from_slice(&word[..N]);
        Some(FixedBytes(bytes))
    }
}

/// The `index`-th word of `data`, if `data` is long enough.
#[inline(never)]
pub fn word_at(data: &[u8], index: usize) -> Option<B256> {
    let start = index.checked_mul(32)?;
    data.get(start..start.checked_add(32)?).map(B256::from_slice)
}

/// Return data made of the given words.
pub fn words(words: &[B256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(words.len() * 32);
    for word in words {
        out.extend_from_slice(word.as_slice());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::{address, b256, fixed_bytes};
    use alloy_sol_types::{sol_data, SolType};

    /// The word codec agrees with alloy-sol-types on every value type, both
    /// ways, including what it rejects.
    #[test]
    fn agrees_with_alloy_sol_types() {
        fn check<T, S>(value: T)
        where
            T: AbiWord + PartialEq + core::fmt::Debug + Clone,
            S: SolType<RustType = T>,
            T: alloy_sol_types::private::SolTypeValue<S>,
        {
            let ours = value.to_abi_word();
            assert_eq!(ours.as_slice(), S::abi_encode(&value).as_slice(), "{value:?}");
            assert_eq!(T::from_abi_word(&ours), Some(value));
        }
        check::<bool, sol_data::Bool>(true);
        check::<bool, sol_data::Bool>(false);
        check::<Address, sol_data::Address>(address!("00000000000000000000000000000000deadbeef"));
        check::<u8, sol_data::Uint<8>>(255);
        check::<u64, sol_data::Uint<64>>(u64::MAX - 1);
        check::<u128, sol_data::Uint<128>>(1 << 100);
        check::<U256, sol_data::Uint<256>>(U256::MAX);
        check::<i8, sol_data::Int<8>>(-2);
        check::<i32, sol_data::Int<32>>(i32::MIN);
        check::<i128, sol_data::Int<128>>(-(1 << 100));
        check::<I256, sol_data::Int<256>>(I256::MINUS_ONE);
        check::<FixedBytes<4>, sol_data::FixedBytes<4>>(fixed_bytes!("aabbccdd"));
        check::<B256, sol_data::FixedBytes<32>>(B256::repeat_byte(0x11));

        // Dirty encodings are rejected, as the validating alloy decoder does.
        let two = b256!("0000000000000000000000000000000000000000000000000000000000000002");
        assert_eq!(bool::from_abi_word(&two), None);
        assert!(sol_data::Bool::abi_decode_validate(two.as_slice()).is_err());
        let dirty = b256!("0100000000000000000000000000000000000000000000000000000000000001");
        assert_eq!(Address::from_abi_word(&dirty), None);
        assert_eq!(u8::from_abi_word(&dirty), None);
        assert_eq!(u128::from_abi_word(&dirty), None);
        // 0x80 in the low byte of an int8 must be sign-extended.
        let unsigned_80 = b256!("0000000000000000000000000000000000000000000000000000000000000080");
        assert_eq!(i8::from_abi_word(&unsigned_80), None);
        assert!(sol_data::Int::<8>::abi_decode_validate(unsigned_80.as_slice()).is_err());
        assert_eq!(u8::from_abi_word(&unsigned_80), Some(0x80));
        assert_eq!(FixedBytes::<4>::from_abi_word(&dirty), None);
        assert_eq!(word_at(&[0u8; 63], 1), None);
        assert_eq!(word_at(&[7u8; 64], 1), Some(B256::repeat_byte(7)));
    }
}
