//! The `admin_` namespace (geth's names): peers and this node's identity.

use crate::context::RpcContext;
use crate::error::{RpcError, RpcResult};
use jsonrpsee::proc_macros::rpc;
use serde_json::Value;
use std::sync::Arc;

/// The `admin_` methods.
#[rpc(server, namespace = "admin")]
pub trait AdminApi {
    /// Connected peers.
    #[method(name = "peers")]
    fn peers(&self) -> RpcResult<Vec<Value>>;
    /// This node: peer id, listen addresses (multiaddrs to give other nodes
    /// as `--bootnodes`), chain and head.
    #[method(name = "nodeInfo")]
    fn node_info(&self) -> RpcResult<Value>;
    /// Dials a peer (`/ip4/…/tcp/…/p2p/<peer id>`); true when the dial started.
    #[method(name = "addPeer")]
    async fn add_peer(&self, addr: String) -> RpcResult<bool>;
    /// Disconnects a peer (multiaddr or peer id) and refuses it until
    /// `admin_addPeer`; true when it was connected.
    #[method(name = "removePeer")]
    async fn remove_peer(&self, peer: String) -> RpcResult<bool>;
}

/// The `admin_` implementation.
#[derive(Debug, Clone)]
pub struct AdminApi {
    ctx: Arc<RpcContext>,
}

impl AdminApi {
    /// Over the shared context.
    pub fn new(ctx: Arc<RpcContext>) -> Self {
        Self { ctx }
    }

    fn network(&self) -> RpcResult<&Arc<dyn crate::NetworkAccess>> {
        self.ctx.network.as_ref().ok_or_else(|| {
            RpcError::Unsupported("this node runs without a peer-to-peer network".into())
        })
    }
}

#[jsonrpsee::core::async_trait]
impl AdminApiServer for AdminApi {
    fn peers(&self) -> RpcResult<Vec<Value>> {
        Ok(self.ctx.network.as_ref().map(|n| n.peers()).unwrap_or_default())
    }

    fn node_info(&self) -> RpcResult<Value> {
        Ok(self.network()?.node_info())
    }

    async fn add_peer(&self, addr: String) -> RpcResult<bool> {
        self.network()?.add_peer(addr).await.map_err(RpcError::InvalidParams)
    }

    async fn remove_peer(&self, peer: String) -> RpcResult<bool> {
        self.network()?.remove_peer(peer).await.map_err(RpcError::InvalidParams)
    }
}
