//! The host functions (module `env`, as listed in
//! [`basalt_vm_abi::HOST_FUNCTIONS`]) and the instrumentation hooks.
//!
//! Every function first pays [`gas::HOST_CALL_GAS`], then its own cost,
//! before it reads guest memory beyond its fixed-size arguments or touches
//! the state's values. A failed charge is out of gas: the frame ends with
//! all its gas consumed.

use crate::frame::{nested, CallContext, Frame, HostTrap};
use crate::host::Host;
use crate::instrument::{HOOK_MEMORY_GROW, HOOK_MODULE, HOOK_STACK_EXHAUSTED};
use crate::outcome::{Message, MessageKind, Outcome};
use basalt_primitives::{
    keccak256, Address, Log, Signature, H256, SECP256K1_HALF_N, SECP256K1_N, U256,
};
use basalt_vm_abi::{gas, host as abi, limits, CallStatus};
use wasmtime::{Caller, Linker};

type C<'a, H> = Caller<'a, Frame<H>>;
type R<T = ()> = wasmtime::Result<T>;

fn trap(t: HostTrap) -> wasmtime::Error {
    wasmtime::Error::new(t)
}

/// Takes `gas` from the frame's fuel, or fails the frame out of gas.
fn charge<H: Host>(c: &mut C<'_, H>, gas: u64) -> R {
    let fuel = c.get_fuel()?;
    let cost = gas.saturating_mul(gas::FUEL_PER_GAS);
    if fuel < cost {
        c.set_fuel(0)?;
        return Err(trap(HostTrap::OutOfGas));
    }
    c.set_fuel(fuel - cost)
}

fn gas_left<H: Host>(c: &C<'_, H>) -> R<u64> {
    Ok(gas::fuel_to_gas(c.get_fuel()?))
}

fn host<'a, H: Host>(c: &'a mut C<'_, H>) -> R<&'a mut H> {
    c.data_mut()
        .host
        .as_mut()
        .ok_or_else(|| trap(HostTrap::BadInput("host re-entered during a nested call")))
}

fn read<H: Host>(c: &mut C<'_, H>, ptr: u32, len: u32) -> R<Vec<u8>> {
    let memory = c.data().memory.ok_or_else(|| trap(HostTrap::BadInput("no memory")))?;
    let data = memory.data(&*c);
    let start = ptr as usize;
    let end = start
        .checked_add(len as usize)
        .ok_or_else(|| trap(HostTrap::BadInput("pointer overflow")))?;
    data.get(start..end)
        .map(<[u8]>::to_vec)
        .ok_or_else(|| trap(HostTrap::BadInput("read outside memory")))
}

fn read_fixed<H: Host, const N: usize>(c: &mut C<'_, H>, ptr: u32) -> R<[u8; N]> {
    let memory = c.data().memory.ok_or_else(|| trap(HostTrap::BadInput("no memory")))?;
    let data = memory.data(&*c);
    let start = ptr as usize;
    let mut out = [0u8; N];
    let src = start
        .checked_add(N)
        .and_then(|end| data.get(start..end))
        .ok_or_else(|| trap(HostTrap::BadInput("read outside memory")))?;
    out.copy_from_slice(src);
    Ok(out)
}

fn read_word<H: Host>(c: &mut C<'_, H>, ptr: u32) -> R<H256> {
    Ok(H256(read_fixed::<H, 32>(c, ptr)?))
}

fn read_u256<H: Host>(c: &mut C<'_, H>, ptr: u32) -> R<U256> {
    Ok(U256::from_big_endian(&read_fixed::<H, 32>(c, ptr)?))
}

fn read_address<H: Host>(c: &mut C<'_, H>, ptr: u32) -> R<Address> {
    Ok(Address::from(read_fixed::<H, 20>(c, ptr)?))
}

fn write<H: Host>(c: &mut C<'_, H>, ptr: u32, bytes: &[u8]) -> R {
    let memory = c.data().memory.ok_or_else(|| trap(HostTrap::BadInput("no memory")))?;
    let data = memory.data_mut(&mut *c);
    let start = ptr as usize;
    start
        .checked_add(bytes.len())
        .and_then(|end| data.get_mut(start..end))
        .ok_or_else(|| trap(HostTrap::BadInput("write outside memory")))?
        .copy_from_slice(bytes);
    Ok(())
}

fn write_u256<H: Host>(c: &mut C<'_, H>, ptr: u32, value: U256) -> R {
    write(c, ptr, &value.to_big_endian())
}

