//! The wasmtime engine configuration and the fuel cost table.
//!
//! Every setting that can change a result (gas, success, depth) is fixed
//! here and explained; settings that only change speed say so.

use crate::validate;
use std::path::PathBuf;
use wasmtime::{
    Config, Enabled, InstanceAllocationStrategy, OperatorCost, OptLevel, PoolingAllocationConfig,
    Strategy,
};

/// Version of the instrumentation pass and engine settings that affect
/// results. Part of every cache key; bump it whenever `instrument.rs`,
/// [`operator_costs`] or [`engine_config`] change what a module computes.
pub const VM_VERSION: u32 = 1;

/// Native stack wasmtime may use per entry into wasm before it traps
/// (`Config::max_wasm_stack`). A safety net only: the instrumented stack
/// budget ([`basalt_vm_abi::limits::MAX_STACK_SLOTS`]) is always exhausted
/// first; `tests/limits.rs` checks that for frames of every shape.
pub const MAX_WASM_STACK: usize = 2 << 20;

/// Native stack a whole call tree may need: the budgeted wasm frames of all
/// nested contracts plus the host's own frames at each of up to 1024
/// nesting levels. [`crate::Vm::execute`] grows the stack to this when the
/// calling thread has less left.
pub const REQUIRED_NATIVE_STACK: usize = 64 << 20;

/// Bytes of a linear memory (and of a table) a pooled slot keeps resident
/// between instances when the kernel can report written pages (see
/// [`engine_config`]): the dirty pages of a typical call (the top of the
/// 1 MiB Rust stack, data, a small heap) fit many times over.
const KEEP_RESIDENT: usize = 1 << 20;

/// How a [`Vm`](crate::Vm) is built. The defaults are what a node runs;
/// tests vary the optimisation level to show it changes nothing.
#[derive(Clone, Debug)]
pub struct VmConfig {
    /// Cranelift optimisation level: affects speed only, never gas or results.
    pub opt_level: OptLevel,
    /// Compiled modules kept in memory (LRU).
    pub cache_capacity: usize,
    /// Where compiled artifacts are persisted, so a restarted node does not
    /// recompile; `None` keeps them in memory only.
    pub artifact_dir: Option<PathBuf>,
    /// Instances the pooling allocator can hold at once. One transaction
    /// needs at most `MAX_CALL_DEPTH + 1`; give each concurrent executor
    /// (block import, RPC calls) its own `Vm`.
    pub pooled_instances: u32,
}

impl Default for VmConfig {
    fn default() -> Self {
        Self {
            opt_level: OptLevel::Speed,
            cache_capacity: 512,
            artifact_dir: None,
            pooled_instances: 1_100,
        }
    }
}

