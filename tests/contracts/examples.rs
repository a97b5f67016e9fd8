//! counter, crowdfund, factory and vault end to end in-process through
//! basalt-state + basalt-vm, driven with an independent ABI codec (alloy).
#![allow(clippy::unwrap_used)]

mod common;

use alloy_primitives::{keccak256, Bytes, B256, U256};
use alloy_sol_types::{sol, sol_data, SolCall, SolError, SolEvent, SolType, SolValue};
use basalt_tests::contracts::artifact;
use basalt_tests::inproc::{InProcess, ACCOUNTS};
use basalt_vm::Status;
use common::*;

sol! {
    // counter
    function get() external view returns (uint256);
    function set(uint256 value) external;
    function increment() external returns (uint256);
    function decrement() external returns (uint256);
    event CountChanged(address indexed by, uint256 previous, uint256 current);
    error Underflow();
    // token
    function approve(address spender, uint256 amount) external returns (bool);
    function balanceOf(address owner) external view returns (uint256);
    // crowdfund
    function pledge() external payable;
    function pledgeTokens(uint256 amount) external;
    function claim() external;
    function refund() external;
    function goalReached() external view returns (bool);
    function totalNative() external view returns (uint256);
    function totalTokens() external view returns (uint256);
    error CampaignNotEnded(uint64 deadline);
    error NotOwner(address caller);
    // factory
    function deploy(bytes code, bytes32 salt) external payable returns (address);
    function predict(bytes code, bytes32 salt) external view returns (address);
    function childCount() external view returns (uint256);
    error DeploymentFailed(bytes32 salt);
    // vault
    function deposit() external payable;
    function withdraw(uint256 amount) external;
    function destroy() external;
    function totalDeposited() external view returns (uint256);
}

fn ok(out: &basalt_vm::Outcome) {
    assert_eq!(out.status, Status::Success, "{out:?}");
}

fn u256(v: &mut InProcess, to: basalt_primitives::Address, data: Vec<u8>) -> U256 {
    let out = v.view(to, data);
    ok(&out);
    U256::abi_decode(&out.output).unwrap()
}

#[test]
fn counter_counts_emits_and_reports_custom_errors() {
    let mut v = InProcess::new();
    let c = v.deploy_ok(ACCOUNTS[0], artifact("Counter").deploy_data(&U256::from(5).abi_encode()));
    assert_eq!(u256(&mut v, c, getCall {}.abi_encode()), U256::from(5), "constructor argument");
    let out = v.call(ACCOUNTS[1], c, incrementCall {}.abi_encode(), Default::default());
    ok(&out);
    assert_eq!(U256::abi_decode(&out.output).unwrap(), U256::from(6));
    assert_eq!(v.logs.len(), 1);
    assert_eq!(v.logs[0].topics[0], basalt_h256(CountChanged::SIGNATURE_HASH));
    assert_eq!(v.logs[0].topics[1].as_bytes()[12..], ACCOUNTS[1].as_bytes()[..]);
    ok(&v.call(ACCOUNTS[0], c, setCall { value: U256::ZERO }.abi_encode(), Default::default()));
    let out = v.call(ACCOUNTS[0], c, decrementCall {}.abi_encode(), Default::default());
    assert_eq!(out.status, Status::Revert);
    assert_eq!(out.output, Underflow {}.abi_encode(), "custom error, Solidity-encoded");
    assert_eq!(u256(&mut v, c, getCall {}.abi_encode()), U256::ZERO);
}

#[test]
fn crowdfund_takes_native_value_and_tokens_through_cross_contract_calls() {
    let mut v = InProcess::new();
    let (owner, backer) = (ACCOUNTS[0], ACCOUNTS[1]);
    type TokenArgs = (sol_data::String, sol_data::String, sol_data::Uint<8>, sol_data::Uint<256>);
    let token = v.deploy_ok(
        owner,
        artifact("Token").deploy_data(&TokenArgs::abi_encode_params(&(
            "T".to_string(),
            "T".to_string(),
            18u8,
            U256::from(1_000_000),
        ))),
    );
    let deadline = v.env.block.timestamp + 100;
    let args = (alloy_address(token), U256::from(1_000), deadline).abi_encode_params();
    let cf = v.deploy_ok(owner, artifact("Crowdfund").deploy_data(&args));

    // 400 wei of native value from the backer.
    ok(&v.call(backer, cf, pledgeCall {}.abi_encode(), basalt_primitives::U256::from(400)));
    assert_eq!(v.state().balance(cf).unwrap(), basalt_primitives::U256::from(400));
    // 700 tokens from the owner: approve, then the crowdfund pulls them (transferFrom).
    ok(&v.call(
        owner,
        token,
        approveCall { spender: alloy_address(cf), amount: U256::from(700) }.abi_encode(),
        Default::default(),
    ));
    let out = v.call(
        owner,
        cf,
        pledgeTokensCall { amount: U256::from(700) }.abi_encode(),
        Default::default(),
    );
    ok(&out);
    assert!(
        v.logs.iter().any(|l| l.address == token),
        "the token's Transfer is in the same transaction"
    );
    assert_eq!(
        u256(&mut v, token, balanceOfCall { owner: alloy_address(cf) }.abi_encode()),
        U256::from(700)
    );
    assert_eq!(u256(&mut v, cf, totalTokensCall {}.abi_encode()), U256::from(700));
    let out = v.view(cf, goalReachedCall {}.abi_encode());
    assert!(bool::abi_decode(&out.output).unwrap());

    // Too early to claim; only the owner may claim.
    let out = v.call(owner, cf, claimCall {}.abi_encode(), Default::default());
    assert_eq!(out.status, Status::Revert);
    assert_eq!(&out.output[..4], CampaignNotEnded::SELECTOR);
    v.env.block.timestamp = deadline + 1;
    let out = v.call(backer, cf, claimCall {}.abi_encode(), Default::default());
    assert_eq!(&out.output[..4], NotOwner::SELECTOR);
    let before = v.state().balance(owner).unwrap();
    ok(&v.call(owner, cf, claimCall {}.abi_encode(), Default::default()));
    assert_eq!(v.state().balance(owner).unwrap() - before, basalt_primitives::U256::from(400));
    assert_eq!(
        u256(&mut v, token, balanceOfCall { owner: alloy_address(owner) }.abi_encode()),
        U256::from(1_000_000)
    );
    assert_eq!(v.state().balance(cf).unwrap(), basalt_primitives::U256::zero());
}

