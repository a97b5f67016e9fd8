//! Determinism with the example contracts: the same sequence of deploys and
//! calls gives byte-identical state roots and receipts (status, gas, logs,
//! output) across 100 runs, a fresh VM with a cold module cache, and a
//! fresh process.
#![allow(clippy::unwrap_used)]

mod common;

use alloy_primitives::U256;
use alloy_sol_types::{sol, sol_data, SolCall, SolType};
use basalt_primitives::Keccak256Hasher;
use basalt_tests::contracts::artifact;
use basalt_tests::inproc::{InProcess, ACCOUNTS};
use basalt_vm::{Vm, VmConfig};
use common::*;

sol! {
    function transfer(address to, uint256 amount) external returns (bool);
    function approve(address spender, uint256 amount) external returns (bool);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    function compute(uint64 n) external pure returns (uint64);
}

fn sequence(mut vm: InProcess) -> String {
    let mut d = Keccak256Hasher::new();
    type CtorArgs = (sol_data::String, sol_data::String, sol_data::Uint<8>, sol_data::Uint<256>);
    let args = CtorArgs::abi_encode_params(&(
        "D".to_string(),
        "D".to_string(),
        6u8,
        U256::from(1_000_000u64),
    ));
    let token = vm.deploy_ok(ACCOUNTS[0], artifact("Token").deploy_data(&args));
    let compute = vm.deploy_ok(ACCOUNTS[0], artifact("Compute").deploy_data(&[]));
    let [a, b, c] = ACCOUNTS.map(alloy_address);
    let calls: Vec<(usize, basalt_primitives::Address, Vec<u8>)> = (0..30u64)
        .map(|i| match i % 5 {
            0 => (0, token, transferCall { to: b, amount: U256::from(i * 7) }.abi_encode()),
            1 => (1, token, transferCall { to: c, amount: U256::from(i) }.abi_encode()),
            2 => (0, token, approveCall { spender: b, amount: U256::from(i * 3) }.abi_encode()),
            3 => (
                1,
                token,
                transferFromCall { from: a, to: c, amount: U256::from(i * 2) }.abi_encode(),
            ),
            _ => (2, compute, computeCall { n: i * 10 }.abi_encode()),
        })
        .collect();
    for (from, to, data) in calls {
        let out = vm.call(ACCOUNTS[from], to, data, Default::default());
        d.update(format!("{:?}|{}|{}|", out.status, out.gas_left, out.gas_refund));
        d.update(&out.output);
        for log in &vm.logs {
            d.update(log.address.as_bytes());
            for t in &log.topics {
                d.update(t.as_bytes());
            }
            d.update(&log.data);
        }
    }
    let (root, _) = vm.into_state().commit().unwrap();
    d.update(root.as_bytes());
    format!("{:x}", d.finalize())
}

#[test]
fn contract_sequences_are_deterministic() {
    let vm = Vm::new(VmConfig::default()).unwrap();
    let first = sequence(InProcess::with_vm(vm.clone()));
    for _ in 0..99 {
        assert_eq!(sequence(InProcess::with_vm(vm.clone())), first);
    }
    assert_eq!(sequence(InProcess::new()), first, "fresh VM, cold cache");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_digest", "--nocapture", "--include-ignored"])
        .env("BASALT_DETERMINISM_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let child = stdout
        .lines()
        .find_map(|l| l.strip_prefix("digest="))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(child, first, "fresh process");
    println!("contract determinism digest {first}: 100 runs, cold cache and a fresh process agree");
}

#[test]
#[ignore = "run as a child process by contract_sequences_are_deterministic"]
fn child_digest() {
    if std::env::var_os("BASALT_DETERMINISM_CHILD").is_some() {
        println!("digest={}", sequence(InProcess::new()));
    }
}
