//! Basalt's contract VM: deterministic, gas-metered WebAssembly on wasmtime.
//!
//! ```text
//!  executor ──Message──► Vm::execute ──► frame: Store<Frame<H>> ◄── host functions (imports.rs)
//!                            │              │  instantiate (InstancePre, pooling, CoW memory)
//!                            │              │  user_entrypoint(len) / user_constructor(len)
//!                            │              └─ call_contract / create2 ─► nested frame (same path)
//!                            └─ ModuleCache: code hash ─► validated, instrumented, compiled module
//!                                            (LRU in memory, checksummed artifacts on disk)
//! ```
//!
//! The VM owns call frames: gas, checkpoints, nested calls and creates,
//! return data, refunds. It reaches the world only through the [`Host`]
//! trait, implemented for basalt-state's [`JournaledState`](basalt_state::JournaledState).
//! The host moves into each frame's wasmtime store and back out, so exactly
//! one frame owns it at a time.
//!
//! # Determinism: the choices and why
//!
//! Every node must compute the same success, output, gas and state for the
//! same message. Each setting of [`config::engine_config`]:
//!
//! - **wasmtime pinned to `=48.0.8`**: fuel accounting and code generation
//!   change between releases (49.0 changed how constant expressions consume
//!   fuel), so an upgrade is a consensus fork, made on purpose.
//! - **Cranelift**, fuel on, **no epoch interruption** (epochs are wall-clock
//!   and not deterministic; they may bound `eth_call` later, never a block).
//! - **Features** are exactly [`validate::features`]: floats, SIMD, relaxed
//!   SIMD, threads, GC, exceptions, memory64, multi-memory and tail calls are
//!   off; bulk memory and reference types are on because rustc's wasm32 output
//!   uses them, and our validator rejects table mutation (`table.grow/set/
//!   fill/copy/init`, `elem.drop`). **Floats are rejected outright** at
//!   deployment (rather than allowed with NaN canonicalisation): contracts do
//!   integer and fixed-point maths as Solidity does, and the rule leaves no
//!   NaN-payload or float-library question open. NaN canonicalisation is on
//!   anyway, as a second line.
//! - **Stack depth** is metered inside the module, not by the native stack:
//!   the instrumentation pass ([`instrument`]) gives each function a cost in
//!   stack slots measured at validation and enforces a per-transaction budget
//!   of [`MAX_STACK_SLOTS`](basalt_vm_abi::limits::MAX_STACK_SLOTS), so deep
//!   recursion fails at the same depth on every machine and optimisation
//!   level. `max_wasm_stack` ([`config::MAX_WASM_STACK`]) stays as a safety
//!   net that the budget always reaches first, and [`Vm::execute`] runs on a
//!   stack of at least [`config::REQUIRED_NATIVE_STACK`].
//! - **Every trap consumes the frame's whole gas**: wasmtime checks fuel at
//!   function entries and loop headers, so the fuel left at a trap is
//!   approximate; it never reaches a receipt.
//! - **Memory** is capped at [`MAX_MEMORY_PAGES`](basalt_vm_abi::limits::MAX_MEMORY_PAGES)
//!   by the pooling allocator (a refused `memory.grow` returns -1, the same
//!   everywhere) and each granted page costs gas through the grow hook.
//!
//! # Gas schedule
//!
//! One gas is [`FUEL_PER_GAS`](basalt_vm_abi::gas::FUEL_PER_GAS) = 100 fuel,
//! so a 30M-gas block is 3·10⁹ fuel, far from `u64` overflow, and the
//! cheapest operator (1 fuel) is a hundredth of a gas. Operator prices are in
//! [`config::operator_costs`]; host-function prices are the constants of
//! [`basalt_vm_abi::gas`], charged before the work:
//!
//! | what | gas | basis |
//! |---|---|---|
//! | simple wasm operator | 0.01 | measured (`--bench contracts`): `compute(10000)` (u64 maths + 157 keccaks) uses ~9k gas in ~105 µs, ~12 ns per gas; revm runs the Solidity version at ~1.2 ns per gas. So wasm compute costs ~10× more time per gas than EVM compute: a 30M-gas block of pure compute runs ~0.35 s here. Raising operator prices is a fork ([`config::VM_VERSION`]) and is the next calibration step |
//! | loads/stores, mul, br/br_if | 0.02 | |
//! | div/rem | 0.12 | 20–40 cycle latency |
//! | call / call_indirect / br_table | 0.08 / 0.16 / 0.06 | frame setup, indirect jumps |
//! | `memory.grow` | 0.64 + 1,000 per page | a page is 64 KiB the node must be able to hold |
//! | memory.copy/fill/init | 0.08 + 0.01 per byte | |
//! | any host call | 2 | EVM `G_base`; a host call costs tens of ns |
//! | read_args / write_result / read_return_data | 3 per word | EVM copy cost |
//! | storage load | 2,100 cold / 100 warm | EIP-2929 |
//! | storage store | 20,000 set / 2,900 reset / 100 no-op, +2,100 cold; refund 4,800 on clear | EIP-2200/2929/3529 |
//! | emit_log | 375 + 375 per topic + 8 per byte | EVM `LOGn` |
//! | balance / code size / code hash | 2,600 cold / 100 warm | EIP-2929 |
//! | keccak256 | 30 + 6 per word | EVM `KECCAK256` |
//! | ecrecover | 3,000 | precompile 0x01 |
//! | call | access cost + copy, +9,000 with value, +25,000 to a new account with value; forwards ≤ 63/64 of what is left, +2,300 stipend with value | EIP-150/2929 |
//! | create / create2 | 32,000 + 2 per word of deploy data (+6 per word for create2's hash) | EIP-3860/1014 |
//! | deployment | 10 per module byte to compile (charged before validation) + 200 per byte code deposit | compile ~40 ms per 20 KB here |
//! | self_destruct | 5,000 (+2,600 cold beneficiary, +25,000 if it is new and value moves) | EIP-2929/161 |
//!
//! Out of gas anywhere — in wasm, or in a host function's charge — ends the
//! frame as a [`Failure::OutOfGas`] with all its effects undone and all its
//! gas consumed.
//!
//! # Modules and the cache
//!
//! Deployed code is validated ([`validate`]), instrumented and compiled once
//! and cached by code hash ([`cache`]): in memory as `InstancePre`s (LRU),
//! and on disk as checksummed artifacts keyed also by the engine's
//! compatibility hash and [`config::VM_VERSION`], so a call never pays a
//! compilation on the hot path and a restart deserialises instead of
//! compiling. Instances come from wasmtime's pooling allocator with
//! copy-on-write memory images.

