//! Transaction validity, fees, creates and calls through the executor.
#![allow(clippy::unwrap_used)]

use basalt_executor::{
    estimate_gas, next_base_fee, receipts_root, simulate_call, BlockExecutor, CallRequest,
    InvalidTransaction, TxError,
};
use basalt_primitives::{
    secret_key_to_address, sign_transaction, signing_key_from_bytes, Address, SignedTransaction,
    SigningKey, Transaction, TxEip1559, TxKind, TxLegacy, EMPTY_ROOT, H256, U256,
};
use basalt_state::{JournaledState, MemoryBackend};
use basalt_vm::{create_address, BlockEnv, Status, Vm, VmConfig};

type State = JournaledState<MemoryBackend>;

const GWEI: u64 = 1_000_000_000;

struct Setup {
    vm: Vm<State>,
    key: SigningKey,
    sender: Address,
    block: BlockEnv,
}

fn setup() -> (Setup, State) {
    let key = signing_key_from_bytes(&[0x11; 32]).unwrap();
    let sender = secret_key_to_address(&key);
    let mut state = JournaledState::new(MemoryBackend::new(), EMPTY_ROOT);
    state.set_balance(sender, U256::exp10(19)).unwrap();
    let block = BlockEnv {
        number: 1,
        timestamp: 1_000,
        coinbase: Address::repeat_byte(0xcb),
        gas_limit: 30_000_000,
        base_fee: U256::from(GWEI),
        chain_id: 31337,
        ..BlockEnv::default()
    };
    (Setup { vm: Vm::new(VmConfig::default()).unwrap(), key, sender, block }, state)
}

fn tx1559(
    s: &Setup,
    nonce: u64,
    to: TxKind,
    value: u64,
    input: Vec<u8>,
    gas: u64,
) -> SignedTransaction {
    sign_transaction(
        Transaction::Eip1559(TxEip1559 {
            chain_id: 31337,
            nonce,
            max_priority_fee_per_gas: U256::from(2 * GWEI),
            max_fee_per_gas: U256::from(10 * GWEI),
            gas_limit: gas,
            to,
            value: U256::from(value),
            input,
            ..TxEip1559::default()
        }),
        &s.key,
    )
    .unwrap()
}

/// A contract that stores 1 at slot 0, clears it, and reverts when calldata[0] == 1.
fn contract_wasm() -> Vec<u8> {
    wat::parse_str(
        r#"(module
            (import "env" "read_args" (func $read_args (param i32)))
            (import "env" "storage_store_bytes32" (func $store (param i32 i32)))
            (memory (export "memory") 1)
            (func (export "user_entrypoint") (param $len i32) (result i32)
              (call $read_args (i32.const 100))
              (i32.store8 (i32.const 63) (i32.const 1))
              (call $store (i32.const 0) (i32.const 32))
              (i32.load8_u (i32.const 100))))"#,
    )
    .unwrap()
}

#[test]
fn value_transfer_pays_fees_tips_and_burns_the_base_fee() {
    let (s, state) = setup();
    let to = Address::repeat_byte(0x22);
    let mut ex = BlockExecutor::new(s.vm.clone(), state, s.block.clone());
    let tx = tx1559(&s, 0, TxKind::Call(to), 12345, vec![], 21_000);
    let done = ex.execute(&tx, s.sender).unwrap().clone();
    assert!(done.receipt.success);
    assert_eq!(done.gas_used, 21_000);
    assert_eq!(done.effective_gas_price, U256::from(3 * GWEI));
    let st = ex.state();
    assert_eq!(st.balance(to).unwrap(), U256::from(12345));
    assert_eq!(st.nonce(s.sender).unwrap(), 1);
    assert_eq!(
        st.balance(s.sender).unwrap(),
        U256::exp10(19) - U256::from(12345) - U256::from(21_000 * 3 * GWEI)
    );
    assert_eq!(
        st.balance(s.block.coinbase).unwrap(),
        U256::from(21_000 * 2 * GWEI),
        "only the tip"
    );
    let out = ex.finish();
    assert_eq!(out.gas_used, 21_000);
    assert_eq!(out.receipts_root, receipts_root([&done.receipt]));
}

