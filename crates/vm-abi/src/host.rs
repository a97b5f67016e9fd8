//! The host ABI: the functions a contract imports from module [`HOST_MODULE`]
//! (`"env"`), and the exports it must provide.
//!
//! One macro invocation below is the single source of truth. It generates:
//!
//! - one [`HostFn`] constant per import (name and exact wasm signature) and the
//!   table [`HOST_FUNCTIONS`], which the VM uses to validate a module's imports
//!   exactly and to register its `Linker` functions;
//! - on `wasm32` targets only, the `guest` module with the matching
//!   `extern "C"` declarations (`#[link(wasm_import_module = "env")]`), which
//!   the SDK calls. The two cannot drift because they are the same list.
//!
//! # Conventions (modelled on Arbitrum Stylus `vm_hooks`)
//!
//! - Every pointer and length is an `i32` into the contract's exported
//!   [`MEMORY_EXPORT`]; a range outside memory traps, which fails the frame
//!   (all its gas consumed).
//! - Words (storage keys and values, balances, hashes, `msg.value`, gas price,
//!   base fee, prevrandao, salts) are [`WORD_LEN`] = 32 bytes, big-endian.
//! - Addresses are [`ADDRESS_LEN`] = 20 bytes.
//! - Plain integers that fit (block number, timestamp, gas) are returned as
//!   `i64` (read as `u64`); lengths written through an out-pointer are `u32`
//!   little-endian (wasm's native order).
//! - Every host call first pays [`crate::gas::HOST_CALL_GAS`], then the cost
//!   its documentation names, before it touches state.
//! - Functions that change state (storage store, log, calls with value,
//!   create, self-destruct) fail the frame inside a static call.

/// The wasm module name every host import lives in.
pub const HOST_MODULE: &str = "env";

/// Name of the memory a contract must export; the host reads and writes
/// through it.
pub const MEMORY_EXPORT: &str = "memory";

/// Name of the function a contract must export: `user_entrypoint(len: i32) -> i32`.
///
/// `len` is the calldata length (copy it with [`READ_ARGS`]); the result is an
/// [`EntrypointStatus`](crate::EntrypointStatus): `0` success, `1` revert.
/// The return (or revert) data is whatever [`WRITE_RESULT`] last set.
pub const ENTRYPOINT: &str = "user_entrypoint";

/// Name of the optional constructor export: `user_constructor(len: i32) -> i32`,
/// the same shape as [`ENTRYPOINT`].
///
/// The VM calls it exactly once, when the contract is created, with the
/// constructor arguments (the deploy envelope's trailing bytes) as calldata
/// (`read_args`). `0` keeps the deployment; `1` reverts it with the data last
/// set by `write_result`. A module without this export may only be deployed
/// with empty constructor arguments: arguments nobody reads are a mistake the
/// deployer should hear about, not bytes to drop silently. The export is never
/// reachable by a call after deployment.
pub const CONSTRUCTOR: &str = "user_constructor";

/// Parameter types of [`ENTRYPOINT`]: the calldata length.
pub const ENTRYPOINT_PARAMS: &[ValType] = &[ValType::I32];

/// Result types of [`ENTRYPOINT`]: the [`EntrypointStatus`](crate::EntrypointStatus).
pub const ENTRYPOINT_RESULTS: &[ValType] = &[ValType::I32];

/// Length of an EVM word in guest memory (big-endian).
pub const WORD_LEN: usize = 32;

/// Length of an address in guest memory.
pub const ADDRESS_LEN: usize = 20;

/// A wasm value type that appears in the host ABI.
///
/// Only integers cross the boundary: no floats, no references.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ValType {
    /// 32-bit integer: pointers, lengths, small counts and status codes.
    I32,
    /// 64-bit integer: gas amounts, block number, timestamp, chain id.
    I64,
}

impl core::fmt::Display for ValType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ValType::I32 => "i32",
            ValType::I64 => "i64",
        })
    }
}

/// One host function: its import name in module [`HOST_MODULE`] and its exact
/// wasm signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct HostFn {
    /// Import name (field name) in module `"env"`.
    pub name: &'static str,
    /// Parameter types, in order.
    pub params: &'static [ValType],
    /// Result types (zero or one).
    pub results: &'static [ValType],
}

