//! Every host function, with small WAT contracts: what it returns, what it
//! charges, and how it fails.
#![allow(clippy::unwrap_used)]

mod common;

use basalt_primitives::{keccak256, Address, Signature, H256, U256};
use basalt_vm::{create2_address, create_address, Failure, Status};
use basalt_vm_abi::gas;
use common::*;

/// Gas used by one call of a contract whose body is `body`.
fn gas_of(h: &mut Harness, body: &str) -> (Address, u64) {
    let a = h.deploy(&contract(body, ""), &[]);
    let out = h.call(a, &[], GAS);
    assert_eq!(out.status, Status::Success, "{out:?}");
    (a, GAS - out.gas_left)
}

/// Runs `body`, which writes `len` bytes at offset 512 as the result.
fn output_of(h: &mut Harness, body: &str, len: u32) -> Vec<u8> {
    let a = h.deploy(&contract(&format!("{body} {}", ret(512, len)), ""), &[]);
    let out = h.call(a, &[], GAS);
    assert_eq!(out.status, Status::Success, "{out:?}");
    out.output
}

#[test]
fn context_getters_return_the_environment() {
    let mut h = Harness::new();
    h.env.block.number = 77;
    h.env.block.timestamp = 1_700_000_000;
    h.env.block.coinbase = Address::repeat_byte(0xcb);
    h.env.block.gas_limit = 30_000_000;
    h.env.block.base_fee = U256::from(7_000_000_000u64);
    h.env.block.prevrandao = H256::repeat_byte(0x42);
    h.env.tx.gas_price = U256::from(9_000_000_000u64);
    assert_eq!(output_of(&mut h, "(call $msg_sender (i32.const 512))", 20), ALICE.as_bytes());
    assert_eq!(output_of(&mut h, "(call $tx_origin (i32.const 512))", 20), ALICE.as_bytes());
    assert_eq!(output_of(&mut h, "(call $block_coinbase (i32.const 512))", 20), [0xcb; 20]);
    assert_eq!(output_of(&mut h, "(call $block_prevrandao (i32.const 512))", 32), [0x42; 32]);
    let basefee = output_of(&mut h, "(call $block_basefee (i32.const 512))", 32);
    assert_eq!(U256::from_big_endian(&basefee), U256::from(7_000_000_000u64));
    let price = output_of(&mut h, "(call $tx_gas_price (i32.const 512))", 32);
    assert_eq!(U256::from_big_endian(&price), U256::from(9_000_000_000u64));
    let n = |h: &mut Harness, f: &str| {
        let out = output_of(h, &format!("(i64.store (i32.const 512) (call ${f}))"), 8);
        u64::from_le_bytes(out.try_into().unwrap())
    };
    assert_eq!(n(&mut h, "block_number"), 77);
    assert_eq!(n(&mut h, "block_timestamp"), 1_700_000_000);
    assert_eq!(n(&mut h, "block_gas_limit"), 30_000_000);
    assert_eq!(n(&mut h, "chainid"), 31337);
    let left = n(&mut h, "evm_gas_left");
    assert!(left < GAS && left > GAS - 100, "{left}");
    // contract_address is the callee; msg_value the value sent.
    let a = h.deploy(
        &contract(
            &format!(
                "(call $contract_address (i32.const 512)) (call $msg_value (i32.const 532)) {}",
                ret(512, 52)
            ),
            "",
        ),
        &[],
    );
    let out = h.call_from(BOB, a, &[], U256::from(1234), GAS);
    assert_eq!(&out.output[..20], a.as_bytes());
    assert_eq!(U256::from_big_endian(&out.output[20..]), U256::from(1234));
    assert_eq!(h.state().balance(a).unwrap(), U256::from(1234));
}

