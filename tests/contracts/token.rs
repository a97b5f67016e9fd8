//! The ERC-20 `token` contract end to end in-process: deploy with
//! constructor arguments, the standard ERC-20 ABI, events, allowances and
//! revert reasons decodable as Solidity's `Error(string)`.
#![allow(clippy::unwrap_used)]

mod common;

use alloy_primitives::U256;
use alloy_sol_types::{sol, sol_data, SolCall, SolEvent, SolType};
use basalt_tests::contracts::artifact;
use basalt_tests::inproc::{InProcess, ACCOUNTS};
use basalt_vm::Status;
use common::*;

sol! {
    function name() external view returns (string);
    function symbol() external view returns (string);
    function decimals() external view returns (uint8);
    function totalSupply() external view returns (uint256);
    function balanceOf(address owner) external view returns (uint256);
    function transfer(address to, uint256 amount) external returns (bool);
    function approve(address spender, uint256 amount) external returns (bool);
    function allowance(address owner, address spender) external view returns (uint256);
    function transferFrom(address from, address to, uint256 amount) external returns (bool);
    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);
}

const SUPPLY: u64 = 1_000_000;

fn deploy(vm: &mut InProcess) -> basalt_primitives::Address {
    let token = artifact("Token");
    type CtorArgs = (sol_data::String, sol_data::String, sol_data::Uint<8>, sol_data::Uint<256>);
    let args = CtorArgs::abi_encode_params(&(
        "Basalt Token".to_string(),
        "BSLT".to_string(),
        18u8,
        U256::from(SUPPLY),
    ));
    vm.deploy_ok(ACCOUNTS[0], token.deploy_data(&args))
}

fn balance(
    vm: &mut InProcess,
    token: basalt_primitives::Address,
    who: basalt_primitives::Address,
) -> U256 {
    let out = vm.view(token, balanceOfCall { owner: alloy_address(who) }.abi_encode());
    assert_eq!(out.status, Status::Success);
    balanceOfCall::abi_decode_returns(&out.output).unwrap()
}

#[test]
fn metadata_and_supply() {
    let mut vm = InProcess::new();
    let t = deploy(&mut vm);
    let out = vm.view(t, nameCall {}.abi_encode());
    assert_eq!(nameCall::abi_decode_returns(&out.output).unwrap(), "Basalt Token");
    let out = vm.view(t, symbolCall {}.abi_encode());
    assert_eq!(symbolCall::abi_decode_returns(&out.output).unwrap(), "BSLT");
    let out = vm.view(t, decimalsCall {}.abi_encode());
    assert_eq!(decimalsCall::abi_decode_returns(&out.output).unwrap(), 18);
    let out = vm.view(t, totalSupplyCall {}.abi_encode());
    assert_eq!(totalSupplyCall::abi_decode_returns(&out.output).unwrap(), U256::from(SUPPLY));
    assert_eq!(balance(&mut vm, t, ACCOUNTS[0]), U256::from(SUPPLY), "minted to the deployer");
    assert_eq!(balance(&mut vm, t, ACCOUNTS[1]), U256::ZERO);
}

#[test]
fn transfer_emits_transfer_and_moves_balances() {
    let mut vm = InProcess::new();
    let t = deploy(&mut vm);
    let call = transferCall { to: alloy_address(ACCOUNTS[1]), amount: U256::from(250) };
    let out = vm.call(ACCOUNTS[0], t, call.abi_encode(), Default::default());
    assert_eq!(out.status, Status::Success, "{out:?}");
    assert!(transferCall::abi_decode_returns(&out.output).unwrap());
    assert_eq!(balance(&mut vm, t, ACCOUNTS[0]), U256::from(SUPPLY - 250));
    assert_eq!(balance(&mut vm, t, ACCOUNTS[1]), U256::from(250));

    // The event, checked with alloy's own topic hashing and decoding.
    vm.call(ACCOUNTS[0], t, call.abi_encode(), Default::default());
    assert_eq!(vm.logs.len(), 1);
    let log = &vm.logs[0];
    assert_eq!(log.address, t);
    assert_eq!(log.topics.len(), 3);
    assert_eq!(log.topics[0], basalt_h256(Transfer::SIGNATURE_HASH));
    assert_eq!(
        log.topics[0].as_bytes(),
        &hex::decode("ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef").unwrap()[..]
    );
    let topics: Vec<_> =
        log.topics.iter().map(|t| alloy_primitives::B256::from_slice(t.as_bytes())).collect();
    let ev = Transfer::decode_raw_log(topics, &log.data).unwrap();
    assert_eq!(
        (basalt_address(ev.from), basalt_address(ev.to), ev.value),
        (ACCOUNTS[0], ACCOUNTS[1], U256::from(250))
    );
}