mod cache;
pub mod config;
mod error;
mod frame;
mod host;
mod imports;
pub mod instrument;
mod journal_host;
mod outcome;
pub mod validate;

pub use config::VmConfig;
pub use error::{ModuleError, Result, VmError};
pub use frame::{create2_address, create_address};
pub use host::{BlockEnv, Env, Host, HostError, HostResult, TxEnv};
pub use outcome::{Failure, Message, MessageKind, Outcome, Status};

use cache::ModuleCache;
use frame::Frame;
use std::sync::Arc;
use wasmtime::{Engine, Linker};

/// What every frame of one [`Vm`] shares.
pub(crate) struct Shared<H: Host + 'static> {
    pub(crate) engine: Engine,
    pub(crate) linker: Linker<Frame<H>>,
    pub(crate) cache: ModuleCache<H>,
}

/// The contract VM: one wasmtime engine, one linker, one module cache.
///
/// Cheap to clone (shared inside). `H` is the host type the executor uses,
/// e.g. `JournaledState<Arc<Store>>`.
pub struct Vm<H: Host + 'static> {
    shared: Arc<Shared<H>>,
}

impl<H: Host + 'static> Clone for Vm<H> {
    fn clone(&self) -> Self {
        Self { shared: self.shared.clone() }
    }
}

impl<H: Host + 'static> std::fmt::Debug for Vm<H> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vm").finish_non_exhaustive()
    }
}

impl<H: Host + 'static> Vm<H> {
    /// Builds the engine, the linker with every host function, and the cache.
    pub fn new(config: VmConfig) -> Result<Self> {
        let engine = Engine::new(&config::engine_config(&config))
            .map_err(|e| VmError::Engine(format!("{e:#}")))?;
        let mut linker = Linker::new(&engine);
        imports::link(&mut linker).map_err(|e| VmError::Engine(format!("{e:#}")))?;
        let cache = ModuleCache::new(&engine, config.cache_capacity, config.artifact_dir.clone());
        Ok(Self { shared: Arc::new(Shared { engine, linker, cache }) })
    }

    /// Runs a message (the transaction's call or create) to completion.
    ///
    /// Takes the host and gives it back with the message's effects applied
    /// (a reverted or failed message leaves no effects beyond what the
    /// executor did before). `Err` only for fatal failures of the host or the
    /// engine; contract failures are [`Outcome`]s.
    pub fn execute(&self, host: H, env: &Env, msg: Message) -> (H, Result<Outcome>) {
        let env = Arc::new(env.clone());
        let shared = &self.shared;
        stacker::maybe_grow(config::REQUIRED_NATIVE_STACK, config::REQUIRED_NATIVE_STACK, || {
            frame::run_message(
                shared,
                host,
                &env,
                msg,
                None,
                None,
                0,
                basalt_vm_abi::limits::MAX_STACK_SLOTS,
            )
        })
    }

    /// Validates, instruments and compiles `wasm` into the cache (as a
    /// deployment would, without gas): for genesis code and for warming the
    /// cache at start-up.
    pub fn prepare(&self, wasm: &[u8]) -> std::result::Result<(), ModuleError> {
        let hash = basalt_primitives::keccak256(wasm);
        self.shared.cache.get(&self.shared.engine, &self.shared.linker, hash, wasm).map(|_| ())
    }
}