#[test]
fn every_host_call_pays_the_base_cost() {
    let mut h = Harness::new();
    let (_, empty) = gas_of(&mut h, "(i32.const 0)");
    let (_, one) = gas_of(&mut h, "(drop (call $block_number)) (i32.const 0)");
    let (_, two) =
        gas_of(&mut h, "(drop (call $block_number)) (drop (call $block_number)) (i32.const 0)");
    assert_eq!(two - one, one - empty);
    assert_eq!(one - empty, gas::HOST_CALL_GAS, "base cost plus a few operators under one gas");
}

#[test]
fn calldata_and_results_round_trip() {
    let mut h = Harness::new();
    // Echoes its calldata.
    let a = h.deploy(&contract("(call $read_args (i32.const 0)) (call $write_result (i32.const 0) (local.get $len)) (i32.const 0)", ""), &[]);
    let data: Vec<u8> = (0..200u8).collect();
    let out = h.call(a, &data, GAS);
    assert_eq!(out.output, data);
    // Revert carries its data and returns the unused gas.
    let r = h.deploy(&contract("(call $read_args (i32.const 0)) (call $write_result (i32.const 0) (local.get $len)) (i32.const 1)", ""), &[]);
    let out = h.call(r, b"nope", GAS);
    assert_eq!(out.status, Status::Revert);
    assert_eq!(out.output, b"nope");
    assert!(out.gas_left > GAS - 1000);
    // exit_early ends the frame from anywhere, with the data set so far.
    let e = h.deploy(&contract("(call $read_args (i32.const 0)) (call $write_result (i32.const 0) (i32.const 2)) (call $exit_early (i32.const 1)) (i32.const 0)", ""), &[]);
    let out = h.call(e, b"xyz", GAS);
    assert_eq!((out.status, out.output), (Status::Revert, b"xy".to_vec()));
    // Any other status is a failure that consumes the gas.
    let f = h.deploy(&contract("(i32.const 7)", ""), &[]);
    let out = h.call(f, &[], GAS);
    assert_eq!((out.status, out.gas_left), (Status::Failure(Failure::BadExitStatus(7)), 0));
    // A pointer outside memory fails the frame.
    let f = h.deploy(
        &contract("(call $write_result (i32.const 65530) (i32.const 100)) (i32.const 0)", ""),
        &[],
    );
    let out = h.call(f, &[], GAS);
    assert!(matches!(out.status, Status::Failure(Failure::BadHostCall(_))));
}

#[test]
fn storage_gas_follows_eip_2200_2929_3529() {
    let mut h = Harness::new();
    // Stores calldata[32..64] at calldata[0..32]; then loads it back.
    let a = h.deploy(&contract(
        "(call $read_args (i32.const 0)) (call $storage_store_bytes32 (i32.const 0) (i32.const 32))
         (call $storage_load_bytes32 (i32.const 0) (i32.const 64)) (call $write_result (i32.const 64) (i32.const 32)) (i32.const 0)",
        "",
    ), &[]);
    let set = |h: &mut Harness, slot: u64, v: u64| {
        let mut data = word(slot).as_bytes().to_vec();
        data.extend_from_slice(word(v).as_bytes());
        let out = h.call(a, &data, GAS);
        assert_eq!(out.status, Status::Success);
        assert_eq!(out.output, word(v).as_bytes());
        (GAS - out.gas_left, out.gas_refund)
    };
    let (fresh, r0) = set(&mut h, 1, 5); // 0 -> 5: set + cold
    let (reset, r1) = set(&mut h, 1, 6); // 5 -> 6: reset + cold
    let (clear, r2) = set(&mut h, 1, 0); // 6 -> 0: reset + cold, refund
    let (noop, r3) = set(&mut h, 1, 0); // 0 -> 0: warm no-op (+ cold, new tx)
    assert_eq!(fresh - reset, gas::SSTORE_SET_GAS - gas::SSTORE_RESET_GAS);
    assert_eq!(reset, clear);
    assert_eq!(reset - noop, gas::SSTORE_RESET_GAS - gas::WARM_ACCESS_GAS);
    assert_eq!((r0, r1, r2, r3), (0, 0, gas::SSTORE_CLEARS_REFUND as i64, 0));
    assert_eq!(h.storage(a, 1), H256::zero());
    // Too little gas (at or below the sentry) fails before writing.
    let mut data = word(9).as_bytes().to_vec();
    data.extend_from_slice(word(1).as_bytes());
    let out = h.call(a, &data, 2_000);
    assert_eq!(out.status, Status::Failure(Failure::OutOfGas));
    assert_eq!(h.storage(a, 9), H256::zero());
}

