//! The `basalt` binary's library: its command line and the commands' code,
//! kept apart from `main.rs` so tests can call them.
//!
//! ```text
//!  main.rs ── Cli::parse (cli) ─┬─► Command::Dev / Node ──► service::run
//!                               │      Store ─► Chain ─► TxPool ─► miner thread ─► basalt-rpc server
//!                               └─► Command::Contract(Build) ──► contract_build::build_contract
//!                                      toolchain → cargo → module → artifact
//! ```
//!
//! - [`cli`]: clap definitions (`basalt dev`, `basalt node`, `basalt contract build ...`).
//! - [`service`]: runs a node until SIGINT/SIGTERM and shuts it down cleanly.
//! - [`miner`]: the block producer thread (automine, interval, on demand).
//! - [`dev`]: the dev accounts and the dev genesis.
//! - [`contract_build`]: finds a wasm32 toolchain, builds a contract crate,
//!   reads its `basalt.abi` section, strips custom sections, checks the module
//!   against the host ABI ([`basalt_vm_abi`]), writes the `{contractName, abi,
//!   bytecode, deployedBytecode}` artifact.
//! - [`p2p`] and [`sync`]: the node's side of basalt-network: gossip
//!   validation, serving peers, announcing local blocks, catching up with
//!   heavier peers; `admin_*` for the RPC.
//! - [`error`]: [`BuildError`](error::BuildError), [`ModuleError`](error::ModuleError).

pub mod cli;
pub mod contract_build;
pub mod dev;
pub mod error;
pub mod miner;
pub mod p2p;
pub mod sealer;
pub mod service;
pub mod sync;
