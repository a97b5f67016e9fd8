//! The `personal_` namespace: only `personal_sign` (EIP-191 with a node key).

use crate::context::RpcContext;
use crate::error::RpcResult;
use crate::types::Bytes;
use basalt_primitives::Address;
use jsonrpsee::proc_macros::rpc;
use std::sync::Arc;

/// The `personal_` methods.
#[rpc(server, namespace = "personal")]
pub trait PersonalApi {
    /// Signs `message` with the key of `address` (EIP-191).
    #[method(name = "sign")]
    fn sign(&self, message: Bytes, address: Address) -> RpcResult<Bytes>;
}

/// The `personal_` implementation.
#[derive(Debug, Clone)]
pub struct PersonalApi {
    ctx: Arc<RpcContext>,
}

impl PersonalApi {
    /// Over the shared context.
    pub fn new(ctx: Arc<RpcContext>) -> Self {
        Self { ctx }
    }
}

impl PersonalApiServer for PersonalApi {
    fn sign(&self, message: Bytes, address: Address) -> RpcResult<Bytes> {
        Ok(Bytes(self.ctx.accounts.sign_message(address, &message.0)?))
    }
}
