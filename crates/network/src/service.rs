//! The swarm task and its handle.
//!
//! ```text
//!  NetworkHandle ──commands──► swarm task ◄── TCP (noise, yamux) ── peers
//!    publish / validate /        │  identify, ping, Kademlia (discovery),
//!    request / add / remove      │  gossipsub (txs, blocks), sync request-response,
//!                                │  connection limits, block list (bans, removed peers)
//!  node ◄──── NetworkEvent ──────┘  gossip messages to validate, peer statuses
//! ```
//!
//! Gossip is validated by the node before gossipsub forwards it: every
//! message arrives as [`NetworkEvent::Gossip`] and waits for a
//! [`Verdict`]. Rejected messages cost their sender score; a peer whose score
//! falls to [`BAN_SCORE`] is disconnected and refused for [`BAN_TIME`].

use crate::protocol::{Status, SyncCodec, SyncRequest, SyncResponse, SYNC_PROTOCOL};
use basalt_primitives::{keccak256, Header, SignedTransaction, H256};
use futures::StreamExt as _;
use libp2p::core::ConnectedPoint;
use libp2p::gossipsub::{self, IdentTopic, MessageAcceptance, MessageAuthenticity, MessageId};
use libp2p::identity::Keypair;
use libp2p::multiaddr::Protocol;
use libp2p::request_response::{self, OutboundRequestId, ProtocolSupport, ResponseChannel};
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::swarm::{NetworkBehaviour, SwarmEvent};
use libp2p::{
    allow_block_list, connection_limits, identify, kad, ping, Multiaddr, PeerId, StreamProtocol,
    Swarm,
};
use parking_lot::RwLock;
use std::collections::{HashMap, HashSet};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};
use tracing::{debug, info, warn};

const TARGET: &str = "basalt::network";

/// Largest gossip message (a block's transactions are bounded by its gas
/// limit: 30M gas of calldata at 16 gas/byte is under 2 MiB).
pub const MAX_GOSSIP_BYTES: usize = 4 * 1024 * 1024;
/// Score at which a peer is disconnected and banned.
pub const BAN_SCORE: i32 = -100;
/// How long a banned peer is refused.
pub const BAN_TIME: Duration = Duration::from_secs(600);
/// How often connected peers are asked for their status.
pub const STATUS_INTERVAL: Duration = Duration::from_secs(4);
/// Requests served at once for one peer (each may read up to 8 MiB of
/// bodies); more are refused until some finish.
pub const MAX_SERVING_PER_PEER: usize = 16;
/// How long a sync request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);

/// How the network starts.
#[derive(Clone, Debug)]
pub struct NetworkConfig {
    /// The node's identity.
    pub key: Keypair,
    /// Address to listen on.
    pub listen_ip: IpAddr,
    /// TCP port (0 picks one).
    pub port: u16,
    /// Peers to dial at start (multiaddrs ending in `/p2p/<peer id>`).
    pub bootnodes: Vec<Multiaddr>,
    /// The chain's id (scopes topics and protocols).
    pub chain_id: u64,
    /// The chain's genesis hash (scopes topics; peers with another are dropped).
    pub genesis_hash: H256,
    /// Most connected peers.
    pub max_peers: u32,
}

/// Which gossip topic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum GossipKind {
    /// Signed transactions (network encoding).
    Transaction,
    /// Blocks (RLP `[header, transactions]`).
    Block,
}

/// What the node decided about a gossip message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Valid: forward it.
    Accept,
    /// Not forwarded, no blame (already known, arrived too early).
    Ignore,
    /// Invalid: not forwarded; the sender loses this much score.
    Reject(i32),
}

/// What the network tells the node.
#[derive(Debug)]
pub enum NetworkEvent {
    /// A gossip message waiting for a [`Verdict`] ([`NetworkHandle::validate`]).
    Gossip {
        /// Topic.
        kind: GossipKind,
        /// The peer that forwarded it.
        from: PeerId,
        /// Gossipsub's id of the message.
        id: MessageId,
        /// The payload.
        data: Vec<u8>,
    },
    /// A peer answered a status request.
    PeerStatus {
        /// The peer.
        peer: PeerId,
        /// Its chain and head.
        status: Status,
    },
    /// A peer subscribed to a gossip topic: from now on publishing on it
    /// reaches that peer.
    PeerSubscribed {
        /// The peer.
        peer: PeerId,
        /// The topic.
        kind: GossipKind,
    },
    /// A peer's last connection closed.
    PeerDisconnected(PeerId),
}