#[test]
fn gas_at_the_out_of_gas_boundary_is_exact() {
    let mut h = Harness::new();
    let bodies = [
        // Pure compute.
        "(local $i i32) (local.set $i (i32.const 1000)) (loop $l (local.set $i (i32.sub (local.get $i) (i32.const 1))) (br_if $l (local.get $i))) (i32.const 0)",
        // Storage, keccak, logs, memory growth.
        "(i32.store (i32.const 32) (i32.const 7)) (call $storage_store_bytes32 (i32.const 0) (i32.const 32)) (i32.const 0)",
        "(call $native_keccak256 (i32.const 0) (i32.const 1000) (i32.const 0)) (i32.const 0)",
        "(call $emit_log (i32.const 0) (i32.const 100) (i32.const 2)) (i32.const 0)",
        "(drop (memory.grow (i32.const 3))) (i32.const 0)",
    ];
    for body in bodies {
        // Fresh copies, so each run starts from the same state.
        let [a, b, c] = [(); 3].map(|_| h.deploy(&contract(body, ""), &[]));
        let out = h.call(a, &[], GAS);
        assert_eq!(out.status, Status::Success, "{body}");
        let used = GAS - out.gas_left;
        let at = h.call(b, &[], used);
        assert_eq!((at.status.clone(), at.gas_left), (Status::Success, 0), "{body}: N succeeds");
        let below = h.call(c, &[], used - 1);
        assert_eq!(below.status, Status::Failure(Failure::OutOfGas), "{body}: N-1 fails");
        assert_eq!(below.gas_left, 0);
    }
}

#[test]
fn logs_carry_topics_and_data() {
    let mut h = Harness::new();
    let body = "(i32.store8 (i32.const 31) (i32.const 1)) (i32.store8 (i32.const 63) (i32.const 2))
        (i32.store (i32.const 64) (i32.const 0xdeadbeef))
        (call $emit_log (i32.const 0) (i32.const 68) (i32.const 2)) (i32.const 0)";
    let (a, used) = gas_of(&mut h, body);
    assert_eq!(h.logs.len(), 1);
    let log = &h.logs[0];
    assert_eq!(log.address, a);
    assert_eq!(log.topics, vec![word(1), word(2)]);
    assert_eq!(log.data, 0xdeadbeefu32.to_le_bytes());
    assert!(used >= gas::log_gas(2, 4));
    // Five topics, or fewer bytes than the topics need, fail the frame.
    for bad in [
        "(call $emit_log (i32.const 0) (i32.const 200) (i32.const 5)) (i32.const 0)",
        "(call $emit_log (i32.const 0) (i32.const 40) (i32.const 2)) (i32.const 0)",
    ] {
        let b = h.deploy(&contract(bad, ""), &[]);
        let out = h.call(b, &[], GAS);
        assert!(matches!(out.status, Status::Failure(Failure::BadHostCall(_))), "{bad}");
        assert!(h.logs.is_empty());
    }
}

