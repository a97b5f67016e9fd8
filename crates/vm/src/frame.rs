//! Call frames: running a call or a create, nested or not.
//!
//! Each frame gets its own wasmtime `Store<Frame<H>>`. The host (the
//! journaled state) moves into the store for the frame and comes back out
//! with `into_data()`; a nested call takes it out of the caller's store,
//! runs the callee in a new store and puts it back. So exactly one frame
//! holds the host at any time, without locks or unsafe code.
//!
//! Every frame runs under a host checkpoint: success commits it, revert and
//! failure undo exactly the frame's changes (and its children's).

use crate::cache::Compiled;
use crate::error::{ModuleError, VmError};
use crate::host::{Env, Host, HostError};
use crate::outcome::{Failure, Message, MessageKind, Outcome, Status};
use crate::Shared;
use basalt_primitives::{keccak256, rlp::RlpStream, Address, H256, U256};
use basalt_vm_abi::{gas, limits, parse_deploy};
use std::sync::Arc;
use wasmtime::{Global, Memory, Store, Trap, Val};

/// What a running frame can ask about itself.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CallContext {
    /// The address whose storage and balance the code acts on.
    pub(crate) address: Address,
    /// `msg.sender`.
    pub(crate) caller: Address,
    /// `msg.value`.
    pub(crate) value: U256,
    /// State changes forbidden.
    pub(crate) is_static: bool,
    /// Nesting depth (the transaction's frame is 0).
    pub(crate) depth: u32,
}

/// The data of a frame's wasmtime store.
pub(crate) struct Frame<H: Host + 'static> {
    /// The host; `None` only while a nested frame runs.
    pub(crate) host: Option<H>,
    pub(crate) shared: Arc<Shared<H>>,
    pub(crate) env: Arc<Env>,
    pub(crate) ctx: CallContext,
    pub(crate) input: Vec<u8>,
    /// Return or revert data set by `write_result`.
    pub(crate) output: Vec<u8>,
    /// Output of the last nested call or create.
    pub(crate) return_data: Vec<u8>,
    /// Refund counter of this frame and its successful children.
    pub(crate) refund: i64,
    pub(crate) memory: Option<Memory>,
    pub(crate) stack_left: Option<Global>,
}

/// Why a host function stopped the frame. Carried through wasmtime as the
/// trap's error and classified when the frame ends.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HostTrap {
    #[error("out of gas")]
    OutOfGas,
    #[error("exit with status {0}")]
    Exit(u32),
    #[error("self-destructed")]
    SelfDestructed,
    #[error("state change in a static call")]
    StaticViolation,
    #[error("wasm stack budget exhausted")]
    StackExhausted,
    #[error("bad host call: {0}")]
    BadInput(&'static str),
    #[error(transparent)]
    Fatal(VmError),
}

impl HostTrap {
    pub(crate) fn fatal(e: HostError) -> wasmtime::Error {
        wasmtime::Error::new(HostTrap::Fatal(VmError::Host(e)))
    }
}

/// Which export a frame runs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Entry {
    Call,
    /// Runs `user_constructor` if the module has one, else only instantiates.
    Construct,
}

/// Runs `msg` at `depth` with `stack_left` budget slots. Returns the host in
/// every case; `Err` only for fatal failures.
#[allow(clippy::too_many_arguments)]
pub(crate) fn run_message<H: Host + 'static>(
    shared: &Arc<Shared<H>>,
    host: H,
    env: &Arc<Env>,
    msg: Message,
    ctx_override: Option<CallContext>,
    code_address: Option<Address>,
    depth: u32,
    stack_left: u32,
) -> (H, Result<Outcome, VmError>) {
    match msg.kind {
        MessageKind::Call { to } => {
            let ctx = ctx_override.unwrap_or(CallContext {
                address: to,
                caller: msg.caller,
                value: msg.value,
                is_static: msg.is_static,
                depth,
            });
            let transfer = ctx_override.is_none();
            call(shared, host, env, ctx, code_address.unwrap_or(to), transfer, msg, stack_left)
        }
        MessageKind::Create { salt } => create(shared, host, env, msg, salt, depth, stack_left),
    }
}

