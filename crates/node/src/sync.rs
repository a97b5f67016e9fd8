//! Sync: catching up with heavier peers.
//!
//! ```text
//!  peer status heavier than our head ─► driver wakes ─► common ancestor with that peer
//!    (its canonical headers by number, 64 at a time, walking down from
//!     min(our head, its head) until one is known here)
//!  ─► ranges of CHUNK blocks from ancestor+1 to its head, spread over every
//!     peer whose head is high enough, WINDOW ranges in flight
//!     (headers by number, then bodies by hash)
//!  ─► imported in order through Chain::import_block, the same path as
//!     gossiped and local blocks ─► pool updated, dropped txs re-added
//! ```
//!
//! A restart resumes from the stored head: peers' statuses arrive again and
//! the driver picks up where the database stopped. Progress shows in
//! `eth_syncing` and as a log line every few seconds (blocks/s, ETA).
//! A gossiped block with an unknown parent makes [`fetch_ancestors`] walk its
//! parents back by hash from the peer that sent it.

use crate::miner::update_pool;
use crate::p2p::BAD_BLOCK_PENALTY;
use basalt_chain::{Chain, ChainError};
use basalt_network::protocol::MAX_BODIES;
use basalt_network::{NetworkHandle, PeerId, Status, SyncRequest, SyncResponse};
use basalt_primitives::{Block, Header, SignedTransaction, H256};
use basalt_rpc::{RpcContext, SyncProgress};
use futures::stream::{FuturesOrdered, StreamExt as _};
use lru::LruCache;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::num::NonZeroUsize;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tracing::{debug, info, warn};

const TARGET: &str = "basalt::sync";

/// Blocks per range request.
pub const CHUNK: u64 = 128;
/// Ranges in flight at once.
pub const WINDOW: usize = 8;
/// Headers per step of the common-ancestor search.
const ANCESTOR_STEP: u64 = 64;
/// Parents walked back for a gossiped orphan before leaving it to range sync.
const ANCESTOR_WALK: u32 = 256;
/// How often the progress line is logged.
const PROGRESS_EVERY: Duration = Duration::from_secs(3);

/// State the sync driver, the gossip handler and the RPC share.
pub struct SyncShared {
    peers: Mutex<HashMap<PeerId, Status>>,
    progress: Mutex<Option<SyncProgress>>,
    wake: Notify,
    /// Blocks that arrived from the network (not to be announced again).
    from_network: Mutex<LruCache<H256, ()>>,
    /// One ancestor walk at a time: a burst of gossiped orphans (a peer far
    /// ahead) must not become a burst of requests.
    walking: tokio::sync::Semaphore,
}

impl Default for SyncShared {
    fn default() -> Self {
        Self::new()
    }
}

impl SyncShared {
    /// Empty: no peers, no sync.
    pub fn new() -> Self {
        Self {
            peers: Mutex::new(HashMap::new()),
            progress: Mutex::new(None),
            wake: Notify::new(),
            from_network: Mutex::new(LruCache::new(NonZeroUsize::new(16_384).expect("non-zero"))),
            walking: tokio::sync::Semaphore::new(1),
        }
    }

    /// Records a peer's status and wakes the driver.
    pub fn peer_status(&self, peer: PeerId, status: Status) {
        self.peers.lock().insert(peer, status);
        self.wake.notify_one();
    }

    /// Asks the driver to look at the peers' heads again.
    pub fn wake(&self) {
        self.wake.notify_one();
    }

    /// Forgets a disconnected peer.
    pub fn peer_gone(&self, peer: PeerId) {
        self.peers.lock().remove(&peer);
    }

    /// The sync in progress.
    pub fn progress(&self) -> Option<SyncProgress> {
        *self.progress.lock()
    }

    /// Whether the block arrived from the network (recently).
    pub fn from_network(&self, hash: H256) -> bool {
        self.from_network.lock().contains(&hash)
    }

    fn mark_from_network(&self, hash: H256) {
        self.from_network.lock().put(hash, ());
    }
}

/// What an import did.
#[derive(Debug, Default)]
pub struct ImportSummary {
    /// Blocks stored (including kept orphans let in).
    pub stored: usize,
    /// Blocks kept waiting for their parent.
    pub orphans: usize,
}

/// Imports blocks from the network and keeps the pool in step.
pub struct Importer {
    /// The chain.
    pub chain: Arc<Chain>,
    /// The RPC context (pool admission, as for RPC transactions).
    pub ctx: Arc<RpcContext>,
    /// Shared sync state.
    pub sync: Arc<SyncShared>,
}