/// Why a request to a peer failed.
#[derive(Debug, thiserror::Error)]
pub enum RequestError {
    /// Transport failure, timeout, unsupported protocol.
    #[error("request to {peer} failed: {reason}")]
    Failed {
        /// The peer.
        peer: PeerId,
        /// What went wrong.
        reason: String,
    },
    /// The network task has stopped.
    #[error("the network has stopped")]
    Stopped,
}

/// Errors starting the network.
#[derive(Debug, thiserror::Error)]
pub enum NetworkError {
    /// libp2p refused the configuration.
    #[error("starting libp2p: {0}")]
    Setup(String),
    /// Listening failed.
    #[error("listening on {addr}: {reason}")]
    Listen {
        /// The address.
        addr: Multiaddr,
        /// Why.
        reason: String,
    },
}

/// What the network serves to peers' sync requests: the node's chain.
pub trait ChainView: Send + Sync + 'static {
    /// This node's chain and head.
    fn status(&self) -> Status;
    /// Canonical headers `start..start + count`.
    fn headers_by_number(&self, start: u64, count: u32) -> Vec<Header>;
    /// The block `hash` and up to `count - 1` ancestors, newest first.
    fn headers_by_hash(&self, hash: H256, count: u32) -> Vec<Header>;
    /// Bodies of the given blocks, stopping at the first unknown one or at
    /// the soft size limit.
    fn bodies(&self, hashes: &[H256]) -> Vec<Vec<SignedTransaction>>;
}

/// A connected peer.
#[derive(Clone, Debug)]
pub struct PeerInfo {
    /// Its id.
    pub peer_id: PeerId,
    /// The address of the (first) connection.
    pub remote_addr: Multiaddr,
    /// Our address on that connection.
    pub local_addr: Multiaddr,
    /// Whether it dialled us.
    pub inbound: bool,
    /// Its agent string (identify).
    pub agent: Option<String>,
    /// Its last status.
    pub status: Option<Status>,
    /// Its score (0 = neutral; banned at [`BAN_SCORE`]).
    pub score: i32,
}

/// What the node needs to know about itself for `admin_nodeInfo`.
#[derive(Clone, Debug)]
pub struct LocalInfo {
    /// The peer id.
    pub peer_id: PeerId,
    /// Addresses it listens on (with `/p2p/<id>`).
    pub listen_addrs: Vec<Multiaddr>,
}

#[derive(NetworkBehaviour)]
struct Behaviour {
    block_list: allow_block_list::Behaviour<allow_block_list::BlockedPeers>,
    limits: connection_limits::Behaviour,
    identify: identify::Behaviour,
    ping: ping::Behaviour,
    kad: kad::Behaviour<kad::store::MemoryStore>,
    gossipsub: gossipsub::Behaviour,
    sync: request_response::Behaviour<SyncCodec>,
}

enum Command {
    Publish {
        kind: GossipKind,
        data: Vec<u8>,
    },
    Validate {
        id: MessageId,
        from: PeerId,
        verdict: Verdict,
    },
    Penalize {
        peer: PeerId,
        penalty: i32,
        reason: String,
    },
    Request {
        peer: PeerId,
        request: SyncRequest,
        reply: oneshot::Sender<Result<SyncResponse, RequestError>>,
    },
    AddPeer {
        addr: Multiaddr,
        reply: oneshot::Sender<Result<(), String>>,
    },
    RemovePeer {
        peer: PeerId,
        reply: oneshot::Sender<bool>,
    },
    Shutdown,
}

struct Shared {
    local: RwLock<LocalInfo>,
    peers: RwLock<HashMap<PeerId, PeerInfo>>,
}

/// The node's handle on the network task; cheap to clone.
#[derive(Clone)]
pub struct NetworkHandle {
    commands: mpsc::UnboundedSender<Command>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for NetworkHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NetworkHandle").field("peer_id", &self.shared.local.read().peer_id).finish()
    }
}

