//! The contract ABI of Basalt, shared by the VM (host side, `basalt-vm`) and
//! the contract SDK (guest side, `basalt-sdk`) so the two cannot drift.
//!
//! `no_std`, no dependencies, no allocation: it builds for
//! `wasm32-unknown-unknown` with only `core`. It holds data, not behaviour:
//!
//! - [`host`]: the functions a contract imports from module `"env"` — names
//!   and exact wasm signatures ([`HOST_FUNCTIONS`]), which the VM validates
//!   imports against and links; and on wasm32 the matching `extern "C"`
//!   declarations (`host::guest`) the SDK calls, generated from the same list.
//!   Also the required exports: [`ENTRYPOINT`] `user_entrypoint(len: i32) -> i32`
//!   and memory [`MEMORY_EXPORT`]; optionally [`CONSTRUCTOR`]
//!   `user_constructor(len: i32) -> i32`, run once at deployment with the
//!   constructor arguments.
//! - [`status`]: [`EntrypointStatus`] (0 success / 1 revert) and
//!   [`CallStatus`] of nested calls and creates (0 success / 1 revert /
//!   2 failure).
//! - [`gas`]: the gas schedule and the fuel → gas conversion.
//! - [`limits`]: what a deployable module may contain; call depth.
//! - [`deploy`]: the deploy envelope, [`parse_deploy`] and
//!   [`encode_deploy_prefix`].
//!
//! ```text
//!  contract (wasm32, basalt-sdk)                 node (basalt-vm)
//!  ─────────────────────────────                 ────────────────────────────
//!  host::guest::* extern "C" ──── "env" imports ──► Linker built from HOST_FUNCTIONS
//!  user_entrypoint(len) -> i32 ◄─── call ───────── validate(exports, limits)
//!  bytecode = encode_deploy_prefix ‖ wasm ‖ args ─► parse_deploy → code, args
//!                       gas::* constants ◄──────── charged by host functions
//! ```
//!
//! # Host functions (module `"env"`)
//!
//! Pointers and lengths are `i32` offsets into the exported memory; words are
//! 32 bytes big-endian, addresses 20 bytes; `u32` out-parameters are
//! little-endian. Every call pays [`gas::HOST_CALL_GAS`] first, then the cost
//! listed (constants in [`gas`]). "acc" is EIP-2929 account access: 2600 cold,
//! 100 warm.
//!
//! | import | params → results | EVM analogue | gas beyond the base |
//! |---|---|---|---|
//! | `read_args` | dest → | CALLDATACOPY | 3/word |
//! | `write_result` | data, len → | RETURN / REVERT data | 3/word |
//! | `exit_early` | status → (never returns) | STOP / REVERT | — |
//! | `storage_load_bytes32` | key, dest → | SLOAD | 2100 cold / 100 warm |
//! | `storage_store_bytes32` | key, value → | SSTORE | EIP-2200/2929/3529: 20000 set, 2900 reset, 100 no-op; +2100 cold; refund 4800 on clear |
//! | `emit_log` | data, len, topics → | LOG0..4 | 375 + 375/topic + 8/byte |
//! | `msg_sender` | dest → | CALLER | — |
//! | `msg_value` | dest → | CALLVALUE | — |
//! | `tx_origin` | dest → | ORIGIN | — |
//! | `contract_address` | dest → | ADDRESS | — |
//! | `tx_gas_price` | dest → | GASPRICE | — |
//! | `evm_gas_left` | → i64 | GAS | — |
//! | `block_number` | → i64 | NUMBER | — |
//! | `block_timestamp` | → i64 | TIMESTAMP | — |
//! | `block_coinbase` | dest → | COINBASE | — |
//! | `block_gas_limit` | → i64 | GASLIMIT | — |
//! | `block_basefee` | dest → | BASEFEE | — |
//! | `block_prevrandao` | dest → | PREVRANDAO | — |
//! | `chainid` | → i64 | CHAINID | — |
//! | `account_balance` | address, dest → | BALANCE | acc |
//! | `account_code_size` | address → i32 | EXTCODESIZE | acc |
//! | `account_codehash` | address, dest → | EXTCODEHASH | acc |
//! | `native_keccak256` | data, len, dest → | KECCAK256 | 30 + 6/word |
//! | `ecrecover` | hash, v, r, s, dest → i32 | precompile 0x01 | 3000 |
//! | `call_contract` | address, calldata, len, value, gas: i64, ret_len → i32 | CALL | acc; +9000 with value (+25000 new account); callee gets ≤ 63/64 (+2300 stipend with value) |
//! | `delegate_call_contract` | address, calldata, len, gas: i64, ret_len → i32 | DELEGATECALL | acc; ≤ 63/64 forwarded |
//! | `static_call_contract` | address, calldata, len, gas: i64, ret_len → i32 | STATICCALL | acc; ≤ 63/64 forwarded |
//! | `create1` | code, len, endowment, contract, ret_len → i32 | CREATE | 32000 + 2/word of code; all but 1/64 forwarded; on success 200 + 10 per module byte |
//! | `create2` | code, len, endowment, salt, contract, ret_len → i32 | CREATE2 | as `create1` + 6/word hashing |
//! | `read_return_data` | dest, offset, size → i32 | RETURNDATACOPY (clamped) | 3/word |
//! | `return_data_size` | → i32 | RETURNDATASIZE | — |
//! | `self_destruct` | beneficiary → (never returns) | SELFDESTRUCT | 5000; +2600 cold beneficiary; +25000 if it is new and value > 0 |
//!
//! # Gas schedule
//!
//! | constant | value | source |
//! |---|---|---|
//! | [`gas::FUEL_PER_GAS`] | 100 fuel | chosen: 100 default-cost wasm ops per gas (Stylus: ~50–140); 30M gas = 3·10⁹ fuel, u64 holds 1.8·10¹⁷ gas |
//! | [`gas::HOST_CALL_GAS`] | 2 | chosen = EVM `G_base` (context opcodes); measured host-call overhead is below 1 gas |
//! | [`gas::COPY_GAS_PER_WORD`] | 3 | EVM `G_copy` |
//! | [`gas::MEMORY_PAGE_GAS`] | 1000 / 64 KiB page | chosen = Stylus `page_gas`; flat because [`limits::MAX_MEMORY_PAGES`] caps a frame (EVM's linear term alone: 6144/page) |
//! | [`gas::WARM_ACCESS_GAS`] | 100 | EIP-2929 |
//! | [`gas::COLD_SLOAD_GAS`] | 2100 | EIP-2929 |
//! | [`gas::COLD_ACCOUNT_ACCESS_GAS`] | 2600 | EIP-2929 |
//! | [`gas::SSTORE_SET_GAS`] | 20000 | EIP-2200 |
//! | [`gas::SSTORE_RESET_GAS`] | 2900 | EIP-2929 (5000 − 2100) |
//! | [`gas::SSTORE_CLEARS_REFUND`] | 4800 | EIP-3529 |
//! | [`gas::SSTORE_SENTRY_GAS`] | 2300 | EIP-2200 |
//! | [`gas::MAX_REFUND_QUOTIENT`] | 5 | EIP-3529 |
//! | [`gas::LOG_GAS`] / [`gas::LOG_TOPIC_GAS`] / [`gas::LOG_DATA_GAS_PER_BYTE`] | 375 / 375 / 8 | EVM `G_log*` |
//! | [`gas::KECCAK_GAS`] / [`gas::KECCAK_WORD_GAS`] | 30 / 6 per word | EVM `G_keccak256*` |
//! | [`gas::ECRECOVER_GAS`] | 3000 | precompile 0x01 |
//! | [`gas::CALL_VALUE_GAS`] / [`gas::CALL_STIPEND`] | 9000 / 2300 | EVM `G_callvalue` / `G_callstipend` |
//! | [`gas::NEW_ACCOUNT_GAS`] | 25000 | EVM `G_newaccount` (EIP-161) |
//! | [`gas::CALL_GAS_RETAINED_DIVISOR`] | 64 | EIP-150 |
//! | [`gas::CREATE_GAS`] | 32000 | EVM `G_create` |
//! | [`gas::INITCODE_WORD_GAS`] | 2 per word | EIP-3860 |
//! | [`gas::CODE_DEPOSIT_GAS_PER_BYTE`] | 200 per byte | EVM `G_codedeposit` |
//! | [`gas::COMPILE_GAS_PER_BYTE`] | 10 per byte | chosen: ~0.24 µs/byte measured cranelift cost; keeps a 128 KiB deploy under 30M gas |
//! | [`gas::SELFDESTRUCT_GAS`] | 5000 | EIP-150 (no refund, EIP-3529) |
//!
//! Wasm instructions cost fuel (wasmtime's default of 1 per operator, with the
//! VM's own `operator_cost` table for the mispriced ones); their price is part
//! of [`gas::GAS_SCHEDULE_VERSION`].
//!
//! # Module limits
//!
//! | constant | value | why |
//! |---|---|---|
//! | [`limits::MAX_WASM_SIZE`] | 128 KiB | Stylus's uncompressed limit; deployable within a 30M block |
//! | [`limits::MAX_MEMORY_PAGES`] | 128 (8 MiB) | small pooling slots; contracts need < 1 MiB |
//! | [`limits::MAX_TABLES`] / [`limits::MAX_TABLE_ELEMENTS`] | 1 / 4096 | rustc's single indirect-call table; no growth |
//! | [`limits::MAX_GLOBALS`] | 128 | rustc emits 1–3 |
//! | [`limits::MAX_FUNCTIONS`] | 8192 | bounds compile time |
//! | [`limits::MAX_FUNCTION_LOCALS`] | 1024 | bounds a function's native frame |
//! | [`limits::MAX_IMPORTS`] | 32 (= number of host functions) | each at most once |
//! | [`limits::MAX_CALL_DEPTH`] | 1024 | EVM |
//! | [`limits::MAX_LOG_TOPICS`] | 4 | EVM `LOG4` |
//!
//! # Deploy envelope
//!
//! `EF 57 41 00 ‖ u32-be(len(wasm)) ‖ wasm ‖ constructor args`, or a bare
//! module starting with `\0asm` (no args). See [`deploy`].
#![cfg_attr(not(test), no_std)]

pub mod deploy;
pub mod error;
pub mod gas;
pub mod host;
pub mod limits;
pub mod status;

pub use deploy::{encode_deploy_prefix, parse_deploy, Deploy};
pub use error::EnvelopeError;
pub use host::{
    host_function, HostFn, ValType, CONSTRUCTOR, ENTRYPOINT, HOST_FUNCTIONS, HOST_MODULE,
    MEMORY_EXPORT,
};
pub use status::{CallStatus, EntrypointStatus};