fn not_static<H: Host>(c: &C<'_, H>) -> R {
    if c.data().ctx.is_static {
        return Err(trap(HostTrap::StaticViolation));
    }
    Ok(())
}

/// EIP-2929 account access cost.
fn account_access_gas<H: Host>(c: &mut C<'_, H>, address: Address) -> R<u64> {
    let warm = host(c)?.access_account(address).map_err(HostTrap::fatal)?;
    Ok(if warm { gas::WARM_ACCESS_GAS } else { gas::COLD_ACCOUNT_ACCESS_GAS })
}

/// Registers every host function and hook in `linker`.
pub(crate) fn link<H: Host + 'static>(linker: &mut Linker<Frame<H>>) -> wasmtime::Result<()> {
    let env = abi::HOST_MODULE;

    // ── Call data and results ───────────────────────────────────────────
    linker.func_wrap(env, abi::READ_ARGS.name, |mut c: C<'_, H>, dest: u32| -> R {
        let len = c.data().input.len() as u64;
        charge(&mut c, gas::HOST_CALL_GAS + gas::copy_gas(len))?;
        let input = std::mem::take(&mut c.data_mut().input);
        let written = write(&mut c, dest, &input);
        c.data_mut().input = input;
        written
    })?;
    linker.func_wrap(env, abi::WRITE_RESULT.name, |mut c: C<'_, H>, ptr: u32, len: u32| -> R {
        charge(&mut c, gas::HOST_CALL_GAS + gas::copy_gas(u64::from(len)))?;
        let data = read(&mut c, ptr, len)?;
        c.data_mut().output = data;
        Ok(())
    })?;
    linker.func_wrap(env, abi::EXIT_EARLY.name, |mut c: C<'_, H>, status: u32| -> R {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        Err(trap(HostTrap::Exit(status)))
    })?;

    // ── Storage ─────────────────────────────────────────────────────────
    linker.func_wrap(
        env,
        abi::STORAGE_LOAD_BYTES32.name,
        |mut c: C<'_, H>, key: u32, dest: u32| -> R {
            charge(&mut c, gas::HOST_CALL_GAS)?;
            let slot = read_word(&mut c, key)?;
            let address = c.data().ctx.address;
            let warm = host(&mut c)?.access_slot(address, slot).map_err(HostTrap::fatal)?;
            charge(&mut c, if warm { gas::WARM_ACCESS_GAS } else { gas::COLD_SLOAD_GAS })?;
            let word = host(&mut c)?.storage(address, slot).map_err(HostTrap::fatal)?;
            write(&mut c, dest, word.as_bytes())
        },
    )?;
    linker.func_wrap(
        env,
        abi::STORAGE_STORE_BYTES32.name,
        |mut c: C<'_, H>, key: u32, value: u32| -> R {
            charge(&mut c, gas::HOST_CALL_GAS)?;
            not_static(&c)?;
            // EIP-2200: fail when no more than the call stipend is left.
            if gas_left(&c)? <= gas::SSTORE_SENTRY_GAS {
                c.set_fuel(0)?;
                return Err(trap(HostTrap::OutOfGas));
            }
            let slot = read_word(&mut c, key)?;
            let new = read_word(&mut c, value)?;
            let address = c.data().ctx.address;
            let h = host(&mut c)?;
            let warm = h.access_slot(address, slot).map_err(HostTrap::fatal)?;
            let current = h.storage(address, slot).map_err(HostTrap::fatal)?;
            let original = h.original_storage(address, slot).map_err(HostTrap::fatal)?;
            let (cost, refund) = sstore_cost(original, current, new);
            let cost = cost + if warm { 0 } else { gas::COLD_SLOAD_GAS };
            charge(&mut c, cost)?;
            c.data_mut().refund += refund;
            host(&mut c)?.set_storage(address, slot, new).map_err(HostTrap::fatal)
        },
    )?;

    // ── Logs ────────────────────────────────────────────────────────────
    linker.func_wrap(
        env,
        abi::EMIT_LOG.name,
        |mut c: C<'_, H>, ptr: u32, len: u32, topics: u32| -> R {
            charge(&mut c, gas::HOST_CALL_GAS)?;
            not_static(&c)?;
            if topics > limits::MAX_LOG_TOPICS {
                return Err(trap(HostTrap::BadInput("more than 4 log topics")));
            }
            let topic_bytes = topics * 32;
            let Some(data_len) = len.checked_sub(topic_bytes) else {
                return Err(trap(HostTrap::BadInput("log shorter than its topics")));
            };
            charge(&mut c, gas::log_gas(u64::from(topics), u64::from(data_len)))?;
            let bytes = read(&mut c, ptr, len)?;
            let (topic_part, data) = bytes.split_at(topic_bytes as usize);
            let log = Log {
                address: c.data().ctx.address,
                topics: topic_part.chunks_exact(32).map(H256::from_slice).collect(),
                data: data.to_vec(),
            };
            host(&mut c)?.log(log).map_err(HostTrap::fatal)
        },
    )?;

    // ── Message, transaction and block context ──────────────────────────
    linker.func_wrap(env, abi::MSG_SENDER.name, |mut c: C<'_, H>, dest: u32| -> R {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        let a = c.data().ctx.caller;
        write(&mut c, dest, a.as_bytes())
    })?;
    linker.func_wrap(env, abi::MSG_VALUE.name, |mut c: C<'_, H>, dest: u32| -> R {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        let v = c.data().ctx.value;
        write_u256(&mut c, dest, v)
    })?;
    linker.func_wrap(env, abi::TX_ORIGIN.name, |mut c: C<'_, H>, dest: u32| -> R {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        let a = c.data().env.tx.origin;
        write(&mut c, dest, a.as_bytes())
    })?;
    linker.func_wrap(env, abi::CONTRACT_ADDRESS.name, |mut c: C<'_, H>, dest: u32| -> R {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        let a = c.data().ctx.address;
        write(&mut c, dest, a.as_bytes())
    })?;
    linker.func_wrap(env, abi::TX_GAS_PRICE.name, |mut c: C<'_, H>, dest: u32| -> R {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        let v = c.data().env.tx.gas_price;
        write_u256(&mut c, dest, v)
    })?;
    linker.func_wrap(env, abi::EVM_GAS_LEFT.name, |mut c: C<'_, H>| -> R<u64> {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        gas_left(&c)
    })?;
    linker.func_wrap(env, abi::BLOCK_NUMBER.name, |mut c: C<'_, H>| -> R<u64> {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        Ok(c.data().env.block.number)
    })?;
    linker.func_wrap(env, abi::BLOCK_TIMESTAMP.name, |mut c: C<'_, H>| -> R<u64> {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        Ok(c.data().env.block.timestamp)
    })?;
    linker.func_wrap(env, abi::BLOCK_COINBASE.name, |mut c: C<'_, H>, dest: u32| -> R {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        let a = c.data().env.block.coinbase;
        write(&mut c, dest, a.as_bytes())
    })?;
    linker.func_wrap(env, abi::BLOCK_GAS_LIMIT.name, |mut c: C<'_, H>| -> R<u64> {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        Ok(c.data().env.block.gas_limit)
    })?;
    linker.func_wrap(env, abi::BLOCK_BASEFEE.name, |mut c: C<'_, H>, dest: u32| -> R {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        let v = c.data().env.block.base_fee;
        write_u256(&mut c, dest, v)
    })?;
    linker.func_wrap(env, abi::BLOCK_PREVRANDAO.name, |mut c: C<'_, H>, dest: u32| -> R {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        let v = c.data().env.block.prevrandao;
        write(&mut c, dest, v.as_bytes())
    })?;
    linker.func_wrap(env, abi::CHAINID.name, |mut c: C<'_, H>| -> R<u64> {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        Ok(c.data().env.block.chain_id)
    })?;

    // ── Accounts ────────────────────────────────────────────────────────
    linker.func_wrap(
        env,
        abi::ACCOUNT_BALANCE.name,
        |mut c: C<'_, H>, address: u32, dest: u32| -> R {
            charge(&mut c, gas::HOST_CALL_GAS)?;
            let address = read_address(&mut c, address)?;
            let cost = account_access_gas(&mut c, address)?;
            charge(&mut c, cost)?;
            let balance = host(&mut c)?.balance(address).map_err(HostTrap::fatal)?;
            write_u256(&mut c, dest, balance)
        },
    )?;
    linker.func_wrap(
        env,
        abi::ACCOUNT_CODE_SIZE.name,
        |mut c: C<'_, H>, address: u32| -> R<u32> {
            charge(&mut c, gas::HOST_CALL_GAS)?;
            let address = read_address(&mut c, address)?;
            let cost = account_access_gas(&mut c, address)?;
            charge(&mut c, cost)?;
            let code = host(&mut c)?.code(address).map_err(HostTrap::fatal)?;
            Ok(u32::try_from(code.len()).unwrap_or(u32::MAX))
        },
    )?;
    linker.func_wrap(
        env,
        abi::ACCOUNT_CODEHASH.name,
        |mut c: C<'_, H>, address: u32, dest: u32| -> R {
            charge(&mut c, gas::HOST_CALL_GAS)?;
            let address = read_address(&mut c, address)?;
            let cost = account_access_gas(&mut c, address)?;
            charge(&mut c, cost)?;
            let hash = host(&mut c)?.code_hash(address).map_err(HostTrap::fatal)?;
            write(&mut c, dest, hash.as_bytes())
        },
    )?;

    // ── Cryptography ────────────────────────────────────────────────────
    linker.func_wrap(
        env,
        abi::NATIVE_KECCAK256.name,
        |mut c: C<'_, H>, ptr: u32, len: u32, dest: u32| -> R {
            charge(&mut c, gas::HOST_CALL_GAS + gas::keccak_gas(u64::from(len)))?;
            let data = read(&mut c, ptr, len)?;
            write(&mut c, dest, keccak256(&data).as_bytes())
        },
    )?;
    linker.func_wrap(
        env,
        abi::ECRECOVER.name,
        |mut c: C<'_, H>, hash: u32, v: u32, r: u32, s: u32, dest: u32| -> R<u32> {
            charge(&mut c, gas::HOST_CALL_GAS + gas::ECRECOVER_GAS)?;
            let hash = read_word(&mut c, hash)?;
            let r = read_u256(&mut c, r)?;
            let s = read_u256(&mut c, s)?;
            match ecrecover(hash, v, r, s) {
                Some(address) => {
                    write(&mut c, dest, address.as_bytes())?;
                    Ok(1)
                }
                None => Ok(0),
            }
        },
    )?;

    // ── Calls ───────────────────────────────────────────────────────────
    linker.func_wrap(
        env,
        abi::CALL_CONTRACT.name,
        |mut c: C<'_, H>,
         to: u32,
         data: u32,
         len: u32,
         value: u32,
         gas: u64,
         ret_len: u32|
         -> R<u32> {
            let value = {
                charge(&mut c, gas::HOST_CALL_GAS)?;
                read_u256(&mut c, value)?
            };
            call_like(&mut c, CallKind::Call(value), to, data, len, gas, ret_len)
        },
    )?;
    linker.func_wrap(
        env,
        abi::DELEGATE_CALL_CONTRACT.name,
        |mut c: C<'_, H>, to: u32, data: u32, len: u32, gas: u64, ret_len: u32| -> R<u32> {
            charge(&mut c, gas::HOST_CALL_GAS)?;
            call_like(&mut c, CallKind::Delegate, to, data, len, gas, ret_len)
        },
    )?;
    linker.func_wrap(
        env,
        abi::STATIC_CALL_CONTRACT.name,
        |mut c: C<'_, H>, to: u32, data: u32, len: u32, gas: u64, ret_len: u32| -> R<u32> {
            charge(&mut c, gas::HOST_CALL_GAS)?;
            call_like(&mut c, CallKind::Static, to, data, len, gas, ret_len)
        },
    )?;

    // ── Creation ────────────────────────────────────────────────────────
    linker.func_wrap(
        env,
        abi::CREATE1.name,
        |mut c: C<'_, H>,
         code: u32,
         len: u32,
         endowment: u32,
         contract: u32,
         ret_len: u32|
         -> R<u32> { create_like(&mut c, code, len, endowment, None, contract, ret_len) },
    )?;
    linker.func_wrap(
        env,
        abi::CREATE2.name,
        |mut c: C<'_, H>,
         code: u32,
         len: u32,
         endowment: u32,
         salt: u32,
         contract: u32,
         ret_len: u32|
         -> R<u32> {
            create_like(&mut c, code, len, endowment, Some(salt), contract, ret_len)
        },
    )?;

    // ── Return data ─────────────────────────────────────────────────────
    linker.func_wrap(
        env,
        abi::READ_RETURN_DATA.name,
        |mut c: C<'_, H>, dest: u32, offset: u32, size: u32| -> R<u32> {
            let available = c.data().return_data.len();
            let start = (offset as usize).min(available);
            let end = start.saturating_add(size as usize).min(available);
            let n = end - start;
            charge(&mut c, gas::HOST_CALL_GAS + gas::copy_gas(n as u64))?;
            let data = std::mem::take(&mut c.data_mut().return_data);
            let written = write(&mut c, dest, &data[start..end]);
            c.data_mut().return_data = data;
            written?;
            Ok(n as u32)
        },
    )?;
    linker.func_wrap(env, abi::RETURN_DATA_SIZE.name, |mut c: C<'_, H>| -> R<u32> {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        Ok(u32::try_from(c.data().return_data.len()).unwrap_or(u32::MAX))
    })?;

    // ── Self-destruct ───────────────────────────────────────────────────
    linker.func_wrap(env, abi::SELF_DESTRUCT.name, |mut c: C<'_, H>, beneficiary: u32| -> R {
        charge(&mut c, gas::HOST_CALL_GAS)?;
        not_static(&c)?;
        let beneficiary = read_address(&mut c, beneficiary)?;
        let address = c.data().ctx.address;
        let mut cost = gas::SELFDESTRUCT_GAS;
        let warm = host(&mut c)?.access_account(beneficiary).map_err(HostTrap::fatal)?;
        if !warm {
            cost += gas::COLD_ACCOUNT_ACCESS_GAS;
        }
        let h = host(&mut c)?;
        let balance = h.balance(address).map_err(HostTrap::fatal)?;
        if !balance.is_zero() && !h.is_live(beneficiary).map_err(HostTrap::fatal)? {
            cost += gas::NEW_ACCOUNT_GAS;
        }
        charge(&mut c, cost)?;
        host(&mut c)?.self_destruct(address, beneficiary).map_err(HostTrap::fatal)?;
        Err(trap(HostTrap::SelfDestructed))
    })?;

    // ── Instrumentation hooks ───────────────────────────────────────────
    linker.func_wrap(HOOK_MODULE, HOOK_MEMORY_GROW, |mut c: C<'_, H>, pages: u32| -> R<u32> {
        let memory = c.data().memory.ok_or_else(|| trap(HostTrap::BadInput("no memory")))?;
        let current = memory.size(&c);
        // Charge only growth that will be granted; a refused grow returns -1
        // to the contract and costs just the instruction.
        if current.saturating_add(u64::from(pages)) <= u64::from(limits::MAX_MEMORY_PAGES) {
            charge(&mut c, gas::memory_gas(u64::from(pages)))?;
        }
        Ok(pages)
    })?;
    linker.func_wrap(HOOK_MODULE, HOOK_STACK_EXHAUSTED, |_c: C<'_, H>| -> R {
        Err(trap(HostTrap::StackExhausted))
    })?;
    Ok(())
}