#[test]
fn accounts_and_crypto() {
    let mut h = Harness::new();
    // Balance / code size / code hash of the address at calldata[0..20].
    let a = h.deploy(&contract(
        "(call $read_args (i32.const 0))
         (call $account_balance (i32.const 0) (i32.const 512))
         (i32.store (i32.const 544) (call $account_code_size (i32.const 0)))
         (call $account_codehash (i32.const 0) (i32.const 548)) (call $write_result (i32.const 512) (i32.const 68)) (i32.const 0)",
        "",
    ), &[]);
    let out = h.call(a, BOB.as_bytes(), GAS);
    assert_eq!(U256::from_big_endian(&out.output[..32]), U256::exp10(24));
    assert_eq!(&out.output[32..36], &[0, 0, 0, 0]);
    assert_eq!(H256::from_slice(&out.output[36..]), basalt_primitives::KECCAK_EMPTY);
    let out = h.call(a, a.as_bytes(), GAS);
    let code = h.state().code(a).unwrap();
    assert_eq!(u32::from_le_bytes(out.output[32..36].try_into().unwrap()) as usize, code.len());
    assert_eq!(H256::from_slice(&out.output[36..]), keccak256(&code));
    let nobody = Address::repeat_byte(0x77);
    let cold = h.call(a, nobody.as_bytes(), GAS);
    assert_eq!(H256::from_slice(&cold.output[36..]), H256::zero(), "EIP-1052: zero for absent");
    let warm = h.call(a, nobody.as_bytes(), GAS);
    assert_eq!(warm.gas_left - cold.gas_left, 0, "each transaction starts cold again");
    assert!(
        GAS - cold.gas_left >= gas::COLD_ACCOUNT_ACCESS_GAS + 2 * gas::WARM_ACCESS_GAS,
        "first access cold, then warm"
    );

    // keccak256.
    let out = output_of(&mut h, "(i32.store (i32.const 0) (i32.const 0x64636261)) (call $native_keccak256 (i32.const 0) (i32.const 4) (i32.const 512))", 32);
    assert_eq!(out, keccak256(b"abcd").as_bytes());

    // ecrecover, with a low-s and the equivalent high-s signature.
    let key = basalt_primitives::signing_key_from_bytes(&[7u8; 32]).unwrap();
    let signer = basalt_primitives::secret_key_to_address(&key);
    let hash = keccak256(b"message");
    let sig = Signature::sign_hash(hash, &key).unwrap();
    let r = h.deploy(&contract(
        "(call $read_args (i32.const 0))
         (i32.store (i32.const 600) (call $ecrecover (i32.const 0) (i32.load (i32.const 32)) (i32.const 36) (i32.const 68) (i32.const 512)))
         (call $write_result (i32.const 512) (i32.const 92)) (i32.const 0)",
        "",
    ), &[]);
    let call = |h: &mut Harness, v: u32, s: U256| {
        let mut d = hash.as_bytes().to_vec();
        d.extend_from_slice(&v.to_le_bytes());
        d.extend_from_slice(&sig.r.to_big_endian());
        d.extend_from_slice(&s.to_big_endian());
        let out = h.call(r, &d, GAS);
        (Address::from_slice(&out.output[..20]), out.output[88])
    };
    assert_eq!(call(&mut h, 27 + u32::from(sig.y_parity), sig.s), (signer, 1));
    let high_s = basalt_primitives::SECP256K1_N - sig.s;
    assert_eq!(call(&mut h, 28 - u32::from(sig.y_parity), high_s), (signer, 1));
    assert_eq!(call(&mut h, 29, sig.s).1, 0, "bad v");
    assert_eq!(call(&mut h, 27, U256::zero()).1, 0, "zero s");
}

/// A contract that forwards its calldata's tail to the address in its head
/// with the given host call (`$call_contract`, `$static_call_contract`, or
/// `$delegate_call_contract`), then returns status ‖ return data.
fn proxy(kind: &str) -> String {
    let call = match kind {
        "call" => "(call $call_contract (i32.const 0) (i32.const 20) (i32.sub (local.get $len) (i32.const 20)) (i32.const 4000) (i64.const -1) (i32.const 4100))",
        "static" => "(call $static_call_contract (i32.const 0) (i32.const 20) (i32.sub (local.get $len) (i32.const 20)) (i64.const -1) (i32.const 4100))",
        _ => "(call $delegate_call_contract (i32.const 0) (i32.const 20) (i32.sub (local.get $len) (i32.const 20)) (i64.const -1) (i32.const 4100))",
    };
    contract(
        &format!(
            "(call $read_args (i32.const 0))
             (i32.store (i32.const 5000) {call})
             (drop (call $read_return_data (i32.const 5004) (i32.const 0) (i32.const 1000)))
             (call $write_result (i32.const 5000) (i32.add (i32.const 4) (i32.load (i32.const 4100)))) (i32.const 0)"
        ),
        "",
    )
}

