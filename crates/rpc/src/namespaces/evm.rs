//! The `evm_` dev namespace (hardhat/anvil): mining on demand, automine,
//! interval mining and block time.

use crate::context::RpcContext;
use crate::error::{RpcError, RpcResult};
use crate::types::{BlockId, Quantity};
use basalt_primitives::{U256, U64};
use jsonrpsee::core::async_trait;
use jsonrpsee::proc_macros::rpc;
use serde_json::Value;
use std::sync::Arc;

/// The `evm_` methods.
#[rpc(server, namespace = "evm")]
pub trait EvmApi {
    /// Mines one block (or `{blocks, timestamp}`); answers "0x0".
    #[method(name = "mine")]
    async fn mine(&self, options: Option<Value>) -> RpcResult<String>;
    /// Turns automine on or off.
    #[method(name = "setAutomine")]
    fn set_automine(&self, enabled: bool) -> RpcResult<bool>;
    /// Mines every `seconds` (0 turns interval mining off).
    #[method(name = "setIntervalMining")]
    fn set_interval_mining(&self, seconds: Quantity) -> RpcResult<bool>;
    /// Moves block time forward; answers the total offset in seconds.
    #[method(name = "increaseTime")]
    fn increase_time(&self, seconds: Quantity) -> RpcResult<U64>;
    /// Fixes the next block's timestamp.
    #[method(name = "setNextBlockTimestamp")]
    fn set_next_block_timestamp(&self, timestamp: Quantity) -> RpcResult<bool>;
    /// Saves the head; answers the snapshot id.
    #[method(name = "snapshot")]
    fn snapshot(&self) -> RpcResult<U64>;
    /// Goes back to a snapshot's head (dropping the blocks after it and
    /// their transactions); the snapshot and later ones are used up.
    #[method(name = "revert")]
    async fn revert(&self, id: Quantity) -> RpcResult<bool>;
}

/// The `evm_` implementation.
#[derive(Debug, Clone)]
pub struct EvmApi {
    ctx: Arc<RpcContext>,
}

impl EvmApi {
    /// Over the shared context.
    pub fn new(ctx: Arc<RpcContext>) -> Self {
        Self { ctx }
    }
}

pub(crate) fn small(q: Quantity, what: &str) -> RpcResult<u64> {
    if q.0 > U256::from(u64::MAX) {
        return Err(RpcError::InvalidParams(format!("{what} out of range")));
    }
    Ok(q.0.as_u64())
}

fn quantity(value: &Value, what: &str) -> RpcResult<u64> {
    let q: Quantity = serde_json::from_value(value.clone())
        .map_err(|e| RpcError::InvalidParams(format!("{what}: {e}")))?;
    small(q, what)
}

#[async_trait]
impl EvmApiServer for EvmApi {
    async fn mine(&self, options: Option<Value>) -> RpcResult<String> {
        let (blocks, timestamp) = match options {
            None | Some(Value::Null) => (1, None),
            Some(Value::Object(map)) => (
                map.get("blocks").map(|v| quantity(v, "blocks")).transpose()?.unwrap_or(1),
                map.get("timestamp").map(|v| quantity(v, "timestamp")).transpose()?,
            ),
            Some(v) => (1, Some(quantity(&v, "timestamp")?)),
        };
        self.ctx.producer.mine(blocks.max(1), timestamp).await.map_err(RpcError::Producer)?;
        Ok("0x0".to_owned())
    }

    fn set_automine(&self, enabled: bool) -> RpcResult<bool> {
        self.ctx.producer.set_automine(enabled);
        Ok(true)
    }

    fn set_interval_mining(&self, seconds: Quantity) -> RpcResult<bool> {
        self.ctx.producer.set_interval(small(seconds, "interval")?);
        Ok(true)
    }

    fn increase_time(&self, seconds: Quantity) -> RpcResult<U64> {
        Ok(self.ctx.producer.increase_time(small(seconds, "seconds")?).into())
    }

    fn set_next_block_timestamp(&self, timestamp: Quantity) -> RpcResult<bool> {
        self.ctx.producer.set_next_timestamp(small(timestamp, "timestamp")?);
        Ok(true)
    }

    fn snapshot(&self) -> RpcResult<U64> {
        let head = self.ctx.chain.head().hash;
        let mut snapshots = self.ctx.snapshots.lock();
        snapshots.0 += 1;
        let id = snapshots.0;
        snapshots.1.insert(id, head);
        Ok(id.into())
    }

    async fn revert(&self, id: Quantity) -> RpcResult<bool> {
        let id = small(id, "snapshot id")?;
        let target = {
            let mut snapshots = self.ctx.snapshots.lock();
            let Some(target) = snapshots.1.get(&id).copied() else { return Ok(false) };
            snapshots.1.retain(|k, _| *k < id);
            target
        };
        self.ctx.require_header(BlockId::Hash(target))?;
        // The chain announces the blocks it forgets as removed.
        self.ctx.producer.rewind(target).await.map_err(RpcError::Producer)?;
        Ok(true)
    }
}
