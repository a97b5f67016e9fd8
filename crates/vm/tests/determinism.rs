//! The same call sequence gives byte-identical results: state root, and per
//! message the status, gas, refund, output and logs; across 100 runs on one
//! VM, a fresh VM with a cold cache, an unoptimised engine, and a fresh
//! process.
#![allow(clippy::unwrap_used)]

mod common;

use basalt_primitives::{Keccak256Hasher, H256, U256};
use basalt_vm::{Vm, VmConfig};
use common::*;
use wasmtime::OptLevel;

/// A contract exercising compute, memory, storage, logs, keccak and a nested
/// call to the address in calldata[0..20] (if any) that may revert.
fn busy() -> String {
    contract(
        "(local $i i32) (local $acc i64)
         (call $read_args (i32.const 0))
         (local.set $i (i32.const 500))
         (loop $l
           (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 6364136223846793005)) (i64.extend_i32_u (local.get $i))))
           (local.set $i (i32.sub (local.get $i) (i32.const 1)))
           (br_if $l (local.get $i)))
         (i64.store (i32.const 1024) (local.get $acc))
         (call $native_keccak256 (i32.const 1024) (i32.const 8) (i32.const 1056))
         (call $storage_store_bytes32 (i32.const 1056) (i32.const 1024))
         (call $emit_log (i32.const 1056) (i32.const 40) (i32.const 1))
         (drop (memory.grow (i32.const 1)))
         (if (i32.ge_u (local.get $len) (i32.const 20))
           (then (drop (call $call_contract (i32.const 0) (i32.const 20) (i32.const 0) (i32.const 2000) (i64.const 100000) (i32.const 2100)))))
         (call $write_result (i32.const 1056) (i32.const 32))
         (i32.load8_u (i32.const 20))",
        "",
    )
}

/// Runs the sequence on `h` and digests everything observable.
fn run_sequence(mut h: Harness) -> H256 {
    let mut d = Keccak256Hasher::new();
    let a = h.deploy(&busy(), &[]);
    let b = h.deploy(&busy(), &[]);
    let mut record = |h: &mut Harness, out: basalt_vm::Outcome| {
        d.update(format!("{:?}|{}|{}|", out.status, out.gas_left, out.gas_refund));
        d.update(&out.output);
        for log in &h.logs {
            d.update(log.address.as_bytes());
            for t in &log.topics {
                d.update(t.as_bytes());
            }
            d.update(&log.data);
        }
    };
    for i in 0..20u8 {
        let mut data = if i % 3 == 0 { b.as_bytes().to_vec() } else { vec![i] };
        data.resize(21, 0);
        data[20] = u8::from(i % 5 == 0); // revert sometimes
        let out = h.call(a, &data, 300_000 + u64::from(i) * 1000);
        record(&mut h, out);
        let out = h.call_from(BOB, b, &[i], U256::from(i), 40_000); // some run out of gas
        record(&mut h, out);
    }
    let (root, _) = h.take_state().commit().unwrap();
    d.update(root.as_bytes());
    d.finalize()
}

#[test]
fn identical_results_across_runs_engines_and_processes() {
    let shared = Vm::new(VmConfig::default()).unwrap();
    let digest = |vm: &Vm<State>| {
        let mut h = Harness::new();
        h.vm = vm.clone();
        run_sequence(h)
    };
    let first = digest(&shared);
    for _ in 0..99 {
        assert_eq!(digest(&shared), first, "repeated run on a warm cache");
    }
    assert_eq!(run_sequence(Harness::new()), first, "fresh VM, cold cache");
    let none = Harness::with_config(VmConfig { opt_level: OptLevel::None, ..VmConfig::default() });
    assert_eq!(run_sequence(none), first, "unoptimised code");

    // A fresh process: this test binary again, running only the child test.
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "child_process_digest", "--nocapture", "--include-ignored"])
        .env("BASALT_DETERMINISM_CHILD", "1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("digest="))
        .unwrap_or_else(|| panic!("{stdout}"));
    assert_eq!(line, format!("{first:x}"), "fresh process with a cold cache");
    println!("determinism digest {first:x}, stable across 100 runs, engines and a fresh process");
}

/// Only does something when run by the test above, in a child process.
#[test]
#[ignore = "run as a child process by identical_results_across_runs_engines_and_processes"]
fn child_process_digest() {
    if std::env::var_os("BASALT_DETERMINISM_CHILD").is_none() {
        return;
    }
    println!("digest={:x}", run_sequence(Harness::new()));
}

#[test]
fn artifacts_survive_a_restart_and_damage_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let config = VmConfig { artifact_dir: Some(dir.path().to_path_buf()), ..VmConfig::default() };
    let first = run_sequence(Harness::with_config(config.clone()));
    let files: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).collect();
    assert!(!files.is_empty(), "artifacts written");
    assert_eq!(run_sequence(Harness::with_config(config.clone())), first, "loaded from disk");
    for f in &files {
        let mut bytes = std::fs::read(f).unwrap();
        let n = bytes.len();
        bytes[n / 2] ^= 0xff;
        std::fs::write(f, bytes).unwrap();
    }
    assert_eq!(run_sequence(Harness::with_config(config)), first, "damaged artifacts recompiled");
}
