//! The gas schedule: every constant the VM charges, with where it comes from.
//!
//! Wasm instructions are metered by wasmtime fuel and converted with
//! [`FUEL_PER_GAS`]; everything a host function does is charged in gas, before
//! the work, by the constants below. The full table (value and source of each
//! number) is in the [crate documentation](crate#gas-schedule).
//!
//! Ethereum values are kept where the operation is the same (storage, logs,
//! keccak, calls, creation), so gas figures stay familiar to Solidity users.
//! Numbers marked "chosen" have no Ethereum equivalent; each says why, and the
//! VM's benchmarks are where they get re-measured. Changing any value changes
//! consensus: bump [`GAS_SCHEDULE_VERSION`].

/// Version of this schedule. Compiled-module caches are keyed by it (wasmtime
/// bakes operator costs into compiled code), and any change to a constant here
/// or to the VM's operator cost table is a new version.
pub const GAS_SCHEDULE_VERSION: u32 = 1;

// ── Fuel ────────────────────────────────────────────────────────────────────

/// Wasmtime fuel per unit of gas (chosen).
///
/// With wasmtime's default cost of 1 fuel per operator, 1 gas buys 100 simple
/// wasm operators, close to Arbitrum Stylus (10,000 ink per gas, ~70–200 ink
/// per simple operator) and leaving room to price heavier operators as
/// multiples via `Config::operator_cost`. Overflow: a 30M-gas block is 3·10⁹
/// fuel; any gas amount up to [`MAX_METERED_GAS`] (≈1.8·10¹⁷) converts without
/// overflow.
pub const FUEL_PER_GAS: u64 = 100;

/// The largest gas amount that converts to fuel exactly (`u64::MAX / FUEL_PER_GAS`).
pub const MAX_METERED_GAS: u64 = u64::MAX / FUEL_PER_GAS;

// A 30M block (and a thousand times that) never overflows fuel.
const _: () = assert!(MAX_METERED_GAS >= 30_000_000_000);

/// Fuel for `gas`, saturating at `u64::MAX` above [`MAX_METERED_GAS`].
pub const fn gas_to_fuel(gas: u64) -> u64 {
    gas.saturating_mul(FUEL_PER_GAS)
}

/// Whole gas still available in `fuel` (rounds down: a partial unit of gas
/// cannot be spent).
pub const fn fuel_to_gas(fuel: u64) -> u64 {
    fuel / FUEL_PER_GAS
}

/// Gas charged for `fuel` consumed (rounds up: a partial unit is charged).
pub const fn consumed_fuel_to_gas(fuel: u64) -> u64 {
    fuel.div_ceil(FUEL_PER_GAS)
}

// ── Every host call ─────────────────────────────────────────────────────────

/// Paid on entry to every host function, before its own cost (chosen).
///
/// Equals the EVM's `G_base` (2), the price of `CALLER`, `ORIGIN`, `ADDRESS`
/// and the other context opcodes the getters replace, so a getter costs what
/// its opcode does. A wasmtime host call costs tens of nanoseconds, under 1 gas
/// at [`FUEL_PER_GAS`]; Stylus charges 0.84 gas (8,400 ink) per host call.
pub const HOST_CALL_GAS: u64 = 2;

/// Per 32-byte word copied between guest memory and the host by `read_args`,
/// `write_result` and `read_return_data`. EVM `G_copy` (yellow paper; the
/// `*COPY` opcodes).
pub const COPY_GAS_PER_WORD: u64 = 3;

// ── Memory ──────────────────────────────────────────────────────────────────

/// Per 64 KiB wasm page of linear memory: the module's initial pages when a
/// frame is instantiated, and each page `memory.grow` adds (chosen).
///
/// Stylus's `page_gas` (1000). The EVM's linear memory term is 3 gas per word,
/// 6,144 per 64 KiB, but it also has a quadratic term that caps memory; here
/// [`MAX_MEMORY_PAGES`](crate::limits::MAX_MEMORY_PAGES) caps each frame, so a
/// flat price suffices: a contract with a 2-page memory pays 2,000 gas per
/// call, and a 30M-gas transaction can hold at most 30,000 pages (1.9 GiB)
/// across all its frames.
pub const MEMORY_PAGE_GAS: u64 = 1_000;

// ── Storage (EIP-2929, EIP-2200, EIP-3529) ──────────────────────────────────