/// Stores calldata[32..64] at slot calldata[0..32], reverting if calldata[64] is 1.
fn writer() -> String {
    contract(
        "(call $read_args (i32.const 0)) (call $storage_store_bytes32 (i32.const 0) (i32.const 32))
         (call $contract_address (i32.const 200)) (call $write_result (i32.const 200) (i32.const 20))
         (i32.load8_u (i32.const 64))",
        "",
    )
}

fn write_call(target: Address, slot: u64, value: u64, revert: bool) -> Vec<u8> {
    let mut d = target.as_bytes().to_vec();
    d.extend_from_slice(word(slot).as_bytes());
    d.extend_from_slice(word(value).as_bytes());
    d.push(u8::from(revert));
    d
}

#[test]
fn calls_static_calls_and_delegate_calls() {
    let mut h = Harness::new();
    let w = h.deploy(&writer(), &[]);
    let call = h.deploy(&proxy("call"), &[]);
    let stat = h.deploy(&proxy("static"), &[]);
    let deleg = h.deploy(&proxy("delegate"), &[]);

    let out = h.call(call, &write_call(w, 1, 11, false), GAS);
    assert_eq!(&out.output[..4], &[0, 0, 0, 0], "success");
    assert_eq!(&out.output[4..], w.as_bytes(), "callee's own address");
    assert_eq!(h.storage(w, 1), word(11));

    // Static: the write fails the callee; the caller continues.
    let out = h.call(stat, &write_call(w, 2, 22, false), GAS);
    assert_eq!(out.status, Status::Success);
    assert_eq!(&out.output[..4], &2u32.to_le_bytes(), "failure");
    assert_eq!(h.storage(w, 2), H256::zero());

    // Delegate: the writer's code runs on the proxy's storage and address.
    let out = h.call(deleg, &write_call(w, 3, 33, false), GAS);
    assert_eq!(&out.output[4..], deleg.as_bytes());
    assert_eq!(h.storage(deleg, 3), word(33));
    assert_eq!(h.storage(w, 3), H256::zero());

    // Calling an account without code succeeds with empty return data.
    let out = h.call(call, &write_call(BOB, 1, 1, false), GAS);
    assert_eq!(out.output, 0u32.to_le_bytes());
}

#[test]
fn nested_revert_undoes_only_the_inner_frame() {
    let mut h = Harness::new();
    let w = h.deploy(&writer(), &[]);
    // Writes its own slot 1 := 1, calls the writer (which reverts), then
    // writes slot 2 := 2, and emits a log.
    let outer = h.deploy(
        &contract(
            "(call $read_args (i32.const 0))
             (i32.store8 (i32.const 1031) (i32.const 1)) (i32.store8 (i32.const 1063) (i32.const 1))
             (call $storage_store_bytes32 (i32.const 1000) (i32.const 1032))
             (drop (call $call_contract (i32.const 0) (i32.const 20) (i32.const 65) (i32.const 3000) (i64.const -1) (i32.const 3100)))
             (i32.store8 (i32.const 1031) (i32.const 2)) (i32.store8 (i32.const 1063) (i32.const 2))
             (call $storage_store_bytes32 (i32.const 1000) (i32.const 1032))
             (call $emit_log (i32.const 1000) (i32.const 32) (i32.const 1))
             (i32.const 0)",
            "",
        ),
        &[],
    );
    let out = h.call(outer, &write_call(w, 5, 55, true), GAS);
    assert_eq!(out.status, Status::Success);
    assert_eq!(h.storage(outer, 1), word(1));
    assert_eq!(h.storage(outer, 2), word(2));
    assert_eq!(h.storage(w, 5), H256::zero(), "the inner frame's write is undone");
    assert_eq!(h.logs.len(), 1);
}

