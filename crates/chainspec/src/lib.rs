//! The genesis file: parse, validate, and pick the consensus engine.
//!
//! Basalt reads geth's genesis JSON, so existing files and tools work, with one
//! Basalt-specific object, `config.consensus`, that chooses the engine:
//!
//! ```text
//!  genesis.json ──► json (RawValue per field: exact numbers, field paths in errors)
//!                     │  syntax and types: Error::{Json, InvalidType, InvalidNumber,
//!                     │                    InvalidHex, InvalidLength, Duplicate*, Unknown*}
//!                     ▼
//!                 ChainSpec { chain_id, genesis: Genesis { header fields, alloc }, consensus }
//!                     │  ChainSpec::validate: non-zero chain id and gas limit,
//!                     │  extraData <= 32 bytes, code starts with \0asm, engine parameters
//!                     ▼
//!   executor (state from alloc, Genesis::header(state_root) = block 0)
//!   consensus (ConsensusConfig::{Instant, Pow, Pos} -> engine)   node (chain id, base fee)
//! ```
//!
//! # Format
//!
//! ```json
//! {
//!   "config": { "chainId": 31337, "londonBlock": 0, "consensus": { "engine": "instant" } },
//!   "gasLimit": "0x1c9c380", "baseFeePerGas": "0x3b9aca00", "timestamp": "0x0",
//!   "extraData": "0x", "difficulty": "0x0", "nonce": "0x0", "number": "0x0",
//!   "mixHash": "0x00…00", "parentHash": "0x00…00", "coinbase": "0x00…00",
//!   "alloc": { "0xf39f…2266": { "balance": "0x21e19e0c9bab2400000", "nonce": "0x0",
//!              "code": "0x0061736d…", "storage": { "0x00…01": "0x2a" } } }
//! }
//! ```
//!
//! - `config.chainId` is required and non-zero; `config`'s other fields (geth's
//!   fork blocks, `ethash`, `clique`, …) are accepted and ignored: Basalt runs one
//!   rule set from block 0. `config.consensus` defaults to `{"engine": "instant"}`;
//!   its fields are Basalt's own, so unknown ones are errors (see [`ConsensusConfig`]).
//! - Values are read as geth's `math.HexOrDecimal256` / `HexOrDecimal64` and
//!   `hexutil` types read them (a superset where geth is needlessly strict):
//!
//!   | kind | accepted |
//!   |---|---|
//!   | quantity (balance, nonce, gasLimit, …) | non-negative JSON integer of any size; `"0x…"` hex (any case, leading zeros allowed, at least one digit); a string of decimal digits; `""` (zero) |
//!   | bytes (extraData, code) | an even number of hex digits, `0x` optional; `""` is empty |
//!   | address / hash | bytes of exactly 20 / 32 bytes (no EIP-55 checksum check, as geth) |
//!   | storage key / value | `0x` hex of at most 256 bits, left-padded to 32 bytes |
//! - Absent header fields default to zero, except `gasLimit` (30M) and
//!   `baseFeePerGas` (1 gwei). `null` counts as absent. Unknown top-level and
//!   account fields are ignored, as geth does; a field given twice is an error.
//! - `alloc` code is a bare wasm module: checked here only for the `\0asm` magic,
//!   validated by the node with the VM.
//!
//! Parsing never panics, whatever the input (a proptest feeds it random and mutated
//! documents); every error names the offending field by its path.

mod consensus;
mod error;
mod genesis;
mod json;
mod spec;

pub use consensus::{
    ConsensusConfig, PosConfig, PowConfig, Validator, DEFAULT_BLOCK_REWARD, DEFAULT_EPOCH_LENGTH,
    DEFAULT_REPORTER_REWARD_BPS, DEFAULT_SLASH_BPS, DEFAULT_UNBONDING_EPOCHS,
};
pub use error::{Error, Result};
pub use genesis::{
    Genesis, GenesisAccount, DEFAULT_BASE_FEE, DEFAULT_GAS_LIMIT, MAX_EXTRA_DATA, WASM_MAGIC,
};
pub use spec::ChainSpec;