/// Warm storage slot or account access. EIP-2929 `WARM_STORAGE_READ_COST`.
pub const WARM_ACCESS_GAS: u64 = 100;

/// Cold storage read (first access to a slot in the transaction). EIP-2929
/// `COLD_SLOAD_COST`.
pub const COLD_SLOAD_GAS: u64 = 2_100;

/// Cold account access (balance, code size, code hash, call target,
/// self-destruct beneficiary). EIP-2929 `COLD_ACCOUNT_ACCESS_COST`.
pub const COLD_ACCOUNT_ACCESS_GAS: u64 = 2_600;

/// Storage write turning a zero slot (as of the transaction's start)
/// non-zero. EIP-2200 `SSTORE_SET_GAS`.
pub const SSTORE_SET_GAS: u64 = 20_000;

/// Storage write to a slot whose original value is non-zero. EIP-2929:
/// `5000 − COLD_SLOAD_COST`.
pub const SSTORE_RESET_GAS: u64 = 5_000 - COLD_SLOAD_GAS;

/// Refund for clearing a slot that was non-zero. EIP-3529:
/// `SSTORE_RESET_GAS + ACCESS_LIST_STORAGE_KEY_COST (1900)`.
pub const SSTORE_CLEARS_REFUND: u64 = SSTORE_RESET_GAS + 1_900;

/// A storage write fails the frame if no more than this much gas is left.
/// EIP-2200 `SSTORE` stipend sentry (the `CALL` stipend can never write).
pub const SSTORE_SENTRY_GAS: u64 = 2_300;

/// At most `gas_used / MAX_REFUND_QUOTIENT` is refunded at the end of a
/// transaction. EIP-3529.
pub const MAX_REFUND_QUOTIENT: u64 = 5;

// ── Logs ────────────────────────────────────────────────────────────────────

/// Per log. EVM `G_log`.
pub const LOG_GAS: u64 = 375;

/// Per log topic. EVM `G_logtopic`.
pub const LOG_TOPIC_GAS: u64 = 375;

/// Per byte of log data (topics excluded). EVM `G_logdata`.
pub const LOG_DATA_GAS_PER_BYTE: u64 = 8;

// ── Cryptography ────────────────────────────────────────────────────────────

/// Per keccak256. EVM `G_keccak256`.
pub const KECCAK_GAS: u64 = 30;

/// Per 32-byte word hashed (also CREATE2's hashing of the code, EIP-1014).
/// EVM `G_keccak256word`.
pub const KECCAK_WORD_GAS: u64 = 6;

/// Per `ecrecover`. Precompile `0x01`.
pub const ECRECOVER_GAS: u64 = 3_000;

// ── Calls ───────────────────────────────────────────────────────────────────

/// Extra for a call that transfers non-zero value. EVM `G_callvalue`.
pub const CALL_VALUE_GAS: u64 = 9_000;

/// Gas given free to the callee of a value-transferring call. EVM `G_callstipend`.
pub const CALL_STIPEND: u64 = 2_300;

/// Extra for value sent to (or self-destructing to) an account that does not
/// exist. EVM `G_newaccount` (EIP-161 semantics).
pub const NEW_ACCOUNT_GAS: u64 = 25_000;

/// A call or create forwards at most all but `1/CALL_GAS_RETAINED_DIVISOR` of
/// the caller's remaining gas. EIP-150.
pub const CALL_GAS_RETAINED_DIVISOR: u64 = 64;

// ── Creation and code ───────────────────────────────────────────────────────

/// Per `create1` / `create2`. EVM `G_create`.
pub const CREATE_GAS: u64 = 32_000;

/// Per 32-byte word of deploy code (envelope) passed to a create. EIP-3860
/// `INITCODE_WORD_COST`.
pub const INITCODE_WORD_GAS: u64 = 2;

/// Per byte of stored module. EVM `G_codedeposit`.
pub const CODE_DEPOSIT_GAS_PER_BYTE: u64 = 200;

