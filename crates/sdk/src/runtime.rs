//! The wasm32 runtime every contract links: a bump allocator and the panic
//! handler.
//!
//! # Allocator
//!
//! A contract frame lives for one call, so memory is never given back to the
//! host: [`BumpAllocator`] hands out memory upward from `__heap_base` (the end
//! of the data and the shadow stack, placed by wasm-ld) and grows the linear
//! memory a page at a time when it runs past the end (each new page costs gas,
//! [`MEMORY_PAGE_GAS`](basalt_vm_abi::gas::MEMORY_PAGE_GAS)). `dealloc` gives
//! back only the most recent allocation and `realloc` grows the most recent
//! allocation in place, which covers the common pattern of building one
//! buffer (`Vec::push`, ABI encoding). When memory cannot grow (past
//! [`MAX_MEMORY_PAGES`](basalt_vm_abi::limits::MAX_MEMORY_PAGES)), the frame
//! reverts with `Panic(0x41)`, Solidity's out-of-memory panic.
//!
//! # Panics
//!
//! A Rust panic in a contract (a failed `assert!`, an `expect`, an index out
//! of bounds, arithmetic overflow with overflow checks on) reverts the frame
//! with `Panic(uint256)` code `0x01`, as a failed Solidity `assert` does:
//! effects undone, unused gas returned, and a decodable reason for the
//! caller. The panic message is not formatted (that would pull `core::fmt`
//! into every contract); the code is always `0x01`, whatever the cause.
#![allow(unsafe_code)]

use crate::error::panic_data;
use crate::sys;
use basalt_vm_abi::limits::WASM_PAGE_SIZE;
use basalt_vm_abi::EntrypointStatus;
use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::Cell;

/// Revert data of the panic handler: `Panic(0x01)`.
static PANIC_REVERT: [u8; 36] = panic_data(0x01);

/// Revert data when memory runs out: `Panic(0x41)`.
static OUT_OF_MEMORY_REVERT: [u8; 36] = panic_data(0x41);

/// Ends the frame with `Panic(code)` revert data from a static buffer (no
/// allocation, no formatting).
fn revert_static(data: &'static [u8; 36]) -> ! {
    // SAFETY: reads 36 bytes of a static; `exit_early` never returns.
    unsafe {
        sys::write_result(data.as_ptr(), data.len());
        sys::exit_early(EntrypointStatus::Revert.to_raw() as u32);
    }
    wasm32::unreachable()
}

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo<'_>) -> ! {
    revert_static(&PANIC_REVERT)
}

extern "C" {
    /// End of static data and the shadow stack; defined by wasm-ld.
    static __heap_base: u8;
}

/// The bump allocator (see the [module docs](self)).
pub struct BumpAllocator {
    /// Next free byte; 0 until the first allocation.
    next: Cell<usize>,
}

// SAFETY: a contract runs on one thread (wasm32 without threads).
unsafe impl Sync for BumpAllocator {}

impl BumpAllocator {
    /// An allocator that starts at `__heap_base` on first use.
    pub const fn new() -> Self {
        Self { next: Cell::new(0) }
    }

    fn next(&self) -> usize {
        match self.next.get() {
            // Taking the address of the linker-defined symbol reads nothing.
            0 => core::ptr::addr_of!(__heap_base) as usize,
            next => next,
        }
    }

    /// Makes sure memory reaches `end`, growing it if needed; reverts with
    /// `Panic(0x41)` if it cannot.
    fn ensure(end: usize) {
        let size = wasm32::memory_size(0) * WASM_PAGE_SIZE;
        if end > size {
            let pages = (end - size).div_ceil(WASM_PAGE_SIZE);
            if wasm32::memory_grow(0, pages) == usize::MAX {
                revert_static(&OUT_OF_MEMORY_REVERT);
            }
        }
    }
}

impl Default for BumpAllocator {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: every block returned is aligned as asked, lies inside linear memory
// (grown first if needed), and never overlaps another live block: blocks are
// carved upward and `next` only moves back over the most recent block when
// that block is freed or resized.
unsafe impl GlobalAlloc for BumpAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let start = match self.next().checked_next_multiple_of(layout.align()) {
            Some(start) => start,
            None => revert_static(&OUT_OF_MEMORY_REVERT),
        };
        let end = match start.checked_add(layout.size()) {
            Some(end) => end,
            None => revert_static(&OUT_OF_MEMORY_REVERT),
        };
        Self::ensure(end);
        self.next.set(end);
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if (ptr as usize).wrapping_add(layout.size()) == self.next.get() {
            self.next.set(ptr as usize);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let start = ptr as usize;
        if start.wrapping_add(layout.size()) == self.next.get() {
            // The most recent block: resize in place.
            let end = match start.checked_add(new_size) {
                Some(end) => end,
                None => revert_static(&OUT_OF_MEMORY_REVERT),
            };
            Self::ensure(end);
            self.next.set(end);
            return ptr;
        }
        // SAFETY: `layout.align()` is a valid alignment (it came from a valid
        // layout) and `new_size` fits when rounded up (the caller's contract).
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: a fresh block of `new_size` bytes; the old block stays valid
        // for `layout.size()` bytes and the two do not overlap.
        unsafe {
            let new = self.alloc(new_layout);
            core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
            new
        }
    }
}

#[global_allocator]
static ALLOCATOR: BumpAllocator = BumpAllocator::new();
