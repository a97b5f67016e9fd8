//! The Basalt contract SDK: write a contract in `no_std` Rust, compile it to
//! wasm32, and talk to it with the Solidity ABI (ethers, viem, web3.py, cast).
//!
//! ```text
//!   #[contract] struct ──► storage layout (slots 0, 1, …; mappings keccak(key ‖ slot))
//!   #[methods] impl    ──► Contract::dispatch: selector → check value → decode → call → encode
//!                      ──► wasm exports user_entrypoint / user_constructor
//!                      ──► ABI JSON: Contract::ABI_JSON and the `basalt.abi` custom section
//!   #[event] struct    ──► topics + data, topic 0 = keccak(signature) at compile time
//!   #[error] enum/struct ► custom-error revert data (selector ‖ args)
//!   #[interface] trait ──► typed client: encode → call / staticcall → decode
//!            │
//!            ▼
//!   safe wrappers (msg, block, storage, call, deploy, crypto, …) ──► host functions
//!   (`env` imports of basalt_vm_abi on wasm32; the in-process `testing` world elsewhere)
//! ```
//!
//! # A contract
//!
//! ```
//! use basalt_sdk::prelude::*;
//!
//! #[basalt_sdk::contract]
//! pub struct Token {
//!     total_supply: Storage<U256>,
//!     balances: Mapping<Address, U256>,
//!     allowances: Mapping<Address, Mapping<Address, U256>>,
//! }
//!
//! #[basalt_sdk::event]
//! pub struct Transfer {
//!     #[indexed]
//!     pub from: Address,
//!     #[indexed]
//!     pub to: Address,
//!     pub value: U256,
//! }
//!
//! #[basalt_sdk::methods(events(Transfer))]
//! impl Token {
//!     #[constructor]
//!     pub fn new(&mut self, supply: U256) {
//!         self.total_supply.set(supply);
//!         self.balances.set(msg::sender(), supply);
//!     }
//!
//!     pub fn balance_of(&self, account: Address) -> U256 {
//!         self.balances.get(account)
//!     }
//!
//!     pub fn transfer(&mut self, to: Address, value: U256) -> Result<bool, &'static str> {
//!         let from = msg::sender();
//!         let balance = self.balances.get(from);
//!         if balance < value {
//!             return Err("ERC20: transfer amount exceeds balance");
//!         }
//!         self.balances.set(from, balance - value);
//!         let to_balance = self.balances.get(to);
//!         self.balances.set(to, to_balance + value);
//!         Transfer { from, to, value }.emit();
//!         Ok(true)
//!     }
//! }
//!
//! assert_eq!(Token::TRANSFER_SELECTOR, [0xa9, 0x05, 0x9c, 0xbb]);
//! assert!(Token::ABI_JSON.starts_with(r#"{"contractName":"Token","abi":["#));
//! ```
//!
//! - **Methods**: every `pub fn` of the `#[methods]` block is an ABI function.
//!   Its Solidity name is the Rust name in lowerCamelCase (`balance_of` →
//!   `balanceOf`), or `#[selector(name = "...")]`. The receiver gives the
//!   state mutability: `&self` is `view`, `&mut self` `nonpayable` (or
//!   `payable` with `#[payable]`), no receiver `pure`. A non-payable method
//!   called with value reverts with empty data; calldata that does not decode
//!   reverts with empty data; an unknown selector goes to the `#[fallback]`
//!   method if there is one, else reverts with empty data; empty calldata goes
//!   to `#[receive]` (else the fallback). A `#[constructor]` method runs once,
//!   at deployment, with the constructor arguments. Private functions in the
//!   block are plain helpers.
//! - **Returns**: `()`, one ABI type, a tuple (several outputs; a single
//!   output of tuple type is a 1-tuple `((A, B),)`), or `Result<T, E>` with
//!   `E:` [`ContractError`] (`&'static str` and `String` revert with
//!   `Error(string)`, `#[error]` types with their custom error,
//!   [`CallError`](call::CallError) bubbles a callee's revert data). The
//!   macros read types by their spelling: write `Result<T, E>` itself, not
//!   an alias of it (aliases of `E` alone are fine).
//! - **ABI types** (by their Rust spelling): `bool`, `Address`, `u8`…`u128`,
//!   `U256`, `i8`…`i128`, `I256`, `B256`/`FixedBytes<N>` (`bytesN`), `Bytes`,
//!   `String`, `Vec<T>` (`T[]`; `Vec<u8>` is `uint8[]`, use `Bytes` for
//!   `bytes`), `[T; N]`, tuples.
//! - **Storage**: see [`mod@storage`] (Solidity's layout without packing).
//! - **Reverting**: see [`mod@error`] (and the `runtime` module, wasm32 only,
//!   for panics and the allocator).
//! - **Calling other contracts**: `#[interface]` clients or [`call`];
//!   creating them: [`deploy`].
//! - **Events**: `#[event]` structs, `#[indexed]` fields, `.emit()`.
//! - **Differences from Solidity** to know: storage is not packed (one slot
//!   per field at least); strings must be UTF-8 (calldata with invalid UTF-8
//!   in a `string` reverts); a Rust panic reverts with `Panic(0x01)` whatever
//!   its cause (Solidity distinguishes 0x11 overflow, 0x12 division by zero,
//!   0x32 out-of-bounds; use checked arithmetic and return errors instead);
//!   there is no `msg.data` other than through `#[fallback]`.
//!
//! # Building
//!
//! A contract crate is a `cdylib` (plus `rlib` for host tests) depending on
//! this crate, built with `basalt contract build` or
//! `scripts/wasm-toolchain.sh build` (wasm32-unknown-unknown, `panic =
//! "abort"`, LTO; see `contracts/`). The ABI document is embedded as the
//! wasm custom section `basalt.abi`, which the build tool reads and strips. On wasm32 the SDK provides the global allocator and the panic
//! handler (module `runtime`); elsewhere the host functions are served by the
//! in-process [`testing`] world, so contract logic runs under `cargo test`.
//! Only one contract may be linked into one wasm module (each exports
//! `user_entrypoint`); contracts talk to each other through interfaces, not
//! by depending on each other's crates.
#![no_std]

