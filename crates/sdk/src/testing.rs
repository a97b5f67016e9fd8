//! An in-process test world: the host functions, served natively, so
//! contracts and the SDK run under `cargo test` without a VM (not on wasm32).
//!
//! Each test thread has its own world ([`TestVm::new`] resets it): accounts
//! with balances, nonces and storage; contracts, which here are compiled Rust
//! (a [`Contract`]'s dispatcher and constructor) instead of wasm; a frame
//! stack for nested calls with EVM semantics (value transfer, static calls,
//! delegate calls, revert undoing a frame's state changes and logs, return
//! data, CREATE/CREATE2 addresses, self-destruct at the end of the outermost
//! call); and the logs. A revert or early exit inside a contract unwinds to
//! the frame that called it, as the VM ends a frame.
//!
//! It is a model for testing contract logic, not the node: gas is not
//! metered (`gasleft()` is a constant), and code is whatever was registered.
//! Contracts behave the same on the VM; the in-process VM tests are the
//! authority on gas and the host ABI.
//!
//! ```
//! use basalt_sdk::prelude::*;
//! use basalt_sdk::testing::TestVm;
//!
//! #[basalt_sdk::contract]
//! pub struct Counter {
//!     count: Storage<U256>,
//! }
//!
//! #[basalt_sdk::methods]
//! impl Counter {
//!     pub fn increment(&mut self) {
//!         let next = self.count.get() + U256::from(1);
//!         self.count.set(next);
//!     }
//!     pub fn get(&self) -> U256 {
//!         self.count.get()
//!     }
//! }
//!
//! let vm = TestVm::new();
//! let counter = vm.deploy::<Counter>(&[]).unwrap();
//! vm.call(counter, &Counter::INCREMENT_SELECTOR).unwrap();
//! let out = vm.call(counter, &Counter::GET_SELECTOR).unwrap();
//! assert_eq!(U256::from_be_slice(&out), U256::from(1));
//! ```
#![allow(unsafe_code)]

extern crate std;

use crate::call::CallError;
use crate::contract::Contract;
use crate::error::panic_data;
use alloc::boxed::Box;
use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;
use alloy_primitives::{keccak256, Address, B256, U256};
use basalt_vm_abi::limits::MAX_CALL_DEPTH;
use basalt_vm_abi::{parse_deploy, CallStatus};
use core::cell::RefCell;
use std::panic::{catch_unwind, resume_unwind, AssertUnwindSafe};

/// A log emitted in the test world.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Log {
    /// The emitting contract.
    pub address: Address,
    /// Topics (0..=4).
    pub topics: Vec<B256>,
    /// Data.
    pub data: Vec<u8>,
}

/// `Contract::dispatch`: calldata in, return or revert data out.
type DispatchFn = fn(&[u8]) -> Result<Vec<u8>, Vec<u8>>;

/// `Contract::construct`: constructor args in, revert data out.
type ConstructFn = fn(&[u8]) -> Result<(), Vec<u8>>;

/// A contract's code in the test world: its compiled dispatcher.
#[derive(Clone, Copy)]
struct NativeCode {
    dispatch: DispatchFn,
    construct: ConstructFn,
    hash: B256,
    size: u32,
}

impl NativeCode {
    fn of<C: Contract>(module: &[u8]) -> Self {
        let (hash, size) = if module.is_empty() {
            (keccak256(C::NAME.as_bytes()), 1)
        } else {
            (keccak256(module), u32::try_from(module.len()).unwrap_or(u32::MAX))
        };
        Self { dispatch: C::dispatch, construct: C::construct, hash, size }
    }
}

#[derive(Clone, Default)]
struct Account {
    balance: U256,
    nonce: u64,
    storage: BTreeMap<B256, B256>,
    code: Option<NativeCode>,
}

struct Frame {
    /// Whose storage and balance the code acts on (`address(this)`).
    address: Address,
    sender: Address,
    value: U256,
    calldata: Vec<u8>,
    is_static: bool,
    /// What `write_result` last set.
    result: Vec<u8>,
    /// Return data of this frame's last call or create.
    return_data: Vec<u8>,
}

impl Frame {
    fn base(caller: Address) -> Self {
        Self {
            address: caller,
            sender: caller,
            value: U256::ZERO,
            calldata: Vec::new(),
            is_static: false,
            result: Vec::new(),
            return_data: Vec::new(),
        }
    }
}

struct Env {
    number: u64,
    timestamp: u64,
    coinbase: Address,
    gas_limit: u64,
    basefee: U256,
    prevrandao: B256,
    chain_id: u64,
    gas_price: U256,
}

