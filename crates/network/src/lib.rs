//! Basalt's peer-to-peer layer on libp2p.
//!
//! - Transport: TCP with noise (encryption, peer authentication) and yamux
//!   (stream multiplexing). The node's identity is an ed25519 key kept in the
//!   datadir ([`key::load_or_create`]).
//! - Discovery: identify (peers tell their listen addresses) feeds a Kademlia
//!   table; periodic Kademlia walks find peers beyond the bootnodes.
//! - Gossip: gossipsub topics `/basalt/<chain id>/<genesis hash prefix>/{txs,blocks}/1`.
//!   Messages are content-addressed and signed; none is forwarded before the
//!   node has validated it ([`Verdict`]); invalid ones cost the sender score
//!   and a peer at [`BAN_SCORE`] is disconnected and refused.
//! - Sync: a request-response protocol ([`protocol`]) for status, headers by
//!   number range or by hash, and bodies, with size limits on both sides.
//!
//! The node owns policy (what is valid, when to sync); this crate owns the
//! wire.

pub mod key;
pub mod protocol;
mod service;

pub use libp2p::gossipsub::MessageId;
pub use libp2p::identity::Keypair;
pub use libp2p::multiaddr::Protocol as MultiaddrProtocol;
pub use libp2p::{Multiaddr, PeerId};
pub use protocol::{Status, SyncRequest, SyncResponse};
pub use service::{
    start, ChainView, GossipKind, LocalInfo, NetworkConfig, NetworkError, NetworkEvent,
    NetworkHandle, PeerInfo, RequestError, Verdict, BAN_SCORE, BAN_TIME, MAX_GOSSIP_BYTES,
    MAX_SERVING_PER_PEER, REQUEST_TIMEOUT, STATUS_INTERVAL,
};