extern crate alloc;
// The workspace key `alloy-sol-types-nostd` is alloy-sol-types without std.
extern crate alloy_sol_types_nostd as alloy_sol_types;
// The macros name `::basalt_sdk`; this lets the crate's own tests use them.
#[allow(unused_extern_crates)]
extern crate self as basalt_sdk;

#[doc(hidden)]
#[path = "private.rs"]
pub mod __private;
pub mod abi;
pub mod call;
mod context;
pub mod contract;
pub mod crypto;
pub mod deploy;
pub mod error;
pub mod event;
#[cfg(target_arch = "wasm32")]
pub mod runtime;
pub mod storage;
mod sys;
#[cfg(not(target_arch = "wasm32"))]
pub mod testing;
mod word;

pub use context::{account, block, msg, this, tx};
pub use contract::Contract;
pub use error::{finish, require, revert, revert_with, ContractError, OrRevert, RawRevert};
pub use event::Event;

/// EVM value types: `Address`, `U256`, `I256`, `B256`, `FixedBytes`, `Bytes`,
/// and their literal macros (`address!`, `uint!`, `b256!`, `bytes!`, `hex!`).
pub use alloy_primitives::{
    self as primitives, address, b256, bytes, fixed_bytes, hex, uint, Address, Bytes, FixedBytes,
    Signed, Uint, B256, I256, U256,
};

/// The Solidity ABI codec (alloy-sol-types, `no_std`): `SolType`, `sol_data`,
/// `Revert`, `Panic`, `PanicKind`.
pub use alloy_sol_types_nostd as sol_types;

/// `#[contract]`: a contract's storage struct (fields get consecutive slots).
/// `#[storage]`: a struct usable inside storage (mapping values, arrays).
/// `#[methods]`: the contract's ABI, dispatcher, entry points and ABI JSON.
/// `#[event]`, `#[error]`, `#[interface]`: events, custom errors, typed
/// clients of other contracts.
pub use basalt_sdk_macros::{contract, error, event, interface, methods, storage};

/// keccak256 of the empty string: the code hash of an account without code.
pub const KECCAK_EMPTY: B256 = alloy_primitives::KECCAK256_EMPTY;

/// What most contracts need: `use basalt_sdk::prelude::*;`.
pub mod prelude {
    pub use crate::call::CallError;
    pub use crate::error::{require, revert, revert_with, ContractError, OrRevert};
    pub use crate::event::Event;
    pub use crate::storage::{Mapping, Storage, StorageVec};
    pub use crate::{account, block, crypto, msg, this, tx, Contract};
    pub use alloc::string::{String, ToString};
    pub use alloc::vec;
    pub use alloc::vec::Vec;
    pub use alloy_primitives::{address, Address, Bytes, FixedBytes, B256, I256, U256};
}