/// EIP-2200 as amended by EIP-2929 and EIP-3529: the gas of a store (before
/// the cold surcharge) and the change to the refund counter.
pub(crate) fn sstore_cost(original: H256, current: H256, new: H256) -> (u64, i64) {
    let clears = gas::SSTORE_CLEARS_REFUND as i64;
    if new == current {
        return (gas::WARM_ACCESS_GAS, 0);
    }
    if original == current {
        if original.is_zero() {
            return (gas::SSTORE_SET_GAS, 0);
        }
        return (gas::SSTORE_RESET_GAS, if new.is_zero() { clears } else { 0 });
    }
    let mut refund = 0i64;
    if !original.is_zero() {
        if current.is_zero() {
            refund -= clears;
        } else if new.is_zero() {
            refund += clears;
        }
    }
    if original == new {
        refund += if original.is_zero() {
            (gas::SSTORE_SET_GAS - gas::WARM_ACCESS_GAS) as i64
        } else {
            (gas::SSTORE_RESET_GAS - gas::WARM_ACCESS_GAS) as i64
        };
    }
    (gas::WARM_ACCESS_GAS, refund)
}

/// The ecrecover precompile: like Ethereum's `0x01`, it accepts high `s`
/// values (only transactions must be low-s, EIP-2).
fn ecrecover(hash: H256, v: u32, r: U256, s: U256) -> Option<Address> {
    let parity = match v {
        27 => false,
        28 => true,
        _ => return None,
    };
    if s.is_zero() || s >= SECP256K1_N {
        return None;
    }
    // (r, s, parity) and (r, n - s, !parity) recover the same key.
    let (s, y_parity) = if s > SECP256K1_HALF_N { (SECP256K1_N - s, !parity) } else { (s, parity) };
    Signature { r, s, y_parity }.recover_address(hash).ok()
}