impl NetworkHandle {
    /// Gossips a transaction (network encoding).
    pub fn publish_transaction(&self, tx: &SignedTransaction) {
        self.publish(GossipKind::Transaction, tx.encode_network());
    }

    /// Gossips a block.
    pub fn publish_block(&self, block: &basalt_primitives::Block) {
        self.publish(GossipKind::Block, basalt_primitives::rlp::encode(block).to_vec());
    }

    /// Gossips raw bytes on a topic (what the typed publishers use).
    pub fn publish(&self, kind: GossipKind, data: Vec<u8>) {
        let _ = self.commands.send(Command::Publish { kind, data });
    }

    /// Reports the node's verdict on a gossip message.
    pub fn validate(&self, id: MessageId, from: PeerId, verdict: Verdict) {
        let _ = self.commands.send(Command::Validate { id, from, verdict });
    }

    /// Lowers a peer's score (a bad sync response, say).
    pub fn penalize(&self, peer: PeerId, penalty: i32, reason: impl Into<String>) {
        let _ = self.commands.send(Command::Penalize { peer, penalty, reason: reason.into() });
    }

    /// Sends a sync request and waits for the answer.
    pub async fn request(
        &self,
        peer: PeerId,
        request: SyncRequest,
    ) -> Result<SyncResponse, RequestError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(Command::Request { peer, request, reply })
            .map_err(|_| RequestError::Stopped)?;
        answer.await.map_err(|_| RequestError::Stopped)?
    }

    /// Dials a peer (`admin_addPeer`); lifts a ban or removal of that peer.
    pub async fn add_peer(&self, addr: Multiaddr) -> Result<(), String> {
        let (reply, answer) = oneshot::channel();
        self.commands.send(Command::AddPeer { addr, reply }).map_err(|_| "network stopped")?;
        answer.await.map_err(|_| "network stopped".to_string())?
    }

    /// Disconnects a peer and refuses it until it is added again
    /// (`admin_removePeer`); `false` when it was not connected.
    pub async fn remove_peer(&self, peer: PeerId) -> bool {
        let (reply, answer) = oneshot::channel();
        if self.commands.send(Command::RemovePeer { peer, reply }).is_err() {
            return false;
        }
        answer.await.unwrap_or(false)
    }

    /// Connected peers.
    pub fn peers(&self) -> Vec<PeerInfo> {
        let mut peers: Vec<PeerInfo> = self.shared.peers.read().values().cloned().collect();
        peers.sort_by_key(|p| p.peer_id);
        peers
    }

    /// How many peers are connected.
    pub fn peer_count(&self) -> usize {
        self.shared.peers.read().len()
    }

    /// This node's id and addresses.
    pub fn local(&self) -> LocalInfo {
        self.shared.local.read().clone()
    }

    /// Stops the network task.
    pub fn shutdown(&self) {
        let _ = self.commands.send(Command::Shutdown);
    }
}

fn topic(kind: GossipKind, chain_id: u64, genesis: H256) -> IdentTopic {
    let name = match kind {
        GossipKind::Transaction => "txs",
        GossipKind::Block => "blocks",
    };
    IdentTopic::new(format!("/basalt/{chain_id}/{}/{name}/1", hex::encode(&genesis[..8])))
}

