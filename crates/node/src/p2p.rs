//! The node's side of the peer-to-peer network: what is valid gossip, what is
//! served to peers, what gets announced, and the RPC's view (`admin_*`,
//! `net_peerCount`, `eth_syncing`).
//!
//! ```text
//!  gossip tx    ─► decode, signature, chain id ─► pool (RpcContext::submit_from) ─► Accept/Ignore/Reject
//!  gossip block ─► decode ─► Chain::import_block (seal, execution, roots) ─► Accept/Reject
//!                  unknown parent ─► fetch its ancestors from that peer (sync::fetch_ancestors)
//!  peer status  ─► heavier than our head? ─► wake the sync driver (sync.rs)
//!  new canonical block not from the network ─► gossip it (sealed or mined here)
//!  RPC-submitted transaction ─► gossip it
//! ```

use crate::miner::pool_candidates;
use crate::sync::{Importer, SyncShared};
use basalt_chain::{BlockError, Chain, ChainError};
use basalt_network::protocol::{MAX_BODIES, SOFT_RESPONSE_BYTES};
use basalt_network::{
    ChainView, GossipKind, Multiaddr, NetworkEvent, NetworkHandle, PeerId, Status, Verdict,
};
use basalt_primitives::{Block, Header, SignedTransaction, UnprotectedPolicy, H256};
use basalt_rpc::{NetworkAccess, ProducerFuture, RpcContext, SyncProgress};
use serde_json::{json, Value};
use std::sync::Arc;
use tokio::sync::mpsc;
use tracing::{debug, warn};

const TARGET: &str = "basalt::p2p";

/// Score lost for an invalid transaction (honest nodes validate before
/// forwarding, so each one is the sender's fault; a few are tolerated for a
/// peer whose rules differ slightly, e.g. after an upgrade).
pub const BAD_TX_PENALTY: i32 = 25;
/// Score lost for an invalid block or an undecodable message: one is enough.
pub const BAD_BLOCK_PENALTY: i32 = 100;

/// Serves peers' sync requests from the chain.
pub struct ChainSource(pub(crate) Arc<Chain>);

impl ChainView for ChainSource {
    fn status(&self) -> Status {
        let head = self.0.head();
        Status {
            chain_id: self.0.spec().chain_id,
            genesis: self.0.genesis_hash(),
            head_hash: head.hash,
            head_number: head.header.number,
            total_weight: self.0.block_weight(head.hash).ok().flatten().unwrap_or_default(),
        }
    }

    fn headers_by_number(&self, start: u64, count: u32) -> Vec<Header> {
        (start..start.saturating_add(u64::from(count)))
            .map_while(|n| self.0.header_by_number(n).ok().flatten())
            .map(|h| h.header.clone())
            .collect()
    }

    fn headers_by_hash(&self, hash: H256, count: u32) -> Vec<Header> {
        let mut out = Vec::new();
        let mut next = hash;
        while out.len() < count as usize {
            let Ok(Some(h)) = self.0.header_by_hash(next) else { break };
            let at_genesis = h.header.number == 0;
            next = h.header.parent_hash;
            out.push(h.header.clone());
            if at_genesis {
                break;
            }
        }
        out
    }

    fn bodies(&self, hashes: &[H256]) -> Vec<Vec<SignedTransaction>> {
        let mut out = Vec::new();
        let mut bytes = 0usize;
        for hash in hashes.iter().take(MAX_BODIES) {
            let Ok(Some(body)) = self.0.body(*hash) else { break };
            bytes += body.iter().map(|tx| tx.encode_network().len() + 8).sum::<usize>();
            if bytes > SOFT_RESPONSE_BYTES && !out.is_empty() {
                break;
            }
            out.push(body);
        }
        out
    }
}

/// The RPC's view of the network.
pub struct NetAdapter {
    /// The network.
    pub handle: NetworkHandle,
    /// Sync progress.
    pub sync: Arc<SyncShared>,
    /// The chain (for `admin_nodeInfo`).
    pub chain: Arc<Chain>,
}

fn weight_hex(status: &Status) -> String {
    format!("{:#x}", status.total_weight)
}

impl NetworkAccess for NetAdapter {
    fn peer_count(&self) -> usize {
        self.handle.peer_count()
    }

