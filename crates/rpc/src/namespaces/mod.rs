//! One module per JSON-RPC namespace, each with its `#[rpc]` trait and its
//! implementation over the shared [`RpcContext`](crate::RpcContext).

pub mod admin;
pub mod anvil;
pub mod eth;
pub mod evm;
pub mod net;
pub mod personal;
pub mod pubsub;
pub mod txpool;
pub mod web3;
