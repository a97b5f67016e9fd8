//! Contracts on basalt-vm + basalt-state against Solidity on revm, side by
//! side in one run:
//!
//! - `erc20_transfer/{basalt,revm}`: one ERC-20 `transfer` to the same
//!   recipient, per call, as a whole transaction over an in-memory state
//!   (basalt: `Vm::execute` + `finalize_transaction` on the journaled overlay;
//!   revm: `transact_commit` into its `InMemoryDB`).
//! - `compute_10k/{basalt,revm}`: `compute(10000)`, the same u64 arithmetic +
//!   keccak loop in Rust (contracts/compute) and Solidity (fixtures/solidity);
//!   both results are checked against the plain Rust reference first.
//! - `empty_call/basalt`: instantiate a tiny module and call it (warm cache).
//!
//! Needs the built contracts: `scripts/test.sh` builds them into
//! `$BASALT_CONTRACTS`, else the first run builds them (see basalt-tests).
//! Run: `cargo bench -p basalt-benches --bench contracts`.
#![allow(clippy::unwrap_used)]

use alloy_sol_types::{sol, sol_data, SolCall, SolType};
use basalt_benches::revm_peer::{self, RevmCompute, RevmErc20};
use basalt_primitives::{Address, U256};
use basalt_tests::contracts::artifact;
use basalt_tests::inproc::{InProcess, ACCOUNTS};
use basalt_vm::{Message, MessageKind, Status};
use criterion::{criterion_group, Criterion};
use std::hint::black_box;

#[global_allocator]
static ALLOC: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

sol! {
    function transfer(address to, uint256 amount) external returns (bool);
    function compute(uint64 n) external pure returns (uint64);
}

fn message(from: Address, to: Address, data: Vec<u8>) -> Message {
    Message {
        caller: from,
        kind: MessageKind::Call { to },
        value: U256::zero(),
        data,
        gas_limit: 1_000_000,
        is_static: false,
    }
}

fn erc20(c: &mut Criterion) {
    let mut vm = InProcess::new();
    let token = artifact("Token");
    type CtorArgs = (sol_data::String, sol_data::String, sol_data::Uint<8>, sol_data::Uint<256>);
    let args = CtorArgs::abi_encode_params(&(
        "Bench".to_string(),
        "B".to_string(),
        18u8,
        alloy_primitives::U256::from(10u128.pow(27)),
    ));
    let t = vm.deploy_ok(ACCOUNTS[0], token.deploy_data(&args));
    let to = alloy_primitives::Address::from_slice(ACCOUNTS[1].as_bytes());
    let data = transferCall { to, amount: alloy_primitives::U256::from(1) }.abi_encode();
    let first = vm.run(message(ACCOUNTS[0], t, data.clone()));
    assert_eq!(first.status, Status::Success, "{first:?}");

    let mut revm = RevmErc20::new();
    let revm_to = revm_peer::Address::new([0x22; 20]);
    revm.transfer(revm_to, revm_peer::U256::from(1)).unwrap();

    let mut g = c.benchmark_group("erc20_transfer");
    g.bench_function("basalt", |b| {
        b.iter(|| {
            let out = vm.run(message(ACCOUNTS[0], t, data.clone()));
            black_box(out.gas_left)
        })
    });
    g.bench_function("revm", |b| {
        b.iter(|| black_box(revm.transfer(revm_to, revm_peer::U256::from(1)).unwrap()))
    });
    g.finish();
}

fn compute(c: &mut Criterion) {
    const N: u64 = 10_000;
    let expected = revm_peer::compute_reference(N);
    let mut vm = InProcess::new();
    let a = vm.deploy_ok(ACCOUNTS[0], artifact("Compute").deploy_data(&[]));
    let data = computeCall { n: N }.abi_encode();
    let out = vm.run(message(ACCOUNTS[0], a, data.clone()));
    assert_eq!(out.status, Status::Success, "{out:?}");
    assert_eq!(computeCall::abi_decode_returns(&out.output).unwrap(), expected, "basalt's result");
    let mut revm = RevmCompute::new();
    assert_eq!(revm.compute(N).unwrap().0, expected, "revm's result");

    let mut g = c.benchmark_group("compute_10k");
    g.bench_function("basalt", |b| {
        b.iter(|| black_box(vm.run(message(ACCOUNTS[0], a, data.clone())).gas_left))
    });
    g.bench_function("revm", |b| b.iter(|| black_box(revm.compute(N).unwrap())));
    g.finish();
}

fn empty_call(c: &mut Criterion) {
    let mut vm = InProcess::new();
    let wasm = wat::parse_str(
        r#"(module (memory (export "memory") 1)
            (func (export "user_entrypoint") (param i32) (result i32) (i32.const 0)))"#,
    )
    .unwrap();
    let a = vm.deploy_ok(ACCOUNTS[0], wasm);
    c.bench_function("empty_call/basalt", |b| {
        b.iter(|| black_box(vm.run(message(ACCOUNTS[0], a, Vec::new())).gas_left))
    });
}

criterion_group!(benches, erc20, compute, empty_call);

fn main() {
    // The VM wants a large native stack (basalt_vm::config::REQUIRED_NATIVE_STACK)
    // and grows one per call when the thread has less; run where it has it.
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(|| {
            benches();
            Criterion::default().configure_from_args().final_summary();
        })
        .unwrap()
        .join()
        .unwrap();
}