/// Starts the network: listens, dials the bootnodes, and runs the swarm on
/// the current tokio runtime. Returns once it listens.
pub async fn start(
    config: NetworkConfig,
    chain: Arc<dyn ChainView>,
) -> Result<(NetworkHandle, mpsc::UnboundedReceiver<NetworkEvent>), NetworkError> {
    let local_peer_id = config.key.public().to_peer_id();
    let setup = |e: &dyn std::fmt::Display| NetworkError::Setup(e.to_string());
    let chain_id = config.chain_id;
    let mut swarm = libp2p::SwarmBuilder::with_existing_identity(config.key.clone())
        .with_tokio()
        .with_tcp(
            libp2p::tcp::Config::default().nodelay(true),
            libp2p::noise::Config::new,
            libp2p::yamux::Config::default,
        )
        .map_err(|e| setup(&e))?
        .with_behaviour(|key| build_behaviour(key, &config))
        .map_err(|e| setup(&e))?
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(3600)))
        .build();

    let topics = HashMap::from([
        (
            topic(GossipKind::Transaction, chain_id, config.genesis_hash).hash(),
            GossipKind::Transaction,
        ),
        (topic(GossipKind::Block, chain_id, config.genesis_hash).hash(), GossipKind::Block),
    ]);
    for kind in [GossipKind::Transaction, GossipKind::Block] {
        swarm
            .behaviour_mut()
            .gossipsub
            .subscribe(&topic(kind, chain_id, config.genesis_hash))
            .map_err(|e| setup(&e))?;
    }

    let listen: Multiaddr = Multiaddr::empty()
        .with(match config.listen_ip {
            IpAddr::V4(ip) => Protocol::Ip4(ip),
            IpAddr::V6(ip) => Protocol::Ip6(ip),
        })
        .with(Protocol::Tcp(config.port));
    swarm
        .listen_on(listen.clone())
        .map_err(|e| NetworkError::Listen { addr: listen.clone(), reason: e.to_string() })?;
    // Wait for the listener so the caller can print the address.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let first_addr = loop {
        match tokio::time::timeout_at(deadline, swarm.select_next_some()).await {
            Ok(SwarmEvent::NewListenAddr { address, .. }) => break address,
            Ok(SwarmEvent::ListenerError { error, .. })
            | Ok(SwarmEvent::ListenerClosed { reason: Err(error), .. }) => {
                return Err(NetworkError::Listen { addr: listen, reason: error.to_string() })
            }
            Ok(_) => {}
            Err(_) => {
                return Err(NetworkError::Listen { addr: listen, reason: "timed out".into() })
            }
        }
    };
    let shared = Arc::new(Shared {
        local: RwLock::new(LocalInfo {
            peer_id: local_peer_id,
            listen_addrs: vec![first_addr.with(Protocol::P2p(local_peer_id))],
        }),
        peers: RwLock::new(HashMap::new()),
    });
    info!(target: TARGET, peer_id = %local_peer_id, "p2p identity");
    for addr in &config.bootnodes {
        if let Err(e) = dial_addr(&mut swarm, addr) {
            warn!(target: TARGET, %addr, error = %e, "cannot dial bootnode");
        }
    }

    let (commands, command_rx) = mpsc::unbounded_channel();
    let (events, event_rx) = mpsc::unbounded_channel();
    let (responses, response_rx) = mpsc::unbounded_channel();
    let task = Task {
        swarm,
        chain,
        shared: shared.clone(),
        events,
        responses,
        topics,
        chain_id,
        genesis: config.genesis_hash,
        pending: HashMap::new(),
        scores: HashMap::new(),
        banned: HashMap::new(),
        removed: HashSet::new(),
        serving: HashMap::new(),
        max_peers: config.max_peers,
    };
    tokio::spawn(task.run(command_rx, response_rx));
    Ok((NetworkHandle { commands, shared }, event_rx))
}

