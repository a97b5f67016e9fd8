//! Conversions between `U256` and 32-byte big-endian words, kept out of line.
//!
//! ruint's conversions are generic and get inlined (and unrolled) wherever
//! they are used, a few hundred bytes of wasm each time. Routing every
//! conversion the SDK makes through these two non-inlined functions keeps one
//! copy per contract.

use alloy_primitives::{B256, U256};

/// `x` as a big-endian word.
#[inline(never)]
pub(crate) fn to_word(x: &U256) -> B256 {
    B256::new(x.to_be_bytes::<32>())
}

/// A big-endian word as a number.
#[inline(never)]
pub(crate) fn from_word(word: &B256) -> U256 {
    U256::from_be_bytes(word.0)
}

/// `slot + n` (mod 2²⁵⁶) on big-endian words: the address of a struct field
/// or an array element.
#[inline(never)]
pub(crate) fn add(slot: &B256, n: u128) -> B256 {
    let mut out = *slot;
    let mut carry = n;
    let mut i = 32;
    while carry != 0 && i > 0 {
        i -= 1;
        let sum = u128::from(out[i]) + (carry & 0xff);
        out[i] = sum as u8;
        carry = (carry >> 8) + (sum >> 8);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_and_addition() {
        let x = U256::from(0x0102_0304u64) << 200;
        assert_eq!(from_word(&to_word(&x)), x);
        assert_eq!(to_word(&x), B256::from(x));
        for (a, n) in [
            (U256::ZERO, 0u128),
            (U256::from(255), 1),
            (U256::MAX, 1),
            (U256::MAX - U256::from(5), u128::MAX),
        ] {
            let expected = a.wrapping_add(U256::from(n));
            assert_eq!(from_word(&add(&to_word(&a), n)), expected, "{a} + {n}");
        }
    }
}
