//! Limits a module must satisfy to be deployed, and runtime limits.
//!
//! The VM checks the structural limits once, when code is deployed (a module
//! that breaks one is a failed deployment with a reason, never a panic), and
//! again defensively when it loads a module. They bound compile time, the
//! memory of a compiled module and of an instance, and the native stack frame
//! of a wasm function; gas bounds everything else.

use crate::host::HOST_FUNCTIONS;

/// Size of a wasm linear-memory page.
pub const WASM_PAGE_SIZE: usize = 64 * 1024;

/// Largest module (bare wasm bytes), 128 KiB (chosen).
///
/// Stylus's uncompressed limit. Rust contracts built for size (`opt-level =
/// "z"`, LTO, stripped) are 5–40 KiB; and at this size a deployment still fits
/// a 30M-gas block (see [`COMPILE_GAS_PER_BYTE`](crate::gas::COMPILE_GAS_PER_BYTE)).
pub const MAX_WASM_SIZE: usize = 128 * 1024;

/// Most linear-memory pages a module may declare or grow to: 128 pages = 8 MiB
/// (chosen). A contract's data, stack and heap need well under 1 MiB when built
/// with a small stack (`-zstack-size`); 8 MiB keeps pooling-allocator slots
/// small while leaving room. The memory must also declare this (or less) as its
/// maximum or have none, and it is enforced at `memory.grow`.
pub const MAX_MEMORY_PAGES: u32 = 128;

/// Most tables: one, the indirect-call table rustc emits (chosen).
pub const MAX_TABLES: u32 = 1;

/// Most elements of a table (initial and maximum), 4,096 (chosen): rustc sizes
/// it to the functions called indirectly (trait objects, fn pointers), a few
/// hundred in a large contract. Table growth is rejected by the validator.
pub const MAX_TABLE_ELEMENTS: u32 = 4_096;

/// Most globals, defined and imported, 128 (chosen): rustc emits 1–3 (the
/// stack pointer and, exported, `__data_end` / `__heap_base`).
pub const MAX_GLOBALS: u32 = 128;

/// Most functions defined in the module, 8,192 (chosen): bounds compile time
/// and per-function metadata; a 128 KiB contract has a few hundred.
pub const MAX_FUNCTIONS: u32 = 8_192;

/// Most locals in one function, parameters included, 1,024 (chosen): bounds
/// the native frame of a wasm function, which the deterministic stack-depth
/// accounting relies on. Optimized rustc output reuses locals and stays well
/// under 100 per function.
pub const MAX_FUNCTION_LOCALS: u32 = 1_024;

/// Most imports: each host function at most once.
pub const MAX_IMPORTS: usize = HOST_FUNCTIONS.len();

/// Deepest nesting of contract frames (calls and creates). The transaction's
/// own frame is depth 0; a call or create beyond this fails with
/// [`CallStatus::Failure`](crate::CallStatus::Failure). EVM's 1024.
pub const MAX_CALL_DEPTH: u32 = 1_024;

/// Stack slots one transaction's wasm frames may hold at once, across every
/// nested contract: 32,768 (chosen). A function's frame costs 4 slots plus
/// its parameters, locals and maximum operand-stack height (measured at
/// deployment); a nested call starts with what its caller has left. Running
/// out fails the frame, at the same depth on every machine and build, long
/// before the native stack could overflow. Ordinary recursion of a small
/// function reaches a few thousand levels.
pub const MAX_STACK_SLOTS: u32 = 32_768;

/// Largest deploy data (envelope, module and constructor arguments) a create
/// accepts: twice [`MAX_WASM_SIZE`], leaving room for large arguments.
pub const MAX_INITCODE_SIZE: usize = 2 * MAX_WASM_SIZE;

/// Most topics in one log. EVM `LOG4`.
pub const MAX_LOG_TOPICS: u32 = 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_consistent() {
        assert_eq!(MAX_IMPORTS, HOST_FUNCTIONS.len());
        assert_eq!(MAX_WASM_SIZE, 131_072);
        // 8 MiB of memory per frame.
        assert_eq!(MAX_MEMORY_PAGES as usize * WASM_PAGE_SIZE, 8 << 20);
    }
}