struct World {
    accounts: BTreeMap<Address, Account>,
    frames: Vec<Frame>,
    logs: Vec<Log>,
    modules: BTreeMap<B256, NativeCode>,
    destructed: BTreeSet<Address>,
    env: Env,
}

/// The default caller of a fresh world.
pub const DEFAULT_CALLER: Address = Address::new([0xCA; 20]);

/// Gas `gasleft()` reports (the test world does not meter gas).
pub const GAS_LEFT: u64 = 30_000_000;

impl World {
    fn new() -> Self {
        Self {
            accounts: BTreeMap::new(),
            frames: alloc::vec![Frame::base(DEFAULT_CALLER)],
            logs: Vec::new(),
            modules: BTreeMap::new(),
            destructed: BTreeSet::new(),
            env: Env {
                number: 1,
                timestamp: 1_700_000_000,
                coinbase: Address::ZERO,
                gas_limit: 30_000_000,
                basefee: U256::from(1_000_000_000u64),
                prevrandao: B256::ZERO,
                chain_id: 31337,
                gas_price: U256::from(1_000_000_000u64),
            },
        }
    }

    fn frame(&self) -> &Frame {
        self.frames.last().expect("the base frame is never popped")
    }

    fn frame_mut(&mut self) -> &mut Frame {
        self.frames.last_mut().expect("the base frame is never popped")
    }

    fn account(&mut self, address: Address) -> &mut Account {
        self.accounts.entry(address).or_default()
    }
}

std::thread_local! {
    static WORLD: RefCell<World> = RefCell::new(World::new());
}

fn with<R>(f: impl FnOnce(&mut World) -> R) -> R {
    WORLD.with(|w| f(&mut w.borrow_mut()))
}

/// Unwinding payload of `exit_early`, `self_destruct` and a frame failure.
struct Exit(u32);

fn exit_frame(status: u32) -> ! {
    resume_unwind(Box::new(Exit(status)))
}

/// Fails the current frame (a static-call violation, say), as the VM does.
fn fail_frame() -> ! {
    exit_frame(CallStatus::Failure.to_raw())
}

