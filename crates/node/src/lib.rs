//! The `basalt` binary's library: its command line and the commands' code,
//! kept apart from `main.rs` so tests can call them.
//!
//! Today it builds contracts; the node's wiring (chain, RPC, network, the dev
//! chain) joins it as those crates land.
//!
//! ```text
//!  main.rs ── Cli::parse (cli) ──► Command::Contract(Build) ──► contract_build::build_contract
//!                                                                 toolchain → cargo → module → artifact
//! ```
//!
//! - [`cli`]: clap definitions (`basalt contract build ...`).
//! - [`contract_build`]: finds a wasm32 toolchain, builds a contract crate,
//!   reads its `basalt.abi` section, strips custom sections, checks the module
//!   against the host ABI ([`basalt_vm_abi`]), writes the `{contractName, abi,
//!   bytecode, deployedBytecode}` artifact.
//! - [`error`]: [`BuildError`](error::BuildError), [`ModuleError`](error::ModuleError).

pub mod cli;
pub mod contract_build;
pub mod error;