fn build_behaviour(
    key: &Keypair,
    config: &NetworkConfig,
) -> Result<Behaviour, Box<dyn std::error::Error + Send + Sync>> {
    let peer_id = key.public().to_peer_id();
    let gossip_config = gossipsub::ConfigBuilder::default()
        .validation_mode(gossipsub::ValidationMode::Strict)
        .validate_messages()
        // Content-addressed ids: the same transaction published by two nodes
        // is one message.
        .message_id_fn(|m: &gossipsub::Message| {
            MessageId::from(keccak256(&m.data).as_bytes()[..20].to_vec())
        })
        .max_transmit_size(MAX_GOSSIP_BYTES)
        .heartbeat_interval(Duration::from_millis(700))
        .duplicate_cache_time(Duration::from_secs(120))
        .build()?;
    let gossipsub =
        gossipsub::Behaviour::new(MessageAuthenticity::Signed(key.clone()), gossip_config)?;
    let kad_protocol =
        StreamProtocol::try_from_owned(format!("/basalt/{}/kad/1", config.chain_id))?;
    let mut kad_config = kad::Config::new(kad_protocol);
    // The swarm task walks the table itself every 10 s while it has peers.
    kad_config.set_periodic_bootstrap_interval(None);
    let mut kad =
        kad::Behaviour::with_config(peer_id, kad::store::MemoryStore::new(peer_id), kad_config);
    // Loopback and private addresses are never "confirmed external", so kad
    // would stay a client and answer no one: be a server from the start.
    kad.set_mode(Some(kad::Mode::Server));
    let identify = identify::Behaviour::new(
        identify::Config::new(format!("/basalt/{}/1", config.chain_id), key.public())
            .with_agent_version(format!("basalt/{}", env!("CARGO_PKG_VERSION"))),
    );
    let sync = request_response::Behaviour::with_codec(
        SyncCodec,
        [(SYNC_PROTOCOL, ProtocolSupport::Full)],
        request_response::Config::default()
            .with_request_timeout(REQUEST_TIMEOUT)
            .with_max_concurrent_streams(64),
    );
    let limits = connection_limits::Behaviour::new(
        connection_limits::ConnectionLimits::default()
            .with_max_established(Some(config.max_peers.saturating_mul(2)))
            .with_max_established_per_peer(Some(2))
            .with_max_pending_incoming(Some(32)),
    );
    Ok(Behaviour {
        block_list: allow_block_list::Behaviour::default(),
        limits,
        identify,
        ping: ping::Behaviour::new(ping::Config::new()),
        kad,
        gossipsub,
        sync,
    })
}

fn dial_addr(swarm: &mut Swarm<Behaviour>, addr: &Multiaddr) -> Result<(), String> {
    let peer = match addr.iter().last() {
        Some(Protocol::P2p(peer)) => peer,
        _ => return Err(format!("{addr} has no /p2p/<peer id>")),
    };
    if peer == *swarm.local_peer_id() {
        return Err("that is this node".into());
    }
    let transport_addr: Multiaddr =
        addr.iter().filter(|p| !matches!(p, Protocol::P2p(_))).collect();
    swarm.behaviour_mut().kad.add_address(&peer, transport_addr.clone());
    swarm
        .dial(
            DialOpts::peer_id(peer)
                .addresses(vec![transport_addr])
                .condition(PeerCondition::DisconnectedAndNotDialing)
                .build(),
        )
        .map_err(|e| e.to_string())
}

enum Pending {
    External(oneshot::Sender<Result<SyncResponse, RequestError>>),
    Status(PeerId),
}

struct Task {
    swarm: Swarm<Behaviour>,
    chain: Arc<dyn ChainView>,
    shared: Arc<Shared>,
    events: mpsc::UnboundedSender<NetworkEvent>,
    responses: mpsc::UnboundedSender<(PeerId, ResponseChannel<SyncResponse>, SyncResponse)>,
    /// Requests being served per peer (bounded by [`MAX_SERVING_PER_PEER`]).
    serving: HashMap<PeerId, usize>,
    topics: HashMap<gossipsub::TopicHash, GossipKind>,
    chain_id: u64,
    genesis: H256,
    pending: HashMap<OutboundRequestId, Pending>,
    scores: HashMap<PeerId, i32>,
    banned: HashMap<PeerId, Instant>,
    removed: HashSet<PeerId>,
    max_peers: u32,
}

impl Task {
    async fn run(
        mut self,
        mut commands: mpsc::UnboundedReceiver<Command>,
        mut responses: mpsc::UnboundedReceiver<(
            PeerId,
            ResponseChannel<SyncResponse>,
            SyncResponse,
        )>,
    ) {
        let mut status_tick = tokio::time::interval(STATUS_INTERVAL);
        let mut discovery_tick = tokio::time::interval(Duration::from_secs(10));
        loop {
            tokio::select! {
                event = self.swarm.select_next_some() => self.on_swarm_event(event),
                command = commands.recv() => match command {
                    Some(Command::Shutdown) | None => break,
                    Some(command) => self.on_command(command),
                },
                Some((peer, channel, response)) = responses.recv() => {
                    if let Some(n) = self.serving.get_mut(&peer) {
                        *n = n.saturating_sub(1);
                    }
                    // The peer may have gone; nothing to do then.
                    let _ = self.swarm.behaviour_mut().sync.send_response(channel, response);
                }
                _ = status_tick.tick() => {
                    let peers: Vec<PeerId> = self.shared.peers.read().keys().copied().collect();
                    for peer in peers {
                        self.request_status(peer);
                    }
                    let now = Instant::now();
                    let expired: Vec<PeerId> =
                        self.banned.iter().filter(|(_, until)| **until <= now).map(|(p, _)| *p).collect();
                    for peer in expired {
                        self.banned.remove(&peer);
                        self.scores.remove(&peer);
                        if !self.removed.contains(&peer) {
                            self.swarm.behaviour_mut().block_list.unblock_peer(peer);
                        }
                    }
                }
                _ = discovery_tick.tick() => {
                    let connected = self.shared.peers.read().len() as u32;
                    if connected > 0 && connected < self.max_peers {
                        // A Kademlia walk: finds peers beyond the ones we know.
                        let _ = self.swarm.behaviour_mut().kad.bootstrap();
                    }
                }
            }
        }
        debug!(target: TARGET, "network task stopped");
    }