/// Runs contract code in the frame on top, turning every way it can end into
/// a status and its output.
fn execute(code: impl FnOnce() -> Result<Vec<u8>, Vec<u8>>) -> (CallStatus, Vec<u8>) {
    match catch_unwind(AssertUnwindSafe(code)) {
        Ok(Ok(out)) => (CallStatus::Success, out),
        Ok(Err(data)) => (CallStatus::Revert, data),
        Err(payload) => match payload.downcast::<Exit>() {
            Ok(exit) => match CallStatus::from_raw(exit.0) {
                Some(CallStatus::Success) => {
                    (CallStatus::Success, with(|w| w.frame().result.clone()))
                }
                Some(CallStatus::Revert) => {
                    (CallStatus::Revert, with(|w| w.frame().result.clone()))
                }
                _ => (CallStatus::Failure, Vec::new()),
            },
            // A Rust panic: what the wasm panic handler does.
            Err(_) => (CallStatus::Revert, panic_data(0x01).to_vec()),
        },
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum CallKind {
    Call,
    Static,
    Delegate,
}

struct Snapshot {
    accounts: BTreeMap<Address, Account>,
    logs: usize,
    destructed: BTreeSet<Address>,
}

fn snapshot(w: &World) -> Snapshot {
    Snapshot { accounts: w.accounts.clone(), logs: w.logs.len(), destructed: w.destructed.clone() }
}

fn restore(w: &mut World, s: Snapshot) {
    w.accounts = s.accounts;
    w.logs.truncate(s.logs);
    w.destructed = s.destructed;
}

/// Moves `value` from `from` to `to`; false if `from` cannot pay.
fn transfer(w: &mut World, from: Address, to: Address, value: U256) -> bool {
    if value.is_zero() {
        return true;
    }
    let Some(left) = w.account(from).balance.checked_sub(value) else {
        return false;
    };
    w.account(from).balance = left;
    let to = w.account(to);
    to.balance = to.balance.saturating_add(value);
    true
}

/// Deletes the accounts that self-destructed, once the outermost call ends.
fn finalize_if_outermost(w: &mut World) {
    if w.frames.len() == 1 {
        for address in core::mem::take(&mut w.destructed) {
            w.accounts.remove(&address);
        }
    }
}

fn do_call(kind: CallKind, to: Address, calldata: &[u8], value: U256) -> (CallStatus, Vec<u8>) {
    let prepared = with(|w| {
        let caller = w.frame();
        let (caller_address, caller_sender, caller_value, caller_static) =
            (caller.address, caller.sender, caller.value, caller.is_static);
        if w.frames.len() > MAX_CALL_DEPTH as usize {
            return Err(());
        }
        if kind == CallKind::Call && caller_static && !value.is_zero() {
            return Err(());
        }
        let snap = snapshot(w);
        if kind == CallKind::Call && !transfer(w, caller_address, to, value) {
            restore(w, snap);
            return Err(());
        }
        let code = w.accounts.get(&to).and_then(|a| a.code);
        let frame = match kind {
            CallKind::Delegate => Frame {
                address: caller_address,
                sender: caller_sender,
                value: caller_value,
                calldata: calldata.to_vec(),
                is_static: caller_static,
                result: Vec::new(),
                return_data: Vec::new(),
            },
            CallKind::Call | CallKind::Static => Frame {
                address: to,
                sender: caller_address,
                value: if kind == CallKind::Call { value } else { U256::ZERO },
                calldata: calldata.to_vec(),
                is_static: caller_static || kind == CallKind::Static,
                result: Vec::new(),
                return_data: Vec::new(),
            },
        };
        Ok((snap, code, frame))
    });
    let Ok((snap, code, frame)) = prepared else {
        return (CallStatus::Failure, Vec::new());
    };
    let Some(code) = code else {
        // An account without code: the call succeeds and does nothing.
        with(finalize_if_outermost);
        return (CallStatus::Success, Vec::new());
    };
    with(|w| w.frames.push(frame));
    let (status, out) = execute(|| (code.dispatch)(calldata));
    with(|w| {
        w.frames.pop();
        if status != CallStatus::Success {
            restore(w, snap);
        }
        finalize_if_outermost(w);
    });
    (status, out)
}

/// The CREATE address: `keccak256(rlp([sender, nonce]))[12..]`.
pub fn create_address(sender: Address, nonce: u64) -> Address {
    let mut item = Vec::with_capacity(32);
    item.push(0x94);
    item.extend_from_slice(sender.as_slice());
    match nonce {
        0 => item.push(0x80),
        1..=0x7f => item.push(nonce as u8),
        _ => {
            let be = nonce.to_be_bytes();
            let skip = be.iter().take_while(|b| **b == 0).count();
            item.push(0x80 + (8 - skip) as u8);
            item.extend_from_slice(&be[skip..]);
        }
    }
    let mut rlp = Vec::with_capacity(item.len() + 1);
    rlp.push(0xc0 + item.len() as u8);
    rlp.extend_from_slice(&item);
    Address::from_word(keccak256(&rlp))
}

fn create2_address(sender: Address, salt: B256, code: &[u8]) -> Address {
    let mut preimage = Vec::with_capacity(85);
    preimage.push(0xff);
    preimage.extend_from_slice(sender.as_slice());
    preimage.extend_from_slice(salt.as_slice());
    preimage.extend_from_slice(keccak256(code).as_slice());
    Address::from_word(keccak256(&preimage))
}

/// Creates a contract running `code` with constructor `args` at `address`.
fn do_create(
    code: NativeCode,
    args: &[u8],
    endowment: U256,
    address: Address,
) -> (CallStatus, Vec<u8>) {
    let prepared = with(|w| {
        let caller = w.frame();
        let (creator, is_static) = (caller.address, caller.is_static);
        if is_static || w.frames.len() > MAX_CALL_DEPTH as usize {
            return Err(());
        }
        let creator_account = w.account(creator);
        creator_account.nonce = creator_account.nonce.saturating_add(1);
        let snap = snapshot(w);
        let existing = w.account(address);
        if existing.code.is_some() || existing.nonce != 0 {
            return Err(());
        }
        if !transfer(w, creator, address, endowment) {
            restore(w, snap);
            return Err(());
        }
        w.account(address).nonce = 1;
        Ok((snap, creator))
    });
    let Ok((snap, creator)) = prepared else {
        return (CallStatus::Failure, Vec::new());
    };
    with(|w| {
        w.frames.push(Frame {
            address,
            sender: creator,
            value: endowment,
            calldata: args.to_vec(),
            is_static: false,
            result: Vec::new(),
            return_data: Vec::new(),
        })
    });
    let (status, out) = execute(|| (code.construct)(args).map(|()| Vec::new()));
    with(|w| {
        w.frames.pop();
        if status == CallStatus::Success {
            w.account(address).code = Some(code);
        } else {
            restore(w, snap);
        }
        finalize_if_outermost(w);
    });
    (status, out)
}

/// Reads `len` bytes at `ptr` (the host side of a guest pointer).
///
/// # Safety
/// `ptr` must be valid for `len` bytes of reads.
unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    if len == 0 {
        return &[];
    }
    // SAFETY: the caller guarantees `ptr` is valid for `len` bytes.
    unsafe { core::slice::from_raw_parts(ptr, len) }
}

/// Reads a 32-byte word at `ptr`.
///
/// # Safety
/// `ptr` must be valid for 32 bytes of reads.
unsafe fn word(ptr: *const u8) -> B256 {
    // SAFETY: as the caller guarantees.
    B256::from_slice(unsafe { bytes(ptr, 32) })
}

/// Reads a 20-byte address at `ptr`.
///
/// # Safety
/// `ptr` must be valid for 20 bytes of reads.
unsafe fn address(ptr: *const u8) -> Address {
    // SAFETY: as the caller guarantees.
    Address::from_slice(unsafe { bytes(ptr, 20) })
}

/// Writes `data` to `dest`.
///
/// # Safety
/// `dest` must be valid for `data.len()` bytes of writes.
unsafe fn put(dest: *mut u8, data: &[u8]) {
    // SAFETY: as the caller guarantees; `data` is a distinct host buffer.
    unsafe { core::ptr::copy_nonoverlapping(data.as_ptr(), dest, data.len()) };
}

/// The host functions, natively: the same names and signatures as
/// `basalt_vm_abi::host::guest`, each with that function's safety contract
/// (pointers valid for the sizes the host ABI documents).
#[allow(clippy::missing_safety_doc, unreachable_pub)]
pub(crate) mod sys {
    use super::*;

    pub unsafe fn read_args(dest: *mut u8) {
        let data = with(|w| w.frame().calldata.clone());
        // SAFETY: the guest passes a buffer of the calldata's length.
        unsafe { put(dest, &data) };
    }

    pub unsafe fn write_result(data: *const u8, len: usize) {
        // SAFETY: the guest passes `len` readable bytes.
        let data = unsafe { bytes(data, len) }.to_vec();
        with(|w| w.frame_mut().result = data);
    }

    pub unsafe fn exit_early(status: u32) {
        exit_frame(status)
    }

    pub unsafe fn storage_load_bytes32(key: *const u8, dest: *mut u8) {
        // SAFETY: 32-byte key.
        let key = unsafe { word(key) };
        let value = with(|w| {
            let this = w.frame().address;
            w.accounts.get(&this).and_then(|a| a.storage.get(&key).copied()).unwrap_or_default()
        });
        // SAFETY: 32-byte destination.
        unsafe { put(dest, value.as_slice()) };
    }

    pub unsafe fn storage_store_bytes32(key: *const u8, value: *const u8) {
        // SAFETY: 32-byte key and value.
        let (key, value) = unsafe { (word(key), word(value)) };
        let is_static = with(|w| {
            if w.frame().is_static {
                return true;
            }
            let this = w.frame().address;
            let storage = &mut w.account(this).storage;
            if value.is_zero() {
                storage.remove(&key);
            } else {
                storage.insert(key, value);
            }
            false
        });
        if is_static {
            fail_frame();
        }
    }

    pub unsafe fn emit_log(data: *const u8, len: usize, topics: u32) {
        // SAFETY: the guest passes `len` readable bytes.
        let data = unsafe { bytes(data, len) };
        let topic_bytes = topics as usize * 32;
        if topics > basalt_vm_abi::limits::MAX_LOG_TOPICS || data.len() < topic_bytes {
            fail_frame();
        }
        let failed = with(|w| {
            if w.frame().is_static {
                return true;
            }
            let address = w.frame().address;
            let topics = data[..topic_bytes].chunks(32).map(B256::from_slice).collect();
            w.logs.push(Log { address, topics, data: data[topic_bytes..].to_vec() });
            false
        });
        if failed {
            fail_frame();
        }
    }

    pub unsafe fn msg_sender(dest: *mut u8) {
        let a = with(|w| w.frame().sender);
        // SAFETY: 20-byte destination.
        unsafe { put(dest, a.as_slice()) };
    }

    pub unsafe fn msg_value(dest: *mut u8) {
        let v = with(|w| w.frame().value);
        // SAFETY: 32-byte destination.
        unsafe { put(dest, &v.to_be_bytes::<32>()) };
    }

    pub unsafe fn tx_origin(dest: *mut u8) {
        let a = with(|w| w.frames[0].address);
        // SAFETY: 20-byte destination.
        unsafe { put(dest, a.as_slice()) };
    }

    pub unsafe fn contract_address(dest: *mut u8) {
        let a = with(|w| w.frame().address);
        // SAFETY: 20-byte destination.
        unsafe { put(dest, a.as_slice()) };
    }

    pub unsafe fn tx_gas_price(dest: *mut u8) {
        let v = with(|w| w.env.gas_price);
        // SAFETY: 32-byte destination.
        unsafe { put(dest, &v.to_be_bytes::<32>()) };
    }

    pub unsafe fn evm_gas_left() -> u64 {
        GAS_LEFT
    }

    pub unsafe fn block_number() -> u64 {
        with(|w| w.env.number)
    }

    pub unsafe fn block_timestamp() -> u64 {
        with(|w| w.env.timestamp)
    }

    pub unsafe fn block_coinbase(dest: *mut u8) {
        let a = with(|w| w.env.coinbase);
        // SAFETY: 20-byte destination.
        unsafe { put(dest, a.as_slice()) };
    }

    pub unsafe fn block_gas_limit() -> u64 {
        with(|w| w.env.gas_limit)
    }

    pub unsafe fn block_basefee(dest: *mut u8) {
        let v = with(|w| w.env.basefee);
        // SAFETY: 32-byte destination.
        unsafe { put(dest, &v.to_be_bytes::<32>()) };
    }

    pub unsafe fn block_prevrandao(dest: *mut u8) {
        let v = with(|w| w.env.prevrandao);
        // SAFETY: 32-byte destination.
        unsafe { put(dest, v.as_slice()) };
    }

    pub unsafe fn chainid() -> u64 {
        with(|w| w.env.chain_id)
    }

    pub unsafe fn account_balance(account: *const u8, dest: *mut u8) {
        // SAFETY: 20-byte address.
        let a = unsafe { address(account) };
        let v = with(|w| w.accounts.get(&a).map(|a| a.balance).unwrap_or_default());
        // SAFETY: 32-byte destination.
        unsafe { put(dest, &v.to_be_bytes::<32>()) };
    }

    pub unsafe fn account_code_size(account: *const u8) -> u32 {
        // SAFETY: 20-byte address.
        let a = unsafe { address(account) };
        with(|w| w.accounts.get(&a).and_then(|a| a.code).map_or(0, |c| c.size))
    }

    pub unsafe fn account_codehash(account: *const u8, dest: *mut u8) {
        // SAFETY: 20-byte address.
        let a = unsafe { address(account) };
        let hash = with(|w| match w.accounts.get(&a) {
            None => B256::ZERO,
            Some(Account { code: Some(code), .. }) => code.hash,
            Some(_) => crate::KECCAK_EMPTY,
        });
        // SAFETY: 32-byte destination.
        unsafe { put(dest, hash.as_slice()) };
    }

    pub unsafe fn native_keccak256(data: *const u8, len: usize, dest: *mut u8) {
        // SAFETY: the guest passes `len` readable bytes and a 32-byte destination.
        unsafe { put(dest, keccak256(bytes(data, len)).as_slice()) };
    }

    pub unsafe fn ecrecover(
        hash: *const u8,
        v: u32,
        r: *const u8,
        s: *const u8,
        dest: *mut u8,
    ) -> u32 {
        use k256::ecdsa::{RecoveryId, Signature, VerifyingKey};
        // SAFETY: 32-byte hash, r and s.
        let (hash, r, s) = unsafe { (word(hash), word(r), word(s)) };
        let recovered = (|| {
            let recovery_id = RecoveryId::from_byte(u8::try_from(v.checked_sub(27)?).ok()?)?;
            let signature = Signature::from_scalars(r.0, s.0).ok()?;
            let key = VerifyingKey::recover_from_prehash(hash.as_slice(), &signature, recovery_id)
                .ok()?;
            let point = key.to_sec1_point(false);
            Some(Address::from_word(keccak256(point.as_bytes().get(1..)?)))
        })();
        match recovered {
            Some(a) => {
                // SAFETY: 20-byte destination.
                unsafe { put(dest, a.as_slice()) };
                1
            }
            None => 0,
        }
    }

    unsafe fn call_with(
        kind: CallKind,
        to: *const u8,
        calldata: *const u8,
        len: usize,
        value: U256,
        return_len: *mut u8,
    ) -> u32 {
        // SAFETY: 20-byte address, `len` bytes of calldata.
        let (to, calldata) = unsafe { (address(to), bytes(calldata, len).to_vec()) };
        let (status, out) = do_call(kind, to, &calldata, value);
        let out = if status == CallStatus::Failure { Vec::new() } else { out };
        // SAFETY: 4-byte destination.
        unsafe { put(return_len, &(out.len() as u32).to_le_bytes()) };
        with(|w| w.frame_mut().return_data = out);
        status.to_raw()
    }

    pub unsafe fn call_contract(
        to: *const u8,
        calldata: *const u8,
        len: usize,
        value: *const u8,
        _gas: u64,
        return_len: *mut u8,
    ) -> u32 {
        // SAFETY: 32-byte value; the rest as `call_with` needs.
        unsafe { call_with(CallKind::Call, to, calldata, len, word(value).into(), return_len) }
    }

    pub unsafe fn delegate_call_contract(
        to: *const u8,
        calldata: *const u8,
        len: usize,
        _gas: u64,
        return_len: *mut u8,
    ) -> u32 {
        // SAFETY: as `call_with` needs.
        unsafe { call_with(CallKind::Delegate, to, calldata, len, U256::ZERO, return_len) }
    }

    pub unsafe fn static_call_contract(
        to: *const u8,
        calldata: *const u8,
        len: usize,
        _gas: u64,
        return_len: *mut u8,
    ) -> u32 {
        // SAFETY: as `call_with` needs.
        unsafe { call_with(CallKind::Static, to, calldata, len, U256::ZERO, return_len) }
    }

    unsafe fn create_with(
        code: &[u8],
        endowment: U256,
        salt: Option<B256>,
        contract: *mut u8,
        return_len: *mut u8,
    ) -> u32 {
        let creator = with(|w| w.frame().address);
        let found = parse_deploy(code).ok().and_then(|d| {
            with(|w| w.modules.get(&keccak256(d.code)).copied()).map(|c| (c, d.args))
        });
        let (status, out, created) = match found {
            None => (CallStatus::Failure, Vec::new(), Address::ZERO),
            Some((native, args)) => {
                let address = match salt {
                    Some(salt) => create2_address(creator, salt, code),
                    None => create_address(creator, with(|w| w.account(creator).nonce)),
                };
                let (status, out) = do_create(native, args, endowment, address);
                let created = if status == CallStatus::Success { address } else { Address::ZERO };
                (status, if status == CallStatus::Failure { Vec::new() } else { out }, created)
            }
        };
        // SAFETY: 20-byte and 4-byte destinations.
        unsafe {
            put(contract, created.as_slice());
            put(return_len, &(out.len() as u32).to_le_bytes());
        }
        with(|w| w.frame_mut().return_data = out);
        status.to_raw()
    }

    pub unsafe fn create1(
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        contract: *mut u8,
        return_len: *mut u8,
    ) -> u32 {
        // SAFETY: `code_len` bytes of code, 32-byte endowment; destinations as
        // `create_with` needs.
        unsafe {
            let code = bytes(code, code_len).to_vec();
            create_with(&code, word(endowment).into(), None, contract, return_len)
        }
    }

    pub unsafe fn create2(
        code: *const u8,
        code_len: usize,
        endowment: *const u8,
        salt: *const u8,
        contract: *mut u8,
        return_len: *mut u8,
    ) -> u32 {
        // SAFETY: `code_len` bytes of code, 32-byte endowment and salt;
        // destinations as `create_with` needs.
        unsafe {
            let code = bytes(code, code_len).to_vec();
            create_with(&code, word(endowment).into(), Some(word(salt)), contract, return_len)
        }
    }

    pub unsafe fn read_return_data(dest: *mut u8, offset: u32, size: u32) -> u32 {
        let data = with(|w| w.frame().return_data.clone());
        let start = (offset as usize).min(data.len());
        let end = start.saturating_add(size as usize).min(data.len());
        // SAFETY: the guest passes `size` writable bytes; at most that many
        // are written.
        unsafe { put(dest, &data[start..end]) };
        (end - start) as u32
    }

    pub unsafe fn return_data_size() -> u32 {
        with(|w| w.frame().return_data.len() as u32)
    }

    pub unsafe fn self_destruct(beneficiary: *const u8) {
        // SAFETY: 20-byte address.
        let beneficiary = unsafe { address(beneficiary) };
        let is_static = with(|w| {
            if w.frame().is_static {
                return true;
            }
            let this = w.frame().address;
            let balance = w.account(this).balance;
            w.account(this).balance = U256::ZERO;
            if beneficiary != this {
                let b = w.account(beneficiary);
                b.balance = b.balance.saturating_add(balance);
            }
            w.destructed.insert(this);
            w.frame_mut().result.clear();
            false
        });
        if is_static {
            fail_frame();
        }
        exit_frame(CallStatus::Success.to_raw())
    }
}

/// Handle on this thread's test world. Creating one resets the world.
pub struct TestVm {
    /// The world is thread-local: keep the handle on its thread.
    _not_send: core::marker::PhantomData<*const ()>,
}

impl Default for TestVm {
    fn default() -> Self {
        Self::new()
    }
}

impl TestVm {
    /// Resets this thread's world: no accounts, caller [`DEFAULT_CALLER`],
    /// block 1 at timestamp 1,700,000,000, chain id 31337.
    pub fn new() -> Self {
        WORLD.with(|w| *w.borrow_mut() = World::new());
        Self { _not_send: core::marker::PhantomData }
    }

    /// The account calls come from (`msg.sender` of the outermost frame and
    /// `tx.origin`).
    pub fn caller(&self) -> Address {
        with(|w| w.frames[0].address)
    }

    /// Sets the account calls come from.
    pub fn set_caller(&self, caller: Address) {
        with(|w| w.frames[0] = Frame::base(caller));
    }

    /// An account's balance.
    pub fn balance(&self, account: Address) -> U256 {
        with(|w| w.accounts.get(&account).map(|a| a.balance).unwrap_or_default())
    }

    /// Sets an account's balance.
    pub fn set_balance(&self, account: Address, balance: U256) {
        with(|w| w.account(account).balance = balance);
    }

    /// An account's nonce.
    pub fn nonce(&self, account: Address) -> u64 {
        with(|w| w.accounts.get(&account).map(|a| a.nonce).unwrap_or_default())
    }

    /// Whether `account` holds code.
    pub fn has_code(&self, account: Address) -> bool {
        with(|w| w.accounts.get(&account).is_some_and(|a| a.code.is_some()))
    }

    /// Whether the account exists (has been touched and not self-destructed).
    pub fn exists(&self, account: Address) -> bool {
        with(|w| w.accounts.contains_key(&account))
    }

    /// The word at `slot` of `account`'s storage (a `B256` key, or a
    /// `U256` slot number).
    pub fn storage(&self, account: Address, slot: impl Into<B256>) -> B256 {
        let slot = slot.into();
        with(|w| {
            w.accounts.get(&account).and_then(|a| a.storage.get(&slot).copied()).unwrap_or_default()
        })
    }

    /// Sets the block number.
    pub fn set_block_number(&self, number: u64) {
        with(|w| w.env.number = number);
    }

    /// The block timestamp.
    pub fn timestamp(&self) -> u64 {
        with(|w| w.env.timestamp)
    }

    /// Sets the block timestamp.
    pub fn set_timestamp(&self, timestamp: u64) {
        with(|w| w.env.timestamp = timestamp);
    }

    /// Sets the chain id.
    pub fn set_chain_id(&self, chain_id: u64) {
        with(|w| w.env.chain_id = chain_id);
    }

    /// Sets the block's coinbase.
    pub fn set_coinbase(&self, coinbase: Address) {
        with(|w| w.env.coinbase = coinbase);
    }

    /// Makes `module` (a wasm module's bytes, or any stand-in) run as
    /// contract `C` when a contract deploys it with `create1`/`create2`
    /// inside a deploy envelope; returns its code hash.
    pub fn register<C: Contract>(&self, module: &[u8]) -> B256 {
        let code = NativeCode::of::<C>(module);
        with(|w| w.modules.insert(code.hash, code));
        code.hash
    }

    /// Deploys `C` from the caller with ABI-encoded constructor `args`, at
    /// the CREATE address of the caller's nonce.
    pub fn deploy<C: Contract>(&self, args: &[u8]) -> Result<Address, CallError> {
        self.deploy_with_value::<C>(args, U256::ZERO)
    }

    /// [`TestVm::deploy`] with an endowment.
    pub fn deploy_with_value<C: Contract>(
        &self,
        args: &[u8],
        value: U256,
    ) -> Result<Address, CallError> {
        let caller = self.caller();
        let address = create_address(caller, self.nonce(caller));
        match do_create(NativeCode::of::<C>(&[]), args, value, address) {
            (CallStatus::Success, _) => Ok(address),
            (CallStatus::Revert, data) => Err(CallError::Revert(data)),
            (CallStatus::Failure, _) => Err(CallError::Failure),
        }
    }

    /// Calls `to` from the caller with `calldata`.
    pub fn call(&self, to: Address, calldata: &[u8]) -> Result<Vec<u8>, CallError> {
        self.call_with_value(to, calldata, U256::ZERO)
    }

    /// Calls `to` from the caller with `calldata` and `value` wei.
    pub fn call_with_value(
        &self,
        to: Address,
        calldata: &[u8],
        value: U256,
    ) -> Result<Vec<u8>, CallError> {
        match do_call(CallKind::Call, to, calldata, value) {
            (CallStatus::Success, out) => Ok(out),
            (CallStatus::Revert, data) => Err(CallError::Revert(data)),
            (CallStatus::Failure, _) => Err(CallError::Failure),
        }
    }

    /// Static-calls `to` from the caller with `calldata`.
    pub fn static_call(&self, to: Address, calldata: &[u8]) -> Result<Vec<u8>, CallError> {
        match do_call(CallKind::Static, to, calldata, U256::ZERO) {
            (CallStatus::Success, out) => Ok(out),
            (CallStatus::Revert, data) => Err(CallError::Revert(data)),
            (CallStatus::Failure, _) => Err(CallError::Failure),
        }
    }

    /// Every log emitted so far (by calls that were not reverted).
    pub fn logs(&self) -> Vec<Log> {
        with(|w| w.logs.clone())
    }

    /// Takes the logs emitted so far, leaving none.
    pub fn take_logs(&self) -> Vec<Log> {
        with(|w| core::mem::take(&mut w.logs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::address;

    #[test]
    fn ecrecover_recovers_the_signer() {
        use k256::ecdsa::SigningKey;
        let _vm = TestVm::new();
        // Hardhat's account 0.
        let key = SigningKey::from_slice(&alloy_primitives::hex!(
            "ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80"
        ))
        .unwrap();
        let hash = keccak256(b"basalt");
        let (signature, recovery) = key.sign_prehash_recoverable(hash.as_slice());
        let (r, s) = signature.split_bytes();
        let (r, s) = (B256::from_slice(&r), B256::from_slice(&s));
        let v = 27 + u8::from(recovery.is_y_odd());
        assert_eq!(
            crate::crypto::ecrecover(hash, v, r, s),
            Some(address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266"))
        );
        assert_eq!(crate::crypto::ecrecover(hash, 29, r, s), None);
        assert_eq!(crate::crypto::ecrecover(hash, v, B256::ZERO, s), None);
    }

    #[test]
    fn context_getters_read_the_world() {
        let vm = TestVm::new();
        vm.set_caller(address!("00000000000000000000000000000000000000aa"));
        vm.set_timestamp(42);
        vm.set_block_number(7);
        vm.set_chain_id(5);
        assert_eq!(crate::msg::sender(), address!("00000000000000000000000000000000000000aa"));
        assert_eq!(crate::tx::origin(), vm.caller());
        assert_eq!(crate::block::timestamp(), 42);
        assert_eq!(crate::block::number(), 7);
        assert_eq!(crate::block::chain_id(), 5);
        assert_eq!(crate::tx::gas_left(), GAS_LEFT);
        assert_eq!(crate::account::codehash(Address::ZERO), B256::ZERO);
        assert!(!crate::account::has_code(vm.caller()));
        // A call to an account without code succeeds with empty return data,
        // and moves the value.
        vm.set_balance(vm.caller(), U256::from(10));
        let to = address!("00000000000000000000000000000000000000bb");
        assert_eq!(
            crate::call::call(to, b"hi", U256::from(4), crate::call::ALL_GAS),
            Ok(Vec::new())
        );
        assert_eq!(vm.balance(to), U256::from(4));
        assert_eq!(crate::account::balance(to), U256::from(4));
        assert_eq!(crate::call::send_value(to, U256::from(7)), Err(CallError::Failure));
        assert_eq!(crate::account::codehash(to), crate::KECCAK_EMPTY);
    }

    #[test]
    fn create_addresses_match_ethereum() {
        // Well-known: the first contracts of Hardhat's/anvil's account 0.
        let deployer = address!("f39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
        assert_eq!(
            create_address(deployer, 0),
            address!("5FbDB2315678afecb367f032d93F642f64180aa3")
        );
        assert_eq!(
            create_address(deployer, 1),
            address!("e7f1725E7734CE288F8367e1Bb143E90bb3F0512")
        );
        // A nonce above 0x7f takes the long form.
        assert_ne!(create_address(deployer, 0x80), create_address(deployer, 0x7f));
    }
}