/// Per byte of wasm module compiled at deployment (chosen).
///
/// Cranelift (wasmtime 48, `OptLevel::Speed`) compiled a 7.5 KB contract in
/// ~36 ms and a 20 KB one in ~39 ms on this project's machines: ~0.24 µs per
/// extra byte, ~10 gas at ~40 Mgas/s. Compilation happens once per module
/// (artifacts are cached and persisted), so only deployment pays it. With
/// [`MAX_WASM_SIZE`](crate::limits::MAX_WASM_SIZE) it keeps the largest
/// module deployable in a 30M block: 131,072 × (200 + 10) + 32,000 + 8,192
/// + 21,000 + ≤ 2,097,280 calldata ≈ 29.7M.
pub const COMPILE_GAS_PER_BYTE: u64 = 10;

/// Per `self_destruct`. EIP-150 `G_selfdestruct` (no refund since EIP-3529).
pub const SELFDESTRUCT_GAS: u64 = 5_000;

// ── Helpers (saturating: an absurd length costs u64::MAX, never wraps) ──────

/// Number of 32-byte words covering `len` bytes (rounded up).
pub const fn words(len: u64) -> u64 {
    len.div_ceil(32)
}

/// Gas to copy `len` bytes across the boundary.
pub const fn copy_gas(len: u64) -> u64 {
    words(len).saturating_mul(COPY_GAS_PER_WORD)
}

/// Gas of `native_keccak256` over `len` bytes (excluding [`HOST_CALL_GAS`]).
pub const fn keccak_gas(len: u64) -> u64 {
    KECCAK_GAS.saturating_add(words(len).saturating_mul(KECCAK_WORD_GAS))
}

/// Gas of a log with `topics` topics and `data_len` bytes of data.
pub const fn log_gas(topics: u64, data_len: u64) -> u64 {
    LOG_GAS
        .saturating_add(topics.saturating_mul(LOG_TOPIC_GAS))
        .saturating_add(data_len.saturating_mul(LOG_DATA_GAS_PER_BYTE))
}

/// Gas for `pages` 64 KiB pages of linear memory.
pub const fn memory_gas(pages: u64) -> u64 {
    pages.saturating_mul(MEMORY_PAGE_GAS)
}

/// Gas to deploy a module of `len` bytes: code deposit plus compilation.
pub const fn deploy_code_gas(len: u64) -> u64 {
    len.saturating_mul(CODE_DEPOSIT_GAS_PER_BYTE + COMPILE_GAS_PER_BYTE)
}

/// Most gas a call or create may forward out of `available` (EIP-150: all but
/// one 64th).
pub const fn max_forwardable_gas(available: u64) -> u64 {
    available - available / CALL_GAS_RETAINED_DIVISOR
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuel_conversion() {
        assert_eq!(gas_to_fuel(30_000_000), 3_000_000_000);
        assert_eq!(gas_to_fuel(u64::MAX), u64::MAX);
        assert_eq!(gas_to_fuel(MAX_METERED_GAS), MAX_METERED_GAS * 100);
        assert_eq!(fuel_to_gas(199), 1);
        assert_eq!(consumed_fuel_to_gas(101), 2);
        assert_eq!(consumed_fuel_to_gas(100), 1);
        assert_eq!(consumed_fuel_to_gas(0), 0);
        assert_eq!(consumed_fuel_to_gas(u64::MAX), u64::MAX.div_ceil(100));
    }

    #[test]
    fn ethereum_values() {
        assert_eq!(SSTORE_RESET_GAS, 2_900);
        assert_eq!(SSTORE_CLEARS_REFUND, 4_800);
        assert_eq!(keccak_gas(0), 30);
        assert_eq!(keccak_gas(33), 42);
        assert_eq!(log_gas(2, 10), 375 + 750 + 80);
        assert_eq!(copy_gas(64), 6);
        assert_eq!(words(u64::MAX), u64::MAX / 32 + 1);
        assert_eq!(log_gas(u64::MAX, u64::MAX), u64::MAX);
        assert_eq!(max_forwardable_gas(6_400), 6_300);
        assert_eq!(max_forwardable_gas(u64::MAX), u64::MAX - u64::MAX / 64);
    }

    #[test]
    fn largest_module_deploys_in_a_30m_block() {
        let size = crate::limits::MAX_WASM_SIZE as u64;
        let calldata = (size + 8) * 16; // every byte non-zero (EIP-2028)
        let total = 21_000
            + calldata
            + CREATE_GAS
            + words(size + 8) * INITCODE_WORD_GAS
            + deploy_code_gas(size);
        assert!(total < 30_000_000, "{total}");
    }
}