enum CallKind {
    Call(U256),
    Delegate,
    Static,
}

fn call_like<H: Host + 'static>(
    c: &mut C<'_, H>,
    kind: CallKind,
    to: u32,
    data: u32,
    len: u32,
    requested_gas: u64,
    ret_len: u32,
) -> R<u32> {
    let target = read_address(c, to)?;
    let parent = c.data().ctx;
    let value = match kind {
        CallKind::Call(v) => v,
        _ => U256::zero(),
    };
    if parent.is_static && !value.is_zero() {
        return Err(trap(HostTrap::StaticViolation));
    }
    let mut cost = gas::copy_gas(u64::from(len)) + account_access_gas(c, target)?;
    if !value.is_zero() {
        cost += gas::CALL_VALUE_GAS;
        if !host(c)?.is_live(target).map_err(HostTrap::fatal)? {
            cost += gas::NEW_ACCOUNT_GAS;
        }
    }
    charge(c, cost)?;
    let calldata = read(c, data, len)?;
    let forward = requested_gas.min(gas::max_forwardable_gas(gas_left(c)?));
    charge(c, forward)?;
    let stipend = if value.is_zero() { 0 } else { gas::CALL_STIPEND };
    let child_gas = forward + stipend;
    let is_static = parent.is_static || matches!(kind, CallKind::Static);
    let msg = Message {
        caller: parent.address,
        kind: MessageKind::Call { to: target },
        value,
        data: calldata,
        gas_limit: child_gas,
        is_static,
    };
    let outcome = match kind {
        CallKind::Delegate => {
            let ctx = CallContext {
                address: parent.address,
                caller: parent.caller,
                value: parent.value,
                is_static,
                depth: parent.depth + 1,
            };
            nested(c, msg, Some(ctx), Some(target))?
        }
        _ => nested(c, msg, None, None)?,
    };
    finish_nested(c, outcome, ret_len)
}