    fn request_status(&mut self, peer: PeerId) {
        let id = self.swarm.behaviour_mut().sync.send_request(&peer, SyncRequest::Status);
        self.pending.insert(id, Pending::Status(peer));
    }

    fn refused(&self, peer: &PeerId) -> bool {
        self.banned.contains_key(peer) || self.removed.contains(peer)
    }

    fn maybe_dial(&mut self, peer: PeerId, addrs: Vec<Multiaddr>) {
        if peer == *self.swarm.local_peer_id()
            || self.refused(&peer)
            || self.swarm.is_connected(&peer)
            || self.shared.peers.read().len() as u32 >= self.max_peers
        {
            return;
        }
        let _ = self.swarm.dial(
            DialOpts::peer_id(peer)
                .addresses(addrs)
                .condition(PeerCondition::DisconnectedAndNotDialing)
                .build(),
        );
    }

    fn penalize(&mut self, peer: PeerId, penalty: i32, reason: &str) {
        let score = self.scores.entry(peer).or_insert(0);
        *score = score.saturating_sub(penalty.max(0));
        let score = *score;
        if let Some(info) = self.shared.peers.write().get_mut(&peer) {
            info.score = score;
        }
        warn!(target: TARGET, %peer, penalty, score, reason, "peer misbehaved");
        if score <= BAN_SCORE && !self.banned.contains_key(&peer) {
            warn!(target: TARGET, %peer, secs = BAN_TIME.as_secs(), "banning peer");
            self.banned.insert(peer, Instant::now() + BAN_TIME);
            self.ban(peer);
        }
    }

    /// Disconnects `peer` and refuses its connections (both ways).
    fn ban(&mut self, peer: PeerId) {
        let behaviour = self.swarm.behaviour_mut();
        behaviour.block_list.block_peer(peer);
        behaviour.kad.remove_peer(&peer);
        let _ = self.swarm.disconnect_peer_id(peer);
    }

    fn on_command(&mut self, command: Command) {
        match command {
            Command::Publish { kind, data } => {
                let t = topic(kind, self.chain_id, self.genesis);
                match self.swarm.behaviour_mut().gossipsub.publish(t, data) {
                    Ok(_) => {}
                    // Already seen (a block we received and imported), or no
                    // peers yet: nothing to do either way.
                    Err(gossipsub::PublishError::Duplicate)
                    | Err(gossipsub::PublishError::NoPeersSubscribedToTopic) => {}
                    Err(e) => debug!(target: TARGET, ?kind, error = %e, "gossip publish failed"),
                }
            }
            Command::Validate { id, from, verdict } => {
                let acceptance = match verdict {
                    Verdict::Accept => MessageAcceptance::Accept,
                    Verdict::Ignore => MessageAcceptance::Ignore,
                    Verdict::Reject(_) => MessageAcceptance::Reject,
                };
                self.swarm
                    .behaviour_mut()
                    .gossipsub
                    .report_message_validation_result(&id, &from, acceptance);
                if let Verdict::Reject(penalty) = verdict {
                    self.penalize(from, penalty, "invalid gossip");
                }
            }
            Command::Penalize { peer, penalty, reason } => self.penalize(peer, penalty, &reason),
            Command::Request { peer, request, reply } => {
                if !self.swarm.is_connected(&peer) {
                    let _ = reply
                        .send(Err(RequestError::Failed { peer, reason: "not connected".into() }));
                    return;
                }
                let id = self.swarm.behaviour_mut().sync.send_request(&peer, request);
                self.pending.insert(id, Pending::External(reply));
            }
            Command::AddPeer { addr, reply } => {
                if let Some(Protocol::P2p(peer)) = addr.iter().last() {
                    self.removed.remove(&peer);
                    self.banned.remove(&peer);
                    self.scores.remove(&peer);
                    self.swarm.behaviour_mut().block_list.unblock_peer(peer);
                }
                let _ = reply.send(dial_addr(&mut self.swarm, &addr));
            }
            Command::RemovePeer { peer, reply } => {
                let connected = self.swarm.is_connected(&peer);
                self.removed.insert(peer);
                self.ban(peer);
                let _ = reply.send(connected);
            }
            Command::Shutdown => {}
        }
    }