#[test]
fn crowdfund_refunds_when_the_goal_is_missed() {
    let mut v = InProcess::new();
    type TokenArgs = (sol_data::String, sol_data::String, sol_data::Uint<8>, sol_data::Uint<256>);
    let token = v.deploy_ok(
        ACCOUNTS[0],
        artifact("Token").deploy_data(&TokenArgs::abi_encode_params(&(
            "T".to_string(),
            "T".to_string(),
            18u8,
            U256::from(1),
        ))),
    );
    let deadline = v.env.block.timestamp + 10;
    let cf = v.deploy_ok(
        ACCOUNTS[0],
        artifact("Crowdfund")
            .deploy_data(&(alloy_address(token), U256::from(10_000), deadline).abi_encode_params()),
    );
    ok(&v.call(ACCOUNTS[1], cf, pledgeCall {}.abi_encode(), basalt_primitives::U256::from(100)));
    v.env.block.timestamp = deadline + 1;
    let before = v.state().balance(ACCOUNTS[1]).unwrap();
    ok(&v.call(ACCOUNTS[1], cf, refundCall {}.abi_encode(), Default::default()));
    assert_eq!(
        v.state().balance(ACCOUNTS[1]).unwrap() - before,
        basalt_primitives::U256::from(100)
    );
    // A second refund has nothing to give.
    assert_eq!(
        v.call(ACCOUNTS[1], cf, refundCall {}.abi_encode(), Default::default()).status,
        Status::Revert
    );
}

#[test]
fn factory_deploys_children_with_create2_where_predicted() {
    let mut v = InProcess::new();
    let f = v.deploy_ok(ACCOUNTS[0], artifact("Factory").deploy_data(&[]));
    let code = Bytes::from(artifact("Counter").deploy_data(&U256::from(42).abi_encode()));
    let salt = B256::repeat_byte(7);
    let out = v.view(f, predictCall { code: code.clone(), salt }.abi_encode());
    let predicted = alloy_primitives::Address::abi_decode(&out.output).unwrap();
    // EIP-1014, computed independently.
    let expected = basalt_vm::create2_address(f, basalt_h256(salt), basalt_h256(keccak256(&code)));
    assert_eq!(basalt_address(predicted), expected);

    let out = v.call(
        ACCOUNTS[1],
        f,
        deployCall { code: code.clone(), salt }.abi_encode(),
        Default::default(),
    );
    ok(&out);
    let child = basalt_address(alloy_primitives::Address::abi_decode(&out.output).unwrap());
    assert_eq!(child, expected);
    assert_eq!(
        u256(&mut v, child, getCall {}.abi_encode()),
        U256::from(42),
        "child constructed with its args"
    );
    ok(&v.call(ACCOUNTS[1], child, incrementCall {}.abi_encode(), Default::default()));
    assert_eq!(u256(&mut v, f, childCountCall {}.abi_encode()), U256::from(1));
    // Same salt and code: the address is taken.
    let out = v.call(ACCOUNTS[1], f, deployCall { code, salt }.abi_encode(), Default::default());
    assert_eq!(out.status, Status::Revert);
    assert_eq!(&out.output[..4], DeploymentFailed::SELECTOR);
}

#[test]
fn vault_owner_only_destroy_uses_self_destruct() {
    let mut v = InProcess::new();
    let (owner, other) = (ACCOUNTS[0], ACCOUNTS[1]);
    let out = v.run(basalt_vm::Message {
        caller: owner,
        kind: basalt_vm::MessageKind::Create { salt: None },
        value: basalt_primitives::U256::from(1_000),
        data: artifact("Vault").deploy_data(&[]),
        gas_limit: basalt_tests::inproc::GAS,
        is_static: false,
    });
    ok(&out);
    let vault = out.created.unwrap();
    ok(&v.call(other, vault, depositCall {}.abi_encode(), basalt_primitives::U256::from(500)));
    // Plain value transfer goes to `receive`.
    ok(&v.call(other, vault, Vec::new(), basalt_primitives::U256::from(25)));
    assert_eq!(v.state().balance(vault).unwrap(), basalt_primitives::U256::from(1_525));
    ok(&v.call(
        owner,
        vault,
        withdrawCall { amount: U256::from(25) }.abi_encode(),
        Default::default(),
    ));
    // Not the owner: refused, nothing happens.
    let out = v.call(other, vault, destroyCall {}.abi_encode(), Default::default());
    assert_eq!(out.status, Status::Revert);
    assert_eq!(&out.output[..4], NotOwner::SELECTOR);
    assert!(!v.state().code(vault).unwrap().is_empty());
    let before = v.state().balance(owner).unwrap();
    ok(&v.call(owner, vault, destroyCall {}.abi_encode(), Default::default()));
    assert_eq!(v.state().balance(owner).unwrap() - before, basalt_primitives::U256::from(1_500));
    assert!(v.state().code(vault).unwrap().is_empty(), "code gone at the end of the transaction");
    assert_eq!(v.state().balance(vault).unwrap(), basalt_primitives::U256::zero());
}
