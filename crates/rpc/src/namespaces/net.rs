//! The `net_` namespace.

use crate::context::RpcContext;
use crate::error::RpcResult;
use basalt_primitives::U64;
use jsonrpsee::proc_macros::rpc;
use std::sync::Arc;

/// The `net_` methods.
#[rpc(server, namespace = "net")]
pub trait NetApi {
    /// The network id (the chain id, in decimal).
    #[method(name = "version")]
    fn version(&self) -> RpcResult<String>;
    /// Whether the node accepts peers.
    #[method(name = "listening")]
    fn listening(&self) -> RpcResult<bool>;
    /// Connected peers.
    #[method(name = "peerCount")]
    fn peer_count(&self) -> RpcResult<U64>;
}

/// The `net_` implementation.
#[derive(Debug, Clone)]
pub struct NetApi {
    ctx: Arc<RpcContext>,
}

impl NetApi {
    /// Over the shared context.
    pub fn new(ctx: Arc<RpcContext>) -> Self {
        Self { ctx }
    }
}

impl NetApiServer for NetApi {
    fn version(&self) -> RpcResult<String> {
        Ok(self.ctx.config.chain_id.to_string())
    }

    fn listening(&self) -> RpcResult<bool> {
        Ok(true)
    }

    fn peer_count(&self) -> RpcResult<U64> {
        Ok(self.ctx.network.as_ref().map_or(0, |n| n.peer_count() as u64).into())
    }
}