    fn on_swarm_event(&mut self, event: SwarmEvent<BehaviourEvent>) {
        match event {
            SwarmEvent::ConnectionEstablished { peer_id, endpoint, num_established, .. }
                if num_established.get() == 1 =>
            {
                let (remote_addr, local_addr, inbound) = match &endpoint {
                    ConnectedPoint::Dialer { address, .. } => {
                        (address.clone(), Multiaddr::empty(), false)
                    }
                    ConnectedPoint::Listener { send_back_addr, local_addr } => {
                        (send_back_addr.clone(), local_addr.clone(), true)
                    }
                };
                info!(target: TARGET, peer = %peer_id, %remote_addr, inbound, "peer connected");
                self.shared.peers.write().insert(
                    peer_id,
                    PeerInfo {
                        peer_id,
                        remote_addr,
                        local_addr,
                        inbound,
                        agent: None,
                        status: None,
                        score: self.scores.get(&peer_id).copied().unwrap_or(0),
                    },
                );
                self.request_status(peer_id);
            }
            SwarmEvent::ConnectionClosed { peer_id, num_established: 0, cause, .. } => {
                self.serving.remove(&peer_id);
                info!(target: TARGET, peer = %peer_id, cause = ?cause.map(|c| c.to_string()), "peer disconnected");
                self.shared.peers.write().remove(&peer_id);
                let _ = self.events.send(NetworkEvent::PeerDisconnected(peer_id));
            }
            SwarmEvent::NewListenAddr { address, .. } => {
                let local = *self.swarm.local_peer_id();
                let full = address.with(Protocol::P2p(local));
                let mut info = self.shared.local.write();
                if !info.listen_addrs.contains(&full) {
                    info.listen_addrs.push(full);
                }
            }
            SwarmEvent::OutgoingConnectionError { peer_id, error, .. } => {
                debug!(target: TARGET, peer = ?peer_id, %error, "dial failed");
            }
            SwarmEvent::Behaviour(event) => self.on_behaviour_event(event),
            _ => {}
        }
    }

