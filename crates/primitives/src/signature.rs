//! secp256k1 signatures the Ethereum way: keys, addresses, signing and recovery.
//!
//! - An address is the last 20 bytes of keccak256 of the uncompressed public
//!   key without its `0x04` prefix.
//! - A [`Signature`] is `(r, s, y_parity)`. Legacy transactions fold the
//!   parity (and, with EIP-155, the chain id) into `v`; typed transactions
//!   carry `y_parity` itself.
//! - Recovery accepts only what Ethereum accepts since Homestead:
//!   `1 <= r < n`, `1 <= s <= n/2` (EIP-2 low-s rule).
//! - Signing is deterministic (RFC 6979 with HMAC-SHA256, as k256 and
//!   eth-keys/eth-account do) and always produces low-s, so signing the same
//!   hash with the same key gives the same bytes as those tools.

use crate::error::SignatureError;
use crate::hash::keccak256;
use ethereum_types::{Address, H256, U256};
use k256::ecdsa::{RecoveryId, SigningKey, VerifyingKey};

/// The order `n` of the secp256k1 group.
pub const SECP256K1_N: U256 = U256([
    0xbfd2_5e8c_d036_4141,
    0xbaae_dce6_af48_a03b,
    0xffff_ffff_ffff_fffe,
    0xffff_ffff_ffff_ffff,
]);

/// `n / 2` (rounded down): the largest `s` EIP-2 allows.
pub const SECP256K1_HALF_N: U256 = U256([
    0xdfe9_2f46_681b_20a0,
    0x5d57_6e73_57a4_501d,
    0xffff_ffff_ffff_ffff,
    0x7fff_ffff_ffff_ffff,
]);

/// An ECDSA signature over secp256k1 with its recovery parity.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Signature {
    /// `r`: the x-coordinate of the nonce point, reduced mod `n`.
    pub r: U256,
    /// `s`.
    pub s: U256,
    /// Parity of the nonce point's y-coordinate (the recovery id, 0 or 1).
    pub y_parity: bool,
}

impl Signature {
    /// The legacy `v`: `27 + parity` without a chain id, `chain_id * 2 + 35 + parity` with one
    /// (EIP-155). Computed in 128 bits so it cannot overflow for any 64-bit chain id.
    pub fn legacy_v(&self, chain_id: Option<u64>) -> u128 {
        let parity = u128::from(self.y_parity);
        match chain_id {
            None => 27 + parity,
            Some(id) => u128::from(id) * 2 + 35 + parity,
        }
    }

    /// Checks `r` and `s` against Ethereum's rules: `1 <= r < n`, `1 <= s <= n/2` (EIP-2).
    pub fn check_values(&self) -> Result<(), SignatureError> {
        if self.r.is_zero() || self.r >= SECP256K1_N {
            return Err(SignatureError::InvalidR { r: self.r });
        }
        if self.s.is_zero() || self.s >= SECP256K1_N {
            return Err(SignatureError::InvalidS { s: self.s });
        }
        if self.s > SECP256K1_HALF_N {
            return Err(SignatureError::HighS { s: self.s });
        }
        Ok(())
    }

    /// Recovers the signer's address from the 32-byte hash this signature signs.
    ///
    /// Applies [`Signature::check_values`] first.
    pub fn recover_address(&self, prehash: H256) -> Result<Address, SignatureError> {
        self.check_values()?;
        let signature =
            k256::ecdsa::Signature::from_scalars(self.r.to_big_endian(), self.s.to_big_endian())
                .map_err(|_| SignatureError::RecoveryFailed)?;
        let recovery_id = RecoveryId::new(self.y_parity, false);
        let key = VerifyingKey::recover_from_prehash(prehash.as_bytes(), &signature, recovery_id)
            .map_err(|_| SignatureError::RecoveryFailed)?;
        Ok(public_key_to_address(&key))
    }

    /// Signs a 32-byte hash deterministically (RFC 6979), producing a low-s signature.
    pub fn sign_hash(prehash: H256, key: &SigningKey) -> Result<Self, SignatureError> {
        let (signature, recovery_id) = key.sign_prehash_recoverable(prehash.as_bytes());
        if recovery_id.is_x_reduced() {
            return Err(SignatureError::UnrepresentableRecoveryId);
        }
        let (r, s) = signature.split_bytes();
        Ok(Self {
            r: U256::from_big_endian(r.as_slice()),
            s: U256::from_big_endian(s.as_slice()),
            y_parity: recovery_id.is_y_odd(),
        })
    }
}

/// The Ethereum address of a public key: the last 20 bytes of keccak256 of its uncompressed
/// 64-byte form (the SEC1 encoding without the `0x04` prefix).
pub fn public_key_to_address(key: &VerifyingKey) -> Address {
    let point = key.to_sec1_point(false);
    // An uncompressed SEC1 point is 0x04 || x (32 bytes) || y (32 bytes).
    let xy = point.as_bytes().get(1..).unwrap_or_default();
    let hash = keccak256(xy);
    // A 32-byte hash always has 20 bytes from offset 12.
    Address::from_slice(&hash.0[12..])
}

/// The Ethereum address of a secret key.
pub fn secret_key_to_address(key: &SigningKey) -> Address {
    public_key_to_address(key.verifying_key())
}

/// A signing key from 32 big-endian secret bytes (must be non-zero and below `n`).
pub fn signing_key_from_bytes(secret: &[u8]) -> Result<SigningKey, SignatureError> {
    SigningKey::from_slice(secret).map_err(|_| SignatureError::InvalidSecretKey)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curve_constants_are_right() {
        let n = U256::from_str_radix(
            "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
            16,
        )
        .unwrap();
        assert_eq!(SECP256K1_N, n);
        assert_eq!(SECP256K1_HALF_N, n / 2);
    }

    #[test]
    fn sign_then_recover() {
        let key = signing_key_from_bytes(&[0x42; 32]).unwrap();
        let hash = keccak256(b"basalt");
        let sig = Signature::sign_hash(hash, &key).unwrap();
        assert!(sig.s <= SECP256K1_HALF_N);
        assert_eq!(sig.recover_address(hash).unwrap(), secret_key_to_address(&key));
        // Deterministic.
        assert_eq!(Signature::sign_hash(hash, &key).unwrap(), sig);
    }

    #[test]
    fn known_key_gives_known_address() {
        // Hardhat/anvil dev account 0.
        let key = signing_key_from_bytes(
            &hex::decode("ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80")
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            hex::encode(secret_key_to_address(&key)),
            "f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
        );
    }

    #[test]
    fn out_of_range_values_are_rejected() {
        let hash = keccak256(b"x");
        let ok = Signature { r: U256::one(), s: U256::one(), y_parity: false };
        let bad_r = Signature { r: SECP256K1_N, ..ok };
        assert_eq!(bad_r.recover_address(hash), Err(SignatureError::InvalidR { r: SECP256K1_N }));
        let zero_s = Signature { s: U256::zero(), ..ok };
        assert_eq!(zero_s.check_values(), Err(SignatureError::InvalidS { s: U256::zero() }));
        let high_s = Signature { s: SECP256K1_HALF_N + 1, ..ok };
        assert!(matches!(high_s.check_values(), Err(SignatureError::HighS { .. })));
        assert!(Signature { s: SECP256K1_HALF_N, ..ok }.check_values().is_ok());
        assert!(signing_key_from_bytes(&[0u8; 32]).is_err());
    }
}