macro_rules! host_try {
    ($host:ident, $e:expr) => {
        match $e {
            Ok(v) => v,
            Err(e) => return ($host, Err(VmError::Host(e))),
        }
    };
}

#[allow(clippy::too_many_arguments)]
fn call<H: Host + 'static>(
    shared: &Arc<Shared<H>>,
    mut host: H,
    env: &Arc<Env>,
    ctx: CallContext,
    code_address: Address,
    transfer: bool,
    msg: Message,
    stack_left: u32,
) -> (H, Result<Outcome, VmError>) {
    let gas_limit = msg.gas_limit;
    if ctx.depth > limits::MAX_CALL_DEPTH {
        return (host, Ok(Outcome::failure(Failure::CallDepth, gas_limit)));
    }
    if transfer && !msg.value.is_zero() && host_try!(host, host.balance(msg.caller)) < msg.value {
        return (host, Ok(Outcome::failure(Failure::InsufficientBalance, gas_limit)));
    }
    let checkpoint = host.checkpoint();
    if transfer {
        host_try!(host, host.transfer(msg.caller, ctx.address, msg.value));
    }
    // The code hash decides: no code, or a module already compiled in memory
    // (then the code itself is never read: it is stored compressed).
    let code_hash = host_try!(host, host.code_hash(code_address));
    if code_hash.is_zero() || code_hash == basalt_primitives::KECCAK_EMPTY {
        host_try!(host, host.commit(checkpoint));
        return (host, Ok(Outcome::success(Vec::new(), gas_limit, 0)));
    }
    let compiled = match shared.cache.cached(&code_hash) {
        Some(compiled) => compiled,
        None => {
            let code = host_try!(host, host.code(code_address));
            if code.is_empty() {
                host_try!(host, host.commit(checkpoint));
                return (host, Ok(Outcome::success(Vec::new(), gas_limit, 0)));
            }
            match shared.cache.get(&shared.engine, &shared.linker, code_hash, &code) {
                Ok(compiled) => compiled,
                Err(reason) => return (host, Err(VmError::StoredCode { code_hash, reason })),
            }
        }
    };
    let (host, outcome) =
        run_frame(shared, host, env, &compiled, Entry::Call, ctx, msg.data, gas_limit, stack_left);
    settle(host, checkpoint, outcome)
}

/// Ends a frame's checkpoint: kept on success, undone otherwise.
fn settle<H: Host>(
    mut host: H,
    checkpoint: H::Checkpoint,
    outcome: Result<Outcome, VmError>,
) -> (H, Result<Outcome, VmError>) {
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(e) => return (host, Err(e)),
    };
    let settled =
        if outcome.status.is_success() { host.commit(checkpoint) } else { host.revert(checkpoint) };
    host_try!(host, settled);
    (host, Ok(outcome))
}

/// Ethereum's `CREATE` address: `keccak256(rlp([sender, nonce]))[12..]`.
pub fn create_address(sender: Address, nonce: u64) -> Address {
    let mut s = RlpStream::new_list(2);
    s.append(&sender);
    s.append(&nonce);
    Address::from_slice(&keccak256(s.out())[12..])
}

/// Ethereum's `CREATE2` address (EIP-1014):
/// `keccak256(0xff ‖ sender ‖ salt ‖ keccak256(init_code))[12..]`; here the
/// init code is the whole deploy data.
pub fn create2_address(sender: Address, salt: H256, init_code_hash: H256) -> Address {
    let mut buf = [0u8; 85];
    buf[0] = 0xff;
    buf[1..21].copy_from_slice(sender.as_bytes());
    buf[21..53].copy_from_slice(salt.as_bytes());
    buf[53..85].copy_from_slice(init_code_hash.as_bytes());
    Address::from_slice(&keccak256(buf)[12..])
}

