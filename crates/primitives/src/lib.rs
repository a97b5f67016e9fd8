//! Ethereum-compatible primitive types for Basalt.
//!
//! Everything that crosses a crate boundary as bytes is defined here, with
//! exactly Ethereum's encodings so that Ethereum tools and proofs work
//! unchanged:
//!
//! - [`Address`], [`H256`], [`U256`], [`Bloom`] (from `ethereum-types`) and
//!   [`keccak256`];
//! - [`Account`] with Ethereum's account RLP and the [`EMPTY_ROOT`] /
//!   [`KECCAK_EMPTY`] constants;
//!
//! Decoding never panics: malformed input gives a typed error.

mod account;
mod hash;

pub use account::{Account, EMPTY_ROOT, KECCAK_EMPTY};
pub use ethereum_types::{Address, Bloom, H160, H256, H64, U256, U64};
pub use hash::{keccak256, Keccak256Hasher};
pub use rlp;
