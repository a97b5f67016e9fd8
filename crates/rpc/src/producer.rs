//! The seam between the RPC and the block producer (the node's miner).
//!
//! The RPC never builds blocks itself: it tells the producer that pending
//! transactions are waiting, and forwards the dev methods (`evm_mine`,
//! `evm_setAutomine`, timestamps). Each call returns a future so the RPC's
//! async threads wait without blocking while a block executes elsewhere.

use basalt_primitives::{Address, H256, U256};
use std::future::Future;
use std::pin::Pin;

/// A boxed future of a producer's answer.
pub type ProducerFuture<T> = Pin<Box<dyn Future<Output = Result<T, String>> + Send>>;

/// A change to the state outside any transaction (`anvil_setBalance` and
/// the like). The producer applies it on top of the head and seals it into
/// a new block, so the chain stays a chain of verifiable state roots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatePatch {
    /// Set an account's balance.
    Balance(Address, U256),
    /// Set an account's nonce.
    Nonce(Address, u64),
    /// Set an account's code (a bare wasm module; empty removes it).
    Code(Address, Vec<u8>),
    /// Set one storage word.
    Storage(Address, H256, H256),
    /// Several changes in one block, in order (`anvil_loadState`).
    Batch(Vec<StatePatch>),
}

/// What the RPC asks of the block producer.
pub trait BlockProducer: Send + Sync + 'static {
    /// Pending transactions wait in the pool. The future resolves at once;
    /// in automine mode a block including them follows in the background.
    fn transactions_ready(&self) -> ProducerFuture<()>;
    /// Mines `blocks` blocks now (the first at `timestamp` if given) and
    /// returns their hashes.
    fn mine(&self, blocks: u64, timestamp: Option<u64>) -> ProducerFuture<Vec<H256>>;
    /// Applies `patch` to the head's state in a new block (with whatever
    /// the pool has ready); returns the block's hash.
    fn apply_patch(&self, patch: StatePatch) -> ProducerFuture<H256>;
    /// Makes the canonical block `to` the head again, dropping the blocks
    /// after it and their transactions (`evm_revert`).
    fn rewind(&self, to: H256) -> ProducerFuture<()>;
    /// Turns mining on every transaction on or off.
    fn set_automine(&self, enabled: bool);
    /// Whether mining on every transaction is on.
    fn automine(&self) -> bool;
    /// Mines a block every `seconds` (0 stops interval mining).
    fn set_interval(&self, seconds: u64);
    /// Moves block time forward by `seconds`; returns the total offset.
    fn increase_time(&self, seconds: u64) -> u64;
    /// Fixes the next block's timestamp.
    fn set_next_timestamp(&self, timestamp: u64);
    /// Hashes per second of this node's proof-of-work miner (`eth_hashrate`;
    /// 0 when it does not mine).
    fn hashrate(&self) -> u64 {
        0
    }
    /// Whether this node produces blocks (`eth_mining`).
    fn mining(&self) -> bool {
        true
    }
    /// The address this node's blocks pay (`eth_coinbase`), if it produces blocks.
    fn coinbase(&self) -> Option<Address> {
        None
    }
}
