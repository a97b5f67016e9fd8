//! Basalt's state dump, the document `anvil_loadState` reads: a `0x`-hex
//! string of a versioned JSON document.
//!
//! ```json
//! {
//!   "version": 1,
//!   "block": { "number": "0x2a", "timestamp": "0x6650f0c1", "hash": "0x…" },
//!   "accounts": {
//!     "0xf39f…2266": {
//!       "nonce": "0x1",
//!       "balance": "0x21e19e0c9bab2400000",
//!       "code": "0x0061736d…",
//!       "storage": { "0x00…04": "0x00…2a" }
//!     }
//!   }
//! }
//! ```
//!
//! - Quantities are `0x`-hex, code is the contract's bare wasm module (empty
//!   for an account without code), storage maps 32-byte slots to 32-byte
//!   words (a zero word clears the slot).
//! - `block` records the head the dump was taken at. Loading does not
//!   rewrite history: the accounts are written into one new block on top of
//!   the loading node's head, like the `anvil_set*` methods write theirs.
//! - Loading merges: the dump's accounts get its nonce, balance and code and
//!   the listed slots; other accounts and other slots are left as they are.
//! - `anvil_dumpState` lists the state at the head by walking the state trie
//!   and each storage trie; the tries are keyed by hashes, so the addresses
//!   and slots come from the preimages the store records for every key it
//!   ever wrote.
//! - Unlike anvil's dump (gzip'd JSON), the JSON is not compressed: no
//!   compressor is in the node's dependency tree.
//! - Every version change gets a new number; a node refuses versions it does
//!   not know ([`StateDumpError::UnsupportedVersion`]) rather than guess.

use crate::error::StateDumpError;
use crate::producer::StatePatch;
use crate::types::Bytes;
use basalt_chain::SealedHeader;
use basalt_primitives::{Account, KECCAK_EMPTY};
use basalt_primitives::{Address, H256, U256, U64};
use basalt_store::Store;
use basalt_trie::Entries;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The version of the format this node reads.
pub const STATE_DUMP_VERSION: u64 = 1;

/// A state dump (version [`STATE_DUMP_VERSION`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateDump {
    /// Always [`STATE_DUMP_VERSION`].
    pub version: u64,
    /// The head the dump was taken at.
    pub block: DumpedBlock,
    /// Every account, by address.
    pub accounts: BTreeMap<Address, DumpedAccount>,
}

/// The head a dump was taken at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DumpedBlock {
    /// Its number.
    pub number: U64,
    /// Its timestamp (seconds).
    pub timestamp: U64,
    /// Its hash.
    pub hash: H256,
}

/// One account of a dump.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DumpedAccount {
    /// Nonce.
    pub nonce: U64,
    /// Balance in wei.
    pub balance: U256,
    /// The contract's wasm module; empty for no code.
    #[serde(default)]
    pub code: Bytes,
    /// Storage words by slot.
    #[serde(default)]
    pub storage: BTreeMap<H256, H256>,
}