#[test]
fn invalid_transactions_change_nothing() {
    let (s, state) = setup();
    let to = Address::repeat_byte(0x22);
    let mut ex = BlockExecutor::new(s.vm.clone(), state, s.block.clone());
    let before = ex.state().balance(s.sender).unwrap();
    type Case = (SignedTransaction, fn(&InvalidTransaction) -> bool);
    let cases: Vec<Case> = vec![
        (tx1559(&s, 1, TxKind::Call(to), 1, vec![], 21_000), |e| {
            matches!(e, InvalidTransaction::NonceTooHigh { .. })
        }),
        (tx1559(&s, 0, TxKind::Call(to), 1, vec![], 20_000), |e| {
            matches!(e, InvalidTransaction::Stateless(_))
        }),
        (tx1559(&s, 0, TxKind::Call(to), 1, vec![], 31_000_000), |e| {
            matches!(e, InvalidTransaction::BlockGasLimit { .. })
        }),
        (tx1559(&s, 0, TxKind::Call(to), u64::MAX, vec![], 21_000), |e| {
            matches!(e, InvalidTransaction::InsufficientFunds { .. })
        }),
        (
            sign_transaction(
                Transaction::Eip1559(TxEip1559 {
                    chain_id: 1,
                    gas_limit: 21_000,
                    max_fee_per_gas: U256::from(10 * GWEI),
                    to: TxKind::Call(to),
                    ..Default::default()
                }),
                &s.key,
            )
            .unwrap(),
            |e| matches!(e, InvalidTransaction::WrongChainId { got: 1, expected: 31337 }),
        ),
        (
            sign_transaction(
                Transaction::Eip1559(TxEip1559 {
                    chain_id: 31337,
                    gas_limit: 21_000,
                    max_fee_per_gas: U256::from(GWEI - 1),
                    to: TxKind::Call(to),
                    ..Default::default()
                }),
                &s.key,
            )
            .unwrap(),
            |e| matches!(e, InvalidTransaction::FeeCapTooLow { .. }),
        ),
    ];
    for (tx, expected) in cases {
        match ex.execute(&tx, s.sender) {
            Err(TxError::Invalid(e)) => assert!(expected(&e), "{e}"),
            other => panic!("expected invalid, got {other:?}"),
        }
        assert_eq!(ex.state().balance(s.sender).unwrap(), before);
        assert_eq!(ex.state().nonce(s.sender).unwrap(), 0);
    }
    assert_eq!(ex.gas_used(), 0);
    // A used nonce is too low.
    ex.execute(&tx1559(&s, 0, TxKind::Call(to), 1, vec![], 21_000), s.sender).unwrap();
    let e = ex.execute(&tx1559(&s, 0, TxKind::Call(to), 1, vec![], 21_000), s.sender).unwrap_err();
    assert!(matches!(e, TxError::Invalid(InvalidTransaction::NonceTooLow { .. })));
    // Legacy without a chain id is accepted by blocks (pre-EIP-155 signing).
    let legacy = sign_transaction(
        Transaction::Legacy(TxLegacy {
            nonce: 1,
            gas_price: U256::from(2 * GWEI),
            gas_limit: 21_000,
            to: TxKind::Call(to),
            chain_id: None,
            ..Default::default()
        }),
        &s.key,
    )
    .unwrap();
    assert!(ex.execute(&legacy, s.sender).unwrap().receipt.success);
}

#[test]
fn create_then_call_with_revert_and_refund() {
    let (s, state) = setup();
    let mut ex = BlockExecutor::new(s.vm.clone(), state, s.block.clone());
    let created = ex
        .execute(&tx1559(&s, 0, TxKind::Create, 0, contract_wasm(), 3_000_000), s.sender)
        .unwrap()
        .clone();
    assert!(created.receipt.success, "{:?}", created.outcome);
    let address = created.contract_address.unwrap();
    assert_eq!(address, create_address(s.sender, 0));
    assert_eq!(ex.state().nonce(s.sender).unwrap(), 1, "one increment for a create");

    // Succeeds: slot 0 set.
    let ok = ex
        .execute(&tx1559(&s, 1, TxKind::Call(address), 0, vec![0], 100_000), s.sender)
        .unwrap()
        .clone();
    assert!(ok.receipt.success);
    assert_eq!(ex.state().storage(address, H256::zero()).unwrap(), H256::from_low_u64_be(1));
    // Reverts: included, nonce used, gas paid, no change.
    let before = ex.state().balance(s.sender).unwrap();
    let reverted = ex
        .execute(&tx1559(&s, 2, TxKind::Call(address), 0, vec![1], 100_000), s.sender)
        .unwrap()
        .clone();
    assert!(!reverted.receipt.success);
    assert_eq!(reverted.outcome.status, Status::Revert);
    assert_eq!(ex.state().nonce(s.sender).unwrap(), 3);
    assert_eq!(
        before - ex.state().balance(s.sender).unwrap(),
        U256::from(reverted.gas_used) * U256::from(3 * GWEI)
    );
    assert_eq!(
        reverted.receipt.cumulative_gas_used,
        created.gas_used + ok.gas_used + reverted.gas_used
    );
}