/// The fuel cost of each wasm operator. One unit of gas is
/// [`FUEL_PER_GAS`](basalt_vm_abi::gas::FUEL_PER_GAS) = 100 fuel.
///
/// wasmtime's default charges 1 fuel for every operator but `nop`, `drop`,
/// `block`, `loop`, `end`, `else`, `return` and `unreachable` (0), which
/// matches the cost of simple integer operations (one or two machine
/// instructions, ~0.3 ns here). It misprices:
///
/// | operators | fuel | why |
/// |---|---|---|
/// | integer ALU, locals, globals, constants, `select`, `if` | 1 | default: ~1 machine instruction |
/// | loads and stores | 2 | address arithmetic + memory access |
/// | `i32/i64.mul` | 2 | 3-cycle latency |
/// | `div`/`rem` (signed and unsigned) | 12 | 20–40 cycle latency on x86-64 |
/// | `br`, `br_if` | 2 | a jump, mispredictions |
/// | `br_table` | 6 | bounds check + indirect jump |
/// | `call` | 8 | frame setup + our stack-budget prologue |
/// | `call_indirect` | 16 | table load, signature check, indirect call |
/// | `memory.grow` | 64 | + [`MEMORY_PAGE_GAS`](basalt_vm_abi::gas::MEMORY_PAGE_GAS) per page through the grow hook |
/// | `memory.copy` / `memory.fill` / `memory.init` | 8 + 1 per byte | the per-byte part is wasmtime's variable cost |
/// | `table.*` mutations | — | rejected by validation |
///
/// Changing a number here changes gas: bump [`VM_VERSION`] and treat it as
/// a fork. The measurements behind the scale are in the crate docs.
pub fn operator_costs() -> OperatorCost {
    let mut c = OperatorCost::new();
    for load in [
        &mut c.I32Load,
        &mut c.I64Load,
        &mut c.I32Load8S,
        &mut c.I32Load8U,
        &mut c.I32Load16S,
        &mut c.I32Load16U,
        &mut c.I64Load8S,
        &mut c.I64Load8U,
        &mut c.I64Load16S,
        &mut c.I64Load16U,
        &mut c.I64Load32S,
        &mut c.I64Load32U,
        &mut c.I32Store,
        &mut c.I64Store,
        &mut c.I32Store8,
        &mut c.I32Store16,
        &mut c.I64Store8,
        &mut c.I64Store16,
        &mut c.I64Store32,
        &mut c.I32Mul,
        &mut c.I64Mul,
        &mut c.Br,
        &mut c.BrIf,
    ] {
        *load = 2;
    }
    for div in [
        &mut c.I32DivS,
        &mut c.I32DivU,
        &mut c.I32RemS,
        &mut c.I32RemU,
        &mut c.I64DivS,
        &mut c.I64DivU,
        &mut c.I64RemS,
        &mut c.I64RemU,
    ] {
        *div = 12;
    }
    c.BrTable = 6;
    c.Call = 8;
    c.CallIndirect = 16;
    c.MemoryGrow = 64;
    c.MemoryCopy = 8;
    c.MemoryFill = 8;
    c.MemoryInit = 8;
    c
}

/// The deterministic engine configuration (see the crate docs for why each
/// line is there).
pub fn engine_config(vm: &VmConfig) -> Config {
    let mut pool = PoolingAllocationConfig::default();
    pool.total_core_instances(vm.pooled_instances)
        .total_memories(vm.pooled_instances)
        .total_tables(vm.pooled_instances)
        .max_memories_per_module(1)
        .max_tables_per_module(basalt_vm_abi::limits::MAX_TABLES)
        .table_elements(basalt_vm_abi::limits::MAX_TABLE_ELEMENTS as usize)
        .max_memory_size(
            basalt_vm_abi::limits::MAX_MEMORY_PAGES as usize
                * basalt_vm_abi::limits::WASM_PAGE_SIZE,
        );

    // Speed only: how a used memory slot is reset for the next instance.
    // wasmtime's default `madvise(DONTNEED)`s the whole memory on every
    // deallocation; on a multi-threaded node that is a TLB shootdown (an
    // IPI to every core running the process) per contract call, ~20 % of
    // the CPU under a stream of `eth_call`s. Where the kernel has the
    // `PAGEMAP_SCAN` ioctl (Linux 6.7+), wasmtime finds the pages a call
    // actually wrote and copies the original contents back into just those
    // (up to `KEEP_RESIDENT`, the rest is still released); without the
    // ioctl, keeping memory resident would mean a `memset` of the whole
    // region per call, so the default stays.
    if PoolingAllocationConfig::is_pagemap_scan_available() {
        pool.pagemap_scan(Enabled::Yes)
            .linear_memory_keep_resident(KEEP_RESIDENT)
            .table_keep_resident(KEEP_RESIDENT);
    }

    let mut c = Config::new();
    c.strategy(Strategy::Cranelift)
        .cranelift_opt_level(vm.opt_level)
        // No float instructions pass validation; canonicalise anyway, so a
        // future float rule cannot meet NaN payload differences.
        .cranelift_nan_canonicalization(true)
        .consume_fuel(true)
        .operator_cost(operator_costs())
        // Epoch interruption is not deterministic: never part of consensus.
        .epoch_interruption(false)
        .max_wasm_stack(MAX_WASM_STACK)
        .memory_init_cow(true)
        .allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    // Exactly the validator's feature set, every other proposal off.
    let allowed = validate::features();
    c.wasm_features(wasmtime::WasmFeatures::all(), false);
    c.wasm_features(allowed, true);
    c
}