impl StateDump {
    /// Lists every account of the state after `head`, with its code and
    /// every non-zero storage word. Fails if the store lacks a node, a code
    /// blob or a key's preimage (a database written by a node that did not
    /// record preimages).
    pub fn from_store(store: &Store, head: &SealedHeader) -> Result<Self, String> {
        let preimage = |hash: &[u8]| -> Result<Vec<u8>, String> {
            let hash = H256::from_slice(hash);
            store
                .preimage(&hash)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("the store has no preimage of trie key {hash:?}"))
        };
        let mut accounts = BTreeMap::new();
        for entry in Entries::new(store, head.header.state_root) {
            let (key, value) = entry.map_err(|e| e.to_string())?;
            let address = Address::from_slice(&preimage(&key)?);
            let account = Account::decode_rlp(&value).map_err(|e| e.to_string())?;
            let code = if account.code_hash == KECCAK_EMPTY {
                Vec::new()
            } else {
                store
                    .code(&account.code_hash)
                    .map_err(|e| e.to_string())?
                    .ok_or_else(|| format!("the code of {address:?} is missing"))?
            };
            let mut storage = BTreeMap::new();
            for slot in Entries::new(store, account.storage_root) {
                let (key, value) = slot.map_err(|e| e.to_string())?;
                let word = basalt_state::decode_storage_value(&value).map_err(|e| e.to_string())?;
                storage.insert(H256::from_slice(&preimage(&key)?), word);
            }
            accounts.insert(
                address,
                DumpedAccount {
                    nonce: account.nonce.into(),
                    balance: account.balance,
                    code: Bytes(code),
                    storage,
                },
            );
        }
        Ok(Self {
            version: STATE_DUMP_VERSION,
            block: DumpedBlock {
                number: head.header.number.into(),
                timestamp: head.header.timestamp.into(),
                hash: head.hash,
            },
            accounts,
        })
    }

    /// The `0x`-hex string of the JSON document.
    pub fn encode(&self) -> String {
        // A struct of maps with string keys always serializes.
        let json = serde_json::to_vec(self).unwrap_or_default();
        format!("0x{}", hex::encode(json))
    }

    /// Reads a dump: `0x`-hex (the prefix is optional) of a JSON document
    /// whose `version` is [`STATE_DUMP_VERSION`]. The version is checked
    /// before the shape, so a newer document fails with
    /// [`StateDumpError::UnsupportedVersion`], not a field error.
    pub fn decode(text: &str) -> Result<Self, StateDumpError> {
        let digits = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")).unwrap_or(text);
        let bytes = hex::decode(digits.trim()).map_err(StateDumpError::NotHex)?;
        let document: serde_json::Value =
            serde_json::from_slice(&bytes).map_err(StateDumpError::NotJson)?;
        let version = match document.get("version") {
            None => return Err(StateDumpError::MissingVersion { supported: STATE_DUMP_VERSION }),
            Some(v) if v.as_u64() == Some(STATE_DUMP_VERSION) => STATE_DUMP_VERSION,
            Some(v) => {
                return Err(StateDumpError::UnsupportedVersion {
                    found: v.to_string(),
                    supported: STATE_DUMP_VERSION,
                })
            }
        };
        serde_json::from_value(document)
            .map_err(|source| StateDumpError::Malformed { version, source })
    }

    /// The dump as one patch: for each account, in address order, its code,
    /// nonce, balance and each listed slot.
    pub fn into_patch(self) -> StatePatch {
        let mut patches = Vec::new();
        for (address, account) in self.accounts {
            patches.push(StatePatch::Code(address, account.code.0));
            patches.push(StatePatch::Nonce(address, account.nonce.as_u64()));
            patches.push(StatePatch::Balance(address, account.balance));
            patches.extend(
                account
                    .storage
                    .into_iter()
                    .map(|(slot, word)| StatePatch::Storage(address, slot, word)),
            );
        }
        StatePatch::Batch(patches)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> StateDump {
        let mut storage = BTreeMap::new();
        storage.insert(H256::from_low_u64_be(4), H256::from_low_u64_be(42));
        let mut accounts = BTreeMap::new();
        accounts.insert(
            Address::repeat_byte(0xaa),
            DumpedAccount {
                nonce: 7.into(),
                balance: U256::exp10(20),
                code: Bytes(b"\0asm\x01\0\0\0".to_vec()),
                storage,
            },
        );
        accounts.insert(Address::repeat_byte(0x01), DumpedAccount::default());
        StateDump {
            version: STATE_DUMP_VERSION,
            block: DumpedBlock {
                number: 3.into(),
                timestamp: 1_700_000_000u64.into(),
                hash: H256::repeat_byte(9),
            },
            accounts,
        }
    }

    fn hex_of(json: &str) -> String {
        format!("0x{}", hex::encode(json))
    }

    #[test]
    fn round_trips_through_hex_json() {
        let dump = sample();
        let text = dump.encode();
        assert!(text.starts_with("0x7b"), "hex of a JSON object: {text}");
        assert_eq!(StateDump::decode(&text).unwrap(), dump);
        assert_eq!(StateDump::decode(&text[2..]).unwrap(), dump, "the prefix is optional");
        let json: serde_json::Value =
            serde_json::from_slice(&hex::decode(&text[2..]).unwrap()).unwrap();
        assert_eq!(json["version"], 1);
        let account = &json["accounts"]["0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"];
        assert_eq!(account["nonce"], "0x7");
        assert_eq!(account["balance"], "0x56bc75e2d63100000");
        assert_eq!(account["code"], "0x0061736d01000000");
        assert_eq!(
            account["storage"][format!("0x{:064x}", 4)],
            serde_json::json!(format!("0x{:064x}", 42))
        );
        assert_eq!(json["block"]["timestamp"], "0x6553f100");
    }

    #[test]
    fn code_and_storage_may_be_left_out() {
        let json = r#"{"version":1,"block":{"number":"0x0","timestamp":"0x1","hash":"0x0000000000000000000000000000000000000000000000000000000000000000"},
            "accounts":{"0x0101010101010101010101010101010101010101":{"nonce":"0x1","balance":"0x2"}}}"#;
        let dump = StateDump::decode(&hex_of(json)).unwrap();
        let account = &dump.accounts[&Address::repeat_byte(1)];
        assert_eq!((account.nonce, account.balance), (1.into(), 2.into()));
        assert!(account.code.0.is_empty() && account.storage.is_empty());
    }

    #[test]
    fn bad_input_says_what_is_wrong() {
        assert!(matches!(StateDump::decode("0xzz"), Err(StateDumpError::NotHex(_))));
        assert!(matches!(StateDump::decode("hello"), Err(StateDumpError::NotHex(_))));
        assert!(matches!(
            StateDump::decode(&hex_of("{\"version\":1,")),
            Err(StateDumpError::NotJson(_))
        ));
        assert!(matches!(
            StateDump::decode(&hex_of(r#"{"block":{},"accounts":{}}"#)),
            Err(StateDumpError::MissingVersion { supported: 1 })
        ));
        let newer = StateDump::decode(&hex_of(r#"{"version":2,"whatever":true}"#)).unwrap_err();
        assert_eq!(newer.to_string(), "unsupported version 2 (this node reads version 1)");
        let text = StateDump::decode(&hex_of(r#"{"version":"1"}"#)).unwrap_err();
        assert!(matches!(text, StateDumpError::UnsupportedVersion { .. }), "{text}");
        let shape = StateDump::decode(&hex_of(r#"{"version":1,"accounts":{}}"#)).unwrap_err();
        assert!(
            matches!(shape, StateDumpError::Malformed { version: 1, .. })
                && shape.to_string().contains("block"),
            "{shape}"
        );
        let mut dump = serde_json::to_value(sample()).unwrap();
        dump["accounts"]["0x0101010101010101010101010101010101010101"]["nonce"] = "0x1g".into();
        assert!(matches!(
            StateDump::decode(&hex_of(&dump.to_string())),
            Err(StateDumpError::Malformed { .. })
        ));
        let mut dump = serde_json::to_value(sample()).unwrap();
        dump["accounts"]["0x0101010101010101010101010101010101010101"]["balanse"] = "0x1".into();
        assert!(
            matches!(
                StateDump::decode(&hex_of(&dump.to_string())),
                Err(StateDumpError::Malformed { .. })
            ),
            "a misspelt field is refused, not ignored"
        );
    }

    #[test]
    fn patch_writes_code_nonce_balance_then_slots_per_account() {
        let StatePatch::Batch(patches) = sample().into_patch() else { panic!("a batch") };
        let (one, aa) = (Address::repeat_byte(1), Address::repeat_byte(0xaa));
        assert_eq!(
            patches,
            vec![
                StatePatch::Code(one, vec![]),
                StatePatch::Nonce(one, 0),
                StatePatch::Balance(one, U256::zero()),
                StatePatch::Code(aa, b"\0asm\x01\0\0\0".to_vec()),
                StatePatch::Nonce(aa, 7),
                StatePatch::Balance(aa, U256::exp10(20)),
                StatePatch::Storage(aa, H256::from_low_u64_be(4), H256::from_low_u64_be(42)),
            ]
        );
    }
}
