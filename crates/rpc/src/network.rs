//! The seam between the RPC and the peer-to-peer layer: `admin_*`,
//! `net_peerCount`, `net_listening`, `eth_syncing`, and gossip of
//! transactions submitted over RPC. A node without a network (`basalt dev`)
//! has none; those methods then answer as a lone node does.

use crate::producer::ProducerFuture;
use basalt_primitives::SignedTransaction;
use serde::Serialize;
use serde_json::Value;

/// Sync progress as `eth_syncing` reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncProgress {
    /// Head when this sync began.
    #[serde(serialize_with = "hex_u64")]
    pub starting_block: u64,
    /// Current head.
    #[serde(serialize_with = "hex_u64")]
    pub current_block: u64,
    /// Highest block a peer announced.
    #[serde(serialize_with = "hex_u64")]
    pub highest_block: u64,
}

fn hex_u64<S: serde::Serializer>(v: &u64, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format!("{v:#x}"))
}

/// What the RPC asks of the network.
pub trait NetworkAccess: Send + Sync + 'static {
    /// Connected peers.
    fn peer_count(&self) -> usize;
    /// `admin_peers`: one object per connected peer.
    fn peers(&self) -> Vec<Value>;
    /// `admin_nodeInfo`.
    fn node_info(&self) -> Value;
    /// `admin_addPeer`: dial a multiaddr ending in `/p2p/<peer id>`.
    fn add_peer(&self, addr: String) -> ProducerFuture<bool>;
    /// `admin_removePeer`: disconnect a peer (by multiaddr or peer id) and
    /// refuse it until it is added again.
    fn remove_peer(&self, peer: String) -> ProducerFuture<bool>;
    /// The sync in progress, if any.
    fn sync_progress(&self) -> Option<SyncProgress>;
    /// Gossips a transaction the RPC admitted to the pool.
    fn broadcast_transaction(&self, tx: &SignedTransaction);
}
