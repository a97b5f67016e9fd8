//! Deploy-time validation and run-time limits, with small WAT modules.
#![allow(clippy::unwrap_used)]

mod common;

use basalt_vm::{Failure, ModuleError, Status, VmConfig};
use common::*;
use wasmtime::OptLevel;

fn deploy_err(h: &mut Harness, wat: &str) -> ModuleError {
    let out = h.create(ALICE, wat::parse_str(wat).unwrap(), GAS);
    match out.status {
        Status::Failure(Failure::InvalidModule(e)) => {
            assert_eq!(out.gas_left, 0, "a rejected module consumes the gas");
            e
        }
        other => panic!("expected rejection, got {other:?}"),
    }
}

#[test]
fn minimal_module_deploys_and_runs() {
    let mut h = Harness::new();
    let a = h.deploy(&contract("(i32.const 0)", ""), &[]);
    let out = h.call(a, &[], GAS);
    assert_eq!(out.status, Status::Success);
    assert!(out.gas_left < GAS);
}

#[test]
fn forbidden_imports_are_rejected() {
    let mut h = Harness::new();
    for import in [
        r#"(import "env" "no_such_function" (func))"#,
        r#"(import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))"#,
        r#"(import "basalt" "stack_exhausted" (func))"#,
        r#"(import "env" "memory" (memory 1))"#,
    ] {
        let wat = format!(
            "(module {import} (memory (export \"memory\") 1) (func (export \"user_entrypoint\") (param i32) (result i32) i32.const 0))"
        );
        let e = deploy_err(&mut h, &wat);
        assert!(matches!(e, ModuleError::ForbiddenImport { .. }), "{import}: {e}");
    }
    // A host function under the wrong signature.
    let wat = r#"(module (import "env" "read_args" (func (param i64)))
        (memory (export "memory") 1) (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#;
    assert!(matches!(deploy_err(&mut h, wat), ModuleError::ImportSignature { .. }));
}

#[test]
fn oversized_modules_are_rejected() {
    let mut h = Harness::new();
    let big = "\\00".repeat(basalt_vm_abi::limits::MAX_WASM_SIZE);
    let wat = contract("(i32.const 0)", &format!("(data (i32.const 0) \"{big}\")"));
    assert!(matches!(deploy_err(&mut h, &wat), ModuleError::TooLarge { .. }));
}

#[test]
fn structural_rules_are_enforced() {
    let mut h = Harness::new();
    // Start function.
    let e = deploy_err(&mut h, &contract("(i32.const 0)", "(func $s) (start $s)"));
    assert_eq!(e, ModuleError::StartFunction);
    // Floats, in any form.
    let e = deploy_err(
        &mut h,
        &contract("(drop (f64.add (f64.const 1) (f64.const 2))) (i32.const 0)", ""),
    );
    assert!(matches!(e, ModuleError::Invalid { .. }), "{e}");
    // Table growth.
    let e = deploy_err(
        &mut h,
        &contract(
            "(drop (table.grow (ref.null func) (i32.const 1))) (i32.const 0)",
            "(table 1 funcref)",
        ),
    );
    assert!(matches!(e, ModuleError::ForbiddenOperator { operator: "table.grow", .. }), "{e}");
    // Missing entrypoint / memory export; wrong entrypoint type.
    let e = deploy_err(&mut h, r#"(module (memory (export "memory") 1))"#);
    assert_eq!(e, ModuleError::MissingExport { name: "user_entrypoint" });
    let e = deploy_err(
        &mut h,
        r#"(module (memory 1) (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    assert_eq!(e, ModuleError::MissingExport { name: "memory" });
    let e = deploy_err(
        &mut h,
        r#"(module (memory (export "memory") 1) (func (export "user_entrypoint") (result i32) i32.const 0))"#,
    );
    assert!(matches!(e, ModuleError::ExportType { .. }));
    // Memory above the page limit.
    let e = deploy_err(
        &mut h,
        r#"(module (memory (export "memory") 129) (func (export "user_entrypoint") (param i32) (result i32) i32.const 0))"#,
    );
    assert!(matches!(e, ModuleError::MemoryTooLarge { .. }));
    // SIMD.
    let e = deploy_err(&mut h, &contract("(drop (v128.const i64x2 0 0)) (i32.const 0)", ""));
    assert!(matches!(e, ModuleError::Invalid { .. }));
    // Not wasm at all, and an envelope with a bad length.
    let out = h.create(ALICE, b"hello".to_vec(), GAS);
    assert!(matches!(
        out.status,
        Status::Failure(Failure::InvalidModule(ModuleError::Envelope(_)))
    ));
    let mut env = basalt_vm_abi::encode_deploy_prefix(1000).to_vec();
    env.extend_from_slice(b"\0asm");
    let out = h.create(ALICE, env, GAS);
    assert!(matches!(
        out.status,
        Status::Failure(Failure::InvalidModule(ModuleError::Envelope(_)))
    ));
}

#[test]
fn constructor_args_need_a_constructor() {
    let mut h = Harness::new();
    let wasm = wat::parse_str(contract("(i32.const 0)", "")).unwrap();
    let mut data = basalt_vm_abi::encode_deploy_prefix(wasm.len() as u32).to_vec();
    data.extend_from_slice(&wasm);
    data.extend_from_slice(&[1, 2, 3]);
    let out = h.create(ALICE, data, GAS);
    assert_eq!(out.status, Status::Failure(Failure::UnexpectedConstructorArgs));
}

#[test]
fn infinite_loop_halts_by_gas() {
    let mut h = Harness::new();
    let a = h.deploy(&contract("(loop $l (br $l)) (i32.const 0)", ""), &[]);
    let out = h.call(a, &[], 1_000_000);
    assert_eq!(out.status, Status::Failure(Failure::OutOfGas));
    assert_eq!(out.gas_left, 0);
}

#[test]
fn memory_growth_is_charged_and_capped() {
    let mut h = Harness::new();
    // Returns memory.grow's result (as 4 bytes) for the page count in calldata[0].
    let body = "(call $read_args (i32.const 0))
        (i32.store (i32.const 16) (memory.grow (i32.load8_u (i32.const 0))))
        (call $write_result (i32.const 16) (i32.const 4)) (i32.const 0)";
    let a = h.deploy(&contract(body, ""), &[]);
    let grown = |h: &mut Harness, pages: u8| {
        let out = h.call(a, &[pages], GAS);
        assert_eq!(out.status, Status::Success);
        (i32::from_le_bytes(out.output[..4].try_into().unwrap()), GAS - out.gas_left)
    };
    let (r0, g0) = grown(&mut h, 0);
    let (r1, g1) = grown(&mut h, 1);
    let (r10, g10) = grown(&mut h, 10);
    assert_eq!((r0, r1, r10), (1, 1, 1), "old size in pages");
    assert_eq!(g1 - g0, basalt_vm_abi::gas::MEMORY_PAGE_GAS);
    assert_eq!(g10 - g0, 10 * basalt_vm_abi::gas::MEMORY_PAGE_GAS);
    // Past the 128-page limit: refused (-1) and not charged.
    let (r, g) = grown(&mut h, 128);
    assert_eq!(r, -1);
    assert_eq!(g, g0);
    // Too little gas for the pages: out of gas, not a partial grow.
    let out = h.call(a, &[100], 50_000);
    assert_eq!(out.status, Status::Failure(Failure::OutOfGas));
}

/// Recursion depth reached by `$rec` with `locals` extra i64 locals before
/// the budget runs out: the largest n for which calldata n succeeds.
fn max_recursion(h: &mut Harness, locals: usize) -> (u32, Failure) {
    let decl = "(local i64)".repeat(locals);
    let extra = format!(
        "(func $rec (param $n i32) (result i32) {decl}
            (if (result i32) (i32.eqz (local.get $n))
                (then (i32.const 0))
                (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get $n) (i32.const 1)))))))"
    );
    let body =
        "(call $read_args (i32.const 0)) (drop (call $rec (i32.load (i32.const 0)))) (i32.const 0)";
    let a = h.deploy(&contract(body, &extra), &[]);
    let (mut lo, mut hi) = (0u32, 1 << 20);
    let mut failure = None;
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        let out = h.call(a, &mid.to_le_bytes(), 1_000_000_000);
        match out.status {
            Status::Success => lo = mid,
            Status::Failure(f) => {
                failure = Some(f);
                hi = mid
            }
            other => panic!("{other:?}"),
        }
    }
    (lo, failure.unwrap())
}