impl Importer {
    /// Imports `blocks` in order on a blocking thread (execution needs the
    /// VM's deep stack, which the runtime's threads have). Stops at the
    /// first invalid block.
    pub async fn import(&self, blocks: Vec<Block>) -> Result<ImportSummary, ChainError> {
        for block in &blocks {
            self.sync.mark_from_network(block.hash());
        }
        let chain = self.chain.clone();
        let pool = self.ctx.pool.clone();
        let (summary, dropped, result) = tokio::task::spawn_blocking(move || {
            let mut summary = ImportSummary::default();
            let mut mined = Vec::new();
            let mut dropped = Vec::new();
            let mut moved = false;
            let mut result = Ok(());
            for block in blocks {
                let txs: Vec<H256> =
                    block.transactions.iter().map(SignedTransaction::hash).collect();
                match chain.import_block(block) {
                    Ok(outcome) => {
                        summary.stored += outcome.stored.len();
                        summary.orphans += usize::from(outcome.orphan);
                        // Only a block that moved the head is canonical:
                        // a side branch's transactions stay pending here.
                        if outcome.new_head.is_some() {
                            moved = true;
                            mined.extend(txs);
                        }
                        dropped.extend(outcome.dropped);
                    }
                    Err(e) => {
                        result = Err(e);
                        break;
                    }
                }
            }
            if moved {
                update_pool(&chain, &pool, &mined, &chain.head().header);
            }
            (summary, dropped, result)
        })
        .await
        .unwrap_or_else(|e| std::panic::resume_unwind(e.into_panic()));
        // Transactions of abandoned blocks go back to the pool (those already
        // in the new branch are refused there as known or stale).
        for tx in dropped {
            if let Ok(sender) = tx.recover_sender() {
                let _ = self.ctx.submit_from(tx, sender).await;
            }
        }
        result.map(|()| summary)
    }
}

/// Why a sync round stopped.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// A request failed (timeout, disconnect).
    #[error(transparent)]
    Request(#[from] basalt_network::RequestError),
    /// A peer broke the protocol.
    #[error("peer {peer} answered badly: {reason}")]
    BadResponse {
        /// The peer.
        peer: PeerId,
        /// What was wrong.
        reason: String,
    },
    /// A peer served a block that does not verify.
    #[error("peer {peer} sent an invalid block: {error}")]
    InvalidBlock {
        /// The peer.
        peer: PeerId,
        /// Why the block was refused.
        error: ChainError,
    },
    /// Importing failed here (storage).
    #[error("import failed: {0}")]
    Import(ChainError),
    /// Anything else that ends a round without blame.
    #[error("{0}")]
    Other(String),
}

