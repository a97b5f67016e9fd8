//! How a proof-of-stake header is timed and signed.
//!
//! - Slot `s` starts at `genesis_timestamp + s * slot_time`; a PoS header's timestamp is
//!   exactly the start of its slot, so the slot is recoverable from the header alone.
//! - The proposer signs [`Header::seal_hash`] (which commits to every field but `mixHash`,
//!   `nonce` and `seal`) with secp256k1; `seal` holds `r ‖ s ‖ y_parity` (65 bytes, low-s,
//!   RFC 6979 deterministic).

use crate::ConsensusError;
use basalt_primitives::{Address, Header, Signature, SigningKey, H256, U256};

/// Bytes in a PoS seal: `r` (32) ‖ `s` (32) ‖ `y_parity` (1).
pub const SEAL_LEN: usize = 65;

/// The slot a timestamp starts, or `None` if it is before genesis or not a slot start.
pub fn slot_of(genesis_timestamp: u64, slot_time: u64, timestamp: u64) -> Option<u64> {
    let since = timestamp.checked_sub(genesis_timestamp)?;
    (slot_time != 0 && since % slot_time == 0).then(|| since / slot_time)
}

/// The timestamp at which `slot` starts (saturating).
pub fn slot_timestamp(genesis_timestamp: u64, slot_time: u64, slot: u64) -> u64 {
    genesis_timestamp.saturating_add(slot.saturating_mul(slot_time))
}

/// Signs `header`'s seal hash with `key`, returning the 65-byte seal.
pub fn sign_seal(header: &Header, key: &SigningKey) -> Result<Vec<u8>, ConsensusError> {
    let signature = Signature::sign_hash(header.seal_hash(), key)?;
    let mut seal = Vec::with_capacity(SEAL_LEN);
    seal.extend_from_slice(&H256::from(signature.r.to_big_endian()).0);
    seal.extend_from_slice(&H256::from(signature.s.to_big_endian()).0);
    seal.push(u8::from(signature.y_parity));
    Ok(seal)
}

/// The address that signed `header`'s seal.
pub fn seal_signer(header: &Header) -> Result<Address, ConsensusError> {
    let seal = &header.seal;
    if seal.len() != SEAL_LEN || seal[64] > 1 {
        return Err(ConsensusError::SealLength { len: seal.len() });
    }
    let signature = Signature {
        r: U256::from_big_endian(&seal[..32]),
        s: U256::from_big_endian(&seal[32..64]),
        y_parity: seal[64] == 1,
    };
    Ok(signature.recover_address(header.seal_hash())?)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use basalt_primitives::secret_key_to_address;

    #[test]
    fn seals_recover_their_signer_and_break_when_tampered() {
        let key = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let mut header = Header { number: 5, timestamp: 110, ..Header::default() };
        header.seal = sign_seal(&header, &key).unwrap();
        assert_eq!(seal_signer(&header).unwrap(), secret_key_to_address(&key));
        let mut tampered = header.clone();
        tampered.number = 6;
        assert_ne!(seal_signer(&tampered).ok(), Some(secret_key_to_address(&key)));
        tampered.seal.pop();
        assert_eq!(seal_signer(&tampered), Err(ConsensusError::SealLength { len: 64 }));
    }

    #[test]
    fn slots_are_exact_multiples() {
        assert_eq!(slot_of(100, 2, 100), Some(0));
        assert_eq!(slot_of(100, 2, 110), Some(5));
        assert_eq!(slot_of(100, 2, 111), None);
        assert_eq!(slot_of(100, 2, 99), None);
        assert_eq!(slot_timestamp(100, 2, 5), 110);
    }
}