fn create<H: Host + 'static>(
    shared: &Arc<Shared<H>>,
    mut host: H,
    env: &Arc<Env>,
    msg: Message,
    salt: Option<H256>,
    depth: u32,
    stack_left: u32,
) -> (H, Result<Outcome, VmError>) {
    let gas_limit = msg.gas_limit;
    if depth > limits::MAX_CALL_DEPTH {
        return (host, Ok(Outcome::failure(Failure::CallDepth, gas_limit)));
    }
    if msg.is_static {
        return (host, Ok(Outcome::failure(Failure::StaticViolation, gas_limit)));
    }
    if host_try!(host, host.balance(msg.caller)) < msg.value {
        return (host, Ok(Outcome::failure(Failure::InsufficientBalance, gas_limit)));
    }
    let nonce = host_try!(host, host.nonce(msg.caller));
    let Some(next_nonce) = nonce.checked_add(1) else {
        return (host, Ok(Outcome::failure(Failure::NonceOverflow, gas_limit)));
    };
    host_try!(host, host.set_nonce(msg.caller, next_nonce));
    let address = match salt {
        None => create_address(msg.caller, nonce),
        Some(salt) => create2_address(msg.caller, salt, keccak256(&msg.data)),
    };
    host_try!(host, host.access_account(address));
    let collision = host_try!(host, host.nonce(address)) != 0 || {
        let hash = host_try!(host, host.code_hash(address));
        !hash.is_zero() && hash != basalt_primitives::KECCAK_EMPTY
    };
    if collision {
        return (host, Ok(Outcome::failure(Failure::AddressCollision, gas_limit)));
    }

    let checkpoint = host.checkpoint();
    host_try!(host, host.create_account(address));
    host_try!(host, host.set_nonce(address, 1));
    host_try!(host, host.transfer(msg.caller, address, msg.value));

    let (host, outcome) = deploy(shared, host, env, &msg, address, depth, gas_limit, stack_left);
    settle(host, checkpoint, outcome)
}

/// The create's work after the account exists: validate, compile, run the
/// constructor, pay the code deposit, store the code.
#[allow(clippy::too_many_arguments)]
fn deploy<H: Host + 'static>(
    shared: &Arc<Shared<H>>,
    host: H,
    env: &Arc<Env>,
    msg: &Message,
    address: Address,
    depth: u32,
    gas_limit: u64,
    stack_left: u32,
) -> (H, Result<Outcome, VmError>) {
    let fail = |host: H, f: Failure| (host, Ok(Outcome::failure(f, gas_limit)));
    if msg.data.len() > limits::MAX_INITCODE_SIZE {
        let f = Failure::InitcodeTooLarge { size: msg.data.len(), max: limits::MAX_INITCODE_SIZE };
        return fail(host, f);
    }
    let deploy = match parse_deploy(&msg.data) {
        Ok(d) => d,
        Err(e) => return fail(host, Failure::InvalidModule(ModuleError::Envelope(e))),
    };
    let wasm = deploy.code;
    let compile_gas = (wasm.len() as u64).saturating_mul(gas::COMPILE_GAS_PER_BYTE);
    let Some(mut gas_left) = gas_limit.checked_sub(compile_gas) else {
        return fail(host, Failure::OutOfGas);
    };
    let code_hash = keccak256(wasm);
    let compiled = if shared.cache.contains(&code_hash) {
        // Same code deployed before: validation and compilation are pure
        // functions of it, so the cached result stands (gas is charged the
        // same either way).
        shared.cache.get(&shared.engine, &shared.linker, code_hash, wasm)
    } else {
        validate_and_compile(shared, code_hash, wasm)
    };
    let compiled = match compiled {
        Ok(c) => c,
        Err(e) => return fail(host, Failure::InvalidModule(e)),
    };
    if compiled.constructor.is_none() && !deploy.args.is_empty() {
        return fail(host, Failure::UnexpectedConstructorArgs);
    }
    let ctx =
        CallContext { address, caller: msg.caller, value: msg.value, is_static: false, depth };
    let (mut host, outcome) = run_frame(
        shared,
        host,
        env,
        &compiled,
        Entry::Construct,
        ctx,
        deploy.args.to_vec(),
        gas_left,
        stack_left,
    );
    let mut outcome = match outcome {
        Ok(o) => o,
        Err(e) => return (host, Err(e)),
    };
    if !outcome.status.is_success() {
        return (host, Ok(outcome));
    }
    gas_left = outcome.gas_left;
    let deposit = (wasm.len() as u64).saturating_mul(gas::CODE_DEPOSIT_GAS_PER_BYTE);
    let Some(after_deposit) = gas_left.checked_sub(deposit) else {
        return fail(host, Failure::OutOfGas);
    };
    if let Err(e) = host.set_code(address, Arc::from(wasm)) {
        return (host, Err(VmError::Host(e)));
    }
    outcome.gas_left = after_deposit;
    outcome.output = Vec::new();
    outcome.created = Some(address);
    (host, Ok(outcome))
}

