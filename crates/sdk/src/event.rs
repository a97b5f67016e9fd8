//! Events (logs), Solidity's way: topic 0 is keccak256 of the event's
//! signature (unless the event is anonymous), then one topic per indexed
//! field, and the data is the ABI encoding of the other fields.
//!
//! `#[basalt_sdk::event]` implements [`Event`] for a struct; its signature
//! and topic 0 are computed at compile time.
#![allow(unsafe_code)]

use crate::sys;
use alloc::vec::Vec;
use alloy_primitives::B256;

/// A Solidity event.
pub trait Event {
    /// The canonical signature, e.g. `Transfer(address,address,uint256)`.
    const SIGNATURE: &'static str;
    /// keccak256 of [`Self::SIGNATURE`] (topic 0 unless anonymous).
    const TOPIC0: B256;
    /// Whether the event is anonymous (no topic 0).
    const ANONYMOUS: bool;
    /// The event's JSON ABI entry (`{"type":"event",...}`).
    const ABI_ENTRY: &'static str;

    /// The log's topics: topic 0 (unless anonymous), then the indexed fields
    /// (value types as their ABI word; `string` and `bytes` as the keccak256
    /// of their contents).
    fn topics(&self) -> Vec<B256>;

    /// The log's data: the ABI encoding of the non-indexed fields.
    fn data(&self) -> Vec<u8>;

    /// Emits the event from this contract: Solidity `emit`.
    fn emit(&self) {
        emit_log(&self.topics(), &self.data());
    }
}

/// Emits a raw log with up to 4 `topics` and `data`: EVM `LOG0`..`LOG4`.
/// More than 4 topics fails the frame (the host refuses them), as does
/// emitting in a static call.
pub fn emit_log(topics: &[B256], data: &[u8]) {
    let mut buf = Vec::with_capacity(topics.len() * 32 + data.len());
    for topic in topics {
        buf.extend_from_slice(topic.as_slice());
    }
    buf.extend_from_slice(data);
    // SAFETY: reads `buf.len()` bytes from `buf`.
    unsafe { sys::emit_log(buf.as_ptr(), buf.len(), topics.len() as u32) };
}