/// Runs the sync driver until the network stops.
pub async fn run(importer: Arc<Importer>, net: NetworkHandle) {
    loop {
        tokio::select! {
            _ = importer.sync.wake.notified() => {}
            _ = tokio::time::sleep(Duration::from_secs(2)) => {}
        }
        let ours = importer.chain.head_weight();
        let best = importer
            .sync
            .peers
            .lock()
            .iter()
            .filter(|(_, s)| s.total_weight > ours)
            .max_by_key(|(_, s)| s.total_weight)
            .map(|(p, s)| (*p, s.clone()));
        let Some((peer, target)) = best else {
            *importer.sync.progress.lock() = None;
            continue;
        };
        if let Err(e) = sync_from(&importer, &net, peer, &target).await {
            warn!(target: TARGET, %peer, error = %e, "sync round stopped");
            match &e {
                SyncError::BadResponse { peer, reason } => net.penalize(*peer, 50, reason.clone()),
                SyncError::InvalidBlock { peer, error } => {
                    net.penalize(*peer, BAD_BLOCK_PENALTY, error.to_string())
                }
                _ => {}
            }
            // A peer that failed us is asked again only after its next status.
            importer.sync.peers.lock().remove(&peer);
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
        if importer.chain.head_weight() >= target.total_weight {
            *importer.sync.progress.lock() = None;
        }
    }
}

/// Whether `hash` is a stored block (on any branch).
pub(crate) fn is_known(chain: &Chain, hash: H256) -> bool {
    chain.block_weight(hash).ok().flatten().is_some()
}

async fn headers(
    net: &NetworkHandle,
    peer: PeerId,
    request: SyncRequest,
) -> Result<Vec<Header>, SyncError> {
    match net.request(peer, request).await? {
        SyncResponse::Headers(h) => Ok(h),
        // Busy: no blame; the round is retried.
        SyncResponse::Refused(why) => Err(SyncError::Other(format!("{peer} refused: {why}"))),
        other => {
            Err(SyncError::BadResponse { peer, reason: format!("expected headers, got {other:?}") })
        }
    }
}

/// The highest block both chains share: (number, hash).
async fn find_ancestor(
    chain: &Chain,
    net: &NetworkHandle,
    peer: PeerId,
    target: &Status,
) -> Result<(u64, H256), SyncError> {
    let mut top = chain.head().header.number.min(target.head_number);
    let floor = top.saturating_sub(basalt_chain::MAX_REORG_DEPTH + ANCESTOR_STEP);
    loop {
        let start = top.saturating_sub(ANCESTOR_STEP - 1);
        let count = (top - start + 1) as u32;
        let got = headers(net, peer, SyncRequest::HeadersByNumber { start, count }).await?;
        for h in got.iter().rev() {
            let hash = h.hash();
            if is_known(chain, hash) {
                return Ok((h.number, hash));
            }
        }
        if start == 0 {
            // The status exchange agreed on genesis: a chain without it is a lie.
            return Err(SyncError::BadResponse {
                peer,
                reason: "its canonical headers do not reach our genesis".into(),
            });
        }
        if start <= floor {
            return Err(SyncError::Other(format!(
                "no common block with {peer} down to {start}: its branch is deeper than a reorg may go"
            )));
        }
        top = start - 1;
    }
}

/// Downloads `count` blocks from `start`: headers by number, then bodies.
async fn fetch_range(
    net: NetworkHandle,
    peer: PeerId,
    start: u64,
    count: u64,
) -> Result<(PeerId, Vec<Block>), SyncError> {
    let got =
        headers(&net, peer, SyncRequest::HeadersByNumber { start, count: count as u32 }).await?;
    if got.is_empty() {
        return Err(SyncError::Other(format!("{peer} has no blocks from {start}")));
    }
    for (i, h) in got.iter().enumerate() {
        if h.number != start + i as u64 {
            return Err(SyncError::BadResponse { peer, reason: "headers out of order".into() });
        }
        if i > 0 && h.parent_hash != got[i - 1].hash() {
            return Err(SyncError::BadResponse { peer, reason: "headers do not link".into() });
        }
    }
    let hashes: Vec<H256> = got.iter().map(Header::hash).collect();
    let bodies = fetch_bodies(&net, peer, &hashes).await?;
    Ok((
        peer,
        got.into_iter()
            .zip(bodies)
            .map(|(header, transactions)| Block { header, transactions })
            .collect(),
    ))
}

async fn fetch_bodies(
    net: &NetworkHandle,
    peer: PeerId,
    hashes: &[H256],
) -> Result<Vec<Vec<SignedTransaction>>, SyncError> {
    let mut bodies = Vec::with_capacity(hashes.len());
    while bodies.len() < hashes.len() {
        let end = (bodies.len() + MAX_BODIES).min(hashes.len());
        let ask = hashes[bodies.len()..end].to_vec();
        let asked = ask.len();
        match net.request(peer, SyncRequest::Bodies(ask)).await? {
            SyncResponse::Bodies(b) if !b.is_empty() && b.len() <= asked => bodies.extend(b),
            SyncResponse::Bodies(_) => {
                return Err(SyncError::Other(format!("{peer} has no bodies for its own headers")))
            }
            SyncResponse::Refused(why) => {
                return Err(SyncError::Other(format!("{peer} refused: {why}")))
            }
            other => {
                return Err(SyncError::BadResponse {
                    peer,
                    reason: format!("expected bodies, got {other:?}"),
                })
            }
        }
    }
    Ok(bodies)
}

struct Meter {
    started: Instant,
    last_log: Instant,
    imported: u64,
    txs: u64,
}

/// One sync round against `peer`'s head.
async fn sync_from(
    importer: &Arc<Importer>,
    net: &NetworkHandle,
    peer: PeerId,
    target: &Status,
) -> Result<(), SyncError> {
    let chain = &importer.chain;
    let (ancestor, ancestor_hash) = find_ancestor(chain, net, peer, target).await?;
    let start_head = chain.head().header.number;
    *importer.sync.progress.lock() = Some(SyncProgress {
        starting_block: start_head,
        current_block: start_head,
        highest_block: target.head_number,
    });
    info!(target: TARGET, %peer, ancestor, from = start_head, to = target.head_number, "syncing");
    let mut meter =
        Meter { started: Instant::now(), last_log: Instant::now(), imported: 0, txs: 0 };
    let mut served_by = std::collections::HashSet::new();
    let mut next = ancestor + 1;
    let mut parent = ancestor_hash;
    while next <= target.head_number {
        // Every peer whose head reaches `next` may serve a range; the target first.
        let mut servers: Vec<PeerId> = vec![peer];
        servers.extend(
            importer
                .sync
                .peers
                .lock()
                .iter()
                .filter(|(p, s)| {
                    **p != peer && s.head_number >= next && s.genesis == target.genesis
                })
                .map(|(p, _)| *p),
        );
        let mut in_flight = FuturesOrdered::new();
        let mut at = next;
        for i in 0..WINDOW {
            if at > target.head_number {
                break;
            }
            let count = CHUNK.min(target.head_number - at + 1);
            let server = servers[i % servers.len()];
            in_flight.push_back(fetch_range(net.clone(), server, at, count));
            at += count;
        }
        while let Some(result) = in_flight.next().await {
            let (server, blocks) = match result {
                Ok(r) => r,
                Err(e) => {
                    // Ranges from other peers may lag; the target peer retries
                    // in the next round.
                    return Err(e);
                }
            };
            let Some(first) = blocks.first() else { break };
            if first.header.parent_hash != parent {
                return Err(SyncError::Other(format!(
                    "range from {server} at {} does not continue our chain (a reorg there?)",
                    first.header.number
                )));
            }
            served_by.insert(server);
            let last = blocks.last().map(|b| (b.header.number, b.hash())).unwrap_or_default();
            let count = blocks.len() as u64;
            let txs: u64 = blocks.iter().map(|b| b.transactions.len() as u64).sum();
            importer.import(blocks).await.map_err(|error| match error {
                ChainError::InvalidBlock(_) => SyncError::InvalidBlock { peer: server, error },
                other => SyncError::Import(other),
            })?;
            parent = last.1;
            next = last.0 + 1;
            meter.imported += count;
            meter.txs += txs;
            let current = chain.head().header.number;
            if let Some(p) = importer.sync.progress.lock().as_mut() {
                p.current_block = current;
            }
            if meter.last_log.elapsed() >= PROGRESS_EVERY {
                meter.last_log = Instant::now();
                let secs = meter.started.elapsed().as_secs_f64().max(1e-3);
                let rate = meter.imported as f64 / secs;
                let left = target.head_number.saturating_sub(current);
                info!(
                    target: TARGET,
                    current,
                    highest = target.head_number,
                    blocks_per_sec = format!("{rate:.0}"),
                    txs_per_sec = format!("{:.0}", meter.txs as f64 / secs),
                    eta_secs = format!("{:.0}", left as f64 / rate.max(1e-3)),
                    "sync progress"
                );
            }
        }
    }
    let secs = meter.started.elapsed().as_secs_f64().max(1e-3);
    info!(
        target: TARGET,
        head = chain.head().header.number,
        blocks = meter.imported,
        txs = meter.txs,
        peers = served_by.len(),
        blocks_per_sec = format!("{:.0}", meter.imported as f64 / secs),
        txs_per_sec = format!("{:.0}", meter.txs as f64 / secs),
        "sync round finished"
    );
    Ok(())
}

/// Fetches and imports the unknown ancestors of a gossiped block, walking
/// back by hash from its parent. A gap deeper than [`ANCESTOR_WALK`] is left
/// to range sync.
pub async fn fetch_ancestors(
    importer: &Arc<Importer>,
    net: &NetworkHandle,
    peer: PeerId,
    parent: H256,
) -> Result<(), SyncError> {
    let chain = &importer.chain;
    if is_known(chain, parent) {
        return Ok(());
    }
    // A range sync is running, or another walk: they will bring the parent.
    if importer.sync.progress().is_some() {
        return Ok(());
    }
    let Ok(_walk) = importer.sync.walking.try_acquire() else { return Ok(()) };
    let got = headers(net, peer, SyncRequest::HeadersByHash { hash: parent, count: ANCESTOR_WALK })
        .await?;
    if got.first().map(Header::hash) != Some(parent) {
        return Err(SyncError::BadResponse {
            peer,
            reason: "headers do not start at the asked hash".into(),
        });
    }
    // Newest first: keep headers until one whose parent is known.
    let mut chainlet = Vec::new();
    for (i, h) in got.iter().enumerate() {
        if i > 0 && got[i - 1].parent_hash != h.hash() {
            return Err(SyncError::BadResponse { peer, reason: "headers do not link".into() });
        }
        chainlet.push(h.clone());
        if is_known(chain, h.parent_hash) {
            break;
        }
    }
    if !chainlet.last().is_some_and(|h| is_known(chain, h.parent_hash)) {
        debug!(target: TARGET, %peer, "orphan's gap is deep; leaving it to range sync");
        importer.sync.wake();
        return Ok(());
    }
    chainlet.reverse();
    let hashes: Vec<H256> = chainlet.iter().map(Header::hash).collect();
    let bodies = fetch_bodies(net, peer, &hashes).await?;
    let blocks = chainlet
        .into_iter()
        .zip(bodies)
        .map(|(header, transactions)| Block { header, transactions })
        .collect();
    importer.import(blocks).await.map_err(|error| match error {
        ChainError::InvalidBlock(_) => SyncError::InvalidBlock { peer, error },
        other => SyncError::Import(other),
    })?;
    Ok(())
}