fn validate_and_compile<H: Host + 'static>(
    shared: &Arc<Shared<H>>,
    code_hash: H256,
    wasm: &[u8],
) -> Result<Arc<Compiled<H>>, ModuleError> {
    let info = crate::validate::validate(wasm)?;
    let module = shared.cache.compile(&shared.engine, code_hash, wasm, &info)?;
    shared.cache.insert(&shared.linker, code_hash, &module)
}

/// Instantiates `compiled` in a fresh store holding `host`, runs `entry`
/// and classifies how it ended. Does not touch checkpoints.
#[allow(clippy::too_many_arguments)]
fn run_frame<H: Host + 'static>(
    shared: &Arc<Shared<H>>,
    host: H,
    env: &Arc<Env>,
    compiled: &Compiled<H>,
    entry: Entry,
    ctx: CallContext,
    input: Vec<u8>,
    gas_limit: u64,
    stack_left: u32,
) -> (H, Result<Outcome, VmError>) {
    let input_len = input.len();
    let frame = Frame {
        host: Some(host),
        shared: shared.clone(),
        env: env.clone(),
        ctx,
        input,
        output: Vec::new(),
        return_data: Vec::new(),
        refund: 0,
        memory: None,
        stack_left: None,
    };
    let mut store = Store::new(&shared.engine, frame);
    let result = start(&mut store, compiled, entry, input_len, gas_limit, stack_left);
    let fuel_left = store.get_fuel().unwrap_or(0);
    let mut frame = store.into_data();
    let host =
        frame.host.take().expect("every nested frame puts the host back before its caller resumes");
    let status = match result {
        Ok(raw) => exit_status(i64::from(raw)),
        Err(e) => match classify(e) {
            Ok(status) => status,
            Err(fatal) => return (host, Err(fatal)),
        },
    };
    let outcome = match status {
        Status::Success => Outcome {
            status,
            output: frame.output,
            gas_left: gas::fuel_to_gas(fuel_left),
            gas_refund: frame.refund,
            created: None,
        },
        Status::Revert => Outcome {
            status,
            output: frame.output,
            gas_left: gas::fuel_to_gas(fuel_left),
            gas_refund: 0,
            created: None,
        },
        Status::Failure(f) => Outcome::failure(f, 0),
    };
    (host, Ok(outcome))
}