#[test]
fn eth_call_and_estimate_gas() {
    let (s, state) = setup();
    let mut ex = BlockExecutor::new(s.vm.clone(), state, s.block.clone());
    let address = ex
        .execute(&tx1559(&s, 0, TxKind::Create, 0, contract_wasm(), 3_000_000), s.sender)
        .unwrap()
        .contract_address
        .unwrap();
    let out = ex.finish();
    let (root, changes) = out.state.commit().unwrap();
    let backend = MemoryBackend::new();
    backend.apply(changes);
    let fresh = || JournaledState::new(backend.clone(), root);
    let req = CallRequest {
        from: Some(s.sender),
        to: Some(address),
        data: vec![0],
        ..Default::default()
    };
    let (_, r) = simulate_call(&s.vm, fresh(), &s.block, &req);
    let r = r.unwrap();
    assert_eq!(r.outcome.status, Status::Success);
    let est = estimate_gas(&s.vm, fresh, &s.block, &req, 30_000_000).unwrap().unwrap();
    // The estimate is the least gas that succeeds.
    let at = |gas| {
        simulate_call(&s.vm, fresh(), &s.block, &CallRequest { gas: Some(gas), ..req.clone() })
            .1
            .unwrap()
            .outcome
            .status
    };
    assert_eq!(at(est), Status::Success);
    assert_ne!(at(est - 1), Status::Success);
    // A reverting call is reported, not estimated.
    let rev = CallRequest { data: vec![1], ..req.clone() };
    assert!(estimate_gas(&s.vm, fresh, &s.block, &rev, 30_000_000).unwrap().is_err());
}

#[test]
fn base_fee_follows_eip_1559() {
    let base = U256::from(GWEI);
    assert_eq!(next_base_fee(15_000_000, 30_000_000, base), base);
    assert_eq!(next_base_fee(30_000_000, 30_000_000, base), U256::from(GWEI + GWEI / 8));
    assert_eq!(next_base_fee(0, 30_000_000, base), U256::from(GWEI - GWEI / 8));
    // Never stuck at a tiny base fee going up.
    assert_eq!(next_base_fee(30_000_000, 30_000_000, U256::from(7)), U256::from(8));
    assert_eq!(receipts_root([]), EMPTY_ROOT);
}

#[test]
fn dev_genesis_builds_block_zero() {
    let spec = basalt_chainspec::ChainSpec::dev();
    let g = basalt_executor::build_genesis(&spec.genesis).unwrap();
    assert_eq!(g.header.number, 0);
    assert_eq!(g.header.base_fee_per_gas, Some(U256::from(GWEI)));
    let backend = MemoryBackend::new();
    backend.nodes().insert_nodes(g.nodes);
    let mut state = JournaledState::new(backend, g.header.state_root);
    let dev0: Address = "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266".parse().unwrap();
    assert_eq!(state.balance(dev0).unwrap(), U256::exp10(22), "10,000 ETH");
    assert_eq!(spec.genesis.alloc.len(), 10);
    // Code in the alloc must be a deployable module.
    let mut bad = spec.genesis.clone();
    bad.alloc.values_mut().next().unwrap().code = b"\0asm\x01\0\0\0".to_vec();
    assert!(basalt_executor::build_genesis(&bad).is_err());
    let mut good = spec.genesis.clone();
    good.alloc.values_mut().next().unwrap().code = contract_wasm();
    assert!(basalt_executor::build_genesis(&good).unwrap().code.len() == 1);
}