    fn on_behaviour_event(&mut self, event: BehaviourEvent) {
        match event {
            BehaviourEvent::Identify(identify::Event::Received { peer_id, info, .. }) => {
                if let Some(p) = self.shared.peers.write().get_mut(&peer_id) {
                    p.agent = Some(info.agent_version.clone());
                }
                for addr in info.listen_addrs {
                    if !addr.iter().any(|p| matches!(p, Protocol::Ip4(ip) if ip.is_unspecified())) {
                        self.swarm.behaviour_mut().kad.add_address(&peer_id, addr);
                    }
                }
            }
            BehaviourEvent::Kad(kad::Event::RoutingUpdated { peer, addresses, .. }) => {
                self.maybe_dial(peer, addresses.into_vec());
            }
            BehaviourEvent::Kad(kad::Event::OutboundQueryProgressed {
                result: kad::QueryResult::Bootstrap(_) | kad::QueryResult::GetClosestPeers(_),
                ..
            }) => {}
            BehaviourEvent::Gossipsub(gossipsub::Event::Message {
                propagation_source,
                message_id,
                message,
            }) => {
                let Some(kind) = self.topics.get(&message.topic).copied() else {
                    self.swarm.behaviour_mut().gossipsub.report_message_validation_result(
                        &message_id,
                        &propagation_source,
                        MessageAcceptance::Ignore,
                    );
                    return;
                };
                let _ = self.events.send(NetworkEvent::Gossip {
                    kind,
                    from: propagation_source,
                    id: message_id,
                    data: message.data,
                });
            }
            BehaviourEvent::Gossipsub(gossipsub::Event::Subscribed { peer_id, topic, .. }) => {
                if let Some(kind) = self.topics.get(&topic).copied() {
                    let _ = self.events.send(NetworkEvent::PeerSubscribed { peer: peer_id, kind });
                }
            }
            BehaviourEvent::Sync(request_response::Event::Message { peer, message, .. }) => {
                match message {
                    request_response::Message::Request { request, channel, .. } => {
                        self.serve(peer, request, channel);
                    }
                    request_response::Message::Response { request_id, response } => {
                        self.on_response(peer, request_id, Ok(response));
                    }
                }
            }
            BehaviourEvent::Sync(request_response::Event::OutboundFailure {
                peer,
                request_id,
                error,
                ..
            }) => {
                self.on_response(peer, request_id, Err(error.to_string()));
            }
            BehaviourEvent::Sync(request_response::Event::InboundFailure {
                peer, error, ..
            }) => {
                debug!(target: TARGET, %peer, %error, "inbound sync request failed");
            }
            _ => {}
        }
    }

    fn serve(
        &mut self,
        peer: PeerId,
        request: SyncRequest,
        channel: ResponseChannel<SyncResponse>,
    ) {
        if self.refused(&peer) {
            return;
        }
        let serving = self.serving.entry(peer).or_insert(0);
        if *serving >= MAX_SERVING_PER_PEER {
            // Too many at once from one peer: refuse, at no cost to others.
            let _ = self.swarm.behaviour_mut().sync.send_response(
                channel,
                SyncResponse::Refused("too many concurrent requests".into()),
            );
            return;
        }
        *serving += 1;
        let chain = self.chain.clone();
        let responses = self.responses.clone();
        // Reading bodies touches the database: off the swarm's thread.
        tokio::task::spawn_blocking(move || {
            let response = match request {
                SyncRequest::Status => SyncResponse::Status(chain.status()),
                SyncRequest::HeadersByNumber { start, count } => SyncResponse::Headers(
                    chain.headers_by_number(start, count.min(crate::protocol::MAX_HEADERS)),
                ),
                SyncRequest::HeadersByHash { hash, count } => SyncResponse::Headers(
                    chain.headers_by_hash(hash, count.min(crate::protocol::MAX_HEADERS)),
                ),
                SyncRequest::Bodies(hashes) => SyncResponse::Bodies(chain.bodies(&hashes)),
            };
            let _ = responses.send((peer, channel, response));
        });
    }

    fn on_response(
        &mut self,
        peer: PeerId,
        id: OutboundRequestId,
        result: Result<SyncResponse, String>,
    ) {
        match self.pending.remove(&id) {
            Some(Pending::External(reply)) => {
                let _ = reply.send(result.map_err(|reason| RequestError::Failed { peer, reason }));
            }
            Some(Pending::Status(peer)) => match result {
                Ok(SyncResponse::Status(status)) => {
                    if status.genesis != self.genesis || status.chain_id != self.chain_id {
                        warn!(target: TARGET, %peer, chain_id = status.chain_id, genesis = ?status.genesis, "peer is on another chain; disconnecting");
                        self.removed.insert(peer);
                        self.ban(peer);
                        return;
                    }
                    if let Some(p) = self.shared.peers.write().get_mut(&peer) {
                        p.status = Some(status.clone());
                    }
                    let _ = self.events.send(NetworkEvent::PeerStatus { peer, status });
                }
                Ok(SyncResponse::Refused(why)) => {
                    debug!(target: TARGET, %peer, why, "status request refused (busy)")
                }
                Ok(other) => {
                    self.penalize(peer, 50, &format!("answered a status request with {other:?}"))
                }
                Err(reason) => debug!(target: TARGET, %peer, reason, "status request failed"),
            },
            None => {}
        }
    }
}