    fn peers(&self) -> Vec<Value> {
        self.handle
            .peers()
            .into_iter()
            .map(|p| {
                let protocol = p.status.as_ref().map_or(Value::Null, |s| {
                    json!({
                        "head": format!("{:?}", s.head_hash),
                        "number": format!("{:#x}", s.head_number),
                        "totalWeight": weight_hex(s),
                        "score": p.score,
                    })
                });
                json!({
                    "id": p.peer_id.to_string(),
                    "name": p.agent.clone().unwrap_or_default(),
                    "enode": p.remote_addr.clone().with(basalt_network::MultiaddrProtocol::P2p(p.peer_id)).to_string(),
                    "network": {
                        "localAddress": p.local_addr.to_string(),
                        "remoteAddress": p.remote_addr.to_string(),
                        "inbound": p.inbound,
                    },
                    "protocols": { "basalt": protocol },
                })
            })
            .collect()
    }

    fn node_info(&self) -> Value {
        let local = self.handle.local();
        let source = ChainSource(self.chain.clone());
        let status = source.status();
        let addrs: Vec<String> = local.listen_addrs.iter().map(ToString::to_string).collect();
        let port = local
            .listen_addrs
            .iter()
            .flat_map(|a| a.iter())
            .find_map(|p| match p {
                basalt_network::MultiaddrProtocol::Tcp(port) => Some(port),
                _ => None,
            })
            .unwrap_or(0);
        json!({
            "id": local.peer_id.to_string(),
            "name": format!("basalt/v{}", env!("CARGO_PKG_VERSION")),
            "enode": addrs.first().cloned().unwrap_or_default(),
            "listenAddrs": addrs,
            "ports": { "listener": port, "discovery": port },
            "protocols": {
                "basalt": {
                    "network": status.chain_id,
                    "genesis": format!("{:?}", status.genesis),
                    "head": format!("{:?}", status.head_hash),
                    "number": format!("{:#x}", status.head_number),
                    "totalWeight": weight_hex(&status),
                }
            },
        })
    }

    fn add_peer(&self, addr: String) -> ProducerFuture<bool> {
        let handle = self.handle.clone();
        Box::pin(async move {
            let addr: Multiaddr =
                addr.parse().map_err(|e| format!("{addr} is not a multiaddr: {e}"))?;
            handle.add_peer(addr).await.map(|()| true)
        })
    }

    fn remove_peer(&self, peer: String) -> ProducerFuture<bool> {
        let handle = self.handle.clone();
        Box::pin(async move {
            let id = parse_peer(&peer)?;
            Ok(handle.remove_peer(id).await)
        })
    }

    fn sync_progress(&self) -> Option<SyncProgress> {
        self.sync.progress()
    }

    fn broadcast_transaction(&self, tx: &SignedTransaction) {
        self.handle.publish_transaction(tx);
    }
}

/// A peer id, alone or at the end of a multiaddr.
fn parse_peer(s: &str) -> Result<PeerId, String> {
    if s.starts_with('/') {
        let addr: Multiaddr = s.parse().map_err(|e| format!("{s} is not a multiaddr: {e}"))?;
        addr.iter()
            .find_map(|p| match p {
                basalt_network::MultiaddrProtocol::P2p(id) => Some(id),
                _ => None,
            })
            .ok_or_else(|| format!("{s} has no /p2p/<peer id>"))
    } else {
        s.parse().map_err(|e| format!("{s} is not a peer id: {e}"))
    }
}

/// Most pending transactions offered to a newly connected peer.
const REANNOUNCE: usize = 1024;

/// Gossiped blocks waiting for import; beyond this they are ignored (a peer
/// far ahead: range sync fetches them in order instead).
const BLOCK_QUEUE: usize = 256;

/// Handles the network's events until it stops.
pub async fn run_events(
    mut events: mpsc::UnboundedReceiver<NetworkEvent>,
    handle: NetworkHandle,
    ctx: Arc<RpcContext>,
    importer: Arc<Importer>,
) {
    // Blocks are imported one at a time, in arrival order (mostly parent
    // first), by one worker: a burst of gossip cannot become a burst of
    // concurrent imports and orphans.
    let (blocks, mut queue) =
        mpsc::channel::<(PeerId, basalt_network::MessageId, Vec<u8>)>(BLOCK_QUEUE);
    {
        let handle = handle.clone();
        let importer = importer.clone();
        tokio::spawn(async move {
            while let Some((from, id, data)) = queue.recv().await {
                let verdict = on_block(&importer, &handle, from, &data).await;
                handle.validate(id, from, verdict);
            }
        });
    }
    while let Some(event) = events.recv().await {
        match event {
            NetworkEvent::Gossip { kind: GossipKind::Transaction, from, id, data } => {
                let verdict = on_transaction(&ctx, &data).await;
                handle.validate(id, from, verdict);
            }
            NetworkEvent::Gossip { kind: GossipKind::Block, from, id, data } => {
                if let Err(mpsc::error::TrySendError::Full((from, id, _))) =
                    blocks.try_send((from, id, data))
                {
                    handle.validate(id, from, Verdict::Ignore);
                    importer.sync.wake();
                }
            }
            NetworkEvent::PeerStatus { peer, status } => importer.sync.peer_status(peer, status),
            NetworkEvent::PeerSubscribed { kind: GossipKind::Transaction, .. } => {
                // A peer now listens for transactions: offer it our pending
                // ones (those submitted while we had no peers never left this
                // node; gossipsub drops the ones it has sent recently). Not on
                // connect: until its subscription arrives, a publish reaches no one.
                for (tx, _) in pool_candidates(&ctx.chain, &ctx.pool).into_iter().take(REANNOUNCE) {
                    handle.publish_transaction(&tx);
                }
            }
            NetworkEvent::PeerSubscribed { .. } => {}
            NetworkEvent::PeerDisconnected(peer) => importer.sync.peer_gone(peer),
        }
    }
}

