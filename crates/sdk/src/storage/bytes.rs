//! `string` and `bytes` in storage: solc's short/long layout.
//!
//! ```text
//! len <= 31:  slot = data (left-aligned) ‖ … ‖ 2·len        (lowest bit 0)
//! len >= 32:  slot = 2·len + 1                              (lowest bit 1)
//!             keccak256(slot) + i = data[32·i .. 32·i + 32] (last word zero-padded)
//! ```
//!
//! Writing a shorter value zeroes the data words the old one no longer uses,
//! as solc does. A slot that breaks the layout (short form with a length
//! above 31, long form with a length below 32) reverts with `Panic(0x22)`,
//! solc's "incorrectly encoded storage byte array".

use super::{data_slot, load, store, Storage, StorageItem, StorageValue};
use crate::word::{add, from_word};
use alloc::string::String;
use alloc::vec::Vec;
use alloy_primitives::{Bytes, B256};
use alloy_sol_types::PanicKind;

/// A decoded slot header.
enum Layout {
    /// Up to 31 bytes inside the slot word.
    Short { len: usize, word: B256 },
    /// `len` bytes from `keccak256(slot)` on.
    Long { len: usize },
}

fn corrupt() -> ! {
    crate::error::revert_with(&PanicKind::StorageEncodingError)
}

fn layout(slot: B256) -> Layout {
    let word = load(slot);
    if word[31] & 1 == 0 {
        let len = usize::from(word[31] / 2);
        if len > 31 {
            corrupt();
        }
        Layout::Short { len, word }
    } else {
        let len = (from_word(&word) >> 1usize).try_into().unwrap_or_else(|_| corrupt());
        if len < 32 {
            corrupt();
        }
        Layout::Long { len }
    }
}

/// Data words a value of `len` bytes uses beyond its slot.
fn data_words(len: usize) -> usize {
    if len < 32 {
        0
    } else {
        len.div_ceil(32)
    }
}

fn load_bytes(slot: B256) -> Vec<u8> {
    match layout(slot) {
        Layout::Short { len, word } => word[..len].to_vec(),
        Layout::Long { len } => {
            let base = data_slot(slot);
            let mut out = Vec::with_capacity(len);
            for i in 0..data_words(len) {
                let word = load(add(&base, i as u128));
                let take = (len - out.len()).min(32);
                out.extend_from_slice(&word[..take]);
            }
            out
        }
    }
}

fn old_data_words(slot: B256) -> usize {
    match layout(slot) {
        Layout::Short { .. } => 0,
        Layout::Long { len } => data_words(len),
    }
}

fn store_bytes(slot: B256, data: &[u8]) {
    let old_words = old_data_words(slot);
    let new_words = data_words(data.len());
    if data.len() < 32 {
        let mut word = B256::ZERO;
        word[..data.len()].copy_from_slice(data);
        word[31] = (data.len() * 2) as u8;
        store(slot, word);
    } else {
        // 2·len + 1 < 2^65: no overflow in u128.
        let header = add(&B256::ZERO, data.len() as u128 * 2 + 1);
        store(slot, header);
        let base = data_slot(slot);
        for (i, chunk) in data.chunks(32).enumerate() {
            let mut word = B256::ZERO;
            word[..chunk.len()].copy_from_slice(chunk);
            store(add(&base, i as u128), word);
        }
    }
    clear_data_words(slot, new_words, old_words);
}

/// Zeroes data words `from..to` of the value at `slot`.
fn clear_data_words(slot: B256, from: usize, to: usize) {
    if from >= to {
        return;
    }
    let base = data_slot(slot);
    for i in from..to {
        store(add(&base, i as u128), B256::ZERO);
    }
}

fn clear_bytes(slot: B256) {
    let old_words = old_data_words(slot);
    store(slot, B256::ZERO);
    clear_data_words(slot, 0, old_words);
}

impl StorageValue for Bytes {
    fn load(slot: B256) -> Self {
        load_bytes(slot).into()
    }
    fn store(slot: B256, value: &Self) {
        store_bytes(slot, value);
    }
    fn clear(slot: B256) {
        clear_bytes(slot);
    }
}

impl StorageItem for Bytes {
    type Handle = Storage<Bytes>;
}

impl StorageValue for String {
    /// Reads the string; bytes that are not UTF-8 (only foreign data could
    /// put them there) revert with `Panic(0x22)`.
    fn load(slot: B256) -> Self {
        String::from_utf8(load_bytes(slot)).unwrap_or_else(|_| corrupt())
    }
    fn store(slot: B256, value: &Self) {
        store_bytes(slot, value.as_bytes());
    }
    fn clear(slot: B256) {
        clear_bytes(slot);
    }
}

impl StorageItem for String {
    type Handle = Storage<String>;
}
