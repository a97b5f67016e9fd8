//! Keccak-256, the hash behind every Ethereum commitment.

use ethereum_types::H256;
use sha3::{Digest, Keccak256};

/// Keccak-256 of `data` (the original Keccak padding, as Ethereum uses, not NIST SHA3-256).
#[inline]
pub fn keccak256(data: impl AsRef<[u8]>) -> H256 {
    H256(Keccak256::digest(data.as_ref()).into())
}

/// Incremental Keccak-256 for data that arrives in pieces.
#[derive(Clone, Default)]
pub struct Keccak256Hasher(Keccak256);

impl Keccak256Hasher {
    /// A hasher with no input yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Feeds more bytes.
    pub fn update(&mut self, data: impl AsRef<[u8]>) -> &mut Self {
        self.0.update(data.as_ref());
        self
    }

    /// The hash of everything fed so far.
    pub fn finalize(self) -> H256 {
        H256(self.0.finalize().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_input_matches_ethereum_constant() {
        assert_eq!(
            hex::encode(keccak256([])),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"
        );
    }

    #[test]
    fn incremental_equals_one_shot() {
        let mut h = Keccak256Hasher::new();
        h.update(b"hello ").update(b"world");
        assert_eq!(h.finalize(), keccak256(b"hello world"));
    }
}
