//! The `web3_` namespace.

use crate::context::RpcContext;
use crate::error::RpcResult;
use crate::types::Bytes;
use basalt_primitives::{keccak256, H256};
use jsonrpsee::proc_macros::rpc;
use std::sync::Arc;

/// The `web3_` methods.
#[rpc(server, namespace = "web3")]
pub trait Web3Api {
    /// The node's name and version.
    #[method(name = "clientVersion")]
    fn client_version(&self) -> RpcResult<String>;
    /// keccak256 of the data.
    #[method(name = "sha3")]
    fn sha3(&self, data: Bytes) -> RpcResult<H256>;
}

/// The `web3_` implementation.
#[derive(Debug, Clone)]
pub struct Web3Api {
    ctx: Arc<RpcContext>,
}

impl Web3Api {
    /// Over the shared context.
    pub fn new(ctx: Arc<RpcContext>) -> Self {
        Self { ctx }
    }
}

impl Web3ApiServer for Web3Api {
    fn client_version(&self) -> RpcResult<String> {
        Ok(self.ctx.config.client_version.clone())
    }

    fn sha3(&self, data: Bytes) -> RpcResult<H256> {
        Ok(keccak256(&data.0))
    }
}
