//! Key layouts and the few values the store encodes itself.
//!
//! Everything else (headers, bodies, receipts, code, trie nodes) is opaque
//! bytes to the store. Decoders check lengths and return
//! [`Error::Corrupt`](crate::Error::Corrupt); they never panic on stored bytes.

use basalt_primitives::H256;

use crate::column::Column;
use crate::error::{Error, Result};

/// Namespace byte of the store's own metadata entries.
const META_STORE: u8 = 0x00;
/// Namespace byte of the caller's named metadata entries.
const META_NAMED: u8 = 0x01;

/// Store-owned metadata entries (namespace [`META_STORE`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum StoreMeta {
    /// `u32` big-endian: [`crate::SCHEMA_VERSION`] of the writer.
    SchemaVersion,
    /// 32 bytes: hash of the canonical head block.
    Head,
    /// 32 bytes: hash of block 0.
    Genesis,
}

impl StoreMeta {
    fn name(self) -> &'static [u8] {
        match self {
            StoreMeta::SchemaVersion => b"schema_version",
            StoreMeta::Head => b"head",
            StoreMeta::Genesis => b"genesis",
        }
    }

    /// The key in [`Column::Meta`].
    pub(crate) fn key(self) -> Vec<u8> {
        meta_key(META_STORE, self.name())
    }
}

/// The key in [`Column::Meta`] of the caller's entry `name`.
pub(crate) fn named_meta_key(name: &str) -> Vec<u8> {
    meta_key(META_NAMED, name.as_bytes())
}

fn meta_key(namespace: u8, name: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(1 + name.len());
    key.push(namespace);
    key.extend_from_slice(name);
    key
}

/// The key in [`Column::Canonical`]: the number in big-endian, so keys sort by number.
pub(crate) fn canonical_key(number: u64) -> [u8; 8] {
    number.to_be_bytes()
}

/// Decodes a [`Column::Canonical`] key.
pub(crate) fn decode_canonical_key(key: &[u8]) -> Result<u64> {
    let bytes: [u8; 8] = key.try_into().map_err(|_| Error::Corrupt {
        column: Column::Canonical,
        key: key.to_vec(),
        reason: format!("key is {} bytes, a block number is 8", key.len()),
    })?;
    Ok(u64::from_be_bytes(bytes))
}

/// Decodes a stored 32-byte hash.
pub(crate) fn decode_hash(column: Column, key: &[u8], value: &[u8]) -> Result<H256> {
    if value.len() != 32 {
        return Err(Error::Corrupt {
            column,
            key: key.to_vec(),
            reason: format!("value is {} bytes, a hash is 32", value.len()),
        });
    }
    Ok(H256::from_slice(value))
}

/// Decodes a stored `u32` big-endian.
pub(crate) fn decode_u32(column: Column, key: &[u8], value: &[u8]) -> Result<u32> {
    let bytes: [u8; 4] = value.try_into().map_err(|_| Error::Corrupt {
        column,
        key: key.to_vec(),
        reason: format!("value is {} bytes, a u32 is 4", value.len()),
    })?;
    Ok(u32::from_be_bytes(bytes))
}

/// Where a transaction sits: the block that includes it and its position there.
///
/// Stored in [`Column::TxLocations`] as `block_hash ‖ index (u32 big-endian)`,
/// 36 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TxLocation {
    /// Hash of the block that includes the transaction.
    pub block_hash: H256,
    /// Position of the transaction in that block's transaction list.
    pub index: u32,
}

impl TxLocation {
    /// Encoded length.
    pub(crate) const LEN: usize = 36;

    /// The stored form.
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::LEN);
        out.extend_from_slice(self.block_hash.as_bytes());
        out.extend_from_slice(&self.index.to_be_bytes());
        out
    }

    /// Decodes the stored form found at `key`.
    pub(crate) fn decode(key: &[u8], value: &[u8]) -> Result<Self> {
        let corrupt = || Error::Corrupt {
            column: Column::TxLocations,
            key: key.to_vec(),
            reason: format!("value is {} bytes, a tx location is {}", value.len(), Self::LEN),
        };
        if value.len() != Self::LEN {
            return Err(corrupt());
        }
        let (hash, index) = value.split_at(32);
        let index: [u8; 4] = index.try_into().map_err(|_| corrupt())?;
        Ok(TxLocation { block_hash: H256::from_slice(hash), index: u32::from_be_bytes(index) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tx_location_round_trips() {
        let loc = TxLocation { block_hash: H256::repeat_byte(7), index: 0x0102_0304 };
        let bytes = loc.encode();
        assert_eq!(bytes.len(), TxLocation::LEN);
        assert_eq!(&bytes[32..], &[1, 2, 3, 4]);
        assert_eq!(TxLocation::decode(b"k", &bytes).unwrap(), loc);
    }

    #[test]
    fn truncated_values_are_errors() {
        let loc = TxLocation { block_hash: H256::repeat_byte(7), index: 9 }.encode();
        for len in 0..loc.len() {
            assert!(matches!(
                TxLocation::decode(b"k", &loc[..len]),
                Err(Error::Corrupt { column: Column::TxLocations, .. })
            ));
        }
        assert!(TxLocation::decode(b"k", &[0; 37]).is_err());
        assert!(decode_hash(Column::Meta, b"k", &[0; 31]).is_err());
        assert!(decode_u32(Column::Meta, b"k", &[0; 5]).is_err());
        assert!(decode_canonical_key(&[0; 7]).is_err());
    }

    #[test]
    fn meta_namespaces_do_not_collide() {
        assert_ne!(StoreMeta::SchemaVersion.key(), named_meta_key("schema_version"));
        assert_eq!(named_meta_key("x"), vec![META_NAMED, b'x']);
    }

    #[test]
    fn canonical_keys_sort_by_number() {
        assert!(canonical_key(255) < canonical_key(256));
        assert_eq!(decode_canonical_key(&canonical_key(u64::MAX)).unwrap(), u64::MAX);
    }
}