/// Sets fuel and the stack budget, instantiates and calls the entry.
fn start<H: Host + 'static>(
    store: &mut Store<Frame<H>>,
    compiled: &Compiled<H>,
    entry: Entry,
    input_len: usize,
    gas_limit: u64,
    stack_left: u32,
) -> wasmtime::Result<i32> {
    store.set_fuel(gas::gas_to_fuel(gas_limit.min(gas::MAX_METERED_GAS)))?;
    let instance = compiled.pre.instantiate(&mut *store)?;
    let memory =
        instance.get_module_export(&mut *store, &compiled.memory).and_then(|e| e.into_memory());
    let stack =
        instance.get_module_export(&mut *store, &compiled.stack_left).and_then(|e| e.into_global());
    let (Some(memory), Some(stack)) = (memory, stack) else {
        return Err(wasmtime::Error::new(HostTrap::Fatal(VmError::Engine(
            "instrumented module lacks its memory or stack global".into(),
        ))));
    };
    stack.set(&mut *store, Val::I32(stack_left as i32))?;
    let data = store.data_mut();
    data.memory = Some(memory);
    data.stack_left = Some(stack);
    let export = match entry {
        Entry::Call => &compiled.entrypoint,
        Entry::Construct => match &compiled.constructor {
            Some(c) => c,
            None => return Ok(0),
        },
    };
    let func = instance
        .get_module_export(&mut *store, export)
        .and_then(|e| e.into_func())
        .ok_or_else(|| wasmtime::Error::msg("entry export is not a function"))?;
    let func = func.typed::<i32, i32>(&*store)?;
    // Validation capped calldata far below i32::MAX (it is bounded by the
    // transaction size); saturate rather than wrap regardless.
    let len = i32::try_from(input_len).unwrap_or(i32::MAX);
    func.call(&mut *store, len)
}

fn exit_status(raw: i64) -> Status {
    match raw {
        0 => Status::Success,
        1 => Status::Revert,
        other => Status::Failure(Failure::BadExitStatus(other)),
    }
}

/// Turns a wasmtime error into how the frame ended, or a fatal error.
fn classify(e: wasmtime::Error) -> Result<Status, VmError> {
    let e = match e.downcast::<HostTrap>() {
        Ok(trap) => {
            return Ok(match trap {
                HostTrap::OutOfGas => Status::Failure(Failure::OutOfGas),
                HostTrap::Exit(status) => exit_status(i64::from(status)),
                HostTrap::SelfDestructed => Status::Success,
                HostTrap::StaticViolation => Status::Failure(Failure::StaticViolation),
                HostTrap::StackExhausted => Status::Failure(Failure::StackExhausted),
                HostTrap::BadInput(what) => Status::Failure(Failure::BadHostCall(what)),
                HostTrap::Fatal(fatal) => return Err(fatal),
            })
        }
        Err(e) => e,
    };
    match e.downcast_ref::<Trap>() {
        Some(Trap::OutOfFuel) => Ok(Status::Failure(Failure::OutOfGas)),
        Some(Trap::StackOverflow) => {
            // The instrumented budget always runs out first (tests/limits.rs
            // checks frames of every shape); if the native limit were hit
            // instead, the frame still fails, loudly.
            tracing::error!(target: "basalt::vm", "native wasm stack limit hit before the budget");
            Ok(Status::Failure(Failure::Trap("native stack overflow".into())))
        }
        Some(trap) => Ok(Status::Failure(Failure::Trap(trap.to_string()))),
        None => Err(VmError::Engine(format!("{e:#}"))),
    }
}

/// Runs a nested message for a host function: takes the host out of the
/// caller's frame, runs the child, puts the host back.
pub(crate) fn nested<H: Host + 'static>(
    caller: &mut wasmtime::Caller<'_, Frame<H>>,
    msg: Message,
    ctx_override: Option<CallContext>,
    code_address: Option<Address>,
) -> wasmtime::Result<Outcome> {
    let stack_left = match caller.data().stack_left {
        Some(global) => global.get(&mut *caller).i32().map_or(0, |v| v as u32),
        None => 0,
    };
    let data = caller.data_mut();
    let Some(host) = data.host.take() else {
        return Err(wasmtime::Error::new(HostTrap::Fatal(VmError::Engine(
            "host missing from a running frame".into(),
        ))));
    };
    let shared = data.shared.clone();
    let env = data.env.clone();
    let depth = data.ctx.depth + 1;
    let (host, result) =
        run_message(&shared, host, &env, msg, ctx_override, code_address, depth, stack_left);
    caller.data_mut().host = Some(host);
    result.map_err(|fatal| wasmtime::Error::new(HostTrap::Fatal(fatal)))
}
