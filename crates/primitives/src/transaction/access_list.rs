//! EIP-2930 access lists.

use crate::decode::RlpItem;
use crate::error::DecodeError;
use ethereum_types::{Address, H256};
use rlp::{Encodable, RlpStream};

/// One access-list entry: an address and the storage keys of it the transaction pre-declares.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AccessListItem {
    /// The account (exactly 20 bytes on the wire).
    pub address: Address,
    /// Its storage keys (exactly 32 bytes each on the wire).
    pub storage_keys: Vec<H256>,
}

/// An EIP-2930 access list: RLP `[[address, [key, ...]], ...]`.
///
/// Duplicates are allowed and charged for every occurrence, as in Ethereum.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct AccessList(pub Vec<AccessListItem>);

impl AccessList {
    /// Number of entries (addresses, duplicates included).
    pub fn address_count(&self) -> usize {
        self.0.len()
    }

    /// Number of storage keys across all entries (duplicates included).
    pub fn storage_key_count(&self) -> usize {
        self.0.iter().map(|item| item.storage_keys.len()).sum()
    }

    /// Reads an access list strictly: 20-byte addresses, 32-byte keys, 2-item entries.
    pub(crate) fn from_item(item: RlpItem<'_>) -> Result<Self, DecodeError> {
        let items = item.list("access list")?.map_all(|entry| {
            let mut fields = entry.list_exact("access list item", 2)?;
            let address = fields.next_item()?.address("access list address")?;
            let storage_keys = fields
                .next_item()?
                .list("access list storage keys")?
                .map_all(|key| key.h256("access list storage key"))?;
            Ok(AccessListItem { address, storage_keys })
        })?;
        Ok(Self(items))
    }
}

impl From<Vec<AccessListItem>> for AccessList {
    fn from(items: Vec<AccessListItem>) -> Self {
        Self(items)
    }
}

impl Encodable for AccessListItem {
    fn rlp_append(&self, s: &mut RlpStream) {
        s.begin_list(2);
        s.append(&self.address);
        s.append_list(&self.storage_keys);
    }
}

impl Encodable for AccessList {
    fn rlp_append(&self, s: &mut RlpStream) {
        s.append_list(&self.0);
    }
}
