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
//! - [`Log`], [`logs_bloom`] and [`Receipt`] (EIP-2718 typed receipts);
//! - [`Header`] (London fields plus a consensus `seal`) and [`Block`];
//! - transactions ([`TxLegacy`] with or without EIP-155, [`TxEip2930`],
//!   [`TxEip1559`]) as [`Transaction`] / [`SignedTransaction`], with their
//!   signing hashes, network and block-body encodings, sender recovery,
//!   signing, and stateless validity checks ([`transaction::validation`]);
//! - secp256k1 keys and [`Signature`]s ([`signature`]).
//!
//! ```text
//!   bytes ──► decode (strict RLP) ──► SignedTransaction ──► recover_sender_for_chain
//!                  │ DecodeError                                   │ SignatureError
//!                  ▼                                               ▼
//!            rejected                      validate_stateless (ValidationError) ──► pool / executor
//! ```
//!
//! Decoding never panics and is strict: malformed or non-canonical input gives
//! a typed [`DecodeError`], and whatever decodes re-encodes to the same bytes
//! (see [`decode`]). Encoding uses the `rlp` crate (re-exported as [`rlp`]);
//! the types also implement `rlp::Encodable`/`rlp::Decodable`, the latter
//! delegating to the strict decoders.

pub mod decode;
pub mod error;
pub mod signature;
pub mod transaction;

mod account;
mod hash;
mod header;
mod log;
mod receipt;

pub use account::{Account, EMPTY_ROOT, KECCAK_EMPTY};
pub use decode::{rlp_strict, RlpItem, RlpList};
pub use error::{DecodeError, Error, Result, SignatureError, ValidationError};
pub use ethereum_types::{Address, Bloom, BloomInput, H160, H256, H64, U256, U64};
pub use hash::{keccak256, Keccak256Hasher};
pub use header::{Block, Header, EMPTY_OMMERS_HASH};
pub use k256::ecdsa::{SigningKey, VerifyingKey};
pub use log::{bloom_may_contain, logs_bloom, Log};
pub use receipt::Receipt;
pub use rlp;
pub use signature::{
    public_key_to_address, secret_key_to_address, signing_key_from_bytes, Signature,
    SECP256K1_HALF_N, SECP256K1_N,
};
pub use transaction::{
    sign_transaction, AccessList, AccessListItem, SignedTransaction, Transaction, TxEip1559,
    TxEip2930, TxKind, TxLegacy, TxType, UnprotectedPolicy,
};
