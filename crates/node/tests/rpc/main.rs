//! End-to-end tests of `basalt dev`: each test starts the real binary on a
//! port it picks (`--port 0`, read back from "Listening on"), drives it with
//! raw JSON-RPC over HTTP and WebSocket (and with real `cast` when npm is
//! available), and stops the process when it ends (drop sends SIGTERM).
#![allow(clippy::unwrap_used, missing_docs, unreachable_pub)]

mod basics;
mod cast;
mod clients;
mod consensus;
mod errors;
mod harness;
mod kill;
mod logs;
mod network;
mod persistence;
mod proof;
mod state_dump;
mod transactions;
mod tx_types;