async fn on_transaction(ctx: &RpcContext, data: &[u8]) -> Verdict {
    let Ok(tx) = SignedTransaction::decode_network(data) else {
        return Verdict::Reject(BAD_BLOCK_PENALTY);
    };
    // Pre-EIP-155 transactions are valid on the wire (only the RPC may refuse them).
    let sender = match tx.recover_sender_for_chain(ctx.config.chain_id, UnprotectedPolicy::Accept) {
        Ok(sender) => sender,
        Err(_) => return Verdict::Reject(BAD_TX_PENALTY),
    };
    if tx.validate_stateless().is_err() {
        return Verdict::Reject(BAD_TX_PENALTY);
    }
    match ctx.admit(tx, sender, false).await {
        Ok(_) => Verdict::Accept,
        // Known, nonce already used, fee too low, pool full: our state and
        // the sender's may differ; no blame.
        Err(e) => {
            debug!(target: TARGET, error = %e, "gossiped transaction not admitted");
            Verdict::Ignore
        }
    }
}

async fn on_block(
    importer: &Arc<Importer>,
    handle: &NetworkHandle,
    from: PeerId,
    data: &[u8],
) -> Verdict {
    let Ok(block) = Block::decode_rlp(data) else { return Verdict::Reject(BAD_BLOCK_PENALTY) };
    let hash = block.hash();
    if crate::sync::is_known(&importer.chain, hash) {
        return Verdict::Ignore;
    }
    let parent = block.header.parent_hash;
    match importer.import(vec![block]).await {
        Ok(summary) if summary.orphans > 0 => {
            // Fetch the missing ancestors from the peer that has them.
            let importer = importer.clone();
            let handle = handle.clone();
            tokio::spawn(async move {
                if let Err(e) = crate::sync::fetch_ancestors(&importer, &handle, from, parent).await
                {
                    debug!(target: TARGET, %from, error = %e, "could not fetch a block's ancestors");
                }
            });
            Verdict::Ignore
        }
        Ok(summary) if summary.stored > 0 => Verdict::Accept,
        Ok(_) => Verdict::Ignore,
        Err(ChainError::InvalidBlock(BlockError::TooOld { .. })) => Verdict::Ignore,
        Err(ChainError::InvalidBlock(e)) => {
            warn!(target: TARGET, %from, ?hash, error = %e, "peer gossiped an invalid block");
            Verdict::Reject(BAD_BLOCK_PENALTY)
        }
        Err(e) => {
            warn!(target: TARGET, ?hash, error = %e, "could not import a gossiped block");
            Verdict::Ignore
        }
    }
}

/// Gossips every new canonical block that did not come from the network
/// (sealed, mined or patched here).
pub async fn announce_local_blocks(
    chain: Arc<Chain>,
    handle: NetworkHandle,
    sync: Arc<SyncShared>,
) {
    let mut blocks = chain.subscribe();
    loop {
        match blocks.recv().await {
            Ok(new) if !new.removed => {
                let hash = new.header.hash;
                if sync.from_network(hash) {
                    continue;
                }
                match chain.body(hash) {
                    Ok(Some(transactions)) => handle
                        .publish_block(&Block { header: new.header.header.clone(), transactions }),
                    Ok(None) => {}
                    Err(e) => {
                        warn!(target: TARGET, ?hash, error = %e, "cannot read a block to announce")
                    }
                }
            }
            Ok(_) => {}
            // Peers learn of skipped blocks through status and sync.
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {}
            Err(tokio::sync::broadcast::error::RecvError::Closed) => return,
        }
    }
}