impl HostFn {
    /// Whether a wasm function type matches this import exactly.
    pub fn matches(&self, params: &[ValType], results: &[ValType]) -> bool {
        self.params == params && self.results == results
    }
}

/// Looks a host function up by its import name.
///
/// The VM rejects any `env` import for which this returns `None`, and any whose
/// type does not [`HostFn::matches`].
pub fn host_function(name: &str) -> Option<&'static HostFn> {
    HOST_FUNCTIONS.iter().find(|f| f.name == name)
}

/// Maps an ABI type token to its wasm value type.
macro_rules! abi_val_type {
    (ptr) => {
        ValType::I32
    };
    (mut_ptr) => {
        ValType::I32
    };
    (len) => {
        ValType::I32
    };
    (u32) => {
        ValType::I32
    };
    (u64) => {
        ValType::I64
    };
}

/// Maps an ABI type token to its Rust type on the guest (wasm32) side.
#[cfg(target_arch = "wasm32")]
macro_rules! abi_rust_type {
    (ptr) => { *const u8 };
    (mut_ptr) => { *mut u8 };
    (len) => { usize };
    (u32) => { u32 };
    (u64) => { u64 };
}

macro_rules! host_functions {
    ($(
        $(#[doc = $doc:literal])*
        $konst:ident = fn $name:ident($($arg:ident: $ty:tt),* $(,)?) $(-> $ret:tt)?;
    )*) => {
        $(
            $(#[doc = $doc])*
            pub const $konst: HostFn = HostFn {
                name: stringify!($name),
                params: &[$(abi_val_type!($ty)),*],
                results: &[$(abi_val_type!($ret))?],
            };
        )*

        /// Every host function, in ABI order. The VM links exactly these; a
        /// module importing anything else from `"env"` (or anything from
        /// another module) is rejected at deployment.
        pub const HOST_FUNCTIONS: &[HostFn] = &[$($konst),*];

        /// Guest-side declarations of the host functions (wasm32 only).
        ///
        /// Generated from the same list as [`HOST_FUNCTIONS`]; see each
        /// constant there for semantics and gas. Pointers and lengths are
        /// `*const u8` / `*mut u8` / `usize`, which are `i32` on wasm32.
        #[cfg(target_arch = "wasm32")]
        pub mod guest {
            #[link(wasm_import_module = "env")]
            extern "C" {
                $(
                    $(#[doc = $doc])*
                    pub fn $name($($arg: abi_rust_type!($ty)),*) $(-> abi_rust_type!($ret))?;
                )*
            }
        }
    };
}

host_functions! {
    // ── Call data and results ────────────────────────────────────────────
    /// `read_args(dest)`: copies the whole calldata (its length is the
    /// entrypoint's argument) to `dest`. EVM `CALLDATACOPY`.
    /// Gas: [`COPY_GAS_PER_WORD`](crate::gas::COPY_GAS_PER_WORD) per word.
    READ_ARGS = fn read_args(dest: mut_ptr);
    /// `write_result(data, len)`: sets the frame's return data (or revert data
    /// if the entrypoint then returns `1`); a later call replaces it.
    /// Gas: [`COPY_GAS_PER_WORD`](crate::gas::COPY_GAS_PER_WORD) per word.
    WRITE_RESULT = fn write_result(data: ptr, len: len);
    /// `exit_early(status)`: ends the frame at once, as if the entrypoint had
    /// returned `status` (`0` success, `1` revert, anything else is a failure),
    /// with the data last set by `write_result`. Does not return. Lets a
    /// contract revert from deep inside (Solidity `require`) without unwinding.
    EXIT_EARLY = fn exit_early(status: u32);

    // ── Storage ──────────────────────────────────────────────────────────
    /// `storage_load_bytes32(key, dest)`: reads the 32-byte word at 32-byte
    /// `key` of this contract's storage. EVM `SLOAD`. Gas: EIP-2929
    /// [`COLD_SLOAD_GAS`](crate::gas::COLD_SLOAD_GAS) /
    /// [`WARM_ACCESS_GAS`](crate::gas::WARM_ACCESS_GAS).
    STORAGE_LOAD_BYTES32 = fn storage_load_bytes32(key: ptr, dest: mut_ptr);
    /// `storage_store_bytes32(key, value)`: writes a word. EVM `SSTORE` with
    /// EIP-2200/2929/3529 gas and refunds; fails the frame in a static call or
    /// when no more than [`SSTORE_SENTRY_GAS`](crate::gas::SSTORE_SENTRY_GAS)
    /// gas is left.
    STORAGE_STORE_BYTES32 = fn storage_store_bytes32(key: ptr, value: ptr);

    // ── Logs ─────────────────────────────────────────────────────────────
    /// `emit_log(data, len, topics)`: emits a log. The first `topics × 32`
    /// bytes of `data[..len]` are the topics (0..=4), the rest is the log data.
    /// EVM `LOG0`..`LOG4`: gas [`LOG_GAS`](crate::gas::LOG_GAS) +
    /// [`LOG_TOPIC_GAS`](crate::gas::LOG_TOPIC_GAS) per topic +
    /// [`LOG_DATA_GAS_PER_BYTE`](crate::gas::LOG_DATA_GAS_PER_BYTE) per data byte.
    /// More than 4 topics or `len < topics × 32` fails the frame; so does a
    /// static call.
    EMIT_LOG = fn emit_log(data: ptr, len: len, topics: u32);

    // ── Message and transaction context ──────────────────────────────────
    /// `msg_sender(dest)`: the caller's 20-byte address. EVM `CALLER`.
    MSG_SENDER = fn msg_sender(dest: mut_ptr);
    /// `msg_value(dest)`: the value sent with this call, a word. EVM `CALLVALUE`.
    MSG_VALUE = fn msg_value(dest: mut_ptr);
    /// `tx_origin(dest)`: the transaction's sender. EVM `ORIGIN`.
    TX_ORIGIN = fn tx_origin(dest: mut_ptr);
    /// `contract_address(dest)`: this contract's address. EVM `ADDRESS`.
    CONTRACT_ADDRESS = fn contract_address(dest: mut_ptr);
    /// `tx_gas_price(dest)`: the effective gas price, a word. EVM `GASPRICE`.
    TX_GAS_PRICE = fn tx_gas_price(dest: mut_ptr);
    /// `evm_gas_left() -> u64`: gas left after paying for this call. EVM `GAS`.
    EVM_GAS_LEFT = fn evm_gas_left() -> u64;

    // ── Block context ────────────────────────────────────────────────────
    /// `block_number() -> u64`. EVM `NUMBER`.
    BLOCK_NUMBER = fn block_number() -> u64;
    /// `block_timestamp() -> u64`: seconds since the Unix epoch. EVM `TIMESTAMP`.
    BLOCK_TIMESTAMP = fn block_timestamp() -> u64;
    /// `block_coinbase(dest)`: the block's beneficiary address. EVM `COINBASE`.
    BLOCK_COINBASE = fn block_coinbase(dest: mut_ptr);
    /// `block_gas_limit() -> u64`. EVM `GASLIMIT`.
    BLOCK_GAS_LIMIT = fn block_gas_limit() -> u64;
    /// `block_basefee(dest)`: the EIP-1559 base fee, a word. EVM `BASEFEE`.
    BLOCK_BASEFEE = fn block_basefee(dest: mut_ptr);
    /// `block_prevrandao(dest)`: the block's randomness word. EVM `PREVRANDAO`.
    BLOCK_PREVRANDAO = fn block_prevrandao(dest: mut_ptr);
    /// `chainid() -> u64`. EVM `CHAINID`.
    CHAINID = fn chainid() -> u64;

    // ── Accounts ─────────────────────────────────────────────────────────
    /// `account_balance(address, dest)`: balance in wei, a word. EVM `BALANCE`;
    /// gas EIP-2929 [`COLD_ACCOUNT_ACCESS_GAS`](crate::gas::COLD_ACCOUNT_ACCESS_GAS)
    /// / [`WARM_ACCESS_GAS`](crate::gas::WARM_ACCESS_GAS).
    ACCOUNT_BALANCE = fn account_balance(address: ptr, dest: mut_ptr);
    /// `account_code_size(address) -> u32`: length of the account's module in
    /// bytes. EVM `EXTCODESIZE`; gas as `account_balance`.
    ACCOUNT_CODE_SIZE = fn account_code_size(address: ptr) -> u32;
    /// `account_codehash(address, dest)`: keccak256 of the account's code; zero
    /// for an account that does not exist (EIP-1052). EVM `EXTCODEHASH`; gas as
    /// `account_balance`.
    ACCOUNT_CODEHASH = fn account_codehash(address: ptr, dest: mut_ptr);

    // ── Cryptography ─────────────────────────────────────────────────────
    /// `native_keccak256(data, len, dest)`: keccak256 of `data[..len]` into
    /// the 32 bytes at `dest`. EVM `KECCAK256`: gas
    /// [`KECCAK_GAS`](crate::gas::KECCAK_GAS) +
    /// [`KECCAK_WORD_GAS`](crate::gas::KECCAK_WORD_GAS) per word.
    NATIVE_KECCAK256 = fn native_keccak256(data: ptr, len: len, dest: mut_ptr);
    /// `ecrecover(hash, v, r, s, dest) -> u32`: recovers the signer of the
    /// 32-byte `hash` from `v` (27 or 28) and the 32-byte words `r`, `s`, and
    /// writes its address to `dest`. Returns `1` if recovered, `0` (and leaves
    /// `dest` untouched) for an invalid signature. Precompile `0x01`: gas
    /// [`ECRECOVER_GAS`](crate::gas::ECRECOVER_GAS).
    ECRECOVER = fn ecrecover(hash: ptr, v: u32, r: ptr, s: ptr, dest: mut_ptr) -> u32;

    // ── Calls ────────────────────────────────────────────────────────────
    /// `call_contract(address, calldata, calldata_len, value, gas,
    /// return_data_len) -> u32`: calls `address` with `calldata[..len]` and the
    /// 32-byte `value`, forwarding at most `gas` (capped by EIP-150's 63/64
    /// rule; `u64::MAX` forwards all allowed; plus
    /// [`CALL_STIPEND`](crate::gas::CALL_STIPEND) when value is non-zero).
    /// Writes the callee's return-data length to `return_data_len` (`u32`) and
    /// returns a [`CallStatus`](crate::CallStatus). EVM `CALL`.
    CALL_CONTRACT = fn call_contract(
        address: ptr,
        calldata: ptr,
        calldata_len: len,
        value: ptr,
        gas: u64,
        return_data_len: mut_ptr,
    ) -> u32;
    /// `delegate_call_contract(address, calldata, calldata_len, gas,
    /// return_data_len) -> u32`: runs `address`'s code in this contract's
    /// context (storage, sender, value). EVM `DELEGATECALL`.
    DELEGATE_CALL_CONTRACT = fn delegate_call_contract(
        address: ptr,
        calldata: ptr,
        calldata_len: len,
        gas: u64,
        return_data_len: mut_ptr,
    ) -> u32;
    /// `static_call_contract(address, calldata, calldata_len, gas,
    /// return_data_len) -> u32`: a call in which any state change fails the
    /// callee. EVM `STATICCALL`.
    STATIC_CALL_CONTRACT = fn static_call_contract(
        address: ptr,
        calldata: ptr,
        calldata_len: len,
        gas: u64,
        return_data_len: mut_ptr,
    ) -> u32;

    // ── Contract creation ────────────────────────────────────────────────
    /// `create1(code, code_len, endowment, contract, return_data_len) -> u32`:
    /// deploys `code[..code_len]` (a deploy envelope or bare module, see
    /// [`parse_deploy`](crate::parse_deploy)) with the 32-byte `endowment`,
    /// at Ethereum's `CREATE` address (sender, nonce). Writes the new address
    /// to `contract` (zero on failure) and the constructor's return/revert
    /// data length to `return_data_len`; returns a [`CallStatus`](crate::CallStatus).
    /// All gas but one 64th is forwarded.
    CREATE1 = fn create1(
        code: ptr,
        code_len: len,
        endowment: ptr,
        contract: mut_ptr,
        return_data_len: mut_ptr,
    ) -> u32;
    /// `create2(code, code_len, endowment, salt, contract, return_data_len) -> u32`:
    /// as `create1`, at Ethereum's `CREATE2` address
    /// `keccak256(0xff ‖ sender ‖ salt ‖ keccak256(code))[12..]` (EIP-1014),
    /// where `code` is the whole envelope as passed here.
    CREATE2 = fn create2(
        code: ptr,
        code_len: len,
        endowment: ptr,
        salt: ptr,
        contract: mut_ptr,
        return_data_len: mut_ptr,
    ) -> u32;

    // ── Return data of the last call or create ───────────────────────────
    /// `read_return_data(dest, offset, size) -> u32`: copies up to `size`
    /// bytes of the last call's return data from `offset` to `dest`, clamped
    /// to what exists; returns the number copied. EVM `RETURNDATACOPY`
    /// (clamped, as Stylus). Gas: [`COPY_GAS_PER_WORD`](crate::gas::COPY_GAS_PER_WORD)
    /// per word copied.
    READ_RETURN_DATA = fn read_return_data(dest: mut_ptr, offset: u32, size: u32) -> u32;
    /// `return_data_size() -> u32`: length of the last call's return data.
    /// EVM `RETURNDATASIZE`.
    RETURN_DATA_SIZE = fn return_data_size() -> u32;

    // ── Self-destruct ────────────────────────────────────────────────────
    /// `self_destruct(beneficiary)`: sends this contract's whole balance to
    /// the 20-byte `beneficiary`, marks the contract for deletion (code and
    /// storage go at the end of the transaction) and ends the frame with
    /// success and empty return data. Does not return. EVM `SELFDESTRUCT`
    /// (pre-EIP-6780 semantics): gas
    /// [`SELFDESTRUCT_GAS`](crate::gas::SELFDESTRUCT_GAS), plus cold access and
    /// [`NEW_ACCOUNT_GAS`](crate::gas::NEW_ACCOUNT_GAS) as in EIP-2929/161.
    SELF_DESTRUCT = fn self_destruct(beneficiary: ptr);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_lookup_finds_each() {
        for (i, f) in HOST_FUNCTIONS.iter().enumerate() {
            assert!(
                HOST_FUNCTIONS[..i].iter().all(|g| g.name != f.name),
                "duplicate host function {}",
                f.name
            );
            assert_eq!(host_function(f.name), Some(f));
            assert!(f.results.len() <= 1, "{} has multiple results", f.name);
        }
        assert_eq!(host_function("nope"), None);
        assert_eq!(host_function(""), None);
    }

    #[test]
    fn signatures_match_the_documented_shapes() {
        use ValType::{I32, I64};
        assert!(READ_ARGS.matches(&[I32], &[]));
        assert!(WRITE_RESULT.matches(&[I32, I32], &[]));
        assert!(EMIT_LOG.matches(&[I32, I32, I32], &[]));
        assert!(EVM_GAS_LEFT.matches(&[], &[I64]));
        assert!(CALL_CONTRACT.matches(&[I32, I32, I32, I32, I64, I32], &[I32]));
        assert!(STATIC_CALL_CONTRACT.matches(&[I32, I32, I32, I64, I32], &[I32]));
        assert!(CREATE2.matches(&[I32, I32, I32, I32, I32, I32], &[I32]));
        assert!(ECRECOVER.matches(&[I32, I32, I32, I32, I32], &[I32]));
        assert!(!READ_ARGS.matches(&[I64], &[]));
        assert!(!READ_ARGS.matches(&[I32], &[I32]));
        assert_eq!(CALL_CONTRACT.name, "call_contract");
        assert_eq!(HOST_FUNCTIONS.len(), 32);
    }

    /// The table in the crate docs lists every host function, in ABI order.
    #[test]
    fn crate_docs_table_lists_every_host_function() {
        let docs = include_str!("lib.rs");
        let mut at = 0;
        for f in HOST_FUNCTIONS {
            let row = std::format!("//! | `{}` |", f.name);
            let found = docs[at..].find(&row);
            assert!(found.is_some(), "crate docs miss or misorder {}", f.name);
            at += found.unwrap_or(0) + row.len();
        }
    }

    #[test]
    fn entrypoint_shape() {
        assert_eq!(ENTRYPOINT, "user_entrypoint");
        assert_eq!(CONSTRUCTOR, "user_constructor");
        assert_eq!(ENTRYPOINT_PARAMS, &[ValType::I32]);
        assert_eq!(ENTRYPOINT_RESULTS, &[ValType::I32]);
        assert_eq!(MEMORY_EXPORT, "memory");
        assert_eq!(HOST_MODULE, "env");
    }
}