#[test]
fn value_transfers_and_stipend() {
    let mut h = Harness::new();
    let call = h.deploy(&proxy("call"), &[]);
    h.state().set_balance(call, U256::from(1_000_000)).unwrap();
    // Value 500 (little-endian at 4000..4032 would be wrong: the word is big-endian).
    let sink = Address::repeat_byte(0x55);
    let body = format!(
        "(i32.store8 (i32.const 4031) (i32.const 100)) {}",
        "(call $read_args (i32.const 0))
         (drop (call $call_contract (i32.const 0) (i32.const 20) (i32.const 0) (i32.const 4000) (i64.const 0) (i32.const 4100)))
         (i32.const 0)"
    );
    let payer = h.deploy(&contract(&body, ""), &[]);
    h.state().set_balance(payer, U256::from(1000)).unwrap();
    let out = h.call(payer, sink.as_bytes(), GAS);
    assert_eq!(out.status, Status::Success);
    assert_eq!(h.state().balance(sink).unwrap(), U256::from(100));
    let used = GAS - out.gas_left;
    assert!(used >= gas::CALL_VALUE_GAS + gas::NEW_ACCOUNT_GAS, "{used}");
    // More value than the balance: the call fails, gas kept, nothing moves.
    h.state().set_balance(payer, U256::from(10)).unwrap();
    let out = h.call(payer, sink.as_bytes(), GAS);
    assert_eq!(out.status, Status::Success);
    assert_eq!(h.state().balance(sink).unwrap(), U256::from(100));
}

#[test]
fn create_and_create2_follow_ethereum_address_rules() {
    let mut h = Harness::new();
    let child = wat::parse_str(contract("(i32.const 0)", "")).unwrap();
    // Deploys calldata[32..] with create2 and salt calldata[0..32] when
    // calldata[0] != 0, else with create1; returns status ‖ address.
    let factory = h.deploy(
        &contract(
            "(call $read_args (i32.const 0))
             (if (i32.load8_u (i32.const 0))
               (then (i32.store (i32.const 9000) (call $create2 (i32.const 32) (i32.sub (local.get $len) (i32.const 32)) (i32.const 8000) (i32.const 0) (i32.const 9004) (i32.const 9100))))
               (else (i32.store (i32.const 9000) (call $create1 (i32.const 32) (i32.sub (local.get $len) (i32.const 32)) (i32.const 8000) (i32.const 9004) (i32.const 9100)))))
             (call $write_result (i32.const 9000) (i32.const 24)) (i32.const 0)",
            "",
        ),
        &[],
    );
    let nonce = h.state().nonce(factory).unwrap();
    assert_eq!(nonce, 1, "EIP-161: contracts start at nonce 1");
    let mut data = vec![0u8; 32];
    data.extend_from_slice(&child);
    let out = h.call(factory, &data, GAS);
    assert_eq!(&out.output[..4], &[0, 0, 0, 0]);
    let created = Address::from_slice(&out.output[4..24]);
    assert_eq!(created, create_address(factory, 1));
    assert_eq!(h.state().nonce(factory).unwrap(), 2);
    assert_eq!(&*h.state().code(created).unwrap(), &child[..]);

    let mut data = vec![0xaa; 32];
    data.extend_from_slice(&child);
    let out = h.call(factory, &data, GAS);
    let created2 = Address::from_slice(&out.output[4..24]);
    assert_eq!(created2, create2_address(factory, H256::repeat_byte(0xaa), keccak256(&child)));
    // The same salt and code again collides.
    let out = h.call(factory, &data, GAS);
    assert_eq!(&out.output[..4], &2u32.to_le_bytes());
    assert_eq!(Address::from_slice(&out.output[4..24]), Address::zero());
    // An invalid module fails the create, not the factory.
    let mut data = vec![0u8; 32];
    data.extend_from_slice(b"\0asm garbage");
    let out = h.call(factory, &data, GAS);
    assert_eq!(out.status, Status::Success);
    assert_eq!(&out.output[..4], &2u32.to_le_bytes());
}