#[test]
fn deep_recursion_fails_at_the_same_depth_everywhere() {
    let mut speed = Harness::new();
    let mut none =
        Harness::with_config(VmConfig { opt_level: OptLevel::None, ..VmConfig::default() });
    for locals in [0, 8, 100, 1000] {
        let (depth, failure) = max_recursion(&mut speed, locals);
        assert_eq!(failure, Failure::StackExhausted, "the budget, not the native stack, ends it");
        assert_eq!(
            max_recursion(&mut speed, locals),
            (depth, Failure::StackExhausted),
            "same on a rerun"
        );
        assert_eq!(
            max_recursion(&mut none, locals),
            (depth, Failure::StackExhausted),
            "same unoptimised"
        );
        println!("locals {locals}: max recursion depth {depth}");
        assert!(depth > 10, "some recursion must fit");
    }
}

#[test]
fn call_depth_is_limited_to_1024() {
    let mut h = Harness::new();
    // Calls itself with depth+1 until calldata says stop; returns the depth
    // reached (the first failed call's depth) as 4 bytes.
    let body = "
        (call $read_args (i32.const 0))
        (i32.store (i32.const 4) (i32.add (i32.load (i32.const 0)) (i32.const 1)))
        (call $contract_address (i32.const 64))
        (if (i32.eq
              (call $call_contract (i32.const 64) (i32.const 4) (i32.const 4) (i32.const 128)
                                   (i64.const -1) (i32.const 200))
              (i32.const 0))
          (then (call $read_return_data (i32.const 8) (i32.const 0) (i32.const 4)) (drop))
          (else (i32.store (i32.const 8) (i32.load (i32.const 0)))))
        (call $write_result (i32.const 8) (i32.const 4)) (i32.const 0)";
    let a = h.deploy(&contract(body, ""), &[]);
    let out = h.call(a, &0u32.to_le_bytes(), 1_000_000_000_000_000);
    assert_eq!(out.status, Status::Success, "{out:?}");
    let depth = u32::from_le_bytes(out.output[..4].try_into().unwrap());
    assert_eq!(depth, basalt_vm_abi::limits::MAX_CALL_DEPTH);
}