/// Returns a child's unused gas, merges its refund, keeps its output as the
/// return data and reports its status.
fn finish_nested<H: Host>(c: &mut C<'_, H>, outcome: Outcome, ret_len: u32) -> R<u32> {
    let fuel = c.get_fuel()?;
    c.set_fuel(fuel.saturating_add(gas::gas_to_fuel(outcome.gas_left)))?;
    let status = match &outcome.status {
        crate::Status::Success => CallStatus::Success,
        crate::Status::Revert => CallStatus::Revert,
        crate::Status::Failure(_) => CallStatus::Failure,
    };
    let frame = c.data_mut();
    if status == CallStatus::Success {
        frame.refund += outcome.gas_refund;
    }
    let len = u32::try_from(outcome.output.len()).unwrap_or(u32::MAX);
    frame.return_data = outcome.output;
    write(c, ret_len, &len.to_le_bytes())?;
    Ok(status.to_raw())
}

fn create_like<H: Host + 'static>(
    c: &mut C<'_, H>,
    code: u32,
    len: u32,
    endowment: u32,
    salt: Option<u32>,
    contract: u32,
    ret_len: u32,
) -> R<u32> {
    charge(c, gas::HOST_CALL_GAS)?;
    not_static(c)?;
    if len as usize > limits::MAX_INITCODE_SIZE {
        return Err(trap(HostTrap::BadInput("deploy data larger than the limit")));
    }
    let words = gas::words(u64::from(len));
    let mut cost = gas::CREATE_GAS + gas::INITCODE_WORD_GAS * words + gas::copy_gas(u64::from(len));
    if salt.is_some() {
        cost += gas::KECCAK_WORD_GAS * words;
    }
    charge(c, cost)?;
    let value = read_u256(c, endowment)?;
    let salt = match salt {
        Some(ptr) => Some(read_word(c, ptr)?),
        None => None,
    };
    let data = read(c, code, len)?;
    let parent = c.data().ctx;
    let forward = gas::max_forwardable_gas(gas_left(c)?);
    charge(c, forward)?;
    let msg = Message {
        caller: parent.address,
        kind: MessageKind::Create { salt },
        value,
        data,
        gas_limit: forward,
        is_static: false,
    };
    let outcome = nested(c, msg, None, None)?;
    let created = outcome.created.unwrap_or_default();
    write(c, contract, created.as_bytes())?;
    finish_nested(c, outcome, ret_len)
}