#[test]
fn deployment_charges_compile_and_deposit_per_byte() {
    let mut h = Harness::new();
    let small = wat::parse_str(contract("(i32.const 0)", "")).unwrap();
    let big = wat::parse_str(contract(
        "(i32.const 0)",
        &format!("(data (i32.const 0) \"{}\")", "a".repeat(1000)),
    ))
    .unwrap();
    let used = |h: &mut Harness, code: &[u8]| GAS - h.create(ALICE, code.to_vec(), GAS).gas_left;
    let (s, b) = (used(&mut h, &small), used(&mut h, &big));
    let extra = (big.len() - small.len()) as u64;
    assert_eq!(b - s, extra * (gas::COMPILE_GAS_PER_BYTE + gas::CODE_DEPOSIT_GAS_PER_BYTE));
    // Not enough gas for the deposit: the create fails and leaves nothing.
    let out = h.create(ALICE, big.clone(), b - 1);
    assert_eq!(out.status, Status::Failure(Failure::OutOfGas));
}

#[test]
fn self_destruct_moves_the_balance_and_deletes_at_the_end() {
    let mut h = Harness::new();
    let v = h.deploy(
        &contract(
            "(call $read_args (i32.const 0)) (call $self_destruct (i32.const 0)) (i32.const 1)",
            "",
        ),
        &[],
    );
    h.state().set_balance(v, U256::from(999)).unwrap();
    let heir = Address::repeat_byte(0x99);
    let out = h.call(v, heir.as_bytes(), GAS);
    assert_eq!(out.status, Status::Success, "self_destruct ends the frame with success");
    assert_eq!(h.state().balance(heir).unwrap(), U256::from(999));
    assert!(h.state().code(v).unwrap().is_empty(), "code gone after the transaction");
    // In a static call it fails.
    let v2 = h.deploy(
        &contract(
            "(call $read_args (i32.const 0)) (call $self_destruct (i32.const 0)) (i32.const 1)",
            "",
        ),
        &[],
    );
    let stat = h.deploy(&proxy("static"), &[]);
    let mut d = v2.as_bytes().to_vec();
    d.extend_from_slice(heir.as_bytes());
    let out = h.call(stat, &d, GAS);
    assert_eq!(&out.output[..4], &2u32.to_le_bytes());
    assert!(!h.state().code(v2).unwrap().is_empty());
}

#[test]
fn constructor_runs_once_with_its_arguments() {
    let mut h = Harness::new();
    // The constructor stores its argument at slot 0; the entrypoint returns slot 0.
    let wat = contract(
        "(call $storage_load_bytes32 (i32.const 100) (i32.const 200)) (call $write_result (i32.const 200) (i32.const 32)) (i32.const 0)",
        r#"(func (export "user_constructor") (param $n i32) (result i32)
             (call $read_args (i32.const 0)) (call $storage_store_bytes32 (i32.const 100) (i32.const 0)) (i32.const 0))"#,
    );
    let a = h.deploy(&wat, word(4242).as_bytes());
    let out = h.call(a, &[], GAS);
    assert_eq!(out.output, word(4242).as_bytes());
    // A reverting constructor leaves no account behind.
    let bad = contract(
        "(i32.const 0)",
        r#"(func (export "user_constructor") (param i32) (result i32) (i32.const 1))"#,
    );
    let out = h.create(ALICE, wat::parse_str(bad).unwrap(), GAS);
    assert_eq!(out.status, Status::Revert);
    assert!(out.created.is_none());
}