#[test]
fn allowances_and_transfer_from() {
    let mut vm = InProcess::new();
    let t = deploy(&mut vm);
    let (owner, spender, dest) = (ACCOUNTS[0], ACCOUNTS[1], ACCOUNTS[2]);
    let out = vm.call(
        owner,
        t,
        approveCall { spender: alloy_address(spender), amount: U256::from(100) }.abi_encode(),
        Default::default(),
    );
    assert_eq!(out.status, Status::Success);
    let log = &vm.logs[0];
    assert_eq!(log.topics[0], basalt_h256(Approval::SIGNATURE_HASH));
    let out = vm.view(
        t,
        allowanceCall { owner: alloy_address(owner), spender: alloy_address(spender) }.abi_encode(),
    );
    assert_eq!(allowanceCall::abi_decode_returns(&out.output).unwrap(), U256::from(100));

    let tf = |amount: u64| {
        transferFromCall {
            from: alloy_address(owner),
            to: alloy_address(dest),
            amount: U256::from(amount),
        }
        .abi_encode()
    };
    let out = vm.call(spender, t, tf(60), Default::default());
    assert_eq!(out.status, Status::Success);
    assert_eq!(balance(&mut vm, t, dest), U256::from(60));
    let out = vm.view(
        t,
        allowanceCall { owner: alloy_address(owner), spender: alloy_address(spender) }.abi_encode(),
    );
    assert_eq!(allowanceCall::abi_decode_returns(&out.output).unwrap(), U256::from(40));

    // Beyond the allowance: reverts with a reason, changes nothing.
    let out = vm.call(spender, t, tf(41), Default::default());
    assert_eq!(out.status, Status::Revert);
    assert!(revert_reason(&out.output).contains("allowance"), "{}", revert_reason(&out.output));
    assert_eq!(balance(&mut vm, t, dest), U256::from(60));
    assert!(vm.logs.is_empty());
}

#[test]
fn reverts_carry_solidity_error_strings() {
    let mut vm = InProcess::new();
    let t = deploy(&mut vm);
    let out = vm.call(
        ACCOUNTS[1],
        t,
        transferCall { to: alloy_address(ACCOUNTS[2]), amount: U256::from(1) }.abi_encode(),
        Default::default(),
    );
    assert_eq!(out.status, Status::Revert);
    assert!(
        revert_reason(&out.output).contains("exceeds balance"),
        "{}",
        revert_reason(&out.output)
    );
    // Value sent to a non-payable method reverts.
    let out = vm.call(
        ACCOUNTS[0],
        t,
        transferCall { to: alloy_address(ACCOUNTS[2]), amount: U256::from(1) }.abi_encode(),
        5.into(),
    );
    assert_eq!(out.status, Status::Revert);
    // An unknown selector reverts.
    let out = vm.call(ACCOUNTS[0], t, vec![1, 2, 3, 4], Default::default());
    assert_eq!(out.status, Status::Revert);
    // A static call cannot transfer.
    let out = vm.view(
        t,
        transferCall { to: alloy_address(ACCOUNTS[2]), amount: U256::from(1) }.abi_encode(),
    );
    assert!(!out.status.is_success());
}
